"""The static HTML site that `build` writes into dist/site/, read back as files.

The expected pages are computed here from the source files with rdflib, not taken from the site
module; links are followed on disk, as a static host or a browser opening the folder would.
"""

from __future__ import annotations

import re
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import RDF, RDFS

from krakow_clusters.cli import cli
from krakow_clusters.project import Project

from .facet_data import expected_members
from .identity import BASE_IRI, ONTOLOGY_NS

ID = BASE_IRI + "id/"
KC = rdflib.Namespace(ONTOLOGY_NS)


@pytest.fixture(scope="module")
def release(real_release: Path) -> Path:
    """The session's release of the real data (tests/sitepages.py), read here, never changed."""
    return real_release


@pytest.fixture(scope="module")
def sources(project: Project) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in project.dataset_files():
        graph.parse(path, format="turtle")
    return graph


class Page(HTMLParser):
    """The links, element ids and first <h1> of one HTML file."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.h1: str | None = None
        self._in_h1 = False
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "href" in attrs:
            self.hrefs.append(attrs["href"])
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "h1" and self.h1 is None:
            self._in_h1, self.h1 = True, ""

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1 += data


def site_pages(release: Path) -> list[Path]:
    pages = sorted((release / "site").rglob("*.html"))
    assert pages, "the site has no page"
    return pages


def test_every_cluster_has_a_page_with_its_name(release: Path, sources: rdflib.Graph):
    clusters = sorted(set(sources.subjects(RDF.type, KC.ClusterInitiative)))
    assert len(clusters) == 8
    for cluster in clusters:
        page = release / "site" / "id" / "cluster" / (str(cluster).rsplit("/", 1)[1] + ".html")
        assert page.is_file(), f"no page for {cluster}"
        english = [str(x) for x in sources.objects(cluster, RDFS.label) if x.language == "en"]
        assert Page(page).h1 in english
        assert str(cluster) in page.read_text(encoding="utf-8"), "the page shows the IRI"


def test_every_resource_under_id_has_a_page_and_nothing_else_does(
    release: Path, sources: rdflib.Graph
):
    facet_values = expected_members(sources)
    assert facet_values
    documents = {str(s).split("#", 1)[0] for s in sources.subjects() if str(s).startswith(ID)}
    expected = {"id/" + d[len(ID) :] + ".html" for d in documents}
    expected |= {"index.html", "id/index.html", "dataset.html", "search.html"}
    # A page per value of each facet of the index (facet_data.py says which, from the sources).
    expected |= {f"facet/{facet}/{iri.rsplit('/', 1)[1]}.html" for facet, iri in facet_values}
    # The same tree in Polish under pl/.
    expected |= {"pl/" + page for page in expected}
    written = {str(p.relative_to(release / "site")) for p in site_pages(release)}
    assert written == expected


def test_every_link_between_files_resolves(release: Path):
    checked = 0
    for path in site_pages(release):
        page = Page(path)
        for href in page.hrefs:
            if "://" in href or href.startswith("#"):
                continue
            name, _, fragment = href.partition("#")
            target = (path.parent / urllib.request.url2pathname(name)).resolve()
            assert target.is_file(), f"{path.relative_to(release)}: {href} leads nowhere"
            assert release.resolve() in target.parents, f"{href} leaves the release"
            if fragment and "/id/" in target.as_posix():
                assert fragment in Page(target).ids, f"{path.name}: {href}: no such anchor"
            checked += 1
    assert checked > 1000, checked


def test_hash_links_on_a_page_point_at_its_own_sections(release: Path):
    path = release / "site" / "id" / "cluster" / "lifescience-krakow.html"
    page = Page(path)
    local = [h[1:] for h in page.hrefs if h.startswith("#")]
    assert "note-1" in local, "the facts cite their sources"
    assert set(local) <= page.ids
    # A hash IRI of the page (its member count's) leads to where the page states it.
    assert "members" in page.ids


def test_no_link_is_absolute_to_the_host(release: Path):
    for path in site_pages(release):
        hrefs = Page(path).hrefs
        assert not [h for h in hrefs if h.startswith("/")], path
        text = path.read_text(encoding="utf-8")
        assert 'href="/id/' not in text and 'src="/' not in text, path


def test_links_to_resources_with_a_page_stay_in_the_site(release: Path):
    """A resource IRI written as is (a source, a type) is linked to its page, not to w3id.org."""
    for path in site_pages(release):
        for href in Page(path).hrefs:
            if href.startswith(ID):
                page = release / "site" / "id" / (href[len(ID) :].split("#")[0] + ".html")
                assert not page.is_file(), f"{path.name}: {href} has a page in the site"


def test_predicates_of_the_ontology_link_to_its_documentation(release: Path):
    page = Page(release / "site" / "id" / "cluster" / "bim.html")
    docs = [h for h in page.hrefs if h.startswith("../../../ontology/index.en.html#")]
    assert docs, page.hrefs
    anchors = Page(release / "ontology" / "index.en.html").ids
    for href in docs:
        assert href.split("#", 1)[1] in anchors, href


def test_home_page_lists_the_clusters_and_leaves_out_server_only_links(release: Path):
    home = Page(release / "site" / "index.html")
    clusters = [h for h in home.hrefs if h.startswith("id/cluster/")]
    assert len(clusters) == 8
    assert not [h for h in home.hrefs if "sparql" in h or "queries" in h]
    assert "dataset.html" in home.hrefs and "id/index.html" in home.hrefs


def _main(text: str) -> str:
    """The <main> of a page with its links taken out: what the page says. The links to the
    resource's own RDF documents are serve's only (the site has no file per resource)."""
    main = re.split(r"<main[^>]*>", text, maxsplit=1)[1].split("</main>", 1)[0]
    main = re.sub(r"<p>Formats: .*?</p>", "", main)
    return re.sub(r' href="[^"]*"', "", main)


def test_site_pages_say_what_serve_pages_say(release: Path, app):
    """The same views and templates: a page of the site and serve's page of the same resource
    differ only in their links."""
    for path in ("/id/cluster/lifescience-krakow", "/id/organization/agh-university", "/"):
        with urllib.request.urlopen(app.base + path, timeout=30) as response:
            served = response.read().decode("utf-8")
        name = "index.html" if path == "/" else path[1:] + ".html"
        built = (release / "site" / name).read_text(encoding="utf-8")
        if path == "/":  # the introduction says how the names are linked; the table is the same
            table = '<table class="clusters">'
            served, built = served.split(table, 1)[1], built.split(table, 1)[1]
            served, built = served.split("</table>", 1)[0], built.split("</table>", 1)[0]
            assert re.sub(r' href="[^"]*"', "", served) == re.sub(r' href="[^"]*"', "", built)
        else:
            assert _main(served) == _main(built), path


def test_no_site_leaves_the_site_out(project: Project, tmp_path: Path):
    out = tmp_path / "dist"
    result = CliRunner().invoke(
        cli,
        ["build", "--out", str(out), "--no-site"],
        env={"KRAKOW_CLUSTERS_HOME": str(project.root)},
    )
    assert result.exit_code == 0, result.output
    assert (out / "void.ttl").is_file()
    assert not (out / "site").exists()
    assert "site/" not in result.output


def test_cli_lists_the_site_in_one_line(project: Project, tmp_path: Path):
    out = tmp_path / "dist"
    result = CliRunner().invoke(
        cli, ["build", "--out", str(out)], env={"KRAKOW_CLUSTERS_HOME": str(project.root)}
    )
    assert result.exit_code == 0, result.output
    pages = len(list((out / "site").rglob("*.html")))
    assert f"site/ ({pages:,} pages)" in result.output
    assert "site/id/" not in result.output

"""The resource pages for people, on the real data: a cluster's facts with their sources as
footnotes, in English and Polish; an organisation's clusters by role; a sector's hierarchy and the
clusters of its narrower sectors; /id/ with counts per kind. Read from a running `serve` and from
the static site that `build` writes, with an HTML parser."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, SKOS

from krakow_clusters.project import Project
from krakow_clusters.release.build import build

from .appserver import get
from .conftest import ROOT
from .identity import BASE_IRI, ONTOLOGY_NS

ID = BASE_IRI + "id/"
KC = rdflib.Namespace(ONTOLOGY_NS)
ARTICLE = "https://kma4business.metropoliakrakowska.pl/aktualnosci/innovative-clusters-in-the-krakow-metropolitan-area"
VOID_ELEMENTS = {"br", "img", "input", "link", "meta", "hr", "source", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find(self, **attrs: str) -> Element | None:
        matches = (e for e in self.iter() if all(e.attrs.get(k) == v for k, v in attrs.items()))
        return next(matches, None)

    def all(self, tag: str) -> list[Element]:
        return [e for e in self.iter() if e.tag == tag]

    def language(self) -> str | None:
        """The language this element is in: its own lang or its nearest ancestor's."""
        element: Element | None = self
        while element is not None:
            if element.attrs.get("lang"):
                return element.attrs["lang"]
            element = element.parent
        return None


class Document(HTMLParser):
    """A page as a tree of elements (enough for well-formed pages)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.root = Element("#document", {}, None)
        self.current = self.root
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in VOID_ELEMENTS:
            self.current = element

    def handle_endtag(self, tag):
        element = self.current
        while element is not None and element.tag != tag:
            element = element.parent
        assert element is not None, f"</{tag}> closes nothing"
        self.current = element.parent

    def handle_data(self, data):
        self.current.children.append(data)


def page(app, path: str) -> Element:
    status, _headers, body = get(app.base + path, "text/html")
    assert status == 200, (path, status)
    return Document(body.decode("utf-8")).root


def fact(root: Element, key: str) -> Element | None:
    """The <dd> of the fact `key` (`<dt id="fact-key">`), or None when the page has no such row."""
    dt = root.find(id=f"fact-{key}")
    if dt is None:
        return None
    siblings = [c for c in dt.parent.children if isinstance(c, Element)]
    dd = siblings[siblings.index(dt) + 1]
    assert dd.tag == "dd"
    return dd


def footnotes_of(root: Element, element: Element) -> list[str]:
    """The texts of the footnotes that `element` cites."""
    texts = []
    for a in element.all("a"):
        href = a.attrs.get("href") or ""
        if href.startswith("#note-"):
            note = root.find(id=href[1:])
            assert note is not None and note.tag == "li", f"{href} leads nowhere"
            texts.append(note.text())
    return texts


@pytest.fixture(scope="module")
def sources(project: Project) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in project.dataset_files():
        graph.parse(path)
    return graph


# --- a cluster ----------------------------------------------------------------------------------


def test_a_cluster_page_says_size_roles_and_status_with_their_sources(app):
    root = page(app, "/en/id/cluster/lifescience-krakow")
    assert root.find(id="facts") is not None
    size = fact(root, "size")
    assert "“more than 70 private and public entities”" in size.text()
    assert "qualifier: more than" in size.text()
    assert any(n.startswith("What the article states") for n in footnotes_of(root, size))
    article = next(li for li in root.all("li") if li.text().startswith("What the article states"))
    links = [a.attrs["href"] for a in article.all("a")]
    assert ARTICLE in links
    coordinator = fact(root, "role-coordinator")
    assert coordinator.text().startswith("LifeScience Kraków Cluster Foundation")
    assert coordinator.find(href="/en/id/organization/lifescience-krakow-cluster-foundation")
    partner = fact(root, "role-partner")
    assert "Municipality of Kraków" in partner.text()
    status = fact(root, "status")
    assert "National Key Cluster" in status.text() and "since 21 October 2016" in status.text()
    sectors = fact(root, "sector").text()
    assert "biotechnology" in sectors and "life sciences" in sectors
    by = "(the curators of the Kraków clusters knowledge graph, 24 November 2026)"
    assert footnotes_of(root, fact(root, "sector")) == [f"Classifications by the curators {by}"] * 2
    description = root.find(**{"class": "description"})
    assert description.text().startswith("A cluster of more than 70 private and public entities")
    assert footnotes_of(root, description)[0].startswith("Summaries by the curators")
    # Then the statements, as data, with the format links.
    data = root.find(id="as-data")
    assert data is not None and data.find(href="/id/cluster/lifescience-krakow.ttl")


@pytest.mark.parametrize(
    ("cluster", "row", "wording", "qualifier"),
    [
        ("bim", "size", "almost 50 members in total", "almost"),
        ("lifescience-krakow", "size", "more than 70 private and public entities", "more than"),
        # Partners are not members: their count is a row of its own, not the size.
        ("sustainable-infrastructure", "partners", "More than 130 partners", "more than"),
        ("south-poland-cleantech", "size", "80 companies and institutions", "as stated"),
    ],
)
def test_size_is_the_wording_and_qualifier_of_the_source(app, cluster, row, wording, qualifier):
    root = page(app, f"/en/id/cluster/{cluster}")
    size = fact(root, row)
    assert f"“{wording}”" in size.text()
    assert f"qualifier: {qualifier}" in size.text()
    # The number of a qualified count is shown as the number stated, never as the count.
    if qualifier != "as stated":
        assert "number stated: " in size.text()
    if row == "partners":
        assert fact(root, "size") is None


def test_a_fact_the_data_lacks_is_not_shown(app, sources):
    root = page(app, "/en/id/cluster/cracov-movies")
    cluster = rdflib.URIRef(ID + "cluster/cracov-movies")
    assert not list(sources.objects(cluster, KC.memberCount))
    assert fact(root, "size") is None and fact(root, "status") is None
    assert fact(root, "foundingDate") is None
    for dd in root.all("dd"):
        assert dd.text().strip(), "no empty row"
    names = fact(root, "name").text()
    assert "Cracov Movies Cluster" in names and "Krakowski Klaster Filmowy" in names


def test_the_founding_host_and_regions_with_their_origins(app):
    root = page(app, "/en/id/cluster/malopolsko-podkarpacki-clean-energy")
    assert fact(root, "foundingDate").text().startswith("2006")
    host = fact(root, "role-host-institution")
    assert host.text().startswith("AGH University of Science and Technology")
    regions = fact(root, "memberRegion")
    assert "Lesser Poland Voivodeship" in regions.text()
    assert any(n.startswith("Interpretations by the curators") for n in footnotes_of(root, regions))
    # A breakdown by member type is its picture, with its table and the sources of its counts.
    lighting = page(app, "/en/id/cluster/intelligent-lighting")
    breakdown = fact(lighting, "breakdown")
    rows = [tr.text() for tr in breakdown.find(**{"class": "alt"}).all("tr")]
    assert "enterprises31 “31 lighting companies”" in rows
    notes = footnotes_of(lighting, breakdown.all("figcaption")[0])
    assert notes[0].startswith("What the article states")
    assert notes[1].startswith("Classifications by the curators")


def test_the_polish_page_shows_polish_names_and_marks_english_ones(app):
    root = page(app, "/pl/id/cluster/malopolsko-podkarpacki-clean-energy")
    assert root.all("h1")[0].text() == "Małopolsko-Podkarpacki Klaster Czystej Energii"
    assert root.all("html")[0].attrs["lang"] == "pl"
    assert "czysta energia" in fact(root, "sector").text()
    assert "województwo małopolskie" in fact(root, "memberRegion").text()
    description = root.find(**{"class": "description"})
    assert description.text().startswith("Utworzony w 2006 r.")
    assert description.language() == "pl"
    assert footnotes_of(root, description)[0].startswith("Tłumaczenia redakcji")
    size = fact(root, "size")
    assert "kwalifikator: w brzmieniu źródła" in size.text()
    wording = next(e for e in size.iter() if e.text() == "42 institutions")
    assert wording.language() == "en", "the English wording is marked as English"
    # A name the article gives only in English: the curators' Polish name, cited as theirs.
    root = page(app, "/pl/id/cluster/lifescience-krakow")
    assert root.all("h1")[0].text() == "Klaster LifeScience Kraków"
    assert root.all("h1")[0].attrs.get("lang") != "en"
    names = fact(root, "name")
    assert any(n.startswith("Tłumaczenia redakcji") for n in footnotes_of(root, names))
    coordinator = fact(root, "role-coordinator")
    link = coordinator.all("a")[0]
    assert link.text() == "Fundacja Klastra LifeScience Kraków" and link.language() != "en"
    # The article's wording of the count stays English, marked as such.
    wording = next(e for e in fact(root, "size").iter() if e.text().startswith("more than 70"))
    assert wording.language() == "en"
    status = fact(root, "status").text()
    assert "Krajowy Klaster Kluczowy" in status and "od 21 października 2016" in status
    marked = [e for e in root.iter() if e.attrs.get("lang") == "en"]
    assert len(marked) > 5


CLUSTERS = sorted(
    str(c).rsplit("/", 1)[1]
    for c in rdflib.Graph()
    .parse(ROOT / "data" / "clusters.ttl")
    .subjects(rdflib.RDF.type, KC.ClusterInitiative)
)


def test_every_cluster_was_found():
    assert len(CLUSTERS) == 8


@pytest.mark.parametrize("cluster", CLUSTERS)
def test_the_polish_page_of_every_cluster_shows_a_polish_name(app, cluster):
    root = page(app, f"/pl/id/cluster/{cluster}")
    heading = root.all("h1")[0]
    assert heading.attrs.get("lang") != "en", heading.text()


# --- organisations, sectors, concepts, /id/ -------------------------------------------------------


@pytest.mark.parametrize(
    ("organisation", "role", "cluster"),
    [
        ("lifescience-krakow-cluster-foundation", "Coordinator", "lifescience-krakow"),
        ("municipality-of-krakow", "Partner", "lifescience-krakow"),
        ("agh-university", "Host institution", "malopolsko-podkarpacki-clean-energy"),
        ("modern-cast", "Coordinator", "innovative-foundry"),
    ],
)
def test_an_organisation_lists_its_clusters_by_role(app, organisation, role, cluster):
    root = page(app, f"/en/id/organization/{organisation}")
    roles = root.find(id="roles")
    headings = [h.text() for h in roles.all("h3")]
    assert role in headings
    heading = roles.all("h3")[headings.index(role)]
    siblings = [c for c in heading.parent.children if isinstance(c, Element)]
    listed = siblings[siblings.index(heading) + 1]
    assert listed.find(href=f"/en/id/cluster/{cluster}") is not None


def narrower(graph: rdflib.Graph, concept: rdflib.URIRef) -> set[rdflib.URIRef]:
    found, frontier = {concept}, {concept}
    while frontier:
        step = {n for c in frontier for n in graph.objects(c, SKOS.narrower)}
        step |= {n for c in frontier for n in graph.subjects(SKOS.broader, c)}
        frontier = step - found
        found |= step
    return found


@pytest.mark.parametrize(
    "sector", ["construction", "cleantech", "life-sciences", "ict", "lighting"]
)
def test_a_sector_lists_the_clusters_of_its_narrower_sectors(app, sources, sector):
    concept = rdflib.URIRef(ID + "sector/" + sector)
    expected = {
        str(c)[len(ID) :]
        for s in narrower(sources, concept)
        for c in sources.subjects(KC.sector, s)
    }
    assert expected, "the sector has clusters"
    root = page(app, f"/en/id/sector/{sector}")
    section = root.find(id="clusters-sector")
    hrefs = [a.attrs["href"] for a in section.all("a")]
    listed = {h[len("/en/id/") :] for h in hrefs if "/cluster/" in h}
    assert listed == expected


def test_a_sector_shows_its_hierarchy(app):
    root = page(app, "/en/id/sector/it-in-construction")
    chains = [p.text() for p in root.find(id="hierarchy").all("p")]
    assert any("construction industry ›" in c for c in chains)
    assert any("information and communication technologies ›" in c for c in chains)
    top = page(app, "/en/id/sector/construction").find(id="hierarchy")
    assert {"green building", "information technologies in construction"} <= {
        li.text() for li in top.all("li")
    }


def test_vocabulary_concepts_show_their_labels(app):
    root = page(app, "/en/id/count-qualifier/more-than")
    assert root.all("h1")[0].text() == "more than"
    names = fact(root, "name").text()
    assert "more than" in names and "ponad" in names
    index = page(app, "/en/id/")
    texts = [a.text() for a in index.all("a") if (a.attrs.get("href") or "").startswith("/en/id/")]
    assert "as stated" in texts and "National Key Cluster" in texts
    assert not [t for t in texts if t.startswith("https://")], "no bare IRI"


def test_the_index_counts_each_kind_in_both_languages(app, sources):
    clusters = len(set(sources.subjects(RDF.type, KC.ClusterInitiative)))
    organisations = {s for s in sources.subjects() if str(s).startswith(ID + "organization/")}
    english = page(app, "/en/id/").find(id="cluster").text()
    assert english == f"Clusters ({clusters} clusters)"
    polish = page(app, "/pl/id/")
    assert polish.find(id="cluster").text() == f"Klastry ({clusters} klastrów)"
    assert (
        polish.find(id="organization").text() == f"Organizacje ({len(organisations)} organizacje)"
    )


# --- the static site ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pages") / "dist"
    assert build(project, out).built
    return out / "site"


def read(site: Path, name: str) -> Element:
    return Document((site / name).read_text(encoding="utf-8")).root


def test_the_static_cluster_page_has_the_facts_and_footnotes(site: Path):
    root = read(site, "pl/id/cluster/bim.html")
    size = fact(root, "size")
    assert "“almost 50 members in total”" in size.text() and "prawie" in size.text()
    assert footnotes_of(root, size)[0].startswith("Co podaje artykuł")
    sector = fact(root, "sector")
    assert sector.find(href="../sector/construction.html") is not None, "links stay in Polish"
    assert root.find(id="as-data") is not None


def test_the_static_sector_page_lists_narrower_clusters(site: Path):
    root = read(site, "id/sector/construction.html")
    section = root.find(id="clusters-sector")
    hrefs = {a.attrs["href"] for a in section.all("a")}
    assert {"../cluster/bim.html", "../cluster/sustainable-infrastructure.html"} <= hrefs
    for href in hrefs:
        assert (site / "id" / "sector" / href).resolve().is_file(), href


def test_identity_links_and_close_matches_are_told_apart(app):
    agh = page(app, "/en/id/organization/agh-university")
    assert fact(agh, "same-as") is None
    close = fact(agh, "close-match")
    assert close.text().startswith("Wikidata Q1132271")
    assert close.find(href="http://www.wikidata.org/entity/Q1132271") is not None
    sector = page(app, "/en/id/sector/construction")
    same = fact(sector, "same-as")
    assert same.text().startswith("Wikidata Q13405640")
    assert footnotes_of(sector, same)[0].startswith("Links to Wikidata, reviewed by the curators")


def breakdowns(graph: rdflib.Graph) -> dict[str, int]:
    """Clusters whose members the source counts by type, with the number of counts."""
    found: dict[str, int] = {}
    for cluster in graph.subjects(RDF.type, KC.ClusterInitiative):
        parts = list(graph.objects(cluster, KC.memberTypeCount))
        if parts:
            found[str(cluster).rsplit("/", 1)[1]] = len(parts)
    return found


def test_a_cluster_counted_by_type_has_the_picture_of_its_composition(site: Path, sources):
    counted = breakdowns(sources)
    assert counted, "the source counts some cluster's members by type"
    clusters = {str(c).rsplit("/", 1)[1] for c in sources.subjects(RDF.type, KC.ClusterInitiative)}
    assert len(clusters) == 8
    for slug in sorted(clusters):
        for name in (f"id/cluster/{slug}.html", f"pl/id/cluster/{slug}.html"):
            root = read(site, name)
            figures = root.all("figure")
            if slug not in counted:
                assert not figures, f"{name}: a picture where the source gives no breakdown"
                continue
            assert len(figures) == 1, name
            svg = figures[0].all("svg")
            assert len(svg) == 1 and svg[0].attrs.get("role") == "img", name
            rows = figures[0].all("table")[0].all("tr")
            assert len(rows) == 1 + counted[slug], f"{name}: one row per count, and the header"

"""The release's promises, kept by a running server: every URL that void.ttl (read from a real
build) declares answers on `serve` (the base IRI mapped onto its address) with the declared file,
and the dataset page tells a person what the files are, how to cite the dataset and where its
description is. The static site's dataset page is read from the same build.

Independent readers: void.ttl is parsed with rdflib, pages with html.parser, sizes and checksums
recomputed from the bytes received.
"""

from __future__ import annotations

import hashlib
import re
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from rdflib import FOAF, RDF, URIRef
from rdflib.namespace import DCTERMS

from krakow_clusters.pages.schemaorg import DATASET_CLASSES, DATASET_PROPERTIES

from .appserver import AppServer, get, start_server
from .identity import BASE_IRI
from .test_schemaorg import embedded

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
IANA = "http://www.iana.org/assignments/media-types/"


@pytest.fixture(scope="module")
def release(real_release: Path) -> Path:
    """The session's release of the real data (tests/sitepages.py), read here, never changed."""
    return real_release


@pytest.fixture(scope="module")
def server(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    yield from start_server(tmp_path_factory.mktemp("serve-release"), "--dist", str(release))


@pytest.fixture(scope="module")
def void(release: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(release / "void.ttl", format="turtle")


def on_server(server: AppServer, iri: str) -> str:
    """Where `serve` answers an IRI under the base: the base mapped onto the server's address."""
    assert iri.startswith(BASE_IRI), iri
    return server.base + "/" + iri[len(BASE_IRI) :]


def declared_files(void: rdflib.Graph) -> dict[str, URIRef]:
    """Every dcat:downloadURL and dcat:accessURL of a distribution, with its distribution."""
    found = {}
    for prop in (DCAT.downloadURL, DCAT.accessURL):
        for dist, url in void.subject_objects(prop):
            assert (dist, RDF.type, DCAT.Distribution) in void
            found[str(url)] = dist
    return found


def test_every_download_url_answers_with_the_declared_file(server: AppServer, void: rdflib.Graph):
    files = declared_files(void)
    assert len(files) >= 14, "void.ttl declares the release's files"
    for url, dist in sorted(files.items()):
        status, headers, body = get(on_server(server, url))
        assert status == 200, (url, status, body[:200])
        media = str(void.value(dist, DCAT.mediaType))
        assert media.startswith(IANA)
        content_type = headers["Content-Type"].split(";")[0].strip()
        assert content_type == media[len(IANA) :], url
        assert len(body) == int(void.value(dist, DCAT.byteSize)), url
        checksum = void.value(void.value(dist, SPDX.checksum), SPDX.checksumValue)
        assert hashlib.sha256(body).hexdigest() == str(checksum), url


def test_every_other_declared_url_answers(server: AppServer, void: rdflib.Graph):
    """The dumps, the SPARQL endpoint, the landing page and the catalogue's homepage."""
    urls = {
        str(o)
        for p in (VOID.dataDump, VOID.sparqlEndpoint, DCAT.landingPage, FOAF.homepage)
        for o in void.objects(None, p)
        if str(o).startswith(BASE_IRI)
    }
    assert BASE_IRI + "sparql" in urls and BASE_IRI + "krakow-clusters.nq" in urls
    for url in sorted(urls):
        status, _headers, body = get(on_server(server, url))
        assert status == 200, (url, status, body[:200])


def test_the_description_answers_as_the_file_it_is(server: AppServer, release: Path):
    status, headers, body = get(server.base + "/void.ttl")
    assert status == 200
    assert headers["Content-Type"].startswith("text/turtle")
    assert body == (release / "void.ttl").read_bytes()


def test_files_are_offered_for_saving_and_revalidated(server: AppServer):
    status, headers, _body = get(server.base + "/krakow-clusters.ttl")
    assert status == 200
    assert headers["Content-Disposition"] == 'attachment; filename="krakow-clusters.ttl"'
    assert headers["Cache-Control"] == "no-cache"
    etag = headers["ETag"]
    status, headers, body = get(server.base + "/krakow-clusters.ttl", **{"If-None-Match": etag})
    assert status == 304 and body == b"" and headers["ETag"] == etag
    status, _headers, _body = get(server.base + "/krakow-clusters.ttl", **{"If-None-Match": '"x"'})
    assert status == 200
    # A page is shown, not saved.
    status, headers, _body = get(server.base + "/ontology/index.en.html")
    assert status == 200 and "Content-Disposition" not in headers


def test_nothing_else_of_dist_is_answered_at_the_top(server: AppServer, release: Path):
    assert (release / ".htaccess").is_file()
    for path in ("/.htaccess", "/site/index.html", "/krakow-clusters.txt"):
        status, _headers, _body = get(server.base + path)
        assert status == 404, path


# --- the dataset page ---------------------------------------------------------------------------


class Page(HTMLParser):
    """The parts of the dataset page a person reads: the downloads table's rows (cells and link),
    every link with its attributes, the <pre> blocks, <details> and the "as data" alternates."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self.links: list[dict] = []
        self.pres: list[str] = []
        self.details = 0
        self.html_lang: str | None = None
        self._table = self._row = self._pre = None
        self._cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "table" and "downloads" in (attrs.get("class") or ""):
            self._table = True
        elif tag == "tr" and self._table:
            self._row = {"cells": [], "href": None, "url": None}
        elif tag == "td" and self._row is not None:
            self._cell = []
        elif tag == "a":
            self.links.append(attrs)
            if self._cell is not None:
                self._row["href"], self._row["url"] = attrs.get("href"), attrs.get("data-url")
        elif tag == "pre":
            self._pre = []
        elif tag == "details":
            self.details += 1

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "tr" and self._row is not None:
            if self._row["cells"]:
                self.rows.append(self._row)
            self._row = None
        elif tag == "td" and self._cell is not None:
            self._row["cells"].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "pre" and self._pre is not None:
            self.pres.append("".join(self._pre))
            self._pre = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._pre is not None:
            self._pre.append(data)


def bibtex_fields(text: str) -> tuple[str, str, dict[str, str]]:
    """(entry type, key, fields) of one BibTeX entry; fails on unbalanced braces."""
    match = re.fullmatch(r"\s*@(\w+)\{([^,\s]+),\s*(.*)\}\s*", text, re.S)
    assert match, text
    kind, key, body = match.groups()
    fields = {}
    for field in re.finditer(r"(\w+)\s*=\s*\{", body):
        depth, i = 1, field.end()
        while depth:
            assert i < len(body), f"unbalanced braces in {field.group(1)}"
            depth += {"{": 1, "}": -1}.get(body[i], 0)
            i += 1
        fields[field.group(1)] = body[field.end() : i - 1]
    return kind, key, fields


def test_dataset_page_lists_every_file_with_a_working_link(server: AppServer, void: rdflib.Graph):
    status, _headers, body = get(server.base + "/dataset", "text/html")
    assert status == 200
    page = Page(body.decode("utf-8"))
    files = declared_files(void)
    rows = {row["url"]: row for row in page.rows}
    assert set(rows) == set(files), "one row per distribution"
    for url, dist in files.items():
        row = rows[url]
        media = str(void.value(dist, DCAT.mediaType))[len(IANA) :]
        size = int(void.value(dist, DCAT.byteSize))
        _title, _format, shown_media, human, exact = row["cells"]
        assert shown_media == media
        assert int(exact.replace(",", "")) == size
        assert re.fullmatch(r"[0-9]+(\.[0-9])?\s(B|kB|MB)", human), human
        status, headers, content = get(server.base + row["href"])
        assert status == 200 and len(content) == size, row["href"]
        assert headers["Content-Type"].split(";")[0] == media


def test_dataset_page_has_licence_source_endpoint_and_description(
    server: AppServer, void: rdflib.Graph
):
    _status, _headers, body = get(server.base + "/dataset", "text/html")
    page = Page(body.decode("utf-8"))
    dataset = next(void.subjects(RDF.type, DCAT.Dataset))
    catalog = next(void.subjects(DCAT.dataset, dataset))
    licence = str(void.value(dataset, DCTERMS.license) or void.value(catalog, DCTERMS.license))
    assert licence.startswith("https://")
    assert any(a.get("rel") == "license" and a.get("href") == licence for a in page.links)
    hrefs = {a.get("href") for a in page.links}
    for source in void.objects(dataset, rdflib.namespace.PROV.wasDerivedFrom):
        assert str(source).replace(BASE_IRI, "/") in hrefs, source
    assert any(a.get("id") == "sparql-endpoint" and a.get("href") == "/sparql" for a in page.links)
    assert "/void.ttl" in hrefs, "the DCAT graph is one click away"
    assert page.details == 1, "the statements of the description, collapsed"
    # Every "as data" link answers (Turtle is void.ttl as built).
    alternates = [a["href"] for a in page.links if a.get("href", "").startswith("/dataset.")]
    for href in ["/void.ttl", *alternates]:
        status, _headers, _body = get(server.base + href)
        assert status == 200, href


def test_dataset_page_says_how_to_cite_with_what_void_states(server: AppServer, void: rdflib.Graph):
    _status, _headers, body = get(server.base + "/dataset", "text/html")
    page = Page(body.decode("utf-8"))
    dataset = next(void.subjects(RDF.type, DCAT.Dataset))
    entries = [p for p in page.pres if p.lstrip().startswith("@")]
    assert len(entries) == 1, page.pres
    kind, key, fields = bibtex_fields(entries[0])
    assert kind == "misc" and key
    title = next(t for t in void.objects(dataset, DCTERMS.title) if t.language == "en")
    publisher = void.value(void.value(dataset, DCTERMS.publisher), FOAF.name)
    assert fields["title"] == "{" + str(title) + "}"
    assert fields["publisher"] == str(publisher)
    assert fields["version"] == str(void.value(dataset, DCAT.version))
    assert fields["year"] == str(void.value(dataset, DCTERMS.issued))[:4]
    assert fields["url"] == str(dataset)
    assert "author" not in fields, "void.ttl names no author"
    text = body.decode("utf-8")
    citation = re.search(r'<p class="citation">(.*?)</p>', text, re.S).group(1)
    for part in (str(title), str(publisher), str(dataset), fields["version"], fields["year"]):
        assert part in citation, part


def test_static_dataset_page_links_the_files_beside_it(release: Path, void: rdflib.Graph):
    path = release / "site" / "dataset.html"
    text = path.read_text(encoding="utf-8")
    page = Page(text)
    files = declared_files(void)
    rows = {row["url"]: row for row in page.rows}
    assert set(rows) == set(files)
    for url, dist in files.items():
        target = (path.parent / urllib.request.url2pathname(rows[url]["href"])).resolve()
        assert target == (release / url[len(BASE_IRI) :]).resolve(), url
        assert target.stat().st_size == int(void.value(dist, DCAT.byteSize))
    assert not any(a.get("id") == "sparql-endpoint" for a in page.links), "no server to query"
    assert "cannot run queries" in text
    assert any(a.get("href") == "../void.ttl" for a in page.links)


def test_polish_dataset_page(server: AppServer, void: rdflib.Graph):
    status, _headers, body = get(server.base + "/pl/dataset", "text/html")
    assert status == 200
    text = body.decode("utf-8")
    page = Page(text)
    assert page.html_lang == "pl"
    dataset = next(void.subjects(RDF.type, DCAT.Dataset))
    title = next(t for t in void.objects(dataset, DCTERMS.title) if t.language == "pl")
    assert f"<h1>{title}</h1>" in text, "the Polish title, not marked as another language"
    assert "Jak cytować" in text and "Pliki do pobrania" in text
    files = declared_files(void)
    rows = {row["url"]: row for row in page.rows}
    assert set(rows) == set(files)
    for url, dist in files.items():
        polish = {str(t) for t in void.objects(dist, DCTERMS.title) if t.language == "pl"}
        row = rows[url]
        assert row["cells"][0] in polish, url
        size = int(void.value(dist, DCAT.byteSize))
        assert int(row["cells"][4].replace("\u00a0", "")) == size, "grouped with spaces"
        assert re.fullmatch(r"[0-9]+(,[0-9])?\s(B|kB|MB)", row["cells"][3]), row["cells"][3]
        status, _headers, content = get(server.base + row["href"])
        assert status == 200 and len(content) == size
    entries = [p for p in page.pres if p.lstrip().startswith("@")]
    assert bibtex_fields(entries[0])[2]["title"] == "{" + str(title) + "}"
    # A text with no Polish form is marked as English.
    assert re.search(r'<a href="https://kma4business[^"]*" lang="en">', text)


def test_static_polish_dataset_page_links_the_files(release: Path, void: rdflib.Graph):
    path = release / "site" / "pl" / "dataset.html"
    page = Page(path.read_text(encoding="utf-8"))
    assert page.html_lang == "pl"
    files = declared_files(void)
    rows = {row["url"]: row for row in page.rows}
    assert set(rows) == set(files)
    for url in files:
        target = (path.parent / urllib.request.url2pathname(rows[url]["href"])).resolve()
        assert target == (release / url[len(BASE_IRI) :]).resolve(), url


def test_every_named_graph_dereferences(server: AppServer, void: rdflib.Graph):
    """The subsets' graphs (<…/graph/clusters> holds what the article states) are IRIs of the
    dataset: each answers with what data/graphs.ttl says about it, as a page and as data."""
    graphs = {str(g) for g in void.objects(None, VOID.subset)}
    graphs = {g for g in graphs if g.startswith(BASE_IRI + "graph/")}
    assert len(graphs) >= 10, graphs
    for iri in sorted(graphs):
        status, headers, body = get(on_server(server, iri), "text/turtle")
        assert status == 200, (iri, status)
        described = rdflib.Graph().parse(data=body, format="turtle")
        assert (URIRef(iri), None, None) in described, iri
        assert described.value(URIRef(iri), rdflib.RDFS.label) is not None, iri
        status, headers, body = get(on_server(server, iri).replace("/graph/", "/pl/graph/"))
        assert status == 200 and headers["Content-Language"] == "pl", iri
    status, _headers, _body = get(server.base + "/graph/no-such-graph", "text/turtle")
    assert status == 404


@pytest.mark.parametrize(("extension", "media"), [(".jsonld", "application/ld+json"),
    (".nt", "application/n-triples"), (".rdf", "application/rdf+xml")])  # fmt: skip
def test_the_description_in_the_other_formats(server: AppServer, extension, media):
    status, headers, body = get(server.base + "/void" + extension)
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == media
    assert len(body) > 1000


def test_the_dataset_page_embeds_the_dataset_as_schema_org(
    server: AppServer, release: Path, void: rdflib.Graph
):
    """A schema:Dataset (as dataset search engines read it), with its distributions and its
    publisher, from void.ttl's statements only: each embedded triple is a void.ttl statement
    under the one table of pages/schemaorg.py; the same on the Polish page and the static site."""
    schema = rdflib.Namespace("https://schema.org/")
    inverse: dict[str, set[str]] = {}
    for source, target in DATASET_PROPERTIES.items():
        inverse.setdefault(target, set()).add(source)
    classes: dict[str, set[str]] = {}
    for source, target in DATASET_CLASSES.items():
        classes.setdefault(target, set()).add(source)
    status, _headers, body = get(server.base + "/dataset", "text/html")
    assert status == 200
    _document, graph = embedded(body.decode("utf-8"))
    datasets = list(graph.subjects(RDF.type, schema.Dataset))
    assert [str(d) for d in datasets] == [BASE_IRI + "void#dataset"]
    distributions = set(void.objects(datasets[0], DCAT.distribution))
    assert set(graph.objects(datasets[0], schema.distribution)) == distributions
    assert len(distributions) >= 10
    for dist in distributions:
        assert graph.value(dist, schema.contentUrl) == void.value(dist, DCAT.downloadURL)
    checked = 0
    for s, p, o in graph:
        if p == RDF.type:
            assert any((s, RDF.type, URIRef(c)) in void for c in classes[str(o)]), (s, o)
        else:
            assert any((s, URIRef(q), o) in void for q in inverse[str(p)]), (s, p, o)
        checked += 1
    assert checked > 50
    status, _headers, polish = get(server.base + "/pl/dataset", "text/html")
    assert rdflib.compare.isomorphic(embedded(polish.decode("utf-8"))[1], graph)
    static = (release / "site" / "dataset.html").read_text("utf-8")
    assert rdflib.compare.isomorphic(embedded(static)[1], graph)


@pytest.mark.parametrize("path", ["/void.xyz", "/dataset.xyz", "/void.ttl.bak"])
def test_an_extension_of_no_format_is_404(server: AppServer, path):
    status, _headers, body = get(server.base + path, "*/*")
    assert status == 404
    assert body.decode().count("\n") == 1, "one line"
    status, headers, _body = get(server.base + path, "text/html")
    assert status == 404 and headers["Content-Type"].startswith("text/html")

"""The release that `krakow-clusters build` writes, read back by independent readers.

One build into a temporary folder is shared by the tests of this module; every figure is
recomputed here from the source files with rdflib, not taken from the build module.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV

from krakow_clusters.project import Project
from krakow_clusters.release.build import build

from .conftest import FIXTURES
from .identity import BASE_IRI

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
WD = "http://www.wikidata.org/entity/"
CONTEXT_URL = BASE_IRI + "context.jsonld"

EXPECTED_FILES = {
    ".htaccess",
    "clusters.jsonld",
    "context.jsonld",
    "krakow-clusters.jsonld",
    "krakow-clusters.nt",
    "krakow-clusters.ttl",
    "overview.csv",
    "void.ttl",
    "krakow-clusters.trig",
    "krakow-clusters.nq",
    "ontology/context.jsonld",
    "ontology/index.en.html",
    "ontology/index.pl.html",
    "ontology/krakow-clusters.jsonld",
    "ontology/krakow-clusters.rdf",
    "ontology/krakow-clusters.ttl",
}


@pytest.fixture(scope="module")
def release(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release") / "dist"
    result = build(project, out)
    assert result.built, "the real data must conform and build"
    return out


@pytest.fixture(scope="module")
def sources(project: Project) -> rdflib.Graph:
    """The union of the source files, parsed by rdflib (not by the project's store)."""
    graph = rdflib.Graph()
    files = project.dataset_files()
    assert files
    for path in files:
        graph.parse(path, format="turtle")
    return graph


def oxigraph_graph(path: Path, fmt: ox.RdfFormat) -> rdflib.Graph:
    """A file parsed by pyoxigraph, its terms converted here, independently of the package."""

    def term(t):
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return rdflib.BNode(t.value)
        if t.language:
            return Literal(t.value, lang=t.language)
        if t.datatype.value == str(rdflib.XSD.string):
            return Literal(t.value)
        return Literal(t.value, datatype=URIRef(t.datatype.value))

    graph = rdflib.Graph()
    for quad in ox.parse(path=str(path), format=fmt):
        graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return graph


def offline_loader(folder: Path):
    """A pyld document loader that serves the release's own context and refuses the network."""

    def load(url, options=None):
        if url == CONTEXT_URL:
            document = json.loads((folder / "context.jsonld").read_text(encoding="utf-8"))
            return {
                "contentUrl": None,
                "contextUrl": None,
                "documentUrl": url,
                "document": document,
            }
        raise RuntimeError(f"network access refused: {url}")

    return load


def pyld_graph(path: Path, folder: Path) -> rdflib.Graph:
    from pyld import jsonld

    document = json.loads(path.read_text(encoding="utf-8"))
    options = {"documentLoader": offline_loader(folder), "processingMode": "json-ld-1.1"}
    expanded = jsonld.expand(document, options)
    nquads = jsonld.to_rdf(expanded, {**options, "format": "application/n-quads"})
    graph = rdflib.Graph()
    graph.parse(data=nquads, format="nt")
    return graph


def literal_kinds(graph: rdflib.Graph) -> set[tuple[str | None, str | None]]:
    return {
        (o.language, str(o.datatype) if o.datatype else None)
        for o in graph.objects()
        if isinstance(o, Literal)
    }


# --- the files ---------------------------------------------------------------------------------


def test_release_has_every_file(release: Path):
    files = {str(p.relative_to(release)) for p in release.rglob("*") if p.is_file()}
    # The static site (site/) is checked page by page in test_site.py.
    assert {f for f in files if not f.startswith("site/")} == EXPECTED_FILES
    assert "site/index.html" in files


def test_turtle_dump_equals_the_sources(release: Path, sources: rdflib.Graph):
    dump = rdflib.Graph().parse(release / "krakow-clusters.ttl", format="turtle")
    assert len(dump) == len(sources) > 900
    assert isomorphic(dump, sources)


def test_turtle_dump_is_grouped_by_subject_with_prefixes(release: Path):
    text = (release / "krakow-clusters.ttl").read_text(encoding="utf-8")
    assert "@prefix kc: <https://w3id.org/krakow-clusters/ontology#> ." in text
    subjects = re.findall(r"^(\S+)\n    a ", text, re.MULTILINE)
    assert "cluster:bim" in subjects
    assert len(subjects) == len(set(subjects)), "each subject appears in one block"


def test_pyoxigraph_reads_turtle_and_ntriples_as_rdflib_does(release: Path):
    for name, fmt, rdflib_format in (
        ("krakow-clusters.ttl", ox.RdfFormat.TURTLE, "turtle"),
        ("krakow-clusters.nt", ox.RdfFormat.N_TRIPLES, "nt"),
    ):
        by_rdflib = rdflib.Graph().parse(release / name, format=rdflib_format)
        by_oxigraph = oxigraph_graph(release / name, fmt)
        assert len(by_oxigraph) == len(by_rdflib) > 900
        assert isomorphic(by_oxigraph, by_rdflib), name


def oxigraph_quads(path: Path, fmt: ox.RdfFormat) -> set[tuple[str, str, str, str]]:
    """The quads of a file parsed by pyoxigraph, as N-Triples strings (no blank nodes here)."""
    return {
        (str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
        for q in ox.parse(path=str(path), format=fmt)
    }


def rdflib_union(dataset: rdflib.Dataset) -> rdflib.Graph:
    union = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def test_trig_and_nquads_give_the_union_of_the_turtle_dump(release: Path):
    turtle = rdflib.Graph().parse(release / "krakow-clusters.ttl", format="turtle")
    for name, fmt, rdflib_format in (
        ("krakow-clusters.trig", ox.RdfFormat.TRIG, "trig"),
        ("krakow-clusters.nq", ox.RdfFormat.N_QUADS, "nquads"),
    ):
        by_rdflib = rdflib.Dataset()
        by_rdflib.parse(release / name, format=rdflib_format)
        graphs = {str(g.identifier) for g in by_rdflib.graphs() if len(g)}
        assert len(graphs) >= 10, name
        assert all(g.startswith(BASE_IRI + "graph/") for g in graphs), name
        assert isomorphic(rdflib_union(by_rdflib), turtle), name
        by_oxigraph = oxigraph_graph(release / name, fmt)
        assert isomorphic(by_oxigraph, turtle), name


def test_trig_and_nquads_hold_the_same_quads(release: Path):
    trig = oxigraph_quads(release / "krakow-clusters.trig", ox.RdfFormat.TRIG)
    nquads = oxigraph_quads(release / "krakow-clusters.nq", ox.RdfFormat.N_QUADS)
    assert trig == nquads
    assert all(g.startswith(f"<{BASE_IRI}graph/") for *_, g in nquads), (
        "no statement outside a graph"
    )
    article = f"<{BASE_IRI}graph/clusters>"
    bim = f"<{BASE_IRI}id/cluster/bim>"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    assert (bim, label, '"Cluster of Information Technologies in Construction"@en', article) in trig


def test_quad_dumps_are_deterministic(release: Path, project: Project, tmp_path: Path):
    lines = (release / "krakow-clusters.nq").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)
    again = tmp_path / "dist"
    assert build(project, again, site=False).built
    for name in ("krakow-clusters.trig", "krakow-clusters.nq"):
        assert (again / name).read_bytes() == (release / name).read_bytes(), name


def test_void_describes_each_graph_with_its_triple_count(void: rdflib.Graph, release: Path):
    dataset = dataset_node(void)
    quads = oxigraph_quads(release / "krakow-clusters.nq", ox.RdfFormat.N_QUADS)
    sizes: dict[str, int] = {}
    for *_, g in quads:
        sizes[g[1:-1]] = sizes.get(g[1:-1], 0) + 1
    assert len(sizes) >= 10
    for graph, size in sizes.items():
        node = URIRef(graph)
        assert (dataset, VOID.subset, node) in void, graph
        assert void.value(node, VOID.triples).toPython() == size, graph
        assert void.value(node, DCTERMS.title) is not None, graph
    article = URIRef(BASE_IRI + "graph/clusters")
    assert void.value(article, DCTERMS.source) == URIRef(
        "https://kma4business.metropoliakrakowska.pl/aktualnosci/"
        "innovative-clusters-in-the-krakow-metropolitan-area"
    )
    translations = URIRef(BASE_IRI + "graph/translations")
    assert void.value(translations, PROV.wasAttributedTo) == URIRef(BASE_IRI + "id/agent/curators")


def test_ntriples_lines_are_sorted(release: Path):
    lines = (release / "krakow-clusters.nt").read_text(encoding="utf-8").splitlines()
    assert len(lines) > 900
    assert lines == sorted(lines)


def test_jsonld_dump_expanded_by_pyld_equals_the_turtle_dump(release: Path):
    turtle = rdflib.Graph().parse(release / "krakow-clusters.ttl", format="turtle")
    jsonld_graph = pyld_graph(release / "krakow-clusters.jsonld", release)
    assert len(jsonld_graph) == len(turtle)
    assert isomorphic(jsonld_graph, turtle)


def test_offline_loader_refuses_the_network(release: Path):
    from pyld import jsonld

    document = {"@context": "https://example.org/context.jsonld", "name": "x"}
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand(document, {"documentLoader": offline_loader(release)})


def test_language_tags_and_datatypes_survive_every_dump(release: Path, sources: rdflib.Graph):
    kinds = literal_kinds(sources)
    xsd = str(rdflib.XSD)
    assert {("en", None), ("pl", None), (None, xsd + "date"), (None, xsd + "gYear")} <= kinds
    assert (None, xsd + "integer") in kinds
    dumps = {
        "turtle": rdflib.Graph().parse(release / "krakow-clusters.ttl", format="turtle"),
        "n-triples": oxigraph_graph(release / "krakow-clusters.nt", ox.RdfFormat.N_TRIPLES),
        "json-ld": pyld_graph(release / "krakow-clusters.jsonld", release),
    }
    literals = {o for o in sources.objects() if isinstance(o, Literal)}
    for name, graph in dumps.items():
        assert literal_kinds(graph) == kinds, name
        assert {o for o in graph.objects() if isinstance(o, Literal)} == literals, name


def test_framed_clusters_are_a_plain_array_of_true_statements(release: Path, sources: rdflib.Graph):
    document = json.loads((release / "clusters.jsonld").read_text(encoding="utf-8"))
    clusters = document["clusters"]
    assert isinstance(clusters, list)
    expected = set(sources.subjects(RDF.type, URIRef(BASE_IRI + "ontology#ClusterInitiative")))
    assert {BASE_IRI + "id/cluster/" + c["id"].split(":", 1)[1] for c in clusters} == {
        str(c) for c in expected
    }
    lifescience = next(c for c in clusters if c["id"] == "cluster:lifescience-krakow")
    assert lifescience["label"] == {
        "en": "LifeScience Kraków Cluster",
        "pl": "Klaster LifeScience Kraków",
    }
    # "more than 70": the number beside its qualifier, never schema:value, and the bound.
    assert "value" not in lifescience["memberCount"]
    assert lifescience["memberCount"]["statedNumber"] == 70
    assert lifescience["memberCount"]["minValue"] == 71
    assert lifescience["memberCount"]["qualifier"]["prefLabel"]["pl"] == "ponad"
    assert lifescience["status"]["startDate"] == "2016-10-21"
    roles = {
        r["roleType"]["prefLabel"]["en"]: r["heldBy"]["label"]["en"] for r in lifescience["roles"]
    }
    assert roles["coordinator"] == "LifeScience Kraków Cluster Foundation"
    # Everything the framed document says is in the dataset.
    framed = pyld_graph(release / "clusters.jsonld", release)
    assert len(framed) > 100
    missing = [t for t in framed if t not in sources]
    assert missing == []


def test_overview_csv_has_a_row_per_cluster(release: Path):
    import csv

    with (release / "overview.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 8
    bim = next(r for r in rows if r["cluster"].endswith("/bim"))
    # The number is read with its qualifier, and the bound it implies is a column of its own.
    assert (bim["stated_number"], bim["qualifier"], bim["members_at_most"]) == (
        "50",
        "almost",
        "49",
    )
    assert bim["members"] == "" and bim["members_at_least"] == ""


# --- DCAT-AP and VoID --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def void(release: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(release / "void.ttl", format="turtle")


def dataset_node(void: rdflib.Graph) -> URIRef:
    (node,) = set(void.subjects(RDF.type, DCAT.Dataset))
    assert (node, RDF.type, VOID.Dataset) in void
    return node


def test_void_figures_equal_independent_counts(void: rdflib.Graph, sources: rdflib.Graph):
    dataset = dataset_node(void)
    assert void.value(dataset, VOID.triples).toPython() == len(sources)
    assert void.value(dataset, VOID.distinctSubjects).toPython() == len(set(sources.subjects()))
    assert void.value(dataset, VOID.distinctObjects).toPython() == len(set(sources.objects()))
    classes = {
        str(c): len(set(sources.subjects(RDF.type, c)))
        for c in set(sources.objects(None, RDF.type))
    }
    partitions = {
        str(void.value(p, VOID["class"])): void.value(p, VOID.entities).toPython()
        for p in void.objects(dataset, VOID.classPartition)
    }
    assert partitions == classes
    assert classes[BASE_IRI + "ontology#ClusterInitiative"] == 8
    properties = {
        str(p): len(list(sources.triples((None, p, None)))) for p in set(sources.predicates())
    }
    partitions = {
        str(void.value(p, VOID.property)): void.value(p, VOID.triples).toPython()
        for p in void.objects(dataset, VOID.propertyPartition)
    }
    assert partitions == properties
    assert void.value(dataset, VOID.properties).toPython() == len(properties)
    assert void.value(dataset, VOID.classes).toPython() == len(classes)


def test_linksets_count_the_wikidata_links(void: rdflib.Graph, sources: rdflib.Graph):
    dataset = dataset_node(void)
    expected = {}
    for predicate in (OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch):
        n = sum(1 for _, _, o in sources.triples((None, predicate, None)) if str(o).startswith(WD))
        if n:
            expected[str(predicate)] = n
    assert sum(expected.values()) >= 10
    linksets = set(void.subjects(RDF.type, VOID.Linkset))
    found = {
        str(void.value(ls, VOID.linkPredicate)): void.value(ls, VOID.triples).toPython()
        for ls in linksets
    }
    assert found == expected
    for linkset in linksets:
        assert (dataset, VOID.subset, linkset) in void
        assert void.value(linkset, VOID.subjectsTarget) == dataset


def test_void_names_dumps_endpoint_and_vocabularies(void: rdflib.Graph):
    dataset = dataset_node(void)
    dumps = {str(d) for d in void.objects(dataset, VOID.dataDump)}
    assert dumps == {
        BASE_IRI + f"krakow-clusters.{ext}" for ext in ("ttl", "nt", "jsonld", "trig", "nq")
    }
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(BASE_IRI + "sparql")
    vocabularies = {str(v) for v in void.objects(dataset, VOID.vocabulary)}
    assert {
        BASE_IRI + "ontology#",
        "http://www.w3.org/ns/org#",
        "https://schema.org/",
    } <= vocabularies


def test_every_distribution_matches_its_file(release: Path, void: rdflib.Graph):
    dataset = dataset_node(void)
    distributions = set(void.objects(dataset, DCAT.distribution))
    described = set()
    for dist in distributions:
        url = str(void.value(dist, DCAT.downloadURL))
        assert void.value(dist, DCAT.accessURL) == URIRef(url)
        assert url.startswith(BASE_IRI)
        path = release / url[len(BASE_IRI) :]
        content = path.read_bytes()
        described.add(url[len(BASE_IRI) :])
        assert void.value(dist, DCAT.byteSize).toPython() == len(content), url
        checksum = void.value(dist, SPDX.checksum)
        assert void.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(content).hexdigest()
        assert void.value(dist, DCAT.mediaType) is not None
        titles = {t.language for t in void.objects(dist, DCTERMS.title)}
        assert titles == {"en", "pl"}
    assert described == EXPECTED_FILES - {"void.ttl", ".htaccess"}


def test_dataset_description_in_english_and_polish(void: rdflib.Graph):
    dataset = dataset_node(void)
    for prop in (DCTERMS.title, DCTERMS.description, DCAT.keyword):
        assert {v.language for v in void.objects(dataset, prop)} == {"en", "pl"}, prop
    spatial = {str(s) for s in void.objects(dataset, DCTERMS.spatial)}
    assert WD + "Q31487" in spatial
    period = void.value(dataset, DCTERMS.temporal)
    assert str(void.value(period, DCAT.startDate)) == "2006"
    assert void.value(dataset, DCAT.contactPoint) is not None
    assert void.value(dataset, DCTERMS.publisher) is not None


def test_void_conforms_to_dcat_ap_3_0_1(void: rdflib.Graph):
    import pyshacl

    folder = FIXTURES / "dcat-ap-3.0.1"
    shapes = rdflib.Graph()
    for name in ("dcat-ap-SHACL.ttl", "range.ttl"):
        shapes.parse(folder / name, format="turtle")
    assert len(shapes) > 1000
    conforms, results, text = pyshacl.validate(void, shacl_graph=shapes, inference="none")
    violations = list(
        results.subjects(
            rdflib.URIRef("http://www.w3.org/ns/shacl#resultSeverity"),
            rdflib.URIRef("http://www.w3.org/ns/shacl#Violation"),
        )
    )
    assert violations == [], text
    assert conforms, text


def test_dcat_ap_shapes_catch_a_broken_description(void: rdflib.Graph):
    """The shapes are live: a distribution without an access URL is a violation."""
    import pyshacl

    folder = FIXTURES / "dcat-ap-3.0.1"
    shapes = rdflib.Graph()
    for name in ("dcat-ap-SHACL.ttl", "range.ttl"):
        shapes.parse(folder / name, format="turtle")
    broken = rdflib.Graph()
    for triple in void:
        broken.add(triple)
    broken.remove((None, DCAT.accessURL, None))
    conforms, _, _ = pyshacl.validate(broken, shacl_graph=shapes, inference="none")
    assert not conforms


# --- the ontology release ----------------------------------------------------------------------


def test_ontology_release_in_three_syntaxes_is_one_graph(release: Path, project: Project):
    source = rdflib.Graph()
    for path in project.ontology_files():
        source.parse(path, format="turtle")
    folder = release / "ontology"
    turtle = rdflib.Graph().parse(folder / "krakow-clusters.ttl", format="turtle")
    rdfxml = oxigraph_graph(folder / "krakow-clusters.rdf", ox.RdfFormat.RDF_XML)
    assert isomorphic(turtle, source)
    assert isomorphic(rdfxml, source)
    from pyld import jsonld

    document = json.loads((folder / "krakow-clusters.jsonld").read_text(encoding="utf-8"))
    context = json.loads((folder / "context.jsonld").read_text(encoding="utf-8"))
    url = document["@context"]

    def loader(requested, options=None):
        assert requested == url, f"network access refused: {requested}"
        return {"contextUrl": None, "documentUrl": url, "document": context}

    nquads = jsonld.to_rdf(document, {"documentLoader": loader, "format": "application/n-quads"})
    assert isomorphic(rdflib.Graph().parse(data=nquads, format="nt"), source)


def test_ontology_html_has_every_label_in_both_languages(release: Path, project: Project):
    source = rdflib.Graph()
    for path in project.ontology_files():
        source.parse(path, format="turtle")
    terms = [
        t
        for cls in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for t in source.subjects(RDF.type, cls)
    ]
    assert len(terms) > 15
    labels = [(t, lab) for t in terms for lab in source.objects(t, RDFS.label)]
    assert {lab.language for _, lab in labels} == {"en", "pl"}
    assert len(labels) == 2 * len(terms)
    schemes = set(source.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(schemes) >= 4
    concepts = [(c, lab) for c, lab in source.subject_objects(SKOS.prefLabel)]
    assert {c for c, _ in concepts} >= schemes
    assert len(concepts) > 2 * len(schemes)
    for lang in ("en", "pl"):
        page = html.unescape((release / "ontology" / f"index.{lang}.html").read_text("utf-8"))
        assert f'<html lang="{lang}">' in page
        for term, label in labels + concepts:
            assert str(label) in page, (lang, term, label)
        for term in terms:
            definitions = list(source.objects(term, SKOS.definition))
            assert definitions
            for definition in definitions:
                assert str(definition) in page, (lang, term)


def test_ontology_html_needs_no_network(release: Path):
    for lang in ("en", "pl"):
        page = (release / "ontology" / f"index.{lang}.html").read_text("utf-8")
        assert "<script" not in page
        assert not re.search(r'<(img|link|script|iframe)[^>]+(src|href)="https?://', page)
        assert "@import" not in page


# --- the w3id.org rules ------------------------------------------------------------------------


def redirect(htaccess: str, path: str, accept: str, language: str = "en") -> str | None:
    """Follow the RewriteCond/RewriteRule lines for one request, as Apache would (a subset)."""
    conditions: list[tuple[str, str]] = []
    for line in htaccess.splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        if parts[0] == "RewriteCond":
            conditions.append((parts[1], parts[2]))
        elif parts[0] == "RewriteRule":
            pattern, target = parts[1], parts[2]
            match = re.search(pattern, path)
            headers = {"%{HTTP_ACCEPT}": accept, "%{HTTP:Accept-Language}": language}
            if match and all(re.search(rx, headers[var]) for var, rx in conditions):
                return match.expand(target.replace("$", "\\"))
            conditions = []
    return None


def test_htaccess_sends_each_iri_pattern_by_accept(release: Path):
    rules = (release / ".htaccess").read_text(encoding="utf-8")
    host = re.search(r"RewriteRule \^sparql\$ (\S+)sparql", rules).group(1)
    html_accept = "text/html,application/xhtml+xml,*/*;q=0.8"
    cases = [
        ("id/cluster/bim", "text/turtle", "id/cluster/bim.ttl"),
        ("id/cluster/bim", "application/ld+json", "id/cluster/bim.jsonld"),
        ("id/sector/life-sciences", "application/n-triples", "id/sector/life-sciences.nt"),
        ("id/place/krakow", "application/rdf+xml", "id/place/krakow.rdf"),
        ("id/cluster/bim", html_accept, "id/cluster/bim.html"),
        ("ontology", "text/turtle", "dist/ontology/krakow-clusters.ttl"),
        ("ontology/0.1.0", "application/rdf+xml", "dist/ontology/krakow-clusters.rdf"),
        ("ontology", html_accept, "dist/ontology/index.en.html"),
        ("ontology/context.jsonld", "*/*", "dist/ontology/context.jsonld"),
        ("ontology/index.pl.html", html_accept, "dist/ontology/index.pl.html"),
        ("void", "text/turtle", "dist/void.ttl"),
        (".well-known/void", "*/*", "dist/void.ttl"),
        ("dataset", html_accept, "dataset"),
        ("void", html_accept, "dataset"),
        ("void.ttl", html_accept, "dist/void.ttl"),
        ("context.jsonld", "*/*", "dist/context.jsonld"),
        ("dist/krakow-clusters.nt", "*/*", "dist/krakow-clusters.nt"),
        ("sparql", "*/*", "sparql"),
    ]
    for path, accept, target in cases:
        assert redirect(rules, path, accept) == host + target, (path, accept)
    assert redirect(rules, "ontology", html_accept, "pl-PL") == host + "dist/ontology/index.pl.html"
    assert redirect(rules, "nothing/here", "*/*") is None


def test_htaccess_has_a_rule_for_every_url_void_declares(release: Path, void: rdflib.Graph):
    """Each download or access URL, data dump, the SPARQL endpoint and the landing page leads
    through w3id.org to what serve answers at that path (files from dist/)."""
    rules = (release / ".htaccess").read_text(encoding="utf-8")
    host = re.search(r"RewriteRule \^sparql\$ (\S+)sparql", rules).group(1)
    predicates = (DCAT.downloadURL, DCAT.accessURL, VOID.dataDump, VOID.sparqlEndpoint)
    urls = {str(o) for p in predicates for o in void.objects(None, p)}
    urls |= {str(o) for o in void.objects(None, DCAT.landingPage)}
    ours = sorted(u for u in urls if u.startswith(BASE_IRI))
    assert len(ours) >= 16, ours
    for url in ours:
        path = url[len(BASE_IRI) :]
        # Files go to dist/; the landing page and the endpoint are the server's own paths.
        expected = host + path if path in ("", "sparql") else host + "dist/" + path
        assert redirect(rules, path, "*/*") == expected, url
        assert redirect(rules, path, "text/html,*/*;q=0.8") == expected, url
    # Nothing else at the top of the base IRI is sent to dist/.
    assert redirect(rules, ".htaccess", "*/*") is None
    assert redirect(rules, "krakow-clusters.txt", "*/*") is None

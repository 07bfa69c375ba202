"""The schema.org JSON-LD embedded in each resource page says what the dataset says: read with
pyld to RDF, every triple is a statement of the dataset, with its predicate or class carried over
by the one documented table (pages/schemaorg.py); and no string of the data can break out of the
<script> element."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import rdflib
from pyld import jsonld
from rdflib import RDF, RDFS, Literal, URIRef

from krakow_clusters.pages.describe import describe
from krakow_clusters.pages.profile import resource_page
from krakow_clusters.pages.related import gather
from krakow_clusters.pages.render import Pages
from krakow_clusters.pages.schemaorg import PROPERTIES, schema_class, schema_property
from krakow_clusters.project import Project
from krakow_clusters.release.build import build
from krakow_clusters.store.embedded import EmbeddedStore

from .appserver import get
from .identity import GRAPH_BASE, ID_BASE, ONTOLOGY_NS, SITE

SCHEMA = rdflib.Namespace("https://schema.org/")
KC = rdflib.Namespace(ONTOLOGY_NS)
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def embedded(html: str) -> tuple[dict, rdflib.Graph]:
    """The page's one JSON-LD block, as JSON and read by pyld as RDF."""
    blocks = SCRIPT.findall(html)
    assert len(blocks) == 1, "one JSON-LD block"
    assert "<" not in blocks[0] and ">" not in blocks[0] and "&" not in blocks[0]
    document = json.loads(blocks[0])
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    graph = rdflib.Graph()
    graph.parse(data=nquads, format="nt")  # no named graph: the quads are triples
    return document, graph


@pytest.fixture(scope="module")
def dataset(project: Project) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in project.dataset_files():
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def site(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("schemaorg") / "dist"
    assert build(project, out).built
    return out / "site"


def entailed(triple: tuple, dataset: rdflib.Graph) -> bool:
    """Whether the dataset states `triple`, or a statement the table carries over to it."""
    s, p, o = triple
    if p == RDF.type:
        classes = dataset.objects(s, RDF.type)
        return any(c == o or schema_class(str(c), ONTOLOGY_NS) == str(o) for c in classes)
    return any(
        q == p or schema_property(str(q), ONTOLOGY_NS) == str(p) for q in dataset.predicates(s, o)
    )


def test_the_table_follows_the_ontology_where_the_ontology_says(dataset: rdflib.Graph):
    source = Path(__file__).resolve().parents[1] / "src/krakow_clusters/pages/schemaorg.py"
    declared = 0
    for line in source.read_text(encoding="utf-8").splitlines():
        row = re.match(r"\s+str\((\w+)\.(\w+)\): str\(SDO\.(\w+)\),\s+# ontology", line)
        if row:
            namespace, local, target = row.groups()
            assert namespace == "KC"
            assert (KC[local], RDFS.subClassOf, SCHEMA[target]) in dataset, line
            declared += 1
    assert declared == 5
    assert (KC.qualifier, RDFS.subPropertyOf, SCHEMA.valueReference) in dataset
    assert schema_property(str(KC.qualifier), ONTOLOGY_NS) == str(SCHEMA.valueReference)
    # Closeness is not identity: a close match never becomes schema:sameAs.
    assert "http://www.w3.org/2004/02/skos/core#closeMatch" not in PROPERTIES


def test_every_page_embeds_only_what_the_dataset_states(site: Path, dataset: rdflib.Graph):
    pages = sorted((site / "id").rglob("*.html"))
    pages = [p for p in pages if p.name != "index.html"]
    assert len(pages) > 80
    checked = 0
    for path in pages:
        document, graph = embedded(path.read_text(encoding="utf-8"))
        iri = ID_BASE + path.relative_to(site / "id").with_suffix("").as_posix()
        assert document["@graph"][0]["@id"] == iri, path
        for triple in graph:
            assert entailed(triple, dataset), f"{path.name}: {triple} is not the dataset's"
            checked += 1
    assert checked > 800


def test_a_clusters_json_ld_carries_its_facts(app, dataset: rdflib.Graph):
    status, _headers, body = get(app.base + "/id/cluster/lifescience-krakow", "text/html")
    assert status == 200
    _document, graph = embedded(body.decode("utf-8"))
    cluster = URIRef(ID_BASE + "cluster/lifescience-krakow")
    members = URIRef(str(cluster) + "#members")
    status_node = URIRef(str(cluster) + "#national-key-cluster")
    assert (cluster, RDF.type, SCHEMA.Organization) in graph
    assert (cluster, SCHEMA.name, Literal("LifeScience Kraków Cluster", lang="en")) in graph
    assert (cluster, SCHEMA.alternateName, Literal("LifeScience Kraków", lang="en")) in graph
    assert len(list(graph.objects(cluster, SCHEMA.description))) == 2, "English and Polish"
    assert (cluster, KC.memberCount, members) in graph
    assert (members, RDF.type, SCHEMA.QuantitativeValue) in graph
    # "more than 70": the bound, not schema:value 70, which a schema.org reader takes as the count
    # (the number stated stays in the wording).
    assert (members, SCHEMA.value, None) not in graph
    assert (members, SCHEMA.minValue, Literal(71)) in graph
    wording = Literal("more than 70 private and public entities", lang="en")
    assert (members, SCHEMA.description, wording) in graph
    qualifier = URIRef(ID_BASE + "count-qualifier/more-than")
    assert (members, SCHEMA.valueReference, qualifier) in graph
    start = Literal("2016-10-21", datatype=rdflib.XSD.date)
    assert (status_node, SCHEMA.startDate, start) in graph
    coordinator = URIRef(ID_BASE + "organization/lifescience-krakow-cluster-foundation")
    name = Literal("LifeScience Kraków Cluster Foundation", lang="en")
    assert (coordinator, SCHEMA.name, name) in graph
    # The same statements on the Polish page: the data has no language of its own.
    status, _headers, polish = get(app.base + "/pl/id/cluster/lifescience-krakow", "text/html")
    assert rdflib.compare.isomorphic(embedded(polish.decode("utf-8"))[1], graph)


def test_identity_links_only_become_same_as(site: Path):
    _document, place = embedded((site / "id/place/krakow.html").read_text(encoding="utf-8"))
    krakow = URIRef(ID_BASE + "place/krakow")
    assert (krakow, SCHEMA.sameAs, URIRef("http://www.wikidata.org/entity/Q31487")) in place
    _document, agh = embedded((site / "id/organization/agh-university.html").read_text("utf-8"))
    assert not list(agh.objects(URIRef(ID_BASE + "organization/agh-university"), SCHEMA.sameAs))


HOSTILE = '</script><script>alert(1)</script><!-- & "quotes" \u2028'


def test_no_string_breaks_out_of_the_script(project: Project, tmp_path: Path):
    subject = ID_BASE + "cluster/hostile"
    data = tmp_path / "hostile.nt"
    lines = [
        f"<{subject}> <{RDF.type}> <{KC.ClusterInitiative}> .",
        f"<{subject}> <{RDFS.label}> {Literal(HOSTILE, lang='en').n3()} .",
        f"<{subject}> <http://purl.org/dc/terms/description> {Literal(HOSTILE).n3()} .",
    ]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = EmbeddedStore.from_files([*project.ontology_files(), data], GRAPH_BASE)
    desc = describe(store, subject, SITE)
    gather(store, desc)
    for lang in ("en", "pl"):
        template, context = resource_page(desc, lang)
        html = Pages(SITE).render(template, lang=lang, path="/id/cluster/hostile", **context)
        assert html.count("<script") == 1 and html.count("</script>") == 1
        document, graph = embedded(html)
        assert (URIRef(subject), SCHEMA.name, Literal(HOSTILE, lang="en")) in graph
        assert document["@graph"][0]["name"]["@value"] == HOSTILE


def test_an_exact_count_keeps_its_value(app):
    status, _headers, body = get(app.base + "/id/cluster/south-poland-cleantech", "text/html")
    assert status == 200
    _document, graph = embedded(body.decode("utf-8"))
    members = URIRef(ID_BASE + "cluster/south-poland-cleantech#members")
    assert (members, SCHEMA.value, Literal(80)) in graph
    assert (members, SCHEMA.minValue, None) not in graph

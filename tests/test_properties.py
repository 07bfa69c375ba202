"""Property-based tests (hypothesis, issue 12 item 8): arbitrary Unicode names survive every
writer of the project and render escaped on every kind of HTML page; arbitrary bytes as an RDF
file end in a loaded graph or one CouldNotRun, nothing else. Runs are bounded (a few dozen
examples, no deadline: the machine is shared) so the suite stays quick."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import markupsafe
import rdflib
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS

from krakow_clusters import web
from krakow_clusters.errors import CouldNotRun
from krakow_clusters.formats.media import JSONLD
from krakow_clusters.formats.rdf import RDF_WRITERS, serialize_ntriples, serialize_turtle
from krakow_clusters.pages.dataset import dataset_page, dataset_view
from krakow_clusters.pages.describe import describe
from krakow_clusters.pages.facets import index_page
from krakow_clusters.pages.profile import resource_page
from krakow_clusters.pages.related import gather
from krakow_clusters.pages.render import Pages
from krakow_clusters.pages.tables import table_view
from krakow_clusters.pages.views import index_view, ontology_view
from krakow_clusters.project import Project
from krakow_clusters.sparql.library import QueryFile
from krakow_clusters.sparql.run import ParamWarning
from krakow_clusters.store.embedded import EmbeddedStore

from .identity import GRAPH_BASE, ID_BASE, NAMESPACES, SITE

BOUNDED = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# What people type and what breaks writers: Polish letters, quotes, backslashes, line breaks,
# right-to-left text and its controls, emoji (outside the BMP), markup and control characters.
SPECIAL = (
    "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ\"'\\\n\r\t <>&#;:@{}[]"
    "\u05e9\u05dc\u05d5\u05dd\u0627\u0644\u202e\u202b\u200f\u2066"
    "😀🇵🇱👩‍🔬\x00\x01\x07\x1b\x7f\x85\u2028\ufeff"
)
# Any character a literal can hold: everything but lone surrogates.
CHARACTERS = st.one_of(st.sampled_from(SPECIAL), st.characters(blacklist_categories=("Cs",)))
TEXT = st.text(CHARACTERS, max_size=40)

CLUSTER = URIRef(ID_BASE + "cluster/property-test")
KC = NAMESPACES["kc"]


def cluster_triples(name: str, name_pl: str, description: str) -> set[tuple]:
    return {
        (CLUSTER, RDF.type, URIRef(KC + "ClusterInitiative")),
        (CLUSTER, RDFS.label, Literal(name, lang="en")),
        (CLUSTER, RDFS.label, Literal(name_pl, lang="pl")),
        (CLUSTER, DCTERMS.description, Literal(description, lang="en")),
        (CLUSTER, RDFS.comment, Literal(description)),
    }


def load(folder: Path, name: str, data: bytes, *more: Path) -> EmbeddedStore:
    path = folder / name
    path.write_bytes(data)
    return EmbeddedStore.from_files([*more, path], GRAPH_BASE)


@BOUNDED
@example(name="see kc:a\\#b", name_pl="x\u2028y\x85z", description='a\\"b\n(cluster:bim\\#m')
@given(name=TEXT, name_pl=TEXT, description=TEXT)
def test_names_survive_turtle_jsonld_ntriples_turtle(name, name_pl, description):
    original = cluster_triples(name, name_pl, description)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        turtle = serialize_turtle(original, NAMESPACES).encode()
        first = set(load(folder, "a.ttl", turtle).triples())
        assert first == original
        jsonld = RDF_WRITERS[JSONLD](first, NAMESPACES)
        second = set(load(folder, "b.jsonld", jsonld).triples())
        assert second == original
        ntriples = serialize_ntriples(second).encode()
        third = set(load(folder, "c.nt", ntriples).triples())
        assert third == original
        again = serialize_turtle(third, NAMESPACES).encode()
        assert set(load(folder, "d.ttl", again).triples()) == original
        assert again == turtle, "the same graph gives the same bytes"


# A name always carries markup, so that escaping is visible on every page.
HOSTILE = st.builds(lambda a, b: a + "<b title='x\"y'>&amp;</b>" + b, TEXT, TEXT)


def assert_escaped(page: str, *texts: str) -> None:
    for text in texts:
        assert text not in page, "the raw text, markup and all, must not reach the page"
        assert str(markupsafe.escape(text)) in page


@BOUNDED
@given(name=HOSTILE, description=HOSTILE)
def test_names_render_escaped_on_every_kind_of_page(project: Project, name, description):
    pages = Pages(SITE)
    template = (Path(__file__).parent / "fixtures/shapes/valid/complete-cluster.ttl").read_text()
    cluster = ID_BASE + "cluster/test"
    extra = serialize_turtle(
        {
            (URIRef(cluster), RDFS.label, Literal(name, lang="en")),
            (URIRef(cluster), DCTERMS.description, Literal(description, lang="en")),
        },
        NAMESPACES,
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "cluster.ttl").write_text(template.replace('"Test Cluster"@en , ', ""))
        store = load(folder, "names.ttl", extra.encode(), *project.ontology_files(),
                     folder / "cluster.ttl")  # fmt: skip
    rendered: dict[str, str] = {}
    rendered["home"] = pages.render("home.html", title="Home", **index_page(store, SITE, [], "en"))
    rendered["index"] = pages.render("index.html", groups=index_view(store, SITE), title="All")
    ontology = rdflib.Graph()
    for path in project.ontology_files():
        ontology.parse(path)
    term = URIRef(KC + "HostileTerm")
    ontology.add((term, RDF.type, OWL.Class))
    ontology.add((term, RDFS.label, Literal(name, lang="en")))
    ontology.add((term, SKOS.definition, Literal(description, lang="en")))
    view = ontology_view(ontology, "en", SITE)
    desc = describe(store, cluster, SITE)
    gather(store, desc)
    template, context = resource_page(desc, "pl")
    assert template == "cluster.html"
    rendered["cluster"] = pages.render(template, lang="pl", path="/id/cluster/test", **context)
    rendered["resource"] = pages.render("resource.html", path="/id/cluster/test", **context)
    rendered["ontology"] = pages.render(
        "ontology.html", title=view["title"], o=view, downloads=[], path="/ontology"
    )
    answer = store.query(
        "SELECT ?name ?description WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?name ;"
        " <http://purl.org/dc/terms/description> ?description FILTER(LANG(?name) = 'en') }"
    )
    assert answer.rows, "the cluster's name is in the store"
    query = QueryFile(name="q", path=Path("q.rq"), text=name, summary=description)
    rendered["query"] = pages.render(
        "query.html", title=description, q=query, values={"x": name},
        table=table_view(answer, SITE),
        pickers={"x": [{"value": name, "label": description, "selected": True}]},
        warnings=[ParamWarning("x", name), ParamWarning("x", name, description)],
        query_text=name, pager={"first": 1, "last": 2, "previous": "/queries/q?offset=0",
        "next": "/queries/q?offset=4"},
    )  # fmt: skip
    rendered["sparql"] = pages.render(
        "sparql.html", title="SPARQL", examples=[{"name": "q", "summary": description,
        "text": name}], query=name, table=table_view(answer, SITE), turtle=None, timeout=1, limit=9,
        prefixes=json.dumps({"x": name}),
    )  # fmt: skip
    rendered["error"] = pages.render("error.html", title=name, message=description, iri=name)
    void = rdflib.Graph()
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    dataset, dist, publisher = (URIRef(ID_BASE + x) for x in ("x", "x#dist", "x#publisher"))
    void.add((dataset, RDF.type, dcat.Dataset))
    void.add((dataset, DCTERMS.title, Literal(name)))
    void.add((dataset, DCTERMS.description, Literal(description)))
    void.add((dataset, DCTERMS.publisher, publisher))
    void.add((publisher, rdflib.FOAF.name, Literal(description)))
    void.add((dataset, dcat.version, Literal(name)))
    void.add((dataset, dcat.distribution, dist))
    void.add((dist, DCTERMS.title, Literal(description)))
    void.add((dist, dcat.downloadURL, URIRef(ID_BASE + "x.ttl")))
    rendered["dataset"] = pages.render(
        "dataset.html",
        title="Dataset",
        d=dataset_page(void, "en", SITE),
        sections=dataset_view(void, "en", SITE),
    )
    rendered["listing"] = pages.render(
        "listing.html", title=name, entries=[(description, 1)], path="/dist/"
    )
    queries = [
        {
            "name": "q",
            "href": "/queries/q",
            "summary": name,
            "description": description,
            "params": [{"name": "p", "type": "string", "default": name, "doc": description}],
            "federated": False,
            "runs_here": True,
        }
    ]
    rendered["queries"] = pages.render("queries.html", title="Saved queries", queries=queries)
    templates = {p.stem for p in (Path(web.__file__).parent / "templates").glob("*.html")}
    assert templates - {"base", "macros", "pictures"} <= set(rendered), (
        "every kind of page is tried"
    )
    for kind, page in rendered.items():
        shown = [name] if kind in ("home", "index") else [name, description]
        assert_escaped(page, *shown)


@settings(max_examples=60, deadline=None)
@given(
    data=st.one_of(
        st.binary(max_size=4096),
        TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.builds(lambda a, b: a + b, st.sampled_from(
            [b"@prefix x: <http://e/> .\n", b"<?xml version='1.0'?><rdf:RDF ", b'{"@context": ',
             b"<http://e/s> <http://e/p> \"", b"\xef\xbb\xbf"]), st.binary(max_size=512)),
    ),
    extension=st.sampled_from(["ttl", "nt", "nq", "trig", "jsonld", "rdf", "n3"]),
)  # fmt: skip
def test_arbitrary_bytes_as_a_data_file_load_or_say_why_in_one_line(data, extension):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"data.{extension}"
        path.write_bytes(data)
        try:
            EmbeddedStore(GRAPH_BASE).load_file(path)
        except CouldNotRun as exc:
            assert "\n" not in str(exc) and str(exc)

"""The VoID figures of void.ttl, counted by the store (release/void.py), against a count in
Python over the same triples: on the real data, on a generated graph, and on a small graph with
the corners (blank nodes as subjects and objects, a literal that looks like a Wikidata IRI, two
classes on one resource, a gYear and a date)."""

from __future__ import annotations

from collections import Counter

import pytest
from benchmarks.generate import write
from rdflib import OWL, SKOS

from krakow_clusters.rdf.namespaces import NAMESPACES
from krakow_clusters.rdf.terms import to_rdflib
from krakow_clusters.release.void import (
    _earliest_date,
    _vocabularies,
    void_statistics,
    wikidata_links,
)
from krakow_clusters.store.embedded import EmbeddedStore

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
WD = NAMESPACES["wd"]
LINKS = {str(OWL.sameAs), str(SKOS.exactMatch), str(SKOS.closeMatch)}
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
XSD_GYEAR = "http://www.w3.org/2001/XMLSchema#gYear"

CORNERS = """
@prefix ex: <https://example.org/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ex:a a ex:One, ex:Two ; ex:p [ ex:q "x" ] ; schema:foundingDate "2012"^^xsd:gYear .
ex:b a ex:One ; owl:sameAs <http://www.wikidata.org/entity/Q1> ;
  skos:closeMatch "http://www.wikidata.org/entity/Q2" ; schema:startDate "2011-05-01"^^xsd:date .
_:c a ex:Two ; skos:exactMatch <http://www.wikidata.org/entity/Q3> ; ex:r ex:a .
ex:d schema:startDate "not a date" .
"""


def python_figures(store: EmbeddedStore) -> tuple[dict, dict, object]:
    """What the build computed before the store counted: one pass over the triples in Python."""
    triples = list(store.iter_native_triples())
    typed: dict[str, set] = {}
    properties: Counter[str] = Counter()
    links: Counter[str] = Counter()
    dated = []
    for s, p, o in triples:
        properties[p.value] += 1
        if p.value == RDF_TYPE:
            typed.setdefault(o.value, set()).add(s)
        if p.value in LINKS and o.value.startswith(WD):
            links[p.value] += 1
        if p.value in {"https://schema.org/foundingDate", "https://schema.org/startDate"}:
            datatype = getattr(o, "datatype", None)
            if datatype is not None and datatype.value in {XSD_DATE, XSD_GYEAR}:
                dated.append(o)
    subjects = {t.subject for t in triples}
    stats = {
        "triples": len(triples),
        "entities": sum(1 for s in subjects if type(s).__name__ == "NamedNode"),
        "classes": len(typed),
        "properties": len(properties),
        "distinctSubjects": len(subjects),
        "distinctObjects": len({t.object for t in triples}),
        "classes_partition": {c: len(typed[c]) for c in sorted(typed)},
        "properties_partition": dict(sorted(properties.items())),
    }
    earliest = to_rdflib(min(dated, key=lambda lit: lit.value)) if dated else None
    return stats, dict(sorted(links.items())), earliest


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> EmbeddedStore:
    path = tmp_path_factory.mktemp("void") / "2k.ttl"
    write(2000, path, 7)
    return EmbeddedStore.from_files([path])


@pytest.fixture(scope="module")
def corners(tmp_path_factory) -> EmbeddedStore:
    path = tmp_path_factory.mktemp("void") / "corners.ttl"
    path.write_text(CORNERS, encoding="utf-8")
    return EmbeddedStore.from_files([path])


@pytest.mark.parametrize("name", ["real data", "generated", "corners"])
def test_the_store_counts_what_a_python_pass_counts(name, dataset, generated, corners):
    store = {"real data": dataset, "generated": generated, "corners": corners}[name]
    stats, links, earliest = python_figures(store)
    assert void_statistics(store) == stats
    assert wikidata_links(store) == links
    assert _earliest_date(store) == earliest
    assert _vocabularies(void_statistics(store))  # the data uses known vocabularies
    assert stats["triples"] > 10 and stats["classes_partition"]


def test_the_corners_are_in_the_small_graph(corners):
    stats, links, earliest = python_figures(corners)
    assert stats["entities"] < stats["distinctSubjects"], "a blank subject is not an entity"
    assert stats["classes_partition"]["https://example.org/Two"] == 2
    assert links == {str(OWL.sameAs): 1, str(SKOS.closeMatch): 1, str(SKOS.exactMatch): 1}
    assert str(earliest) == "2011-05-01"

"""What a page for people shows beyond the resource's own description (`gather`): the clusters in
which an organisation holds a role, and for a concept its broader and narrower concepts and the
clusters of it and of the narrower ones, with their labels. Asked of any SPARQL 1.1 store: a
hierarchy is walked a step at a time, so no property path is needed and a cycle ends."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import RDF, URIRef
from rdflib.namespace import SKOS

from ..rdf.results import GraphStore
from ..rdf.sparqltext import fill
from .describe import (
    Description,
    LabelSource,
    label_index,
    label_triples,
)

ROLES_HELD = """
SELECT DISTINCT ?cluster ?type WHERE {
  { ?role kc:heldBy $R ; kc:roleIn ?cluster .
    OPTIONAL { ?role kc:roleType ?type } }
  UNION
  { ?role <http://www.w3.org/ns/org#member> $R ; <http://www.w3.org/ns/org#organization> ?cluster .
    OPTIONAL { ?role <http://www.w3.org/ns/org#role> ?type } }
}
"""

# One step down (narrower) or up (broader) from a set of concepts; the hierarchy is walked a step
# at a time in Python, so any SPARQL 1.1 store answers (no property paths) and a cycle ends.
NARROWER = """
SELECT DISTINCT ?a ?b WHERE {
  VALUES ?a { $IRIS }
  { ?a <http://www.w3.org/2004/02/skos/core#narrower> ?b }
  UNION { ?b <http://www.w3.org/2004/02/skos/core#broader> ?a }
  FILTER(isIRI(?b))
}
"""
BROADER = """
SELECT DISTINCT ?a ?b WHERE {
  VALUES ?a { $IRIS }
  { ?a <http://www.w3.org/2004/02/skos/core#broader> ?b }
  UNION { ?b <http://www.w3.org/2004/02/skos/core#narrower> ?a }
  FILTER(isIRI(?b))
}
"""

CLUSTERS_OF = """
SELECT DISTINCT ?cluster ?p ?c WHERE {
  VALUES ?c { $IRIS }
  ?cluster ?p ?c .
  ?cluster a kc:ClusterInitiative .
}
"""

# A hierarchy deeper or wider than this is cut (a page stays a page).
MAX_DEPTH = 12
MAX_CONCEPTS = 500


def _values(store: GraphStore, template: str, iris: Iterable[str]) -> list[tuple]:
    terms = [URIRef(i) for i in sorted(iris)]
    return store.query(fill(template, IRIS=terms)).rows if terms else []


def _walk(store: GraphStore, start: str, template: str) -> list[tuple[str, str]]:
    """The edges (a, b) of the hierarchy from `start`, a step at a time (see NARROWER)."""
    edges: set[tuple[str, str]] = set()
    seen, frontier = {start}, {start}
    for _depth in range(MAX_DEPTH):
        if not frontier or len(seen) > MAX_CONCEPTS:
            break
        step = {(str(a), str(b)) for a, b in _values(store, template, frontier)}
        edges |= step
        frontier = {b for _a, b in step} - seen
        seen |= frontier
    return sorted(edges)


def gather(store: GraphStore, desc: Description, labels: LabelSource | None = None) -> None:
    """Add to `desc.related` what a page for people shows beyond the description: the clusters
    in which the resource holds a role, and for a concept its broader and narrower concepts and
    the clusters of it and of its narrower concepts; with their labels."""
    iri = desc.iri
    subject = URIRef(iri)
    prologue = desc.the_site.namespaces.prologue("kc")
    named: set[str] = set()
    roles = [
        (str(cluster), str(kind) if kind is not None else None)
        for cluster, kind in store.query(prologue + fill(ROLES_HELD, R=subject)).rows
        if isinstance(cluster, URIRef)
    ]
    desc.related["roles"] = sorted(roles, key=lambda r: (r[0], r[1] or ""))
    named |= {c for c, _k in roles} | {k for _c, k in roles if k}
    if (subject, RDF.type, SKOS.Concept) in set(desc.triples):
        down = _walk(store, iri, NARROWER)
        up = _walk(store, iri, BROADER)
        concepts = {iri} | {b for _a, b in down}
        clusters = [
            (str(c), str(p), str(x))
            for c, p, x in _values(store, prologue + CLUSTERS_OF, concepts)
            if isinstance(c, URIRef)
        ]
        desc.related |= {"narrower": down, "broader": up, "clusters": sorted(set(clusters))}
        named |= {x for edge in down + up for x in edge}
        named |= {c for c, _p, _x in clusters} | {p for _c, p, _x in clusters}
    named -= set(desc.labels)
    if named:
        found = labels(named) if labels is not None else label_triples(store, named)
        for key, values in label_index(found).items():
            desc.labels.setdefault(key, values)

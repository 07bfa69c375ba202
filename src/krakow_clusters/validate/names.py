"""How a validation finding names the resource it is about, for people: its label, asked of the
store, or the labelled resource that a count, a role or a blank node belongs to."""

from __future__ import annotations

from rdflib import RDFS, SKOS, BNode, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from ..rdf.namespaces import curie
from ..store.embedded import EmbeddedStore

LABELS = (RDFS.label, SKOS.prefLabel, DCTERMS.title)
LABEL_QUERY = """
SELECT ?node ?property ?label WHERE {
  VALUES ?property { <http://www.w3.org/2000/01/rdf-schema#label>
                     <http://www.w3.org/2004/02/skos/core#prefLabel>
                     <http://purl.org/dc/terms/title> }
  ?node ?property ?label .
}"""


class Namer:
    """Names resources for people, asking the store (no copy of the graph is needed)."""

    def __init__(self, store: EmbeddedStore):
        self.store = store
        self._labels: dict[Node, str | None] = {}

    def label(self, node: Node) -> str | None:
        """The English label of a node, else any label, else None."""
        if node not in self._labels:
            # Oxigraph binds a variable only where the query projects it, so ?node is selected.
            rows = [r[1:] for r in self.store.query(LABEL_QUERY, {"node": node}).rows]
            ranked = sorted(
                rows,
                key=lambda r: (
                    LABELS.index(r[0]),
                    getattr(r[1], "language", None) != "en",
                    str(r[1]),
                ),
            )
            english = [r for r in ranked if getattr(r[1], "language", None) == "en"]
            best = english[0] if english else (ranked[0] if ranked else None)
            self._labels[node] = str(best[1]) if best else None
        return self._labels[node]

    def describe(self, focus: Node) -> tuple[Node, str]:
        """The labelled resource a result is about, and how to name it.

        A count or a role (`…/cluster/bim#members`, or a blank node) is reported under the resource
        it belongs to, so that a curator reads the cluster's name on the line that says what is
        wrong.
        """
        label = self.label(focus)
        if label:
            return focus, label
        if isinstance(focus, URIRef) and "#" in focus:
            base = URIRef(focus.split("#", 1)[0])
            base_label = self.label(base)
            described = self.store.query("ASK { ?node ?p ?o }", {"node": base}).boolean
            if base_label or described:
                return base, base_label or f"(no name) {curie(str(base)) or f'<{base}>'}"
        if isinstance(focus, BNode):
            rows = self.store.query("SELECT ?s ?node WHERE { ?s ?p ?node }", {"node": focus}).rows
            for subject, _ in sorted(rows, key=lambda r: str(r[0])):
                subject_label = self.label(subject)
                if subject_label:
                    return subject, subject_label
        if isinstance(focus, URIRef):
            return focus, f"(no name) {curie(str(focus)) or f'<{focus}>'}"
        return focus, "(blank node)"

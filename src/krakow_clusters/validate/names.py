"""How a validation finding names the resource it is about, for people: its label, asked of the
store, or the labelled resource that a count, a role or a blank node belongs to."""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..rdf.labels import LABEL_PROPERTIES, pick_label
from ..rdf.namespaces import Namespaces
from ..settings import Settings
from ..store.embedded import EmbeddedStore

LABEL_QUERY = (
    "SELECT ?node ?property ?label WHERE { VALUES ?property { "
    + " ".join(f"<{iri}>" for iri in LABEL_PROPERTIES)
    + " } ?node ?property ?label . }"
)


class Namer:
    """Names resources for people, asking the store (no copy of the graph is needed)."""

    def __init__(self, store: EmbeddedStore, settings: Settings):
        self.store = store
        self.settings = settings
        self.namespaces = Namespaces.of(settings)
        self.curie = self.namespaces.curie
        self._labels: dict[Node, str | None] = {}

    def label(self, node: Node) -> str | None:
        """A node's name in the project's first language (the one label picker: a label before a
        preferred label before a title, among names of one language), else None."""
        if node not in self._labels:
            # Oxigraph binds a variable only where the query projects it, so ?node is selected.
            rows = [r[1:] for r in self.store.query(LABEL_QUERY, {"node": node}).rows]
            names = [
                name
                for _property, name in sorted(
                    rows, key=lambda r: (LABEL_PROPERTIES.index(str(r[0])), str(r[1]))
                )
                if isinstance(name, Literal)
            ]
            self._labels[node] = pick_label(names, self.settings.default_language)
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
                return base, base_label or f"(no name) {self.curie(str(base)) or f'<{base}>'}"
        if isinstance(focus, BNode):
            rows = self.store.query("SELECT ?s ?node WHERE { ?s ?p ?node }", {"node": focus}).rows
            for subject, _ in sorted(rows, key=lambda r: str(r[0])):
                subject_label = self.label(subject)
                if subject_label:
                    return subject, subject_label
        if isinstance(focus, URIRef):
            return focus, f"(no name) {self.curie(str(focus)) or f'<{focus}>'}"
        return focus, "(blank node)"

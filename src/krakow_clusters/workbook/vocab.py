"""The terms the sheets write, and what a workbook's cells may name: the project's namespaces,
languages, the concepts of the schemes and the origin files of the data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from ..rdf.namespaces import Namespaces
from ..rdf.terms import is_valid_iri
from ..settings import Settings
from .sheets import Sheet, sheets

SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
GRAPHS_FILE = "graphs"  # data/graphs.ttl describes every graph and source (data/README.md)
# The file of each kind of the curators' work when graphs.ttl describes none yet.
WORK_FILES = {
    "translation": "translations",
    "summary": "summaries",
    "classification": "classifications",
    "interpretation": "interpretations",
}
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass
class Terms:
    """The project's terms: kc: properties and classes, and the IRIs of its kinds of resource."""

    ns: Namespaces

    def kc(self, name: str) -> URIRef:
        return URIRef(self.ns.table["kc"] + name)

    def schema(self, name: str) -> URIRef:
        return URIRef(SCHEMA + name)

    def org(self, name: str) -> URIRef:
        return URIRef(ORG + name)

    def of(self, prefix: str, slug: str) -> URIRef:
        return URIRef(self.ns.table[prefix] + slug)

    def slug(self, prefix: str, term: object) -> str | None:
        """The local part of `term` in the namespace of `prefix`, when it is a plain slug."""
        namespace = self.ns.table[prefix]
        text = str(term)
        if isinstance(term, URIRef) and text.startswith(namespace):
            local = text[len(namespace) :]
            return local if SLUG.fullmatch(local) else None
        return None

    def shown(self, iri: object) -> str:
        """An IRI as a cell shows it: a prefixed name where one fits, else the IRI."""
        return self.ns.curie(str(iri)) or str(iri)

    def cluster_types(self) -> tuple[URIRef, ...]:
        return (
            self.kc("ClusterInitiative"),
            self.org("OrganizationalCollaboration"),
            self.org("Organization"),
            self.schema("Organization"),
        )

    def place_types(self) -> tuple[URIRef, ...]:
        return (DCTERMS.Location, self.schema("Place"))

    def organisation_types(self) -> tuple[URIRef, ...]:
        return (
            self.org("FormalOrganization"),
            self.org("Organization"),
            self.schema("Organization"),
        )


@dataclass
class DataFile:
    """One origin file of data/: its name (without .ttl), graph, header comment and statements,
    and its origin: ("source", source IRI) or ("work", kind) or None."""

    name: str
    graph: Graph
    header: str = ""
    origin: tuple[str, str] | None = None

    def triples(self) -> set[tuple]:
        return set(self.graph)


@dataclass
class Context:
    """What the cells of a workbook may name in one project."""

    settings: Settings
    terms: Terms
    concepts: set[str] = field(default_factory=set)
    subjects: set[str] = field(default_factory=set)  # resources the data already describes
    work_files: dict[str, str] = field(default_factory=dict)  # kind -> file name
    types: dict[str, set[str]] = field(default_factory=dict)  # resource -> its types (all files)

    @property
    def sheets(self) -> tuple[Sheet, ...]:
        return sheets(self.languages)

    def is_a(self, subject: object, kind: object) -> bool:
        return str(kind) in self.types.get(str(subject), ())

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.settings.languages)

    def iri(self, text: str) -> URIRef | None:
        """The IRI a cell names (a prefixed name or an absolute IRI); None when it names none."""
        try:
            iri = self.terms.ns.expand(text)
        except Exception:  # CouldNotRun: an unknown prefix
            return None
        return (
            URIRef(iri)
            if is_valid_iri(iri) and re.fullmatch(r"[a-z][a-z0-9+.-]*:\S+", iri, re.I)
            else None
        )


def file_header(name: str, graph: str, origin: tuple[str, str]) -> str:
    """The header comment of an origin file that import writes anew."""
    if origin[0] == "source":
        what = f"What {origin[1]} states"
    else:
        what = f"The curators' {WORK_FILES.get(origin[1], origin[1])}"
    return f"{what}.\nWritten by `krakow-clusters import`; one named graph, <{graph}>."

"""Our side of the links: the clusters, organisations, places and sectors of the data that can
be linked to Wikidata, their names and links, the Wikidata item IRIs, and the reviewed links file
(data/links/wikidata.ttl) that `check --record-verified` and `propose --accept` edit in place."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import OWL, RDFS, SDO, SKOS, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from ..project import ID_BASE, Project
from ..rdf.namespaces import NAMESPACES
from ..store import open_embedded

KC = Namespace(NAMESPACES["kc"])
WD = Namespace(NAMESPACES["wd"])
LINK_PREDICATES = (OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch)
KINDS = ("cluster", "organization", "place", "sector")
_ITEM = re.compile(re.escape(NAMESPACES["wd"]) + r"(Q[1-9][0-9]*)")


def is_item(iri: str) -> bool:
    """Whether an IRI is a Wikidata item's: http://www.wikidata.org/entity/Q…"""
    return _ITEM.fullmatch(str(iri)) is not None


def qid(iri: str) -> str:
    """The last segment of an IRI: Q31487 for a Wikidata item."""
    return str(iri).rsplit("/", 1)[-1]


def item_iri(text: str) -> str:
    """A Wikidata item's IRI from a QID, `wd:QID` or the IRI itself (returned as given)."""
    text = text.strip()
    if re.fullmatch(r"Q[1-9][0-9]*", text):
        return str(WD[text])
    if text.startswith("wd:"):
        return str(WD[text[3:]])
    return text


@dataclass
class Resource:
    """A cluster, organisation, place or sector of ours, with its names and links."""

    iri: URIRef
    kind: str
    labels: list[Literal] = field(default_factory=list)
    pref: dict[str, str] = field(default_factory=dict)
    links: list[tuple[URIRef, URIRef]] = field(default_factory=list)
    parents: list[URIRef] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return str(self.iri).rsplit("/", 1)[-1]

    @property
    def name(self) -> str:
        return self.pref.get("en") or self.pref.get("pl") or self.slug

    @property
    def short(self) -> str:
        return f"{self.kind}:{self.slug}"


def kind_of(iri: URIRef) -> str | None:
    """cluster, organization, place or sector for one of our resources' IRIs; None otherwise."""
    text = str(iri)
    if not text.startswith(ID_BASE) or "#" in text:
        return None
    kind = text[len(ID_BASE) :].split("/", 1)[0]
    return kind if kind in KINDS else None


def load_resources(project: Project) -> tuple[rdflib.Graph, dict[URIRef, Resource]]:
    """The dataset as a graph, and every resource that has a name, by IRI in IRI order."""
    graph = open_embedded(project.dataset_files()).to_rdflib()
    resources: dict[URIRef, Resource] = {}
    for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
        for subject, label in graph.subject_objects(prop):
            kind = kind_of(subject)
            if kind is None or not isinstance(label, Literal):
                continue
            resource = resources.setdefault(subject, Resource(subject, kind))
            if label not in resource.labels:
                resource.labels.append(label)
            if prop != SKOS.altLabel and label.language and label.language not in resource.pref:
                resource.pref[label.language] = str(label)
    for resource in resources.values():
        resource.labels.sort(key=lambda lit: (lit.language or "", str(lit)))
        for prop in LINK_PREDICATES:
            for target in sorted(graph.objects(resource.iri, prop)):
                if is_item(target):
                    resource.links.append((prop, target))
        resource.parents = _containing_places(graph, resource.iri)
    return graph, dict(sorted(resources.items()))


def _containing_places(graph: rdflib.Graph, iri: URIRef) -> list[URIRef]:
    """Places that contain this resource or its location, nearest first."""
    start = list(graph.objects(iri, SDO.containedInPlace)) + list(graph.objects(iri, SDO.location))
    seen: list[URIRef] = []
    frontier = sorted(start)
    while frontier:
        following = []
        for place in frontier:
            if place in seen:
                continue
            seen.append(place)
            following += sorted(graph.objects(place, SDO.containedInPlace))
        frontier = following
    return seen


def qid_of(graph: rdflib.Graph, iri: URIRef) -> URIRef | None:
    """The Wikidata item a resource is owl:sameAs, if any (the first in IRI order)."""
    for target in sorted(graph.objects(iri, OWL.sameAs)):
        if is_item(target):
            return target
    return None


def country_qid(graph: rdflib.Graph) -> URIRef | None:
    """The QID linked to the one place typed schema:Country in the data (Poland)."""
    for country in sorted(graph.subjects(RDF.type, SDO.Country)):
        found = qid_of(graph, country)
        if found is not None:
            return found
    return None


# --- the links file ------------------------------------------------------------------------------


def links_file(project: Project) -> Path:
    """The reviewed links: data/links/wikidata.ttl."""
    return project.data_dir / "links" / "wikidata.ttl"


def with_xsd_prefix(text: str) -> str:
    """The Turtle text with an `@prefix xsd:` line after its last prefix, unless it has one."""
    if re.search(r"^@prefix\s+xsd:", text, flags=re.MULTILINE):
        return text
    lines = text.split("\n")
    last = max((i for i, line in enumerate(lines) if line.startswith("@prefix")), default=-1)
    lines.insert(last + 1, f"@prefix xsd:     <{NAMESPACES['xsd']}> .")
    return "\n".join(lines)

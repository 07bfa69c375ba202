"""The names, types and facts of the resources that reconciliation and the search pages match
against (rdf/matcher.py).

Everything is read through the store's SPARQL (the default graph, which the store makes the union
of the dataset's graphs), never from files, so that a remote store works as well as the embedded
one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Literal

from ..settings import Settings
from .namespaces import Namespaces
from .results import GraphStore
from .sparqltext import fill

WIKIDATA = "http://www.wikidata.org/entity/"

# The kinds of resource a name can be matched to: id used by the API, its name and the RDF class
# (or scheme) that decides membership.
TYPES: dict[str, str] = {
    "cluster": "Cluster initiative",
    "organization": "Organisation",
    "sector": "Sector",
    "place": "Place",
}

# The queries' prefixes come from the project's table (Namespaces.prologue); $ID is the literal
# of its resource base, $LANG of its default language (both the project's, never a visitor's).
ENTITIES_PREFIXES = ("kc", "org", "schema", "skos", "rdfs", "scheme")
ENTITIES_QUERY = """
SELECT DISTINCT ?resource ?type ?name ?alt
WHERE {
  {
    ?resource a kc:ClusterInitiative . BIND ("cluster" AS ?type)
  } UNION {
    ?resource a org:FormalOrganization . BIND ("organization" AS ?type)
  } UNION {
    ?resource skos:inScheme scheme:sectors .
    BIND ("sector" AS ?type)
  } UNION {
    ?resource a schema:Place . BIND ("place" AS ?type)
  }
  { ?resource rdfs:label ?name . BIND (false AS ?alt) }
  UNION { ?resource skos:prefLabel ?name . BIND (false AS ?alt) }
  UNION { ?resource skos:altLabel ?name . BIND (true AS ?alt) }
  FILTER (STRSTARTS(STR(?resource), $ID))
}
"""

FACTS_PREFIXES = ("kc", "org", "schema", "skos", "rdfs", "owl", "dcterms", "role")
FACTS_QUERY = """
SELECT ?resource ?key ?value
WHERE {
  {
    ?resource kc:sector ?value . BIND ("sector" AS ?key)
  } UNION {
    ?resource schema:location|kc:memberRegion ?value . BIND ("place" AS ?key)
  } UNION {
    # Identity links only: a close match ("to be confirmed") names another, similar item.
    ?resource owl:sameAs|skos:exactMatch ?value . BIND ("wikidata" AS ?key)
    FILTER (STRSTARTS(STR(?value), "http://www.wikidata.org/entity/"))
  } UNION {
    ?resource dcterms:description ?value . BIND ("description" AS ?key)
    FILTER (LANG(?value) = $LANG)
  } UNION {
    ?resource kc:memberCount/kc:statedAs ?value . BIND ("members" AS ?key)
    FILTER (LANG(?value) = $LANG)
  } UNION {
    # The number as stated, read with member_count_qualifier ("more than" 70), never alone.
    ?resource kc:memberCount/(schema:value|kc:statedNumber) ?value . BIND ("member_count" AS ?key)
  } UNION {
    ?resource kc:memberCount/kc:qualifier/skos:prefLabel ?value .
    FILTER (LANG(?value) = $LANG)
    BIND ("member_count_qualifier" AS ?key)
  } UNION {
    # A role (kc:ClusterRole), or a membership where a source speaks of members.
    ?role kc:roleIn|org:organization ?resource ; kc:heldBy|org:member ?value ;
          kc:roleType|org:role role:coordinator .
    BIND ("coordinator" AS ?key)
  } UNION {
    ?resource kc:status/kc:statusType ?status . ?status skos:prefLabel ?value .
    FILTER (LANG(?value) = $LANG)
    BIND ("status" AS ?key)
  }
  FILTER (STRSTARTS(STR(?resource), $ID))
}
"""

# Every language's descriptions, for the snippets of the search page.
DESCRIPTIONS_QUERY = """
SELECT ?resource ?text
WHERE {
  ?resource dcterms:description ?text .
  FILTER (STRSTARTS(STR(?resource), $ID))
}
"""


@dataclass
class Entity:
    """A resource that can be matched: its id (the IRI after the resource base), its type, its
    names (preferred ones first) and the facts shown in previews and data extension."""

    id: str
    type: str
    base: str  # the project's resource base: the IRI is base + id
    names: list[tuple[str, bool]] = field(default_factory=list)  # (name, is alternative)
    facts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # The preferred names and the descriptions as literals, every language: what the search page
    # shows in the page's language (rdf.labels.pick_label chooses).
    labels: list[Literal] = field(default_factory=list)
    descriptions: list[Literal] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return self.base + self.id

    @property
    def label(self) -> str:
        """The preferred name in the project's default language (else the first)."""
        return self.names[0][0] if self.names else self.id

    @property
    def qid(self) -> str | None:
        links = sorted(self.facts.get("wikidata", []))
        return links[0].removeprefix(WIKIDATA) if links else None


def entity_id(iri: str, base: str) -> str | None:
    """The id of a resource IRI (`cluster/bim`), or None for an IRI outside the resource base."""
    return iri[len(base) :] if iri.startswith(base) and len(iri) > len(base) else None


def _prologue(settings: Settings, prefixes: tuple[str, ...]) -> str:
    return Namespaces.of(settings).prologue(*prefixes)


def load_entities(store: GraphStore, settings: Settings) -> dict[str, Entity]:
    """Every matchable resource of `store`, by id, in a stable order (by id)."""
    base = settings.id_base
    entities: dict[str, Entity] = {}
    preferred: dict[str, list[tuple[int, str, bool]]] = defaultdict(list)
    for row in store.query(
        _prologue(settings, ENTITIES_PREFIXES) + fill(ENTITIES_QUERY, ID=Literal(settings.id_base))
    ).rows:
        resource, kind, name, alt = row
        ident = entity_id(str(resource), base)
        if ident is None or name is None:
            continue
        entity = entities.setdefault(ident, Entity(ident, str(kind), base))
        is_alt = bool(alt.toPython()) if isinstance(alt, Literal) else False
        lang = name.language if isinstance(name, Literal) else None
        # Preferred names in the default language first: they are the label shown; then the rest.
        rank = (2 if is_alt else 0) + (0 if lang == settings.default_language else 1)
        preferred[ident].append((rank, str(name), is_alt))
        if not is_alt and isinstance(name, Literal) and name not in entity.labels:
            entity.labels.append(name)
    for ident, names in preferred.items():
        seen: set[str] = set()
        for _rank, name, is_alt in sorted(names):
            if name not in seen:
                seen.add(name)
                entities[ident].names.append((name, is_alt))
    for resource, key, value in store.query(
        _prologue(settings, FACTS_PREFIXES)
        + fill(FACTS_QUERY, ID=Literal(settings.id_base), LANG=Literal(settings.default_language))
    ).rows:
        entity = entities.get(entity_id(str(resource), base) or "")
        if entity is not None and value is not None:
            entity.facts[str(key)].append(str(value))
    for resource, text in store.query(
        _prologue(settings, ("dcterms",)) + fill(DESCRIPTIONS_QUERY, ID=Literal(settings.id_base))
    ).rows:
        entity = entities.get(entity_id(str(resource), base) or "")
        if entity is not None and isinstance(text, Literal):
            entity.descriptions.append(text)
    for entity in entities.values():
        for values in entity.facts.values():
            values.sort()
        entity.labels.sort(key=lambda lit: (lit.language or "", str(lit)))
        entity.descriptions.sort(key=lambda lit: (lit.language or "", str(lit)))
    return dict(sorted(entities.items()))

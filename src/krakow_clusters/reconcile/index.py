"""The names, types and facts of the resources that reconciliation matches against.

Everything is read through the store's SPARQL (the default graph, which the store makes the union
of the dataset's graphs), never from files, so that a remote store works as well as the embedded
one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Literal

from ..project import ID_BASE
from ..rdf.results import GraphStore

WIKIDATA = "http://www.wikidata.org/entity/"

# The kinds of resource a name can be matched to: id used by the API, its name and the RDF class
# (or scheme) that decides membership.
TYPES: dict[str, str] = {
    "cluster": "Cluster initiative",
    "organization": "Organisation",
    "sector": "Sector",
    "place": "Place",
}

ENTITIES_QUERY = """
PREFIX kc:     <https://w3id.org/krakow-clusters/ontology#>
PREFIX org:    <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX skos:   <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs:   <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?resource ?type ?name ?alt
WHERE {
  {
    ?resource a kc:ClusterInitiative . BIND ("cluster" AS ?type)
  } UNION {
    ?resource a org:FormalOrganization . BIND ("organization" AS ?type)
  } UNION {
    ?resource skos:inScheme <https://w3id.org/krakow-clusters/id/scheme/sectors> .
    BIND ("sector" AS ?type)
  } UNION {
    ?resource a schema:Place . BIND ("place" AS ?type)
  }
  { ?resource rdfs:label ?name . BIND (false AS ?alt) }
  UNION { ?resource skos:prefLabel ?name . BIND (false AS ?alt) }
  UNION { ?resource skos:altLabel ?name . BIND (true AS ?alt) }
  FILTER (STRSTARTS(STR(?resource), "https://w3id.org/krakow-clusters/id/"))
}
"""

FACTS_QUERY = """
PREFIX kc:      <https://w3id.org/krakow-clusters/ontology#>
PREFIX org:     <http://www.w3.org/ns/org#>
PREFIX schema:  <https://schema.org/>
PREFIX skos:    <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs:    <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl:     <http://www.w3.org/2002/07/owl#>
PREFIX dcterms: <http://purl.org/dc/terms/>
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
    FILTER (LANG(?value) = "en")
  } UNION {
    ?resource kc:memberCount/kc:statedAs ?value . BIND ("members" AS ?key)
    FILTER (LANG(?value) = "en")
  } UNION {
    ?resource kc:memberCount/schema:value ?value . BIND ("member_count" AS ?key)
  } UNION {
    ?resource kc:memberCount/kc:qualifier/skos:prefLabel ?value .
    FILTER (LANG(?value) = "en")
    BIND ("member_count_qualifier" AS ?key)
  } UNION {
    # A role (kc:ClusterRole), or a membership where a source speaks of members.
    ?role kc:roleIn|org:organization ?resource ; kc:heldBy|org:member ?value ;
          kc:roleType|org:role <https://w3id.org/krakow-clusters/id/role/coordinator> .
    BIND ("coordinator" AS ?key)
  } UNION {
    ?resource kc:status/kc:statusType ?status . ?status skos:prefLabel ?value .
    FILTER (LANG(?value) = "en")
    BIND ("status" AS ?key)
  }
  FILTER (STRSTARTS(STR(?resource), "https://w3id.org/krakow-clusters/id/"))
}
"""


@dataclass
class Entity:
    """A resource that can be matched: its id (the IRI after the resource base), its type, its
    names (preferred ones first) and the facts shown in previews and data extension."""

    id: str
    type: str
    names: list[tuple[str, bool]] = field(default_factory=list)  # (name, is alternative)
    facts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def iri(self) -> str:
        return ID_BASE + self.id

    @property
    def label(self) -> str:
        """The English (else the first) preferred name."""
        return self.names[0][0] if self.names else self.id

    @property
    def qid(self) -> str | None:
        links = sorted(self.facts.get("wikidata", []))
        return links[0].removeprefix(WIKIDATA) if links else None


def entity_id(iri: str) -> str | None:
    """The id of a resource IRI (`cluster/bim`), or None for an IRI outside the resource base."""
    return iri[len(ID_BASE) :] if iri.startswith(ID_BASE) and len(iri) > len(ID_BASE) else None


def load_entities(store: GraphStore) -> dict[str, Entity]:
    """Every matchable resource of `store`, by id, in a stable order (by id)."""
    entities: dict[str, Entity] = {}
    preferred: dict[str, list[tuple[int, str, bool]]] = defaultdict(list)
    for row in store.query(ENTITIES_QUERY).rows:
        resource, kind, name, alt = row
        ident = entity_id(str(resource))
        if ident is None or name is None:
            continue
        entity = entities.setdefault(ident, Entity(ident, str(kind)))
        is_alt = bool(alt.toPython()) if isinstance(alt, Literal) else False
        lang = name.language if isinstance(name, Literal) else None
        # English preferred names first: they are the label shown; then Polish, then the rest.
        rank = (2 if is_alt else 0) + (0 if lang == "en" else 1)
        preferred[ident].append((rank, str(name), is_alt))
    for ident, names in preferred.items():
        seen: set[str] = set()
        for _rank, name, is_alt in sorted(names):
            if name not in seen:
                seen.add(name)
                entities[ident].names.append((name, is_alt))
    for resource, key, value in store.query(FACTS_QUERY).rows:
        entity = entities.get(entity_id(str(resource)) or "")
        if entity is not None and value is not None:
            entity.facts[str(key)].append(str(value))
    for entity in entities.values():
        for values in entity.facts.values():
            values.sort()
    return dict(sorted(entities.items()))

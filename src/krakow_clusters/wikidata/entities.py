"""Wikidata's side of the links: what the endpoint says about an item (labels, descriptions,
classes, country, location, redirect), fetched for many items at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from ..rdf.labels import pick_label
from .client import WikidataClient
from .queries import facts_query
from .resources import qid


@dataclass
class Entity:
    """What the endpoint says about one item."""

    iri: URIRef
    exists: bool = False
    redirect: URIRef | None = None
    labels: list[Literal] = field(default_factory=list)
    descriptions: list[Literal] = field(default_factory=list)
    classes: dict[URIRef, str] = field(default_factory=dict)
    superclasses: dict[URIRef, str] = field(default_factory=dict)
    countries: list[URIRef] = field(default_factory=list)
    located_in: list[URIRef] = field(default_factory=list)

    @property
    def qid(self) -> str:
        return qid(self.iri)

    def label(self, lang: str = "en") -> str:
        """The label in `lang` (its region variants too), else in English (Wikidata's own), else
        in the first language by tag."""
        by_tag = sorted(self.labels, key=lambda label: label.language or "")
        return pick_label(by_tag, lang, ["en"]) or self.qid

    def description(self, lang: str = "en") -> str:
        for label in self.descriptions:
            if label.language == lang:
                return str(label)
        return ""


def fetch_entities(
    client: WikidataClient, items: Iterable[URIRef], languages: Sequence[str]
) -> dict[URIRef, Entity]:
    """What the endpoint says about each item, 50 items a query; an item it knows nothing of
    has `exists` False."""
    wanted = sorted(set(items))
    entities = {iri: Entity(iri) for iri in wanted}
    for start in range(0, len(wanted), 50):
        for row in client.query(facts_query(wanted[start : start + 50], languages)).dicts():
            entity = entities.get(row["item"])
            if entity is None:
                continue
            prop, value, value_label = str(row["prop"]), row["value"], row.get("valueLabel")
            entity.exists = True
            if prop == "redirect":
                entity.redirect = value
            elif prop == "label" and value not in entity.labels:
                entity.labels.append(value)
            elif prop == "description" and value not in entity.descriptions:
                entity.descriptions.append(value)
            elif prop == "P31":
                entity.classes[value] = str(value_label or entity.classes.get(value) or "")
            elif prop == "P279":
                entity.superclasses[value] = str(value_label or "")
            elif prop == "P17" and value not in entity.countries:
                entity.countries.append(value)
            elif prop == "P131" and value not in entity.located_in:
                entity.located_in.append(value)
    for entity in entities.values():
        entity.labels.sort(key=lambda lit: (lit.language or "", str(lit)))
        entity.descriptions.sort(key=lambda lit: (lit.language or "", str(lit)))
        entity.countries.sort()
        entity.located_in.sort()
    return entities

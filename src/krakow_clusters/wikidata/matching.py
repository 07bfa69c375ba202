"""Comparing ours with Wikidata's: names (folded and scored) and classes (plausible per kind).

Which classes are plausible for each kind of resource is decided from the English labels of the
item's classes (P31) and of their direct superclasses (P31/P279), with the keyword table
`EXPECTED_CLASSES` below. Labels rather than QIDs: the project has no evidence for the QIDs of
classes such as "city" or "company", and adds no QID from memory.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from rdflib import Literal

from ..rdf.names import fold
from .entities import Entity
from .resources import qid

# Plausible classes per kind of resource: keywords, matched as whole words in the English labels
# of the item's classes (P31) and their direct superclasses (P31/P279). An item with classes of
# which none matches is implausible (a place linked to a company: "business", "enterprise").
EXPECTED_CLASSES: dict[str, tuple[str, ...]] = {
    "place": (
        "city", "town", "village", "human settlement", "municipality", "gmina", "county",
        "powiat", "voivodeship", "province", "region", "country", "state", "metropolitan area",
        "metropolis", "administrative territorial entity", "administrative unit", "urban area",
        "capital", "territory",
    ),
    "organization": (
        "organization", "organisation", "university", "college", "school", "institute",
        "foundation", "association", "company", "business", "enterprise", "government",
        "local government", "municipality", "authority", "office", "public body", "academy",
        "agency", "society", "nonprofit", "institution", "cluster",
    ),
    "cluster": (
        "organization", "organisation", "association", "foundation", "cluster", "network",
        "consortium", "initiative", "partnership", "nonprofit", "collaboration",
    ),
    "sector": (
        "industry", "sector", "economic activity", "branch", "field", "discipline", "science",
        "technology", "technique", "engineering", "energy", "study", "profession", "occupation",
        "activity",
    ),
}  # fmt: skip


def label_similarity(ours: Iterable[Literal], theirs: Iterable[Literal]) -> tuple[float, str, str]:
    """The best similarity (0..1) between two sets of names, with the two names that gave it."""
    best = (0.0, "", "")
    for a in ours:
        for b in theirs:
            score = difflib.SequenceMatcher(None, fold(a), fold(b)).ratio()
            if score > best[0]:
                best = (score, show_label(a), show_label(b))
    return best


def show_label(label: Literal) -> str:
    """A name as a SPARQL-like literal, for reports: "Kraków"@pl."""
    return f'"{label}"@{label.language}' if label.language else f'"{label}"'


def class_verdict(kind: str, entity: Entity) -> tuple[bool | None, str]:
    """(True plausible / False implausible / None unknown, the class names that decided it)."""
    names = {**entity.classes, **entity.superclasses}
    if not entity.classes:
        return None, "no class (P31)"
    keywords = EXPECTED_CLASSES[kind]
    for iri, name in sorted(names.items()):
        lowered = name.lower()
        for word in keywords:
            if re.search(rf"\b{re.escape(word)}\b", lowered):
                return True, f"{name or qid(iri)} ({qid(iri)})"
    shown = ", ".join(f"{n or '?'} ({qid(i)})" for i, n in sorted(entity.classes.items()))
    return False, shown

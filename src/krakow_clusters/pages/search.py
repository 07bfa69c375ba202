"""The search pages: the resources whose names match what a visitor types, for `serve`'s /search
(answered by the one index of names, rdf/matcher.py: Matcher.search) and for the static site,
where the page's own script (static/search.js) reads an index file of the same names.

A result is a resource with its kind, its label and a snippet of its description in the page's
language (rdf.labels.pick_label), and the name that matched (an English, Polish or alternative
name, or the acronym's full name).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import Literal

from ..rdf.entities import Entity
from ..rdf.labels import pick_label
from ..rdf.matcher import Candidate, Matcher
from ..rdf.matcher import fold as match_fold
from ..rdf.names import FOLDS_FOR_SCRIPTS, fold
from .describe import Site
from .i18n import N_, translator, with_language

# What a visitor may type: longer is refused with one line (a name is far shorter).
MAX_QUERY = 200
MAX_RESULTS = 50
SNIPPET = 220  # characters of a description shown under a result

KINDS = {
    "cluster": N_("Cluster initiative"),
    "organization": N_("Organisation"),
    "sector": N_("Sector"),
    "place": N_("Place"),
}


class BadQuery(ValueError):
    """What a visitor typed cannot be searched for; the message is one line."""


def check_query(text: str) -> str:
    """`text` stripped, or BadQuery (too long, or a control character)."""
    if len(text) > MAX_QUERY:
        raise BadQuery(f"q: {len(text)} characters, more than {MAX_QUERY}")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text):
        raise BadQuery("q: a control character is not allowed")
    return text.strip()


def snippet(texts: Iterable[Literal], lang: str, fallbacks: Iterable[str]) -> str:
    """The description in `lang` (else a fallback's), cut at a word near SNIPPET characters."""
    text = pick_label(list(texts), lang, tuple(fallbacks)) or ""
    if len(text) <= SNIPPET:
        return text
    cut = text[:SNIPPET].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


def _label(entity: Entity, lang: str, site: Site) -> str:
    return pick_label(entity.labels, lang, site.languages) or entity.label


def result_view(found: Candidate, lang: str, site: Site) -> dict[str, Any]:
    """One result for the page and for its JSON."""
    entity = found.entity
    _ = translator(lang).gettext
    return {
        "iri": entity.iri,
        "href": site.local_href(entity.iri),
        "kind": entity.type,
        "kind_label": _(KINDS.get(entity.type, entity.type)),
        "label": _label(entity, lang, site),
        "matched_name": found.matched_name,
        "snippet": snippet(entity.descriptions, lang, site.languages),
        "score": found.score,
    }


def search_view(matcher: Matcher, query: str, lang: str, site: Site) -> dict[str, Any]:
    """The search page's context: the query and its results, best first."""
    found = matcher.search(query, limit=MAX_RESULTS) if query else []
    return {"q": query, "results": [result_view(c, lang, site) for c in found]}


def search_index(matcher: Matcher, lang: str, site: Site, link) -> dict[str, Any]:
    """The static site's search index in `lang`: each resource with its page in `lang` (`link`
    turns a path of serve's into the site's, relative to the search page), kind, label, snippet
    and its names, each folded (words joined by spaces) beside its text; the acronyms are names
    of their own, as for serve. The table of letters the script folds besides NFKD and the
    marks is the one of rdf/names.py."""
    _ = translator(lang).gettext
    names: dict[int, list[list[str]]] = {}
    for name in matcher.names:
        # In the one folding itself, as the script folds: the matcher reads "klaster" as
        # "cluster" on top of it; an acronym's entry keeps its one word.
        acronym = name.folded != match_fold(name.text)
        folded = name.folded if acronym else fold(name.text)
        names.setdefault(name.entity, []).append([folded, name.text])
    resources = []
    for index, entity in enumerate(matcher.entities):
        if index not in names:
            continue
        resources.append(
            {
                "href": link(with_language(site.local_href(entity.iri), lang, site.languages)),
                "kind": _(KINDS.get(entity.type, entity.type)),
                "label": _label(entity, lang, site),
                "snippet": snippet(entity.descriptions, lang, site.languages),
                "names": names[index],
            }
        )
    return {"folds": FOLDS_FOR_SCRIPTS, "resources": resources}

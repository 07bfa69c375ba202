"""The one label picker: which of a resource's names (or any language-tagged texts) to show in a
language.

A text in the language itself comes first; then one in the same language with another region or
script (`pl` for `pl-PL`, `pt-BR` for `pt`); then one with no language; then one in each
fallback language, in order; then the first there is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rdflib import Literal

# The properties that name a resource, most specific first: a label, a SKOS concept's preferred
# label, a document's title.
LABEL_PROPERTIES = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
)


def _primary(tag: str | None) -> str | None:
    return tag.split("-", 1)[0].lower() if tag else None


def pick_literal(
    literals: Iterable[Literal] | None, lang: str, fallbacks: Sequence[str] = ()
) -> Literal | None:
    """The literal to show in `lang` (see the module's text); None when there is none.

    >>> names = [Literal("Kraków", lang="pl-PL"), Literal("Cracow", lang="en")]
    >>> str(pick_literal(names, "pl")), str(pick_literal(names, "de", ["en"]))
    ('Kraków', 'Cracow')
    >>> str(pick_literal(names, "de"))
    'Kraków'
    """
    found = list(literals or ())
    if not found:
        return None
    tags = [(literal.language or "").lower() for literal in found]
    wanted = lang.lower()
    rounds = [
        lambda tag: tag == wanted,
        lambda tag: bool(tag) and _primary(tag) == _primary(wanted),
        lambda tag: not tag,
    ]
    for fallback in fallbacks:
        rounds.append(lambda tag, f=fallback: bool(tag) and _primary(tag) == _primary(f))
    for matches in rounds:
        for literal, tag in zip(found, tags, strict=True):
            if matches(tag):
                return literal
    return found[0]


def pick_label(
    literals: Iterable[Literal] | None, lang: str, fallbacks: Sequence[str] = ()
) -> str | None:
    """The text of `pick_literal`."""
    literal = pick_literal(literals, lang, fallbacks)
    return None if literal is None else str(literal)

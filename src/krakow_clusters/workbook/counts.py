"""A count's wording, as the source words it ("more than 70 private and public entities",
"almost 50 members", "42 institutions", "ponad 70 podmiotów"), read through one rule table into
the qualifier and the number the data states, and the bound the qualifier implies.

The table has rules per language; only the languages of the project's settings are read. A
wording no rule knows is refused, never guessed. An approximation ("około 40", "about 40") is
qualified "about": its number is kc:statedNumber, never schema:value, and it implies no bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# qualifier slug -> how the number is stated: (number property, bound property, offset)
QUALIFIERS: dict[str, tuple[str, str | None, int]] = {
    "stated": ("value", None, 0),
    "exactly": ("value", None, 0),
    "more-than": ("statedNumber", "minValue", 1),
    "almost": ("statedNumber", "maxValue", -1),
    "about": ("statedNumber", None, 0),
}

# language -> (the words before the number, the qualifier); "" is a bare number. Longer phrases
# first, so that "more than" is not read as a bare number after "more".
RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        ("more than", "more-than"),
        ("over", "more-than"),
        ("almost", "almost"),
        ("nearly", "almost"),
        ("about", "about"),
        ("around", "about"),
        ("approximately", "about"),
        ("roughly", "about"),
        ("some", "about"),
        ("exactly", "exactly"),
        ("", "stated"),
    ),
    "pl": (
        ("więcej niż", "more-than"),
        ("ponad", "more-than"),
        ("przeszło", "more-than"),
        ("prawie", "almost"),
        ("niemal", "almost"),
        ("blisko", "almost"),
        ("około", "about"),
        ("ok.", "about"),
        ("mniej więcej", "about"),
        ("dokładnie", "exactly"),
        ("", "stated"),
    ),
}
_NUMBER = re.compile(r"([0-9]{1,9})(?![0-9.,])")


class UnknownLanguage(ValueError):
    """A wording's language that is not the project's, or has no rules in the table."""


@dataclass(frozen=True)
class Count:
    """What a wording states: the qualifier, the number, and the bound it implies."""

    qualifier: str
    number: int
    number_property: str  # schema:value or kc:statedNumber
    bound_property: str | None  # schema:minValue, schema:maxValue or none
    bound: int | None


def read_count(wording: str, language: str, languages: tuple[str, ...]) -> Count:
    """The count a wording states, by the rules of its language (one of `languages`, the
    project's); ValueError with the reason, in words for a curator, when no rule knows it.

    >>> count = read_count("more than 70 private and public entities", "en", ("en", "pl"))
    >>> count.qualifier, count.number, count.number_property, count.bound_property, count.bound
    ('more-than', 70, 'statedNumber', 'minValue', 71)
    >>> read_count("prawie 50 członków", "pl", ("en", "pl")).bound
    49
    """
    primary = language.split("-")[0].lower()
    if primary not in languages:
        raise UnknownLanguage(
            f"{language!r} is not a language of the project ({', '.join(languages)})"
        )
    if primary not in RULES:
        raise UnknownLanguage(f"no count wordings are known in {language!r} (workbook/counts.py)")
    text = " ".join(wording.split()).casefold()
    for words, qualifier in RULES[primary]:
        rest = text[len(words) + 1 :] if words else text
        if words and not text.startswith(words + " "):
            continue
        match = _NUMBER.match(rest)
        if match and (match.end() == len(rest) or rest[match.end()] == " "):
            number = int(match.group(1))
            number_property, bound_property, offset = QUALIFIERS[qualifier]
            bound = number + offset if bound_property else None
            return Count(qualifier, number, number_property, bound_property, bound)
    raise ValueError(f'"{wording}" is not a known count wording')


def known_wordings(languages: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(language, words, qualifier) of the rules in force for `languages`, for the docs."""
    return [
        (language, words, qualifier)
        for language in languages
        for words, qualifier in RULES.get(language, ())
    ]

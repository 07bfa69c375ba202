"""The one name folding: how a name and what a person types are made comparable, shared by the
reconciliation service (rdf/matcher.py) and the Wikidata matching (wikidata/matching.py).

Folded: case (Unicode case folding), diacritics (NFKD, marks dropped), the letters Unicode does
not decompose (ł, ø, æ, œ, ß, đ, þ), and punctuation (a word is a run of letters or digits, of
any script). Word order is kept by `fold`; `words` gives the words for the callers that are blind
to it (the matcher of rdf/matcher.py, which the search page uses too).

The same folding reaches the places that cannot run Python:

- `spellings`: the `search` query's text parameter is looked for, in SPARQL, in every spelling
  the dataset's names give it (what a store's LCASE and CONTAINS can compare; no SPARQL engine
  folds accents, and Virtuoso 7 matches no REGEX on a name that holds a letter beyond ASCII);
- `EXTRA_FOLDS` (as `FOLDS_FOR_SCRIPTS`): the static site's search script (pages/static/search.js)
  folds what a visitor types with the table, after NFKD and dropping the marks, as here;
- `acronyms`: a word written in capitals ("AGH", "BIM") is a name of its own, for matching.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Letters that Unicode does not decompose into a base letter and a mark.
_EXTRA_FOLDS = str.maketrans(
    {
        "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
        "ß": "ss", "đ": "d", "Đ": "d", "þ": "th", "Þ": "th", "ı": "i",
    }
)  # fmt: skip
# A word: letters and digits of any script, no underscore.
_WORD = re.compile(r"[^\W_]+")
# The table as JSON can carry it to a script (the static site's search index).
FOLDS_FOR_SCRIPTS: dict[str, str] = {chr(k): v for k, v in sorted(_EXTRA_FOLDS.items())}
# An acronym: two to eight letters, every one a capital ("AGH"); digits may follow ("ICT4").
_ACRONYM = re.compile(r"[^\W\d_]{2,8}[0-9]*")


def fold(text: str) -> str:
    """`text` folded (see the module's text), its words separated by single spaces.

    >>> fold("Małopolsko-Podkarpacki Klaster Czystej Energii")
    'malopolsko podkarpacki klaster czystej energii'
    >>> fold("  Sp. z o.o. "), fold("Gmina Miejska Kraków") == fold("GMINA MIEJSKA KRAKOW")
    ('sp z o o', True)
    >>> fold("Łódź, Ørsted & Æsir"), fold("Київ")
    ('lodz orsted aesir', 'киів')
    """
    text = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(_WORD.findall(text))


def words(text: str) -> tuple[str, ...]:
    """The words of `text` folded, in order (compare them as a set to be blind to the order).

    >>> sorted(words("Kraków, Gmina Miejska")) == sorted(words("gmina miejska KRAKOW"))
    True
    """
    return tuple(fold(text).split())


def acronyms(text: str) -> list[str]:
    """The words of a name written in capitals, folded: each is a short name of its own
    ("AGH University of Science and Technology" is "AGH" too).

    >>> acronyms("AGH University of Science and Technology"), acronyms("Klaster BIM")
    (['agh'], ['bim'])
    >>> acronyms("LifeScience Kraków Cluster"), acronyms("Sp. z o.o.")
    ([], [])
    """
    return [
        fold(word) for word in _WORD.findall(text) if _ACRONYM.fullmatch(word) and word.isupper()
    ]


def _folded_with_origin(text: str) -> tuple[str, list[int], list[int]]:
    """`fold(text)` with, for each of its characters, where in `text` the character it comes
    from starts and ends (a space stands for the run of non-word characters between words)."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in _WORD.finditer(text):
        if out:
            out.append(" ")
            starts.append(ends[-1])
            ends.append(match.start())
        for i in range(match.start(), match.end()):
            folded = fold(text[i])
            # a mark alone folds to nothing: it belongs to the letter before it
            if not folded and ends:
                ends[-1] = i + 1
            for c in folded:
                out.append(c)
                starts.append(i)
                ends.append(i + 1)
    return "".join(out), starts, ends


def spellings(text: str, names: Iterable[str]) -> list[str]:
    """The spellings of `text` in `names`: each piece of a name that folds to what `text` folds
    to (sorted, without repeats). A store that compares text without folding it (LCASE and
    CONTAINS) finds, with these, every name that holds `text` once both are folded.

    >>> spellings("krakow", ["Kraków Metropolis", "AGH University of Krakow", "Krakowski"])
    ['Krakow', 'Kraków']
    >>> spellings("malopolsko podkarpacki", ["Małopolsko-Podkarpacki Klaster"])
    ['Małopolsko-Podkarpacki']
    """
    wanted = fold(text)
    found: set[str] = set()
    if not wanted:
        return []
    for name in names:
        folded, starts, ends = _folded_with_origin(name)
        at = folded.find(wanted)
        while at >= 0:
            found.add(name[starts[at] : ends[at + len(wanted) - 1]])
            at = folded.find(wanted, at + 1)
    return sorted(found)

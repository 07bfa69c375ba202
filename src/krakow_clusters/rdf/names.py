"""The one name folding: how a name and what a person types are made comparable, shared by the
reconciliation service (reconcile/matching.py) and the Wikidata matching (wikidata/matching.py).

Folded: case (Unicode case folding), diacritics (NFKD, marks dropped), the letters Unicode does
not decompose (ł, ø, æ, œ, ß, đ, þ), and punctuation (a word is a run of letters or digits, of
any script). Word order is kept; the callers that are blind to it compare words.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter and a mark.
_EXTRA_FOLDS = str.maketrans(
    {
        "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
        "ß": "ss", "đ": "d", "Đ": "d", "þ": "th", "Þ": "th", "ı": "i",
    }
)  # fmt: skip
# A word: letters and digits of any script, no underscore.
_WORD = re.compile(r"[^\W_]+")


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

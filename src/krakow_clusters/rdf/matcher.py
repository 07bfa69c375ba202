"""Matching what people type against the names of the resources.

A name and a query are folded the same way (the one folding, rdf/names.py: case, diacritics,
punctuation: "Kraków" = "krakow", "Małopolsko" = "malopolsko") and cut into words. Each word
weighs by how rare it is among the resources (an inverse document frequency), so "cluster" or
"klaster", in most names, counts for little and "lifescience" for much. The similarity of a query
to a name is the weighted share of words they have in common (a weighted Dice coefficient, blind
to word order); a word matches another exactly, with one typo, or as its abbreviation (a prefix
of three letters or more), each for less. Scores run from 0 to 100; 100 is kept for a name equal
to the query once folded, and `match` is true only when that exact name belongs to one candidate
alone. A word of a name written in capitals ("AGH" of "AGH University of Science and
Technology", rdf.names.acronyms) is a name of its own, an alternative one: "AGH" is an exact name.

`search` is the search page's reading of the same index: every resource with a name that holds
each word typed (as a word, with a typo, or as the start of a word), besides the candidates.

Deterministic: candidates are ordered by score, then label, then id.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .entities import Entity
from .names import acronyms
from .names import fold as fold_name

# The same word in Polish and English: one word, so that it weighs as the common word it is.
_SAME_WORD = {"klaster": "cluster", "klastra": "cluster", "klastry": "cluster"}

EXACT, TYPO, PREFIX = 1.0, 0.8, 0.6  # the credit of a word matched exactly, with a typo, by prefix
MIN_SCORE = 40.0  # below this a candidate is noise: an unrelated name gets no candidate
RARE = 300  # a word in at most this many names finds candidates by itself
MAX_CANDIDATES = 5000  # names scored at most for one query (only very common words reach it)
NAME_SHARE = 0.8  # with property constraints: the share of the score that the name decides
# A word in more than this share of the resources ("cluster") cannot make a candidate alone.
COMMON_SHARE = 0.2


def fold(text: str) -> str:
    """`text` in the one folding (rdf.names.fold), with the same word in Polish and English read
    as one ("klaster" as "cluster"), for matching.

    >>> fold("Małopolsko-Podkarpacki Klaster Czystej Energii")
    'malopolsko podkarpacki cluster czystej energii'
    """
    return " ".join(_SAME_WORD.get(word, word) for word in fold_name(text).split())


def _deletions(word: str) -> set[str]:
    """The word with one letter left out, each way: two words one edit apart share one."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}


@dataclass(frozen=True)
class Candidate:
    """One resource proposed for a query, with the score and the features that explain it."""

    entity: Entity
    score: float
    match: bool
    features: dict[str, float | bool]
    matched_name: str


@dataclass
class _Name:
    entity: int
    text: str
    folded: str
    words: tuple[str, ...]
    alternative: bool
    weight: float = 0.0  # the sum of its words' weights


@dataclass
class Matcher:
    """Folded names of `entities` with word weights and the look-ups that find candidates fast."""

    entities: list[Entity]
    names: list[_Name] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    postings: dict[str, list[int]] = field(default_factory=dict)
    variants: dict[str, set[str]] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)
    common: set[str] = field(default_factory=set)
    unknown_weight: float = 1.0

    @classmethod
    def build(cls, entities: Iterable[Entity]) -> Matcher:
        """The matcher of `entities` (their order is kept)."""
        matcher = cls(list(entities))
        frequency: dict[str, int] = defaultdict(int)
        postings: dict[str, list[int]] = defaultdict(list)
        for index, entity in enumerate(matcher.entities):
            seen: set[str] = set()
            for text, alternative in entity.names:
                folded = fold(text)
                if not folded:
                    continue
                words = tuple(folded.split())
                name_id = len(matcher.names)
                matcher.names.append(_Name(index, text, folded, words, alternative))
                for word in set(words):
                    postings[word].append(name_id)
                seen.update(words)
                for short in acronyms(text):
                    if short != folded:
                        postings[short].append(len(matcher.names))
                        matcher.names.append(_Name(index, text, short, (short,), True))
            for word in seen:
                frequency[word] += 1
        total = max(len(matcher.entities), 1)
        matcher.weights = {w: math.log(1 + total / n) for w, n in frequency.items()}
        matcher.unknown_weight = math.log(1 + total / 0.5)
        matcher.common = {w for w, n in frequency.items() if n > COMMON_SHARE * total}
        for name in matcher.names:
            name.weight = sum(matcher.weight(w) for w in name.words)
        matcher.postings = dict(postings)
        variants: dict[str, set[str]] = defaultdict(set)
        for word in frequency:
            if len(word) >= 4:
                for variant in _deletions(word):
                    variants[variant].add(word)
        matcher.variants = dict(variants)
        matcher.vocabulary = sorted(frequency)
        return matcher

    def weight(self, word: str) -> float:
        # One-letter words ("z", "o" of "Sp. z o.o.") say little whatever their rarity.
        base = self.weights.get(word, self.unknown_weight)
        return base * 0.3 if len(word) == 1 else base

    def _related(self, word: str) -> dict[str, float]:
        """Words of the vocabulary `word` may stand for, with the credit of each."""
        related = {word: EXACT} if word in self.weights else {}
        if len(word) >= 4:
            for variant in _deletions(word):
                for other in self.variants.get(variant, ()):
                    related.setdefault(other, TYPO)
        if len(word) >= 3:
            start = bisect_left(self.vocabulary, word)
            for other in self.vocabulary[start : start + 50]:
                if not other.startswith(word):
                    break
                related.setdefault(other, PREFIX)
        return related

    def _found(self, related: Mapping[str, Mapping[str, float]]) -> set[int]:
        """The names worth scoring: those holding a rare query word (or a word it may stand
        for); when every query word is common, those holding all of the rarest ones."""
        postings = {
            word: [self.postings[o] for o in others if o in self.postings]
            for word, others in related.items()
        }
        sizes = {word: sum(len(p) for p in lists) for word, lists in postings.items()}
        found: set[int] = set()
        for word in sorted(postings):
            if sizes[word] <= RARE:
                for posting in postings[word]:
                    found.update(posting)
        if found:
            return found
        ordered = sorted((w for w in postings if sizes[w]), key=lambda w: (sizes[w], w))
        for word in ordered:
            names = {name for posting in postings[word] for name in posting}
            narrowed = found & names if found else names
            if narrowed:
                found = narrowed
            if len(found) <= RARE:
                break
        return set(sorted(found)[:MAX_CANDIDATES])

    def _joined(self, words: tuple[str, ...]) -> list[tuple[str, ...]]:
        """Other readings of the query where two neighbouring words written apart form one word
        of the vocabulary ("life science" for "lifescience")."""
        return [
            (*words[:i], words[i] + words[i + 1], *words[i + 2 :])
            for i in range(len(words) - 1)
            if words[i] + words[i + 1] in self.weights
        ]

    def _similarity(
        self,
        words: Sequence[str],
        weight: float,
        related: Mapping[str, Mapping[str, float]],
        name: _Name,
    ) -> tuple[float, int, bool]:
        """(weighted Dice similarity of the query words (of total `weight`) to the name's, words
        matched inexactly, whether a matched word is not a common one)."""
        total = weight + name.weight
        # The words in common weigh at most the lighter side: skip what cannot reach MIN_SCORE.
        if not total or 200.0 * min(weight, name.weight) / total < MIN_SCORE:
            return 0.0, 0, False
        available = list(name.words)
        common = 0.0
        inexact = 0
        distinctive = False
        for word in words:
            best, best_credit = None, 0.0
            for candidate in available:
                credit = related[word].get(candidate, 0.0)
                if credit > best_credit:
                    best, best_credit = candidate, credit
            if best is not None:
                available.remove(best)
                common += self.weight(word) * best_credit
                inexact += best_credit < EXACT
                distinctive = distinctive or best not in self.common
        return 2 * common / total, inexact, distinctive

    def candidates(
        self,
        query: str,
        types: Sequence[str] = (),
        properties: Mapping[str, Sequence[str]] | None = None,
        limit: int = 5,
    ) -> list[Candidate]:
        """The best resources for `query` (of one of `types`, when given), best first.

        `properties` maps a property id of the index's facts (such as "sector" or "place") to the
        ids of the resources it should point to; each one met raises the score."""
        folded = fold(query)
        words = tuple(folded.split())
        if not words or limit <= 0:
            return []
        readings = [(r, sum(self.weight(w) for w in r)) for r in (words, *self._joined(words))]
        related = {word: self._related(word) for reading, _w in readings for word in set(reading)}
        found = self._found(related)
        best: dict[int, tuple[float, int, _Name]] = {}
        for name_id in found:
            name = self.names[name_id]
            entity = self.entities[name.entity]
            if types and entity.type not in types:
                continue
            similarity, inexact, distinctive = max(
                self._similarity(r, weight, related, name) for r, weight in readings
            )
            exact = name.folded == folded
            if not (exact or distinctive):
                continue
            kept = best.get(name.entity)
            key = (exact, similarity, not name.alternative)
            if kept is None or key > (kept[2].folded == folded, kept[0], not kept[2].alternative):
                best[name.entity] = (similarity, inexact, name)
        exact_entities = [i for i, (_s, _n, name) in best.items() if name.folded == folded]
        results: list[Candidate] = []
        for index, (similarity, inexact, name) in best.items():
            entity = self.entities[index]
            exact = name.folded == folded
            # Only an exact name earns 100; the same words in another order stop just short.
            name_score = 100.0 if exact else min(99.0, 100.0 * similarity)
            features: dict[str, float | bool] = {
                "name_similarity": round(similarity, 3),
                "exact_name": exact,
                "alternative_name": name.alternative,
                "inexact_words": inexact,
            }
            score = name_score
            met_all = True
            if properties:
                met = 0
                for pid, wanted in sorted(properties.items()):
                    have = set(entity.facts.get(pid, ()))
                    ok = any(value in have for value in wanted)
                    features[f"property_{pid}"] = ok
                    met += ok
                    met_all = met_all and ok
                share = met / len(properties)
                score = NAME_SHARE * name_score + (1 - NAME_SHARE) * 100.0 * share
            score = round(score, 1)
            if score < MIN_SCORE:
                continue
            match = exact and len(exact_entities) == 1 and met_all
            results.append(Candidate(entity, score, match, features, name.text))
        results.sort(key=lambda c: (-c.score, c.entity.label.casefold(), c.entity.id))
        return results[:limit]

    def _starts(self, word: str) -> list[str]:
        """The words of the vocabulary that start with `word`."""
        start = bisect_left(self.vocabulary, word)
        found = []
        for other in self.vocabulary[start:]:
            if not other.startswith(word):
                break
            found.append(other)
        return found

    def search(self, query: str, types: Sequence[str] = (), limit: int = 50) -> list[Candidate]:
        """The resources for the search page: the candidates of `query` (above MIN_SCORE), and
        every resource with a name that holds each word typed, whatever the order, each as a
        word, with one typo or as the start of a word ("lifesc krak"), scored by the share of the
        name it covers (at least MIN_SCORE). Best first; one result per resource, with the name
        that matched best."""
        words = tuple(fold(query).split())
        if not words or limit <= 0:
            return []
        best = {c.entity.id: c for c in self.candidates(query, types, limit=len(self.entities))}
        credits = {w: {**dict.fromkeys(self._starts(w), PREFIX), **self._related(w)} for w in words}
        # The names to look at: those holding a word the rarest typed word may stand for.
        rarest = min(words, key=lambda w: sum(len(self.postings[o]) for o in credits[w]))
        found = sorted({n for other in credits[rarest] for n in self.postings.get(other, ())})
        for name_id in found:
            name = self.names[name_id]
            entity = self.entities[name.entity]
            if types and entity.type not in types:
                continue
            covered = self._covered(words, credits, name)
            if covered is None:
                continue
            score = round(max(MIN_SCORE, min(99.0, 100.0 * covered)), 1)
            kept = best.get(entity.id)
            if kept is None or score > kept.score:
                features: dict[str, float | bool] = {
                    "name_similarity": round(covered, 3),
                    "exact_name": False,
                    "alternative_name": name.alternative,
                    "inexact_words": 0,
                }
                best[entity.id] = Candidate(entity, score, False, features, name.text)
        results = sorted(
            best.values(), key=lambda c: (-c.score, c.entity.label.casefold(), c.entity.id)
        )
        return results[:limit]

    def _covered(
        self, words: Sequence[str], credits: Mapping[str, Mapping[str, float]], name: _Name
    ) -> float | None:
        """The weighted share of `name`'s words that the typed `words` stand for, each typed word
        taking a word of its own; None when a typed word stands for none of them."""
        available = list(name.words)
        covered = 0.0
        for word in words:
            choice = max(available, key=lambda c: credits[word].get(c, 0.0), default=None)
            credit = credits[word].get(choice, 0.0) if choice is not None else 0.0
            if not credit:
                return None
            available.remove(choice)
            covered += self.weight(choice) * credit
        return covered / name.weight if name.weight else None

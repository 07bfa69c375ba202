"""A visitor's answer, written under limits: in the format asked for, at most so many bytes, and
for a page for people at most so many cells.

Written where the query ran (in serve's query worker, under its time and memory limits; see
store/pool.py), so that the server's own process only passes on bytes it knows the size of: the
cost of writing a format (sorting, labelling blank nodes, escaping) is paid by the worker, which
is killed when it overruns, never by the event loop that answers every other visitor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..rdf.results import QueryResult, ResultLimitExceeded
from .media import HTML, TURTLE
from .rdf import serialize_graph
from .results import serialize_results


class ResultTooLarge(ResultLimitExceeded):
    """The answer, once written, is larger than the caller accepts."""


@dataclass(frozen=True)
class AnswerLimits:
    """What one answer may be: `rows` rows (or triples), `bytes` bytes once written, `cells`
    cells (rows × columns) on a page for people; None: no limit. And how a graph is written:
    with the project's `prefixes`."""

    rows: int | None = None
    bytes: int | None = None
    cells: int | None = None
    prefixes: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Answer:
    """A query's answer as the visitor asked for it.

    `media`: the format asked for this kind of answer (None: none of the formats offered for it
    was acceptable). `body`: the answer in `media`; for HTML, a graph's Turtle (the page shows
    it). `result`: for HTML, a SELECT's or ASK's rows, the first `AnswerLimits.cells` cells' worth;
    `rows`: how many rows the whole answer has."""

    kind: str
    media: str | None
    body: bytes = b""
    result: QueryResult | None = None
    rows: int = 0

    @property
    def truncated(self) -> bool:
        """Whether the page shows fewer rows than the answer has."""
        return self.result is not None and len(self.result.rows) < self.rows


def result_size(result: QueryResult) -> int:
    """About the bytes of an answer once written (the characters of its terms): what a page or a
    pickled result costs, measured without writing it."""
    if result.kind == "graph":
        return sum(len(t) + 4 for triple in result.triples for t in triple)
    return sum(len(t) + 4 for row in result.rows for t in row if t is not None)


def check_size(size: int, limit: int | None) -> None:
    """ResultTooLarge when `size` bytes are over `limit`."""
    if limit is not None and size > limit:
        raise ResultTooLarge(
            f"the answer is larger than {_megabytes(limit)} (the answer size limit); "
            "add LIMIT to the query or ask for fewer results"
        )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB" if size >= 100_000 else f"{size} bytes"


def first_cells(result: QueryResult, cells: int | None) -> QueryResult:
    """The first rows of a SELECT's answer that hold at most `cells` cells (at least one row):
    what a page for people shows of it (a table of 100 columns × 10,000 rows is 92 MB of HTML)."""
    if cells is None or result.kind != "select":
        return result
    keep = max(1, cells // max(1, len(result.variables)))
    if len(result.rows) <= keep:
        return result
    return QueryResult("select", variables=result.variables, rows=result.rows[:keep])


def _first_bytes(result: QueryResult, size: int | None) -> QueryResult:
    """The first rows of a SELECT's answer that fit in `size` bytes (see result_size): a page
    shows fewer rows rather than none."""
    if size is None or result.kind != "select":
        return result
    total = 0
    for count, row in enumerate(result.rows):
        total += sum(len(t) + 4 for t in row if t is not None)
        if total > size:
            return QueryResult("select", variables=result.variables, rows=result.rows[:count])
    return result


def write_answer(
    result: QueryResult, formats: Mapping[str, str | None], limits: AnswerLimits
) -> Answer:
    """`result` in the format `formats` names for its kind (`graph`, or `results` for SELECT and
    ASK), within `limits`; ResultTooLarge past the byte limit. Blank nodes of a graph get bounded
    labels (`stable_blank_labels`), not RDFC-1.0's: a visitor's CONSTRUCT can make a graph that
    canonicalization would take minutes over."""
    graph = result.kind == "graph"
    media = formats.get("graph" if graph else "results")
    answer = Answer(result.kind, media)
    if media is None:
        return answer
    if graph:
        written = TURTLE if media == HTML else media
        answer.body = serialize_graph(result.triples, written, limits.prefixes, canonical=False)
        answer.rows = len(result.triples)
    elif media == HTML:
        answer.rows = len(result.rows)
        shown = _first_bytes(first_cells(result, limits.cells), limits.bytes)
        answer.result = shown
        return answer
    else:
        answer.body = serialize_results(result, media)
        answer.rows = len(result.rows)
    check_size(len(answer.body), limits.bytes)
    return answer

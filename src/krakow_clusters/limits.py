"""The limits of the command line: what a file given to a command, or an HTTP answer read by one,
may hold before the command refuses it with one line and exit code 2.

One table (LIMITS), each limit with its environment variable, its default and why it is there;
docs/errors.md's "Limits of the command line" is checked against it
(tests/limits/test_limits_table.py). A value is a whole number; sizes also take a K, M or G
suffix (KRAKOW_CLUSTERS_MAX_FILE_SIZE=200M). A limit is read when it is used, so a worker process
started by a command sees the same values.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .errors import CouldNotRun

_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def whole_number(text: str, sizes: bool = False) -> int | None:
    """`text` as a whole number, with `sizes` also with a K, M or G suffix (binary: 16M is
    16 × 2²⁰); None when it is not one.

    >>> whole_number("16M", sizes=True), whole_number("16M"), whole_number("050")
    (16777216, None, 50)
    """
    match = re.fullmatch(rf"([0-9]{{1,15}})({'[KMG]?' if sizes else ''})", text.strip(), re.I)
    return None if match is None else int(match.group(1)) * _UNITS[match.group(2).upper()]


@dataclass(frozen=True)
class Limit:
    """One limit: its variable, default, unit, what it bounds and why."""

    variable: str
    default: int
    unit: str  # bytes, characters, levels, items, cycles, blank nodes
    what: str
    why: str

    def value(self) -> int:
        """The limit in force: $variable when set, else the default; CouldNotRun when the
        variable holds no such number."""
        text = os.environ.get(self.variable, "").strip()
        if not text:
            return self.default
        sizes = self.unit in ("bytes", "characters")
        number = whole_number(text, sizes)
        if not number:
            raise CouldNotRun(
                f"{self.variable}={text!r} is not a size ({self.unit}, e.g. 200M)"
                if sizes
                else f"{self.variable}={text!r} is not a number of {self.unit} (e.g. 100)"
            )
        return number

    def exceeded(self, subject: str, found: str) -> CouldNotRun:
        """The one-line error for `subject` (a file, an answer) past this limit: what was
        found, the limit, and the variable that changes it."""
        return CouldNotRun(
            f"{subject}: {found}, over the limit of {self.value()} {self.unit} "
            f"({self.variable} changes it)"
        )


def _show(value: int) -> str:
    for suffix, size in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if value >= size and value % size == 0:
            return f"{value // size}{suffix}"
    return f"{value:,}"


MAX_FILE = Limit(
    "KRAKOW_CLUSTERS_MAX_FILE_SIZE",
    1 << 30,
    "bytes",
    "size of a file given to or loaded by a command (RDF, CSV, a query)",
    "a file is read whole; a device or a mistaken dump must not exhaust memory",
)
MAX_LITERAL = Limit(
    "KRAKOW_CLUSTERS_MAX_LITERAL_SIZE",
    1 << 20,
    "characters",
    "length of one literal in an RDF file",
    "pages, reports and the search index copy literals; a megabyte is far beyond any fact",
)
MAX_JSON_DEPTH = Limit(
    "KRAKOW_CLUSTERS_MAX_JSON_DEPTH",
    100,
    "levels",
    "nesting of objects and arrays in a JSON-LD file, and in a JSON answer read by `link` "
    "and `query --endpoint`",
    "JSON-LD is expanded recursively: a 146 KB file nested 3,000 deep took 1.8 GB, a 1 MB one "
    "aborted the process; the project's JSON-LD nests fewer than 10 levels",
)
MAX_LIST_ITEMS = Limit(
    "KRAKOW_CLUSTERS_MAX_LIST_ITEMS",
    500,
    "items",
    "items of one RDF collection (a Turtle list `( … )`) in a file",
    "each item is two triples about a blank node that the shapes visit: a 458 KB list of "
    "60,000 items took 41 s and 1.5 GB; the ontology's and the shapes' lists have at most 4",
)
MAX_BLANK_CYCLES = Limit(
    "KRAKOW_CLUSTERS_MAX_BLANK_CYCLES",
    16,
    "cycles",
    "independent cycles among blank nodes linked to each other in a file (a group of n blank "
    "nodes all linked to each other has n·(n-1) - n + 1)",
    "the SHACL engine describes a blank node by everything reachable through blank nodes, "
    "a work that doubles with each cycle: 7 blank nodes all linked took 13 s; trees and "
    "lists have none",
)
MAX_BLANK_GROUP = Limit(
    "KRAKOW_CLUSTERS_MAX_BLANK_GROUP",
    500,
    "blank nodes",
    "blank nodes linked to each other (through blank nodes only) in one group in a file: the "
    "nodes of a list, `[ … ]` nested in `[ … ]`",
    "the dumps label blank nodes by RDF canonicalization (RDFC-1.0), whose work grows with "
    "the cube of such a group when its nodes look alike: 500 took 12 s, 1,000 took 142 s",
)
MAX_NAME = Limit(
    "KRAKOW_CLUSTERS_MAX_NAME_LENGTH",
    1000,
    "characters",
    "length of a name matched by `reconcile` (one cell of the column)",
    "matching compares every word with the index: a 100,000-character cell took 15 s and "
    "955 MB; the reconciliation service takes 1,000 characters too",
)
MAX_ANSWER = Limit(
    "KRAKOW_CLUSTERS_MAX_ANSWER_SIZE",
    100 << 20,
    "bytes",
    "size of an HTTP answer read by `link`, `query --endpoint` and `publish`, counted after "
    "decompression",
    "an answer is read whole and parsed: a 1 MB gzip bomb was read to 2.1 GB, an endless body "
    "for ever",
)
MAX_WORKBOOK_CELLS = Limit(
    "KRAKOW_CLUSTERS_MAX_WORKBOOK_CELLS",
    1_000_000,
    "cells",
    "cells of one sheet of a workbook given to `import` (rows × columns it spans)",
    "a sheet is read whole into memory; the project's workbook has a few hundred cells, and a "
    "sheet of a million cells still reads in seconds",
)

LIMITS: tuple[Limit, ...] = (
    MAX_FILE,
    MAX_LITERAL,
    MAX_JSON_DEPTH,
    MAX_LIST_ITEMS,
    MAX_BLANK_CYCLES,
    MAX_BLANK_GROUP,
    MAX_NAME,
    MAX_ANSWER,
    MAX_WORKBOOK_CELLS,
)


def limits_table() -> str:
    """The table of the limits (Markdown): variable, default, what, why."""
    rows = ["| variable | default | what | why |", "|---|---|---|---|"]
    for limit in LIMITS:
        default = (
            _show(limit.default) if limit.unit in ("bytes", "characters") else f"{limit.default:,}"
        )
        rows.append(f"| `{limit.variable}` | {default} {limit.unit} | {limit.what} | {limit.why} |")
    return "\n".join(rows) + "\n"

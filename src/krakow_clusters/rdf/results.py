"""What a store answers, whatever engine answers it, and the errors a query can end in."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal as Kind
from typing import Protocol

import rdflib
from rdflib.term import Node

from ..errors import CouldNotRun
from .terms import Triple


class QuerySyntaxError(CouldNotRun):
    """The query text is not SPARQL 1.1 (or is an update where a query was expected)."""


class SparqlSyntaxError(QuerySyntaxError):
    """A query does not parse; carries the line and column Oxigraph reports."""

    def __init__(self, line: int | None, column: int | None, detail: str):
        self.line = line
        self.column = column
        self.detail = detail
        where = f" at line {line}, column {column}" if line is not None else ""
        super().__init__(f"SPARQL syntax error{where}: {detail}")


class QueryTimeout(CouldNotRun):
    """The store did not answer within the time allowed."""


class ResultLimitExceeded(CouldNotRun):
    """The answer has more rows or triples than the caller accepts."""


@dataclass
class QueryResult:
    """The answer to a query, whatever engine gave it: rows, a boolean or triples."""

    kind: Kind["select", "ask", "graph"]
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Triple] = field(default_factory=list)

    def dicts(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]

    def graph(self) -> rdflib.Graph:
        g = rdflib.Graph()
        for triple in self.triples:
            g.add(triple)
        return g


class GraphStore(Protocol):
    """What commands may ask of a store: implemented in process (EmbeddedStore) and over the
    SPARQL protocol (RemoteStore), so that a command never knows which engine answers: what
    differs is said as capabilities, not as a kind."""

    # Whether its data cannot change while a process holds it (answers may be kept).
    can_cache: bool
    # The files its data was loaded from, for worker processes that load their own copy; empty
    # when the data lives elsewhere.
    source_files: tuple[Path, ...]

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        max_results: int | None = None,
    ) -> QueryResult:
        """Run a query with parameters bound as RDF terms; at most `max_results` rows."""
        ...


def limited(items: Iterable, limit: int | None, what: str) -> Iterator:
    """The items; ResultLimitExceeded on reaching item `limit + 1` (none is read past it)."""
    for count, item in enumerate(items, start=1):
        if limit is not None and count > limit:
            raise ResultLimitExceeded(
                f"the answer has more than {limit} {what} (the result limit); "
                "add LIMIT to the query or ask for fewer results"
            )
        yield item

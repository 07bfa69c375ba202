"""Run the query library: find a query, bind its parameters, run it on a store.

Parameters are bound as RDF terms: the embedded store takes them as substitutions (SEP-0007,
which Oxigraph applies to variables of the SELECT projection, so a library query projects each of
its parameters), a remote endpoint as a VALUES block of serialized terms
(sparql.text.inject_values).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..errors import CouldNotRun
from ..project import Project
from ..store import open_store
from ..store.embedded import check_syntax
from ..store.results import GraphStore, QueryResult, SparqlSyntaxError
from .library import QueryFile, find_query, library


@dataclass
class Answer:
    """A query of the library and what the store answered."""

    query: QueryFile
    result: QueryResult


def run(
    store: GraphStore, query: QueryFile, params: Mapping[str, str] | None = None
) -> QueryResult:
    """Run one library query with its parameters bound as RDF terms.

    A syntax error is reported against the file (path:line:column) before any store is asked.
    """
    bindings = query.bindings(params)
    try:
        check_syntax(query.text)
    except SparqlSyntaxError as exc:
        where = f"{query.path}:{exc.line}:{exc.column}" if exc.line else str(query.path)
        raise CouldNotRun(f"{where}: SPARQL syntax error: {exc.detail}") from None
    return store.query(query.text, bindings)


def run_named(
    project: Project,
    name_or_path: str,
    params: Mapping[str, str] | None = None,
    endpoint: str | None = None,
    timeout: float = 30.0,
) -> Answer:
    """Find a query by name (or .rq path), check its parameters, and run it."""
    query = find_query(project.queries_dir, name_or_path)
    query.bindings(params)  # refuse bad parameters before loading or contacting anything
    store = open_store(project, endpoint, timeout)
    return Answer(query, run(store, query, params))


def parse_params(pairs: Sequence[str]) -> dict[str, str]:
    """`key=value` strings from the command line as a dict; CouldNotRun on a malformed pair."""
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CouldNotRun(f"--param {pair!r}: expected key=value")
        params[key.strip()] = value
    return params


# --- listing -------------------------------------------------------------------------------------


def list_queries(project: Project) -> str:
    """The library as text: each query's name, summary and parameters."""
    lines: list[str] = []
    for query in library(project.queries_dir):
        lines.append(f"{query.name}")
        lines.append(f"    {query.summary}")
        for param in query.params:
            default = " (required)" if param.required else f" (default {param.default})"
            lines.append(f"    --param {param.name}=<{param.type}>{default}")
            if param.description:
                lines.append(f"        {param.description}")
    return "\n".join(lines) + "\n"

"""Run the query library: find a query, bind its parameters, run it on a store, render the answer.

Column conventions of the library, used by the table renderer (csv, tsv and json keep every
column as it is):

- `?x_label` beside `?x`: the table shows the label in place of the IRI;
- `?x_qualifier` beside `?x`, or `?qualifier` right after `?x`: the table shows the qualifier with
  the number ("more than 70");
- any other IRI is shortened to a prefixed name (cluster:bim, wd:Q31487).

Parameters are bound as RDF terms: the embedded store takes them as substitutions (SEP-0007,
which Oxigraph applies to variables of the SELECT projection, so a library query projects each of
its parameters), a remote endpoint as a VALUES block of serialized terms (graph.inject_values).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rdflib.term import BNode, Node, URIRef

from .errors import CouldNotRun
from .formats import results_csv, results_json, results_tsv
from .graph import (
    EmbeddedStore,
    GraphStore,
    QueryResult,
    RemoteStore,
    SparqlSyntaxError,
    check_syntax,
    serialize_graph,
)
from .project import NAMESPACES, Project
from .querylib import QueryFile, find_query, library

SELECT_FORMATS = ("table", "csv", "tsv", "json")
GRAPH_FORMATS = ("table", "turtle", "jsonld")

PREFIXES = NAMESPACES


@dataclass
class Answer:
    """A query of the library and what the store answered."""

    query: QueryFile
    result: QueryResult


def open_store(project: Project, endpoint: str | None = None, timeout: float = 30.0) -> GraphStore:
    """The embedded store holding the project's dataset, or a remote endpoint.

    `timeout` limits the wait for a remote endpoint, or for a SERVICE call of the embedded store.
    """
    if endpoint:
        return RemoteStore(endpoint, timeout=timeout)
    store = EmbeddedStore.from_files(project.dataset_files())
    store.service_timeout = timeout
    return store


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


# --- rendering -----------------------------------------------------------------------------------


def render(result: QueryResult, fmt: str) -> str:
    """The answer in a format (table, csv, tsv, json, turtle, jsonld); CouldNotRun when the
    format does not fit the result (a graph as CSV, rows as Turtle)."""
    if result.kind == "graph":
        if fmt not in GRAPH_FORMATS:
            raise CouldNotRun(
                f"a graph (CONSTRUCT) result cannot be written as {fmt}; "
                f"use {', '.join(GRAPH_FORMATS)}"
            )
        return serialize_graph(result.triples, "jsonld" if fmt == "jsonld" else "turtle", PREFIXES)
    if fmt not in SELECT_FORMATS:
        raise CouldNotRun(
            f"a table (SELECT/ASK) result cannot be written as {fmt}; "
            f"use {', '.join(SELECT_FORMATS)}"
        )
    if result.kind == "ask":
        return {
            "json": json.dumps({"head": {}, "boolean": result.boolean}) + "\n",
        }.get(fmt, ("true" if result.boolean else "false") + "\n")
    return {"table": render_table, "csv": render_csv, "tsv": render_tsv, "json": render_json}[fmt](
        result
    )


def short(term: Node | None) -> str:
    """A term for people: literals as their text, IRIs as prefixed names where a prefix fits."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return _short_iri(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


@functools.lru_cache(maxsize=1 << 16)
def _short_iri(value: str) -> str:
    # Remembered: a large answer repeats the same IRIs (sources, types) from row to row.
    best = max(
        ((p, ns) for p, ns in PREFIXES.items() if value.startswith(ns)),
        key=lambda item: len(item[1]),
        default=None,
    )
    if best and _local_name_ok(value[len(best[1]) :]):
        return f"{best[0]}:{value[len(best[1]) :]}"
    return f"<{value}>"


def _local_name_ok(local: str) -> bool:
    # For display only: "cluster:bim#members" reads better than the full IRI.
    return bool(local) and all(c.isalnum() or c in "-_.#" for c in local) and local[-1] != "."


MAX_CELL = 72


@dataclass(frozen=True)
class Column:
    heading: str
    value: str
    label: str | None = None
    qualifier: str | None = None


def table_columns(variables: Sequence[str]) -> list[Column]:
    """The columns a table shows: a value merged with its label and qualifier columns."""
    present = set(variables)
    columns: list[Column] = []
    for i, var in enumerate(variables):
        if var.endswith("_label") and var.removesuffix("_label") in present:
            continue  # shown in place of its IRI
        if var.endswith("_qualifier") and var.removesuffix("_qualifier") in present:
            continue  # shown with its number
        if var == "qualifier" and i > 0:
            continue  # shown with the number before it
        label = f"{var}_label" if f"{var}_label" in present else None
        qualifier = f"{var}_qualifier" if f"{var}_qualifier" in present else None
        if qualifier is None and variables[i + 1 : i + 2] == ["qualifier"]:
            qualifier = "qualifier"
        columns.append(Column(var, var, label, qualifier))
    return columns


def _cell(row: Sequence[Node | None], index: Mapping[str, int], column: Column) -> str:
    value = row[index[column.value]]
    label = row[index[column.label]] if column.label else None
    text = str(label) if label is not None else short(value)
    qualifier = row[index[column.qualifier]] if column.qualifier else None
    if qualifier is not None and text:
        text = f"{qualifier} {text}"
    text = " ".join(text.split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def render_table(result: QueryResult) -> str:
    """Aligned columns for a terminal: labels for IRIs, qualifiers with counts, long text cut."""
    columns = table_columns(result.variables)
    index = {v: i for i, v in enumerate(result.variables)}
    cells = [[_cell(row, index, column) for column in columns] for row in result.rows]
    headings = [column.heading for column in columns]
    widths = [max([len(h)] + [len(line[i]) for line in cells]) for i, h in enumerate(headings)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headings, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    for line in cells:
        out.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    count = len(result.rows)
    out.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(out) + "\n"


def render_csv(result: QueryResult) -> str:
    """SPARQL 1.1 CSV results (the package's one writer, shared with /sparql and build)."""
    return results_csv(result)


def render_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 TSV results: every value as an RDF term (N-Triples syntax)."""
    return results_tsv(result)


def render_json(result: QueryResult) -> str:
    """SPARQL 1.1 JSON results, indented for reading."""
    return results_json(result, indent=2) + "\n"

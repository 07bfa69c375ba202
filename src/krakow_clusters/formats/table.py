"""Answers for people and programs, as the `query` command writes them: an aligned table with
labels and qualifiers, or CSV, TSV and JSON (the SPARQL results writers), Turtle and JSON-LD.

Column conventions of the library, used by the table (csv, tsv and json keep every column as it is):

- `?x_label` beside `?x`: the table shows the label in place of the IRI;
- `?x_qualifier` beside `?x`, or `?qualifier` right after `?x`: the table shows the qualifier with
  the number ("more than 70");
- any other IRI is shortened to a prefixed name (cluster:bim, wd:Q31487).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rdflib.term import BNode, Node, URIRef

from ..errors import CouldNotRun
from ..rdf.namespaces import NAMESPACES, curie
from ..rdf.results import QueryResult
from .media import JSONLD, TURTLE
from .rdf import serialize_graph
from .results import results_csv, results_json, results_tsv

SELECT_FORMATS = ("table", "csv", "tsv", "json")
GRAPH_FORMATS = ("table", "turtle", "jsonld")


def render(result: QueryResult, fmt: str) -> str:
    """The answer in a format (table, csv, tsv, json, turtle, jsonld); CouldNotRun when the
    format does not fit the result (a graph as CSV, rows as Turtle)."""
    if result.kind == "graph":
        if fmt not in GRAPH_FORMATS:
            raise CouldNotRun(
                f"a graph (CONSTRUCT) result cannot be written as {fmt}; "
                f"use {', '.join(GRAPH_FORMATS)}"
            )
        media = JSONLD if fmt == "jsonld" else TURTLE
        return serialize_graph(result.triples, media, NAMESPACES).decode()
    if fmt not in SELECT_FORMATS:
        raise CouldNotRun(
            f"a table (SELECT/ASK) result cannot be written as {fmt}; "
            f"use {', '.join(SELECT_FORMATS)}"
        )
    if result.kind == "ask":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean}) + "\n"
        return ("true" if result.boolean else "false") + "\n"
    writers = {"table": render_table, "csv": results_csv, "tsv": results_tsv, "json": render_json}
    return writers[fmt](result)


def short(term: Node | None) -> str:
    """A term for people: literals as their text, IRIs as prefixed names where a prefix fits."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return curie(str(term)) or f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


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


def render_json(result: QueryResult) -> str:
    """SPARQL 1.1 JSON results, indented for reading."""
    return results_json(result, indent=2) + "\n"

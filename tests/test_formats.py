"""One writer of SPARQL results for the CLI, /sparql and build: the formats agree and are valid."""

from __future__ import annotations

import csv
import io
import json

from rdflib import BNode, Literal, URIRef

from krakow_clusters.formats import results as formats
from krakow_clusters.formats import table
from krakow_clusters.store.results import QueryResult

RESULT = QueryResult(
    "select",
    variables=["s", "text", "n"],
    rows=[
        (URIRef("https://example.org/a"), Literal("a\nb\tc", lang="en"), Literal(3)),
        (BNode("b0"), None, Literal("x")),
    ],
)


def test_tsv_keeps_one_row_per_line_and_escapes_breaks():
    lines = formats.results_tsv(RESULT).splitlines()
    assert lines[0] == "?s\t?text\t?n"
    assert len(lines) == 3
    assert lines[1].split("\t") == [
        "<https://example.org/a>",
        '"a\\nb\\tc"@en',
        '"3"^^<http://www.w3.org/2001/XMLSchema#integer>',
    ]
    assert lines[2].split("\t") == ["_:b0", "", '"x"']


def test_csv_is_plain_values_with_blank_nodes_labelled():
    rows = list(csv.reader(io.StringIO(formats.results_csv(RESULT))))
    assert rows == [
        ["s", "text", "n"],
        ["https://example.org/a", "a\nb\tc", "3"],
        ["_:b0", "", "x"],
    ]


def test_json_round_trips_terms():
    payload = json.loads(formats.results_json(RESULT))
    first = payload["results"]["bindings"][0]
    assert first["text"] == {"type": "literal", "value": "a\nb\tc", "xml:lang": "en"}
    assert "text" not in payload["results"]["bindings"][1]


def test_the_cli_writes_what_the_endpoint_writes():
    assert table.render(RESULT, "csv") == formats.results_csv(RESULT)
    assert table.render(RESULT, "tsv") == formats.results_tsv(RESULT)
    assert json.loads(table.render_json(RESULT)) == json.loads(formats.results_json(RESULT))

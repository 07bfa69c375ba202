"""One writer per format for the CLI, the server and build: SPARQL results agree and are valid;
an RDF graph is written the same way whoever asks."""

from __future__ import annotations

import csv
import io
import json

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import BNode, Literal, URIRef

from krakow_clusters.cli import cli
from krakow_clusters.formats import media, table
from krakow_clusters.formats import results as formats
from krakow_clusters.formats.rdf import RDF_WRITERS, serialize_graph
from krakow_clusters.rdf.namespaces import DUMP_NAMESPACES, NAMESPACES
from krakow_clusters.rdf.results import QueryResult

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


# --- one writer per RDF format, whoever asks ------------------------------------------------------

RDF_MEDIA = list(media.RDF_TYPES)


def test_every_rdf_media_type_has_its_writer():
    assert RDF_MEDIA, "no RDF media types"
    assert set(RDF_WRITERS) == set(RDF_MEDIA)


def _rewritten(body: bytes, media_type: str, prefixes=NAMESPACES) -> bytes:
    """The document parsed, then written again by the one writer of its format."""
    graph = rdflib.Graph()
    graph.parse(data=body, format=PARSERS[media_type])
    return serialize_graph(graph, media_type, prefixes)


PARSERS = {
    media.TURTLE: "turtle",
    media.NTRIPLES: "nt",
    media.JSONLD: "json-ld",
    media.RDFXML: "xml",
}


@pytest.mark.parametrize("media_type", RDF_MEDIA)
def test_the_server_writes_with_the_one_writer(app, media_type):
    from .appserver import get

    status, _, body = get(app.base + "/id/cluster/bim", media_type)
    assert status == 200
    assert body == _rewritten(body, media_type)


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_the_cli_writes_with_the_one_writer(fmt):
    bim = "https://w3id.org/krakow-clusters/id/cluster/bim"
    args = ["query", "cluster-description", "--param", f"cluster={bim}", "--format", fmt]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    media_type = media.JSONLD if fmt == "jsonld" else media.TURTLE
    assert result.output.encode() == _rewritten(result.output.encode(), media_type)


def test_build_writes_its_turtle_dump_with_the_one_writer(tmp_path):
    result = CliRunner().invoke(cli, ["build", "--out", str(tmp_path / "dist"), "--no-site"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "dist" / "krakow-clusters.ttl").read_text()
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
    assert body.startswith("@prefix")
    assert body.encode() == _rewritten(body.encode(), media.TURTLE, DUMP_NAMESPACES)

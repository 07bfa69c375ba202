"""The one reader of SPARQL results (Oxigraph's parser): what the remote store and the Wikidata
client read gives the same terms as the embedded store's answers."""

from __future__ import annotations

import json

import pytest
from rdflib import BNode, Literal, URIRef

from krakow_clusters.formats.media import SPARQL_JSON, SPARQL_XML, TSV
from krakow_clusters.formats.results import parse_results, serialize_results
from krakow_clusters.rdf.results import QueryResult, ResultLimitExceeded
from krakow_clusters.store.embedded import EmbeddedStore

from .query_support import FIXTURE_FILES

XSD = "http://www.w3.org/2001/XMLSchema#"

RESULT = QueryResult(
    "select",
    variables=["s", "text", "n", "plain"],
    rows=[
        (
            URIRef("https://example.org/a"),
            Literal("a\nb\tc", lang="en"),
            Literal("007", datatype=URIRef(XSD + "integer"), normalize=False),
            Literal("Kraków"),
        ),
        (BNode("b0"), None, Literal("2017-01-01", datatype=URIRef(XSD + "date")), None),
    ],
)


def body(bindings: list[dict], variables: tuple[str, ...] = ("x",)) -> bytes:
    payload = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(payload).encode()


def same_rows(a: list[tuple], b: list[tuple]) -> bool:
    """Equal term by term, in type, lexical form, language and datatype."""
    return len(a) == len(b) and all(
        len(ra) == len(rb)
        and all(
            type(x) is type(y)
            and str(x) == str(y)
            and getattr(x, "language", None) == getattr(y, "language", None)
            and getattr(x, "datatype", None) == getattr(y, "datatype", None)
            for x, y in zip(ra, rb, strict=True)
        )
        for ra, rb in zip(a, b, strict=True)
    )


@pytest.mark.parametrize("media_type", [SPARQL_JSON, SPARQL_XML, TSV])
def test_what_the_writers_write_reads_back_term_for_term(media_type):
    parsed = parse_results(serialize_results(RESULT, media_type), media_type)
    assert parsed.kind == "select"
    assert parsed.variables == RESULT.variables
    assert same_rows(parsed.rows, RESULT.rows)


def test_the_same_terms_as_the_embedded_store():
    store = EmbeddedStore.from_files(FIXTURE_FILES)
    answer = store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o")
    assert len(answer.rows) > 100
    parsed = parse_results(serialize_results(answer, SPARQL_JSON))
    assert same_rows(parsed.rows, answer.rows)


def test_typed_literals_keep_their_lexical_form_even_as_old_typed_literal():
    for kind in ("literal", "typed-literal"):
        term = {"type": kind, "value": "007", "datatype": XSD + "integer"}
        (value,) = parse_results(body([{"x": term}])).rows[0]
        assert str(value) == "007" and value.datatype == URIRef(XSD + "integer")


def test_xsd_string_is_a_plain_literal_and_tags_and_labels_are_kept():
    rows = parse_results(
        body(
            [
                {"x": {"type": "literal", "value": "s", "datatype": XSD + "string"}},
                {"x": {"type": "literal", "value": "Kraków", "xml:lang": "pl"}},
                {"x": {"type": "bnode", "value": "node1"}},
                {},
            ]
        )
    ).rows
    assert rows[0] == (Literal("s"),) and rows[0][0].datatype is None
    assert rows[1] == (Literal("Kraków", lang="pl"),)
    assert rows[2] == (BNode("node1"),)
    assert rows[3] == (None,)


@pytest.mark.parametrize("value", [True, False])
def test_ask_answers(value):
    parsed = parse_results(json.dumps({"head": {}, "boolean": value}).encode())
    assert parsed.kind == "ask" and parsed.boolean is value


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"<html><body>not a SPARQL endpoint</body></html>",
        b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":',
        b'{"error": "x"}',
        body([{"x": {"type": "weird", "value": "a"}}]),
        body([{"x": {"type": "uri", "value": "not an absolute IRI"}}]),
    ],
)
def test_what_is_not_sparql_results_is_a_value_error(text):
    with pytest.raises(ValueError):
        parse_results(text)


def test_the_result_limit():
    three = body([{"x": {"type": "literal", "value": str(i)}} for i in range(3)])
    assert len(parse_results(three, max_results=3).rows) == 3
    with pytest.raises(ResultLimitExceeded, match="more than 2 rows"):
        parse_results(three, max_results=2)


def test_an_unknown_media_type_is_refused():
    with pytest.raises(ValueError, match="not a SPARQL results media type"):
        parse_results(b"x", "text/html")

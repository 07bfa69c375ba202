"""SPARQL results: one reader (Oxigraph's parser) and the writers (JSON, XML, CSV and TSV
following the W3C result formats).

Everything works on `store.QueryResult`, so the embedded and the remote store give the same bytes,
and an answer read from another endpoint has the same terms as one from the embedded store.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node, URIRef

from ..errors import one_line
from ..rdf.results import QueryResult, limited
from ..rdf.terms import XSD_STRING, term_converter
from .media import CSV, JSON, SPARQL_JSON, SPARQL_XML, TSV
from .rdf import term_n3


def parse_results(
    body: bytes, media_type: str = SPARQL_JSON, max_results: int | None = None
) -> QueryResult:
    """A SELECT or ASK answer read from SPARQL results in JSON, XML or TSV, with Oxigraph's parser.

    Terms become rdflib terms as the embedded store's answers do (`rdf.terms.term_converter`):
    a typed literal keeps its lexical form ("007"^^xsd:integer stays "007"), xsd:string becomes a
    plain literal, a blank node keeps its label, a language tag is lower-cased. The old JSON
    term type "typed-literal" is read too. ValueError, with the parser's reason, when the body is
    not such a document; ResultLimitExceeded on reaching row `max_results + 1`.
    """
    results_format = ox.QueryResultsFormat.from_media_type(media_type)
    if results_format is None:
        raise ValueError(f"not a SPARQL results media type: {media_type}")
    try:
        answer = ox.parse_query_results(body, results_format)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(answer))
        variables = [variable.value for variable in answer.variables]
        convert = term_converter()
        # The solutions are parsed as they are read: a syntax error may come at any row.
        rows = [tuple(map(convert, solution)) for solution in limited(answer, max_results, "rows")]
    except (SyntaxError, TypeError) as exc:  # TypeError: an RDF-star triple, which rdflib lacks
        raise ValueError(one_line(exc)) from None
    return QueryResult("select", variables=variables, rows=rows)


def serialize_results(result: QueryResult, media_type: str) -> bytes:
    """A SELECT or ASK answer in one of RESULT_TYPES, by the writer registered for it
    (RESULT_WRITERS, as formats/rdf.py's RDF_WRITERS for graphs)."""
    writer = RESULT_WRITERS.get(media_type)
    if writer is None:
        raise ValueError(f"not a SPARQL results media type: {media_type}")
    return writer(result)


def _json_term(term: Node) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    value: dict = {"type": "literal", "value": str(term)}
    if isinstance(term, Literal):
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype is not None and str(term.datatype) != XSD_STRING:
            value["datatype"] = str(term.datatype)
    return value


def results_json(result: QueryResult, indent: int | None = None) -> str:
    """SPARQL 1.1 Query Results JSON (SELECT or ASK)."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=indent)
    bindings = [
        {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    payload = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(payload, ensure_ascii=False, indent=indent)


def _results_json(result: QueryResult) -> bytes:
    return results_json(result).encode("utf-8")


def _results_xml(result: QueryResult) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n']
    if result.kind == "ask":
        out.append(f"<head/>\n<boolean>{'true' if result.boolean else 'false'}</boolean>\n")
    else:
        out.append("<head>")
        out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
        out.append("</head>\n<results>\n")
        for row in result.rows:
            out.append("<result>")
            for name, term in zip(result.variables, row, strict=True):
                if term is not None:
                    out.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
            out.append("</result>\n")
        out.append("</results>\n")
    out.append("</sparql>\n")
    return "".join(out).encode("utf-8")


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    attrs = ""
    if isinstance(term, Literal):
        if term.language:
            attrs = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype is not None and str(term.datatype) != XSD_STRING:
            attrs = f" datatype={quoteattr(str(term.datatype))}"
    return f"<literal{attrs}>{escape(str(term))}</literal>"


def results_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV: plain values, IRIs in full, blank nodes as `_:label`.

    The one CSV writer of the package: `/sparql`, `query --format csv` and build's overview.csv.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["_askResult"])
        writer.writerow(["true" if result.boolean else "false"])
    else:
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow(["" if t is None else _csv_value(t) for t in row])
    return buffer.getvalue()


def _results_csv(result: QueryResult) -> bytes:
    return results_csv(result).encode("utf-8")


def _csv_value(term: Node) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def results_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV: every value as an RDF term in N-Triples syntax, so a line
    break or a tab inside a literal is escaped and a row stays on one line."""
    if result.kind == "ask":
        return f"?_askResult\n{'true' if result.boolean else 'false'}\n"
    lines = ["\t".join("?" + v for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else term_n3(t) for t in row))
    return "\n".join(lines) + "\n"


def _results_tsv(result: QueryResult) -> bytes:
    return results_tsv(result).encode("utf-8")


# The one writer of each SPARQL results media type (plain JSON is SPARQL JSON).
RESULT_WRITERS: dict[str, Callable[[QueryResult], bytes]] = {
    SPARQL_JSON: _results_json,
    JSON: _results_json,
    SPARQL_XML: _results_xml,
    CSV: _results_csv,
    TSV: _results_tsv,
}

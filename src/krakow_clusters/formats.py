"""Media types: content negotiation with q-values, and the serializations the server sends.

RDF graphs are written with rdflib (sorted Turtle with the project's prefixes, JSON-LD compacted
with the same prefixes, sorted N-Triples, RDF/XML); SPARQL results as JSON, XML, CSV and TSV
following the W3C result formats. Everything works on `graph.QueryResult`, so the embedded and
the remote store give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

import rdflib
from rdflib.term import BNode, Literal, Node, URIRef

from .graph import XSD_STRING, QueryResult, Triple, term_n3
from .project import NAMESPACES

PREFIXES = NAMESPACES

TURTLE = "text/turtle"
JSONLD = "application/ld+json"
NTRIPLES = "application/n-triples"
RDFXML = "application/rdf+xml"
HTML = "text/html"
SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
JSON = "application/json"

RDF_TYPES = (TURTLE, JSONLD, NTRIPLES, RDFXML)
# What a resource IRI offers, in the server's order of preference when the client has none.
RESOURCE_TYPES = (HTML, *RDF_TYPES)
RESULT_TYPES = (SPARQL_JSON, SPARQL_XML, CSV, TSV)

# ?format= values and file extensions, for resources and for /sparql (SPARQLWrapper's names too).
ALIASES = {
    "html": HTML,
    "ttl": TURTLE,
    "turtle": TURTLE,
    "jsonld": JSONLD,
    "json-ld": JSONLD,
    "nt": NTRIPLES,
    "ntriples": NTRIPLES,
    "n-triples": NTRIPLES,
    "rdf": RDFXML,
    "rdfxml": RDFXML,
    "rdf+xml": RDFXML,
    "xml": SPARQL_XML,
    "json": SPARQL_JSON,
    "csv": CSV,
    "tsv": TSV,
}
EXTENSIONS = {".html": HTML, ".ttl": TURTLE, ".jsonld": JSONLD, ".nt": NTRIPLES, ".rdf": RDFXML}

# Types clients send that mean one of ours.
_SYNONYMS = {
    "application/x-turtle": TURTLE,
    "application/turtle": TURTLE,
    "application/xhtml+xml": HTML,
    "text/plain": NTRIPLES,
    "application/x-json+ld": JSONLD,
    "text/xml": SPARQL_XML,
    "application/xml": SPARQL_XML,
}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q-values (malformed q counts as 0)."""
    ranges = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media, max(0.0, min(1.0, q))))
    return ranges


def negotiate(
    header: str | None, offered: Sequence[str], synonyms: Mapping[str, str] | None = None
) -> str | None:
    """The offered type the client prefers: highest q, ties broken by the order of `offered`.

    The q of each offered type comes from the most specific range that matches it (an exact type
    beats `type/*`, which beats `*/*`). No header means anything goes; None means nothing fits.
    """
    ranges = parse_accept(header)
    aliases = {**_SYNONYMS, **(synonyms or {})}
    if not ranges:
        return offered[0]
    best, best_q = None, 0.0
    for media in offered:
        q, specificity = None, -1
        for accepted, accepted_q in ranges:
            accepted = aliases.get(accepted, accepted)
            if accepted == media:
                level = 2
            elif accepted.endswith("/*") and media.startswith(accepted[:-1]):
                level = 1
            elif accepted == "*/*":
                level = 0
            else:
                continue
            if level > specificity or (level == specificity and accepted_q > (q or 0)):
                q, specificity = accepted_q, level
        if q is not None and q > best_q:
            best, best_q = media, q
    return best


# --- RDF graphs --------------------------------------------------------------------------------


def to_graph(triples: Iterable[Triple]) -> rdflib.Graph:
    graph = rdflib.Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    for triple in triples:
        graph.add(triple)
    return graph


def serialize_graph(triples: Iterable[Triple], media_type: str) -> bytes:
    graph = to_graph(triples)
    if media_type == TURTLE:
        return graph.serialize(format="turtle", encoding="utf-8")
    if media_type == NTRIPLES:
        lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return "".join(line + "\n" for line in sorted(set(lines)) if line.strip()).encode("utf-8")
    if media_type == JSONLD:
        context = {p: ns for p, ns in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, indent=2, encoding="utf-8")
    if media_type == RDFXML:
        return graph.serialize(format="pretty-xml", encoding="utf-8")
    raise ValueError(f"not an RDF media type: {media_type}")


def empty_graph_document(media_type: str, message: str) -> bytes:
    """A document in `media_type` that parses to an empty graph and carries `message`."""
    if media_type in (TURTLE, NTRIPLES):
        return f"# {message}\n".encode()
    if media_type == JSONLD:
        return json.dumps({"@graph": [], "error": message}, indent=2).encode() + b"\n"
    if media_type == RDFXML:
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f'<rdf:RDF xmlns:rdf="{PREFIXES["rdf"]}"><!-- {escape(message)} --></rdf:RDF>\n'
        ).encode()
    return message.encode() + b"\n"


# --- SPARQL results ----------------------------------------------------------------------------


def serialize_results(result: QueryResult, media_type: str) -> bytes:
    """A SELECT or ASK answer in one of RESULT_TYPES."""
    if media_type in (SPARQL_JSON, JSON):
        return _results_json(result)
    if media_type == SPARQL_XML:
        return _results_xml(result)
    if media_type == CSV:
        return _results_csv(result)
    if media_type == TSV:
        return _results_tsv(result)
    raise ValueError(f"not a SPARQL results media type: {media_type}")


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

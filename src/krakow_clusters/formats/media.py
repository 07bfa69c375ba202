"""Media types: their names, ?format= aliases and file extensions, and content negotiation with
q-values (the one place that decides which representation a client gets)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
TRIG = "application/trig"
NQUADS = "application/n-quads"

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

# The media type of each kind of file a release holds, by file extension: what void.ttl declares
# as a distribution's dcat:mediaType and what serve sends as the file's Content-Type (one table,
# so the two cannot disagree).
FILE_TYPES = {
    ".ttl": TURTLE,
    ".nt": NTRIPLES,
    ".trig": TRIG,
    ".nq": NQUADS,
    ".jsonld": JSONLD,
    ".rdf": RDFXML,
    ".csv": CSV,
    ".html": HTML,
}
# What a person calls each format (the dataset page's downloads table).
FORMAT_NAMES = {
    TURTLE: "Turtle",
    NTRIPLES: "N-Triples",
    TRIG: "TriG",
    NQUADS: "N-Quads",
    JSONLD: "JSON-LD",
    RDFXML: "RDF/XML",
    CSV: "CSV",
    HTML: "HTML",
}

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

    >>> negotiate("application/ld+json;q=0.9, text/*;q=0.5", RESOURCE_TYPES)
    'application/ld+json'
    >>> negotiate("text/*;q=0.5, text/html;q=0", RESOURCE_TYPES)
    'text/turtle'
    >>> negotiate("image/png", RESOURCE_TYPES) is None
    True
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

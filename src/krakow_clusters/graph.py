"""The one module that owns the graph store: loading, SPARQL and serialization.

Every command reaches the graph through a `GraphStore`, so the engine behind it is chosen here and
nowhere else. The embedded engine is pyoxigraph (Oxigraph in process): it parses with exact terms
and reports syntax errors with line and column, and on large graphs it parses and answers path
queries orders of magnitude faster than rdflib's in-memory store (see BENCHMARKS.md). Results
cross this boundary as rdflib terms, the common currency of the rest of the package; pySHACL gets
an rdflib copy of the graph from `to_rdflib()`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal as Kind
from typing import Protocol
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import pyoxigraph as ox
import rdflib
from rdflib.term import BNode, Literal, Node, URIRef

from .errors import CouldNotRun, RdfSyntaxError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

Triple = tuple[Node, Node, Node]


class QuerySyntaxError(CouldNotRun):
    """The query text is not SPARQL 1.1 (or is an update where a query was expected)."""


class QueryTimeout(CouldNotRun):
    """The store did not answer within the time allowed."""


class ResultLimitExceeded(CouldNotRun):
    """The answer has more rows or triples than the caller accepts."""


# --- terms ---------------------------------------------------------------------------------------


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Node | None:
    """Convert an Oxigraph term to the rdflib term with the same lexical form."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        # normalize=False keeps the lexical form as written ("007" stays "007").
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to Oxigraph."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


# --- results -------------------------------------------------------------------------------------


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
    """What commands may ask of a store. Implemented in process (EmbeddedStore) or remotely."""

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult: ...


# --- the embedded store --------------------------------------------------------------------------


RDF_EXTENSIONS = ("ttl", "nt", "nq", "trig", "jsonld", "rdf", "owl", "n3")


def rdf_format(path: Path) -> ox.RdfFormat:
    extension = path.suffix.lstrip(".").lower()
    fmt = ox.RdfFormat.from_extension(extension) if extension in RDF_EXTENSIONS else None
    if fmt is None:
        raise CouldNotRun(
            f"{path}: unknown RDF file type {path.suffix!r} (use .ttl, .nt, .jsonld …)"
        )
    return fmt


class EmbeddedStore:
    """An in-process Oxigraph store holding the whole dataset in its default graph."""

    def __init__(self) -> None:
        self._store = ox.Store()
        self._rdflib: rdflib.Graph | None = None

    @classmethod
    def from_files(cls, paths: Iterable[Path]) -> EmbeddedStore:
        store = cls()
        for path in paths:
            store.load_file(path)
        return store

    def load_file(self, path: Path) -> int:
        """Parse one RDF file into the store; return the number of triples read.

        A syntax error raises RdfSyntaxError naming the file, line and column, and adds nothing.
        """
        path = Path(path)
        fmt = rdf_format(path)
        try:
            quads = list(ox.parse(path=str(path), format=fmt))
        except SyntaxError as exc:
            line, column = _position(exc)
            raise RdfSyntaxError(path, line, column, _detail(exc)) from None
        except OSError as exc:
            raise CouldNotRun(f"{path}: cannot read: {exc.strerror or exc}") from None
        self._store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
        self._rdflib = None
        return len(quads)

    def __len__(self) -> int:
        return len(self._store)

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        max_results: int | None = None,
    ) -> QueryResult:
        """Run a query; with `max_results`, stop reading at one row (or triple) past the limit
        and raise ResultLimitExceeded instead of materialising the whole answer."""
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
        try:
            answer = self._store.query(sparql, substitutions=substitutions or None)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL syntax error: {_detail(exc)}") from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise CouldNotRun(f"SPARQL query failed: {exc}") from None
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            rows = [
                tuple(to_rdflib(solution[v]) for v in variables)
                for solution in _limited(answer, max_results, "rows")
            ]
            return QueryResult("select", variables=variables, rows=rows)
        triples = [
            (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))
            for t in _limited(answer, max_results, "triples")
        ]
        return QueryResult("graph", triples=triples)

    def dump(self, fmt: str = "nt") -> bytes:
        """The whole graph serialized by Oxigraph (`fmt` is a file extension: nt, ttl, …)."""
        return self._store.dump(
            format=ox.RdfFormat.from_extension(fmt), from_graph=ox.DefaultGraph()
        )

    def validate_shacl(
        self, shapes: rdflib.Graph, engine: str = "auto"
    ) -> tuple[rdflib.Graph, str]:
        """Run SHACL (with SHACL-SPARQL) over the store; return the report graph and the engine.

        `pyshacl` is the reference validator. `turbo` (pyshacl-turbo, Rust) reads this store
        directly, with no rdflib copy, and reports the same results (tests/test_engines.py checks
        it on every fixture); it is 25× faster at 100k triples (BENCHMARKS.md). `auto` takes
        turbo when it is installed.
        """
        engine = resolve_shacl_engine(engine)
        options = dict(shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
        if engine == "turbo":
            import pyshacl_turbo

            _, results, _ = pyshacl_turbo.validate(self._store, **options)
        else:
            import pyshacl

            _, results, _ = pyshacl.validate(self.to_rdflib(), **options)
        return results, engine

    def triples(self) -> Iterator[Triple]:
        for quad in self._store:
            yield to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)

    def to_rdflib(self) -> rdflib.Graph:
        """An rdflib copy of the graph (for pySHACL), made once and kept until the store changes."""
        if self._rdflib is None:
            graph = rdflib.Graph()
            for triple in self.triples():
                graph.add(triple)
            self._rdflib = graph
        return self._rdflib


def _limited(items: Iterable, limit: int | None, what: str) -> Iterator:
    for count, item in enumerate(items, start=1):
        if limit is not None and count > limit:
            raise ResultLimitExceeded(
                f"the answer has more than {limit} {what} (the result limit); "
                "add LIMIT to the query or ask for fewer results"
            )
        yield item


SHACL_ENGINES = ("auto", "pyshacl", "turbo")


def resolve_shacl_engine(engine: str) -> str:
    """`auto` is turbo when pyshacl-turbo is installed, else pySHACL."""
    if engine not in SHACL_ENGINES:
        raise CouldNotRun(f"unknown SHACL engine {engine!r} (one of {', '.join(SHACL_ENGINES)})")
    if engine != "auto":
        return engine
    import importlib.util

    return "turbo" if importlib.util.find_spec("pyshacl_turbo") else "pyshacl"


def load_dataset(paths: Iterable[Path]) -> EmbeddedStore:
    """Load the given RDF files into one embedded store."""
    return EmbeddedStore.from_files(paths)


# --- a remote SPARQL 1.1 store --------------------------------------------------------------------


class RemoteStore:
    """A SPARQL 1.1 query endpoint reached over the protocol with SPARQLWrapper.

    Query parameters in the endpoint URL (such as `?default-graph-uri=…`) are sent with every
    query. Bindings cannot be passed to a remote engine as such, so they are written into the
    query as a VALUES block at the start of its outermost WHERE group, each value as its N3 term
    (IRIs are checked, literals escaped by rdflib): never pasted as raw text.
    """

    def __init__(
        self,
        endpoint: str,
        timeout: float = 30.0,
        user: str | None = None,
        password: str | None = None,
    ) -> None:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise CouldNotRun(f"{endpoint!r} is not an http(s) SPARQL endpoint URL")
        self.endpoint = urlunsplit(parts._replace(query="", fragment=""))
        self.parameters = parse_qsl(parts.query)
        self.timeout = timeout
        self._credentials = (user, password) if user else None

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        max_results: int | None = None,
    ) -> QueryResult:
        from urllib.error import HTTPError, URLError

        from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        text = inject_values(sparql, bindings) if bindings else sparql
        client = SPARQLWrapper(self.endpoint, agent="krakow-clusters (SPARQLWrapper)")
        client.setMethod(POST)
        client.setOnlyConneg(True)
        client.setTimeout(max(1, round(self.timeout)))
        for name, value in self.parameters:
            client.addParameter(name, value)
        if self._credentials:
            client.setCredentials(*self._credentials)
        client.setQuery(text)
        kind = client.queryType
        if kind not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            raise QuerySyntaxError(f"not a SPARQL query (a {kind} request?)")
        client.setReturnFormat(JSON if kind in ("SELECT", "ASK") else TURTLE)
        too_slow = f"the SPARQL store at {self.endpoint} did not answer within {self.timeout:g} s"
        try:
            response = client.query().response
            body = response.read()
        except HTTPError as exc:
            raise _http_error(self.endpoint, exc.code, exc.read()) from None
        except SPARQLWrapperException as exc:
            code = {"QueryBadFormed": 400, "Unauthorized": 401, "EndPointNotFound": 404}
            status = code.get(type(exc).__name__, 500)
            raise _http_error(self.endpoint, status, str(exc).encode()) from None
        except TimeoutError:
            raise QueryTimeout(too_slow) from None
        except (URLError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise QueryTimeout(too_slow) from None
            raise CouldNotRun(
                f"cannot reach the SPARQL store at {self.endpoint}: {reason}"
            ) from None
        if kind in ("SELECT", "ASK"):
            return _json_results(body, max_results)
        graph = rdflib.Graph()
        try:
            graph.parse(data=body, format="turtle")
        except Exception as exc:  # rdflib raises several parser-specific types
            raise CouldNotRun(f"the SPARQL store sent Turtle that does not parse: {exc}") from None
        return QueryResult("graph", triples=list(_limited(graph, max_results, "triples")))


def _http_error(endpoint: str, status: int, body: bytes) -> CouldNotRun:
    lines = body.decode("utf-8", "replace").strip().splitlines()
    first = lines[0][:200] if lines else ""
    if status == 400:
        return QuerySyntaxError(f"the SPARQL store rejected the query: {first}")
    if status in (401, 403):
        return CouldNotRun(f"the SPARQL store at {endpoint} refused access (HTTP {status})")
    return CouldNotRun(f"the SPARQL store at {endpoint} failed (HTTP {status}): {first}")


def _json_results(body: bytes, max_results: int | None) -> QueryResult:
    try:
        payload = json.loads(body)
    except ValueError:
        raise CouldNotRun("the SPARQL store sent results that are not JSON") from None
    if "boolean" in payload:
        return QueryResult("ask", boolean=bool(payload["boolean"]))
    variables = list(payload.get("head", {}).get("vars", []))
    bindings = payload.get("results", {}).get("bindings", [])
    rows = [
        tuple(_json_term(binding.get(v)) for v in variables)
        for binding in _limited(bindings, max_results, "rows")
    ]
    return QueryResult("select", variables=variables, rows=rows)


def _json_term(value: dict | None) -> Node | None:
    if value is None:
        return None
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    if datatype and datatype != XSD_STRING:
        return Literal(value["value"], datatype=URIRef(datatype), normalize=False)
    return Literal(value["value"])


_IRI_SAFE = re.compile(r'^[^\s<>"{}|\\^`]+$')


def inject_values(sparql: str, bindings: Mapping[str, Node]) -> str:
    """The query with `bindings` as a VALUES block opening its outermost WHERE group."""
    if not bindings:
        return sparql
    names = sorted(bindings)
    terms = []
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise CouldNotRun(f"bad variable name {name!r}")
        term = bindings[name]
        if not isinstance(term, URIRef | Literal):
            raise CouldNotRun(f"parameter {name}: only IRIs and literals can be bound")
        if isinstance(term, URIRef) and not _IRI_SAFE.match(str(term)):
            raise CouldNotRun(f"parameter {name}: {str(term)!r} is not a valid IRI")
        terms.append(term.n3())
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(terms)}) }} "
    at = _where_group(sparql)
    return sparql[: at + 1] + block + sparql[at + 1 :]


# Comments, strings (long and short), IRIs, braces and words: enough to find the WHERE group.
_TOKEN = re.compile(
    r"#[^\n]*"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^\s<>"{}|\\^`]*>'
    r"|[{}]|[A-Za-z]+"
)


def _where_group(sparql: str) -> int:
    """Offset of the `{` that opens the query's outermost WHERE group."""
    depth = 0
    opened: list[int] = []
    form = None
    words_before_template_end: list[str] = []
    for match in _TOKEN.finditer(sparql):
        token = match.group()
        if token == "{":
            if depth == 0:
                opened.append(match.start())
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0 and token[0].isalpha():
            upper = token.upper()
            if form is None and upper in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = upper
            elif form == "CONSTRUCT" and not opened:
                words_before_template_end.append(upper)
    if form is None or not opened:
        raise CouldNotRun("cannot bind parameters: the query has no WHERE group")
    if form != "CONSTRUCT":
        return opened[0]
    if words_before_template_end == ["WHERE"]:
        raise CouldNotRun("cannot bind parameters in a short-form CONSTRUCT WHERE query")
    if len(opened) < 2:
        raise CouldNotRun("cannot bind parameters: the query has no WHERE group")
    return opened[1]


def _position(exc: SyntaxError) -> tuple[int | None, int | None]:
    return exc.lineno, exc.offset


def _detail(exc: SyntaxError) -> str:
    # Oxigraph's message starts with "Parser error between line … column …"; the position is
    # printed separately, so keep only what went wrong.
    message = str(exc.msg if hasattr(exc, "msg") and exc.msg else exc)
    if ": " in message and message.lower().startswith(("parser error", "error")):
        message = message.split(": ", 1)[1]
    return message


# --- the SPARQL 1.1 Graph Store HTTP Protocol ---------------------------------------------------


def display_url(url: str) -> str:
    """The URL without any user:password part, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=host))


def put_graph(
    store_url: str,
    graph_iri: str,
    data: bytes,
    content_type: str = "application/n-triples",
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60.0,
) -> int:
    """Replace the named graph `graph_iri` of a Graph Store Protocol endpoint with `data`.

    Returns the HTTP status. Unreachable store, refused credentials and server errors each raise
    CouldNotRun with one line that never contains the credentials.
    """
    import base64
    import urllib.error
    import urllib.request
    from urllib.parse import quote

    shown = display_url(store_url)
    parts = urlsplit(store_url)
    separator = "&" if parts.query else "?"
    url = display_url(store_url) + separator + "graph=" + quote(graph_iri, safe="")
    headers = {"Content-Type": content_type, "User-Agent": "krakow-clusters publish"}
    if user:
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    request = urllib.request.Request(url, data=data, method="PUT", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            hint = (
                "check KRAKOW_CLUSTERS_USER and KRAKOW_CLUSTERS_PASSWORD"
                if user
                else "set KRAKOW_CLUSTERS_USER and KRAKOW_CLUSTERS_PASSWORD"
            )
            raise CouldNotRun(
                f"the store at {shown} refused access (HTTP {exc.code}): {hint}"
            ) from None
        lines = exc.read().decode("utf-8", "replace").strip().splitlines()
        first = f": {lines[0][:200]}" if lines else ""
        if exc.code >= 500:
            raise CouldNotRun(f"the store at {shown} failed (HTTP {exc.code}){first}") from None
        raise CouldNotRun(
            f"the store at {shown} rejected the data (HTTP {exc.code}){first}"
        ) from None
    except TimeoutError:
        raise CouldNotRun(f"the store at {shown} did not answer within {timeout:g} s") from None
    except (urllib.error.URLError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CouldNotRun(f"cannot reach the store at {shown}: {reason}") from None


# --- deterministic serialization -----------------------------------------------------------------
#
# Every writer takes triples in any order and gives the same bytes for the same graph: triples are
# sorted by their N-Triples form, subjects are grouped, and blank nodes (none in the curated data,
# but a file may add some) get labels from rdflib's canonical form, not from the parser.

TURTLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def canonical_triples(triples: Iterable[Triple]) -> list[Triple]:
    """The triples sorted by N-Triples form, blank nodes relabelled canonically (stable)."""
    triples = list(triples)
    if any(isinstance(t, BNode) for triple in triples for t in triple):
        from rdflib.compare import to_canonical_graph

        graph = rdflib.Graph()
        for triple in triples:
            graph.add(triple)
        triples = list(to_canonical_graph(graph))
    return sorted(set(triples), key=lambda t: tuple(term_n3(x) for x in t))


def term_n3(term: Node) -> str:
    """The N-Triples form of a term (Oxigraph's escaping, which Turtle also accepts)."""
    return str(to_oxigraph(term))


def serialize_ntriples(triples: Iterable[Triple]) -> str:
    """N-Triples, one line per triple, lines sorted."""
    lines = sorted(
        " ".join(term_n3(t) for t in triple) + " ." for triple in canonical_triples(triples)
    )
    return "".join(line + "\n" for line in lines)


def _turtle_term(term: Node, prefixes: Mapping[str, str]) -> str:
    if isinstance(term, URIRef):
        text = str(term)
        best = max(
            ((p, ns) for p, ns in prefixes.items() if text.startswith(ns)),
            key=lambda item: len(item[1]),
            default=None,
        )
        if best is not None:
            local = text[len(best[1]) :]
            if local == "" or TURTLE_NAME.match(local):
                return f"{best[0]}:{local}"
        return f"<{text}>"
    if isinstance(term, Literal) and term.datatype is not None and not term.language:
        datatype = str(term.datatype)
        lexical = str(term)
        if datatype == _XSD + "integer" and re.fullmatch(r"[+-]?[0-9]+", lexical):
            return lexical
        if datatype == _XSD + "boolean" and lexical in ("true", "false"):
            return lexical
        quoted = str(ox.Literal(lexical))
        if datatype == XSD_STRING:
            return quoted
        return f"{quoted}^^{_turtle_term(URIRef(datatype), prefixes)}"
    return term_n3(term)


def serialize_turtle(
    triples: Iterable[Triple], prefixes: Mapping[str, str], header: str = ""
) -> str:
    """Readable, deterministic Turtle: the prefixes used, then one block per subject (sorted),
    rdf:type first as `a`, then predicates and objects sorted."""
    ordered = canonical_triples(triples)
    by_subject: dict[Node, dict[Node, list[Node]]] = {}
    for s, p, o in ordered:
        by_subject.setdefault(s, {}).setdefault(p, []).append(o)
    body: list[str] = []
    for subject, predicates in by_subject.items():
        lines = []
        keys = sorted(predicates, key=lambda p: (str(p) != _RDF_TYPE, term_n3(p)))
        for predicate in keys:
            verb = "a" if str(predicate) == _RDF_TYPE else _turtle_term(predicate, prefixes)
            objects = " , ".join(_turtle_term(o, prefixes) for o in predicates[predicate])
            lines.append(f"    {verb} {objects}")
        body.append(_turtle_term(subject, prefixes) + "\n" + " ;\n".join(lines) + " .\n")
    text = "\n".join(body)
    used = sorted(
        (p, ns)
        for p, ns in prefixes.items()
        if re.search(rf"(^|[\s\^(,]){re.escape(p)}:", text, re.MULTILINE)
    )
    head = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    head += "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in used)
    return head + "\n" + text


def serialize_rdfxml(triples: Iterable[Triple], prefixes: Mapping[str, str]) -> bytes:
    """RDF/XML written by Oxigraph from the sorted triples (so the same graph gives the same
    bytes)."""
    ordered = canonical_triples(triples)
    return ox.serialize(
        [ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in ordered],
        format=ox.RdfFormat.RDF_XML,
        prefixes=dict(prefixes),
    )


def jsonld_expanded(triples: Iterable[Triple]) -> list[dict]:
    """The triples as expanded JSON-LD (JSON-LD 1.1 fromRdf; integers and booleans as JSON
    numbers and booleans, every other datatype and every language tag kept)."""
    from pyld import jsonld  # heavy: only the commands that write JSON-LD import it

    nquads = serialize_ntriples(triples)
    return jsonld.from_rdf(nquads, {"format": "application/n-quads", "useNativeTypes": True})


def local_document_loader(documents: Mapping[str, object]):
    """A pyld document loader that serves the given documents by URL and refuses any other URL,
    so that no JSON-LD processing in this package reaches the network."""
    from pyld.jsonld import JsonLdError

    def load(url: str, options: dict | None = None) -> dict:
        if url in documents:
            return {
                "contentType": "application/ld+json",
                "contextUrl": None,
                "documentUrl": url,
                "document": documents[url],
            }
        raise JsonLdError(
            f"refusing to load {url}: no network access",
            "jsonld.LoadDocumentError",
            code="loading document failed",
        )

    return load


def serialize_jsonld(
    triples: Iterable[Triple], context: dict, context_url: str, frame: dict | None = None
) -> str:
    """Compacted (or, given a frame, framed) JSON-LD that refers to its context by URL; keys
    sorted and nodes ordered by @id, so the same graph gives the same bytes."""
    from pyld import jsonld

    loader = local_document_loader({context_url: context})
    options = {"documentLoader": loader, "processingMode": "json-ld-1.1"}
    expanded = jsonld_expanded(triples)
    if frame is None:
        result = jsonld.compact(expanded, context_url, options)
    else:
        # Only what the frame embeds is embedded; everything else stays a reference.
        framing = {**options, "omitGraph": False, "embed": "@never", "omitDefault": True}
        result = jsonld.frame(expanded, frame, framing)
    return json.dumps(_sorted_json(result), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _sorted_json(value: object) -> object:
    """Arrays sorted by a stable key (their order carries no meaning in RDF without @list)."""
    if isinstance(value, dict):
        return {k: (v if k in ("@list", "@context") else _sorted_json(v)) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted_json(v) for v in value), key=_json_order)
    return value


def _json_order(value: object) -> tuple[int, str]:
    """Node objects by their id (so clusters come in IRI order), anything else by its JSON."""
    if isinstance(value, dict):
        node_id = value.get("@id", value.get("id"))
        if isinstance(node_id, str):
            return (0, node_id)
    return (1, json.dumps(value, sort_keys=True, ensure_ascii=False))

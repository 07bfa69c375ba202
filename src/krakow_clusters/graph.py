"""The one module that owns the graph store: loading, SPARQL and serialization.

Every command reaches the graph through a `GraphStore`, so the engine behind it is chosen here and
nowhere else. The embedded engine is pyoxigraph (Oxigraph in process): it parses with exact terms
and reports syntax errors with line and column, and on large graphs it parses and answers path
queries orders of magnitude faster than rdflib's in-memory store (see BENCHMARKS.md). Results
cross this boundary as rdflib terms, the common currency of the rest of the package; pySHACL gets
an rdflib copy of the graph from `to_rdflib()`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal as Kind
from typing import Protocol
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import pyoxigraph as ox
import rdflib
from rdflib.term import BNode, Literal, Node, URIRef

from . import jsonld_writer
from .errors import CouldNotRun, RdfSyntaxError
from .jsonld_writer import dump_json, json_order

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

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


def term_converter() -> Callable[[ox.NamedNode | ox.BlankNode | ox.Literal | None], Node | None]:
    """`to_rdflib` for the terms of one answer, made faster for large answers: each distinct term
    is converted once (IRIs and labels repeat from row to row), and IRIs and plain and
    language-tagged strings, most terms of an answer, are built without rdflib's checks, which
    Oxigraph has already made (the same terms, built 5-10 times faster; the tests compare every
    attribute with rdflib's own constructors). The converter is a dictionary lookup, so a term
    seen before costs no Python call."""
    return _ConvertedTerms().__getitem__


class _ConvertedTerms(dict):
    """Oxigraph terms to rdflib terms, each converted on its first lookup (None stays None)."""

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
        kind = type(term)
        if kind is ox.NamedNode:
            node = iri(term.value)
        elif kind is ox.Literal and (term.language or term.datatype == _OX_XSD_STRING):
            node = string_literal(term.value, term.language)
        else:
            node = to_rdflib(term)
        self[term] = node
        return node


_OX_XSD_STRING = ox.NamedNode(XSD_STRING)


def iri(value: str) -> URIRef:
    """`URIRef(value)` for an IRI that Oxigraph has parsed: without the check for characters that
    no IRI may hold (which only logs a warning), the same URIRef."""
    return str.__new__(URIRef, value)


def string_literal(value: str, language: str | None = None) -> Literal:
    """`Literal(value, lang=language)` without its checks and conversions, which do nothing to a
    string or a language-tagged string except refuse an ill-formed tag (checked once per tag)."""
    if language:
        _check_language(language)
    node = str.__new__(Literal, value)
    node._language = language or None
    node._datatype = None
    node._value = value
    node._ill_typed = None
    return node


@functools.lru_cache(maxsize=256)
def _check_language(language: str) -> None:
    Literal("", lang=language)  # raises ValueError as rdflib would


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
    """What commands may ask of a store: implemented in process (EmbeddedStore) and over the
    SPARQL protocol (RemoteStore), so that a command never knows which engine answers."""

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        max_results: int | None = None,
    ) -> QueryResult:
        """Run a query with parameters bound as RDF terms; at most `max_results` rows."""
        ...


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

    def __init__(self, service_timeout: float = 60.0) -> None:
        self._store = ox.Store()
        self._rdflib: rdflib.Graph | None = None
        # Oxigraph's SERVICE client has no time limit of its own: a hung endpoint would hang
        # the query for ever, so queries with SERVICE run in a thread that is given up on.
        self.service_timeout = service_timeout

    @classmethod
    def from_files(cls, paths: Iterable[Path]) -> EmbeddedStore:
        store = cls()
        for path in paths:
            store.load_file(path)
        return store

    def load_file(self, path: Path) -> int:
        """Parse one RDF file into the store; return the number of triples it added.

        A syntax error raises RdfSyntaxError naming the file, line and column, and adds nothing.
        """
        path = Path(path)
        fmt = rdf_format(path)
        before = len(self._store)
        try:
            if fmt.supports_datasets:
                # Named graphs are merged into the default graph, where the dataset lives.
                quads = list(ox.parse(path=str(path), format=fmt))
                self._store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
            else:
                # Oxigraph's own loader: transactional (all or nothing), twice as fast as
                # parsing in Python and adding the triples one by one.
                self._store.load(path=str(path), format=fmt)
        except SyntaxError as exc:
            line, column = _position(exc)
            raise RdfSyntaxError(path, line, column, _detail(exc)) from None
        except OSError as exc:
            raise CouldNotRun(f"{path}: cannot read: {exc.strerror or exc}") from None
        self._rdflib = None
        return len(self._store) - before

    def __len__(self) -> int:
        return len(self._store)

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        max_results: int | None = None,
    ) -> QueryResult:
        """Run a query; with `max_results`, stop reading at one row (or triple) past the limit
        and raise ResultLimitExceeded instead of materialising the whole answer. A query with
        SERVICE runs under a time limit, since Oxigraph's SERVICE client has none."""
        if any(kind == "word" and v.upper() == "SERVICE" for kind, v, _, _ in _tokens(sparql)):
            return _with_time_limit(
                lambda: self._query(sparql, bindings, max_results),
                self.service_timeout,
                f"a SERVICE endpoint did not answer within {self.service_timeout:g} s",
            )
        return self._query(sparql, bindings, max_results)

    def _query(
        self, sparql: str, bindings: Mapping[str, Node] | None, max_results: int | None
    ) -> QueryResult:
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
        try:
            answer = self._store.query(sparql, substitutions=substitutions or None)
            if isinstance(answer, ox.QueryBoolean):
                return QueryResult("ask", boolean=bool(answer))
            if isinstance(answer, ox.QuerySolutions):
                variables = [v.value for v in answer.variables]
                convert = term_converter()
                # A solution iterates over its values in the order of the variables.
                rows = [
                    tuple(map(convert, solution))
                    for solution in _limited(answer, max_results, "rows")
                ]
                return QueryResult("select", variables=variables, rows=rows)
            convert = term_converter()
            triples = [
                (convert(t.subject), convert(t.predicate), convert(t.object))
                for t in _limited(answer, max_results, "triples")
            ]
            return QueryResult("graph", triples=triples)
        except SyntaxError as exc:
            raise sparql_syntax_error(exc) from None
        except (OSError, RuntimeError, ValueError) as exc:
            # Evaluation is lazy: a failing SERVICE call or an unbound substitution surfaces
            # while the solutions are read, as OSError or RuntimeError (ValueError: bad terms).
            raise CouldNotRun(f"SPARQL query failed: {_one_line(exc)}") from None

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

    def native_triples(self) -> list[ox.Triple]:
        """The triples as Oxigraph terms, in a list (a tenth of the time and memory of
        `triples()` at 1M triples); the build's writers read `iter_native_triples()` instead."""
        return list(self.iter_native_triples())

    def iter_native_triples(self) -> Iterator[ox.Triple]:
        return (quad.triple for quad in self._store)

    def has_blank_nodes(self) -> bool:
        query = "ASK { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }"
        return bool(self._store.query(query))

    def sorted_ntriples(self) -> bytes:
        """`serialize_ntriples` of the whole store, as UTF-8: written by Oxigraph from the
        store and sorted as bytes (the order of the text's lines), with no Python object per
        triple, unless blank nodes need their canonical labels."""
        if self.has_blank_nodes():
            return serialize_ntriples(self.iter_native_triples()).encode()
        lines = self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        lines = lines.splitlines(keepends=True)
        lines.sort()
        return b"".join(lines)

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


def _with_time_limit(work: Callable[[], QueryResult], seconds: float, message: str) -> QueryResult:
    """Run `work` in a daemon thread; CouldNotRun(message) if it has not finished in time (the
    thread is abandoned; being a daemon, it does not keep the process alive)."""
    outcome: list[QueryResult | BaseException] = []

    def target() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # handed to the caller's thread
            # Without its traceback and context: their frames hold Oxigraph objects that must
            # be dropped in the thread that made them.
            exc.__context__ = exc.__cause__ = None
            outcome.append(exc.with_traceback(None))

    thread = threading.Thread(target=target, daemon=True, name="sparql-service")
    thread.start()
    thread.join(seconds)
    if not outcome:
        raise CouldNotRun(message)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


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
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def canonical_triples(triples: Iterable[Triple]) -> list[Triple]:
    """The triples sorted by N-Triples form, blank nodes relabelled canonically (stable)."""
    ordered = _sorted_oxigraph(triples, type_first=False)
    return [(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in ordered]


def term_n3(term: Node) -> str:
    """The N-Triples form of a term (Oxigraph's escaping, which Turtle also accepts)."""
    return str(to_oxigraph(term))


def native_triples(triples: Iterable) -> Iterator[ox.Triple]:
    """Triples as Oxigraph terms, whether given as such or as rdflib triples."""
    for t in triples:
        yield t if isinstance(t, ox.Triple) else ox.Triple(*(to_oxigraph(x) for x in t))


def _sorted_oxigraph(triples: Iterable, type_first: bool | None) -> list[ox.Triple]:
    """Oxigraph triples (given as such or as rdflib triples), without duplicates, blank nodes
    relabelled by RDF canonicalization (RDFC-1.0) so that labels do not depend on the parser, and
    sorted by subject, then (with `type_first`) rdf:type, predicate and object; in the order they
    came with `type_first=None`."""
    # dict.fromkeys drops duplicates and keeps the order the triples came in: a store gives them
    # index-ordered, which makes the sort below much cheaper than sorting a set would be.
    items = list(dict.fromkeys(native_triples(triples)))
    if any(type(t.subject) is ox.BlankNode or type(t.object) is ox.BlankNode for t in items):
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in items)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        items = [q.triple for q in dataset]
    if type_first is None:
        return items
    if type_first:
        return sorted(
            items,
            key=lambda t: (
                str(t.subject),
                t.predicate.value != RDF_TYPE,
                str(t.predicate),
                str(t.object),
            ),
        )
    return sorted(items, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def serialize_ntriples(triples: Iterable) -> str:
    """N-Triples, one line per triple, lines sorted (written by Oxigraph)."""
    # Sorting the lines is cheaper than sorting the triples first (one string per triple).
    text = ox.serialize(_sorted_oxigraph(triples, None), format=ox.RdfFormat.N_TRIPLES).decode()
    lines = text.splitlines()
    lines.sort()
    return "".join(line + "\n" for line in lines)


_ESCAPED_HASH = re.compile(r"(?<![^\s(,])([A-Za-z][\w-]*):([\w.-]*)\\#([\w.-]*)")


def serialize_turtle(triples: Iterable, prefixes: Mapping[str, str], header: str = "") -> str:
    """Readable, deterministic Turtle written by Oxigraph: the header as comments, the prefixes
    used (sorted), then one block per subject (sorted, a blank line between blocks), rdf:type
    first as `a`, then predicates and objects sorted."""
    ordered = _sorted_oxigraph(triples, type_first=True)
    text = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes)).decode()
    lines = text.splitlines()
    body_start = next((i for i, line in enumerate(lines) if not line.startswith("@prefix")), 0)
    body_lines: list[str] = []
    for line in lines[body_start:]:
        # Oxigraph escapes line breaks inside literals, so every line that does not start with a
        # tab opens a subject's block: the subject (no spaces in it) goes on a line of its own.
        if line.startswith("\t"):
            body_lines.append("    " + line[1:])
            continue
        if body_lines:
            body_lines.append("")
        subject, _, rest = line.partition(" ")
        body_lines += [subject, "    " + rest]
    # `cluster:bim\#members` is valid Turtle, but `<…/cluster/bim#members>` reads better. Only
    # lines with `\#` are searched: the expression over the whole text is slow (a line start
    # passes its look-behind as the line break before it would).
    namespaces = dict(prefixes)

    def in_full(m: re.Match) -> str:
        return f"<{namespaces[m[1]]}{m[2]}#{m[3]}>" if m[1] in namespaces else m[0]

    body = "\n".join(
        _ESCAPED_HASH.sub(in_full, line) if "\\#" in line else line for line in body_lines
    )
    body += "\n"
    # Plain substring tests: a regular expression per prefix over a large dump is far slower.
    used = sorted(
        (p, ns)
        for p, ns in prefixes.items()
        if any(f"{before}{p}:" in body for before in (" ", "\n", "(", ",", "^^"))
        or body.startswith(f"{p}:")
    )
    head = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    head += "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in used)
    return head + "\n" + body


def serialize_rdfxml(triples: Iterable[Triple], prefixes: Mapping[str, str]) -> bytes:
    """RDF/XML written by Oxigraph from the sorted triples (so the same graph gives the same
    bytes)."""
    ordered = canonical_triples(triples)
    return ox.serialize(
        [ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in ordered],
        format=ox.RdfFormat.RDF_XML,
        prefixes=dict(prefixes),
    )


_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def jsonld_expanded(triples: Iterable) -> list[dict]:
    """The triples as expanded JSON-LD (JSON-LD 1.1 "RDF to JSON-LD" with native types: integers
    and booleans as JSON numbers and booleans, every other datatype and every language tag kept).

    Written here, in one pass, because pyld's fromRdf compares every triple with every earlier one
    to drop duplicates (16 s at 10k triples, hours at 1M); the dumps are read back with pyld in the
    tests, so the two stay in agreement.
    """
    nodes: dict[str, dict] = {}
    # In the order the triples came: the writers sort nodes and values afterwards.
    for t in _sorted_oxigraph(triples, type_first=None):
        subject = _jsonld_id(t.subject)
        node = nodes.setdefault(subject, {"@id": subject})
        if t.predicate.value == RDF_TYPE and not isinstance(t.object, ox.Literal):
            node.setdefault("@type", []).append(_jsonld_id(t.object))
            continue
        node.setdefault(t.predicate.value, []).append(_jsonld_value(t.object))
    return list(nodes.values())


def _jsonld_id(term: ox.NamedNode | ox.BlankNode) -> str:
    return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def _jsonld_value(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict:
    if not isinstance(term, ox.Literal):
        return {"@id": _jsonld_id(term)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return {"@value": term.value}
    if datatype == _XSD_INTEGER and re.fullmatch(r"-?(0|[1-9][0-9]*)", term.value):
        return {"@value": int(term.value)}  # canonical form only, so the number reads back as is
    if datatype == _XSD_BOOLEAN and term.value in ("true", "false"):
        return {"@value": term.value == "true"}
    return {"@value": term.value, "@type": datatype}


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
    triples: Iterable[Triple],
    context: dict,
    context_url: str,
    frame: dict | None = None,
    writer: str = "auto",
    expanded: list[dict] | None = None,
) -> str:
    """Compacted (or, given a frame, framed) JSON-LD that refers to its context by URL; keys
    sorted and nodes ordered by @id, so the same graph gives the same bytes.

    `writer`: `direct` is jsonld_writer (linear; the same JSON as pyld for the contexts and frame
    the build makes, refused with `Unsupported` otherwise), `pyld` the reference, `auto` the first
    that can. `expanded`: the triples' `jsonld_expanded`, when the caller has it already.
    """
    from pyld import jsonld

    loader = local_document_loader({context_url: context})
    options = {"documentLoader": loader, "processingMode": "json-ld-1.1"}
    # Only what the frame embeds is embedded; everything else stays a reference.
    framing = {**options, "omitGraph": False, "embed": "@never", "omitDefault": True}
    if expanded is None:
        expanded = jsonld_expanded(triples)
    if writer in ("auto", "direct"):
        try:
            if frame is None:
                text = jsonld_writer.compact_document(expanded, [context["@context"]], context_url)
            else:
                expanded_frame = jsonld.expand(
                    frame, {**framing, "isFrame": True, "keepFreeFloatingNodes": True}
                )
                text = jsonld_writer.frame_document(
                    expanded,
                    expanded_frame,
                    _resolved_contexts(frame["@context"], {context_url: context["@context"]}),
                    frame["@context"],
                )
            return text + "\n"
        except jsonld_writer.Unsupported:
            if writer == "direct":
                raise
    if frame is None:
        result = jsonld.compact(expanded, context_url, options)
    else:
        result = jsonld.frame(expanded, frame, framing)
    return dump_json(_sorted_json(result)) + "\n"


def _resolved_contexts(references: object, documents: Mapping[str, dict]) -> list[dict]:
    """A frame's `@context` (a URL among `documents`, a context, or a list of them), resolved."""
    resolved = []
    for reference in references if isinstance(references, list) else [references]:
        if isinstance(reference, str) and reference in documents:
            resolved.append(documents[reference])
        elif isinstance(reference, dict):
            resolved.append(reference)
        else:
            raise jsonld_writer.Unsupported(f"context {reference!r}")
    return resolved


def _sorted_json(value: object) -> object:
    """Arrays sorted by a stable key (their order carries no meaning in RDF without @list)."""
    if isinstance(value, dict):
        return {k: (v if k in ("@list", "@context") else _sorted_json(v)) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted_json(v) for v in value), key=json_order)
    return value


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


# --- SPARQL text: syntax errors, safe bindings for remote endpoints ------------------------------


class SparqlSyntaxError(QuerySyntaxError):
    """A query does not parse; carries the line and column Oxigraph reports."""

    def __init__(self, line: int | None, column: int | None, detail: str):
        self.line = line
        self.column = column
        self.detail = detail
        where = f" at line {line}, column {column}" if line is not None else ""
        super().__init__(f"SPARQL syntax error{where}: {detail}")


_SYNTAX_POSITION = re.compile(r"^\s*error at (\d+):(\d+)\s*:\s*(.*)$", re.S)


def sparql_syntax_error(exc: SyntaxError) -> SparqlSyntaxError:
    message = " ".join(str(exc.msg if getattr(exc, "msg", None) else exc).split())
    match = _SYNTAX_POSITION.match(message)
    if match:
        return SparqlSyntaxError(int(match.group(1)), int(match.group(2)), match.group(3))
    return SparqlSyntaxError(exc.lineno, exc.offset, _detail(exc))


def check_syntax(sparql: str) -> None:
    """Parse a query without running it; SparqlSyntaxError names the line and column.

    Oxigraph parses eagerly and evaluates lazily, so a SELECT or CONSTRUCT on an empty store is
    parsed and never evaluated. An ASK is evaluated at once, on the empty store: cheap, except
    that a SERVICE in it is called, so that check gets a short time limit.
    """

    def parse() -> QueryResult:
        # it parsed if no SyntaxError; evaluating it against nothing is not the point
        with contextlib.suppress(OSError, RuntimeError):
            ox.Store().query(sparql)
        return QueryResult("ask")

    try:
        if query_form(sparql) == "ASK":
            _with_time_limit(parse, 5.0, "")
        else:
            parse()
    except SyntaxError as exc:
        raise sparql_syntax_error(exc) from None
    except CouldNotRun:
        pass  # the SERVICE call is slow, but the query parsed


# Tokens that matter for finding where a group starts: strings, IRIs and comments are skipped
# whole so that a brace or a keyword inside them is never mistaken for syntax.
_TOKEN = re.compile(
    r'''(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')'''
    r"""|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)"""
    r"|(?P<comment>\#[^\n]*)"
    r"|(?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_\-]*)"
    r"|(?P<brace>[{}])"
    r"|(?P<other>.)",
    re.S,
)


def _tokens(sparql: str) -> Iterator[tuple[str, str, int, int]]:
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup or "other"
        if kind == "other" and match.group().isspace():
            continue
        yield kind, match.group(), match.start(), match.end()


def strip_comments(sparql: str) -> str:
    """The query without its comments (a `#` inside a string or an IRI is not a comment)."""
    parts: list[str] = []
    last = 0
    for match in _TOKEN.finditer(sparql):
        if match.lastgroup == "comment":
            parts.append(sparql[last : match.start()])
            last = match.end()
    parts.append(sparql[last:])
    return "".join(parts)


def query_form(sparql: str) -> str:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: the first such keyword outside strings and comments."""
    for kind, value, _, _ in _tokens(sparql):
        if kind == "word" and value.upper() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            return value.upper()
    return "SELECT"


def _where_brace(sparql: str) -> int:
    """The offset just after the `{` that opens the query's WHERE clause."""
    tokens = list(_tokens(sparql))
    form = next(
        (
            value.upper()
            for kind, value, _, _ in tokens
            if kind == "word" and value.upper() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
        ),
        None,
    )
    seen_where = form != "CONSTRUCT"  # only CONSTRUCT has a `{` (its template) before WHERE
    depth = 0
    for kind, value, _start, end in tokens:
        if kind == "word" and value.upper() == "WHERE" and depth == 0:
            seen_where = True
        elif kind == "brace":
            if value == "{" and depth == 0 and seen_where:
                return end
            depth += 1 if value == "{" else -1
    raise CouldNotRun("cannot bind parameters: the query has no WHERE clause")


def inject_values(sparql: str, bindings: Mapping[str, Node]) -> str:
    """The query with its parameters bound by a VALUES block at the top of the WHERE clause.

    For endpoints that cannot take bindings beside the query text. Each value is written as its
    RDF term serialization (rdflib's n3(): IRIs in <…>, literals quoted and escaped), never as
    raw text, so a value cannot change the query. IRIs are checked again here: an IRI holding a
    character that may not appear in <…> is refused. `SERVICE ?var` with ?var bound gets the IRI
    written in, because SPARQL 1.1 leaves SERVICE with a variable undefined and servers (Oxigraph
    among them) refuse it.
    """
    if not bindings:
        return sparql
    terms = {name: _term_text(name, term) for name, term in bindings.items()}
    # SERVICE ?var → SERVICE <iri>, from the end so that earlier offsets stay valid.
    tokens = list(_tokens(sparql))
    edits: list[tuple[int, int, str]] = []
    for i, (kind, value, start, end) in enumerate(tokens):
        if kind == "var" and value[1:] in terms and i > 0:
            before = [t for t in tokens[max(0, i - 2) : i] if t[0] == "word"]
            words = [t[1].upper() for t in before]
            if words[-1:] == ["SERVICE"] or words[-2:] == ["SERVICE", "SILENT"]:
                if not isinstance(bindings[value[1:]], URIRef):
                    raise CouldNotRun(f"parameter {value[1:]}: a SERVICE endpoint must be an IRI")
                edits.append((start, end, terms[value[1:]]))
    for start, end, text in reversed(edits):
        sparql = sparql[:start] + text + sparql[end:]
    at = _where_brace(sparql)
    names = " ".join(f"?{name}" for name in terms)
    values = " ".join(terms.values())
    block = f" VALUES ({names}) {{ ({values}) }} "
    return sparql[:at] + block + sparql[at:]


_SAFE_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>"{}|^`\\]*$')
_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _term_text(name: str, term: Node) -> str:
    if not _VARIABLE_NAME.match(name):
        raise CouldNotRun(f"bad parameter name {name!r}")
    if isinstance(term, URIRef):
        if not _SAFE_IRI.match(str(term)):
            raise CouldNotRun(f"parameter {name}: {str(term)!r} is not an absolute IRI")
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    raise CouldNotRun(f"parameter {name}: only IRIs and literals can be bound, not {term!r}")


# --- a remote SPARQL 1.1 endpoint ----------------------------------------------------------------

USER_AGENT = "krakow-clusters/0.1 (https://w3id.org/krakow-clusters/; linked-data publisher)"


_WRAPPER_STATUS = {
    "QueryBadFormed": "HTTP 400 (the query was refused)",
    "Unauthorized": "HTTP 401 (unauthorized)",
    "EndPointNotFound": "HTTP 404 (no SPARQL endpoint at this address)",
    "URITooLong": "HTTP 414 (URI too long)",
    "EndPointInternalError": "HTTP 500 (server error)",
}


class RemoteStore:
    """Any SPARQL 1.1 endpoint, reached through SPARQLWrapper with the same `query()` as the
    embedded store.

    Parameters travel as a VALUES block of serialized RDF terms (`inject_values`), never as raw
    text. Query parameters in the endpoint URL (such as `?default-graph-uri=…`) are sent with
    every query; credentials, when given, with HTTP basic auth. Errors of the network or the
    server become one-line CouldNotRun (QuerySyntaxError for a refused query, QueryTimeout for
    no answer in time).
    """

    def __init__(
        self,
        endpoint: str,
        timeout: float = 30.0,
        user: str | None = None,
        password: str | None = None,
    ) -> None:
        if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", endpoint):
            raise CouldNotRun(f"endpoint {endpoint!r} is not an http(s) URL")
        parts = urlsplit(endpoint)
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
        import urllib.error

        from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        # Without comments: SPARQLWrapper guesses the query form from the text, and a word in a
        # comment ("add", "load") would make it send the query as an update.
        text = strip_comments(inject_values(sparql, bindings or {}))
        wrapper = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        # SPARQLWrapper takes whole seconds; the socket timeout restarts with each packet.
        wrapper.setTimeout(int(max(1, self.timeout)))
        for name, value in self.parameters:
            wrapper.addParameter(name, value)
        if self._credentials:
            wrapper.setCredentials(*self._credentials)
        wrapper.setQuery(text)
        form = query_form(text)
        if wrapper.queryType not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            raise QuerySyntaxError(f"not a SPARQL query (a {wrapper.queryType} request?)")
        if wrapper.queryType != form:
            raise CouldNotRun("cannot send this query: its form is unclear to SPARQLWrapper")
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        wrapper.setReturnFormat(TURTLE if graph_form else JSON)
        where = f"endpoint {self.endpoint}"
        too_slow = f"{where} did not answer within {self.timeout:g} s"
        try:
            response = wrapper.query().response
            body = response.read()
        except SPARQLWrapperException as exc:
            status = _WRAPPER_STATUS.get(type(exc).__name__, "an error")
            response = getattr(exc, "response", None) or b""
            if isinstance(response, bytes):
                response = response.decode("utf-8", "replace")
            first = next((line for line in str(response).splitlines() if line.strip()), "")
            detail = f": {' '.join(first.split())[:200]}" if first else ""
            error = QuerySyntaxError if type(exc).__name__ == "QueryBadFormed" else CouldNotRun
            raise error(f"{where} answered {status}{detail}") from None
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise CouldNotRun(f"{where} refused access (HTTP {exc.code})") from None
            raise CouldNotRun(f"{where} answered HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise QueryTimeout(too_slow) from None
            raise CouldNotRun(f"{where} is unreachable: {_one_line(reason)}") from None
        except TimeoutError:
            raise QueryTimeout(too_slow) from None
        except (OSError, ValueError) as exc:
            raise CouldNotRun(f"{where} failed: {_one_line(exc)}") from None
        if graph_form:
            graph = rdflib.Graph()
            try:
                graph.parse(data=body, format="turtle")
            except Exception as exc:  # rdflib raises many kinds of parse error
                raise CouldNotRun(f"{where} did not answer with Turtle: {_one_line(exc)}") from None
            return QueryResult("graph", triples=sorted(_limited(graph, max_results, "triples")))
        try:
            payload = json.loads(body)
        except ValueError:
            raise CouldNotRun(f"{where} did not answer with SPARQL JSON results") from None
        return _from_json_results(payload, where, max_results)


def _from_json_results(payload: dict, where: str, max_results: int | None = None) -> QueryResult:
    if not isinstance(payload, dict):
        raise CouldNotRun(f"{where} did not answer with SPARQL JSON results")
    if "boolean" in payload:
        return QueryResult("ask", boolean=bool(payload["boolean"]))
    try:
        variables = list(payload["head"]["vars"])
        rows = [
            tuple(_json_term(binding.get(v)) for v in variables)
            for binding in _limited(payload["results"]["bindings"], max_results, "rows")
        ]
    except (KeyError, TypeError, ValueError):
        raise CouldNotRun(f"{where} did not answer with SPARQL JSON results") from None
    return QueryResult("select", variables=variables, rows=rows)


def _json_term(value: dict | None) -> Node | None:
    if value is None:
        return None
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang")
        if lang:
            return Literal(value["value"], lang=lang)
        datatype = value.get("datatype")
        if datatype and datatype != XSD_STRING:
            return Literal(value["value"], datatype=URIRef(datatype), normalize=False)
        return Literal(value["value"])
    raise ValueError(f"unknown term type {kind!r}")


# --- serialization -------------------------------------------------------------------------------


def _sorted_jsonld(value):
    """rdflib's JSON-LD lists nodes and values in no fixed order; sort them for stable bytes."""
    if isinstance(value, dict):
        return {key: _sorted_jsonld(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_sorted_jsonld(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return value


def serialize_graph(triples: Iterable[Triple], fmt: str, prefixes: Mapping[str, str]) -> str:
    """Triples as Turtle or JSON-LD (rdflib's serializers), with the given prefixes bound."""
    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace)
    for triple in triples:
        graph.add(triple)
    if fmt == "jsonld":
        used = {str(term) for triple in graph for term in triple}
        context = {p: ns for p, ns in prefixes.items() if any(u.startswith(ns) for u in used)}
        document = json.loads(graph.serialize(format="json-ld", context=context))
        return json.dumps(_sorted_jsonld(document), ensure_ascii=False, indent=2, sort_keys=True)
    return graph.serialize(format="turtle")

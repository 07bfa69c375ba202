"""The embedded store: Oxigraph in process, holding the dataset's named graphs and, as its
default graph, their union.

Each file of triples goes into its own named graph (`settings.graph_for_file`: the graph of its
origin); a TriG or N-Quads file keeps the graphs it names. The default graph is the union of
them all, kept in the store itself (each triple is also added there), so that SPARQL without
`GRAPH`, SHACL, the dumps and every reader of the default graph see the whole dataset as before,
while `GRAPH ?g { … }` says where a statement comes from.

Oxigraph parses with exact terms and reports syntax errors with line and column, and on large
graphs it parses and answers path queries orders of magnitude faster than rdflib's in-memory store
(see BENCHMARKS.md). pySHACL gets an rdflib copy of the graph from `to_rdflib()`.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.term import Node

from .. import files
from ..errors import CouldNotRun, RdfSyntaxError, one_line
from ..formats.bounds import RDF_NIL, check_blank_structure, check_json_depth
from ..formats.rdf import serialize_ntriples
from ..limits import MAX_FILE, MAX_LITERAL
from ..rdf.results import QueryResult, QuerySyntaxError, SparqlSyntaxError, limited
from ..rdf.sparqltext import query_form, tokens
from ..rdf.terms import Triple, term_converter, to_oxigraph, to_rdflib
from ..workers import Background
from .engines import SHACL_ENGINES

RDF_EXTENSIONS = ("ttl", "nt", "nq", "trig", "jsonld", "rdf", "owl", "n3")


def rdf_format(path: Path) -> ox.RdfFormat:
    extension = path.suffix.lstrip(".").lower()
    fmt = ox.RdfFormat.from_extension(extension) if extension in RDF_EXTENSIONS else None
    if fmt is None:
        raise CouldNotRun(
            f"{path}: unknown RDF file type {path.suffix!r} (use .ttl, .nt, .jsonld …)"
        )
    return fmt


# Limits on what a file may hold (limits.py), so a huge or hostile file gets one clear line, not
# a MemoryError or an hour of work. The file checks that are not about RDF (regular file, link
# loop, file size) live in files.py, shared with reconcile.


def check_input_file(path: Path, fmt: ox.RdfFormat) -> int:
    """files.check_input_file (no FIFO, device, link loop or file over the size limit), RDF/XML
    with a document type declaration refused (entity expansion, external entities), JSON-LD
    nested deeper than the limit refused (the parser descends recursively). Returns the file's
    size."""
    size = files.check_input_file(path)
    if fmt == ox.RdfFormat.RDF_XML and has_document_type(path.read_bytes()):
        raise CouldNotRun(
            f"{path}: RDF/XML with a document type declaration (<!DOCTYPE or <!ENTITY) is "
            "refused: its entities could expand without bound or read other files"
        )
    if fmt == ox.RdfFormat.JSON_LD:
        check_json_depth(path.read_bytes(), str(path))
    return size


_XML_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)


def has_document_type(data: bytes) -> bool:
    """Whether an XML document declares a document type (where entities are declared): looked
    for in the prolog, before the root element, the only place one may stand."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = data.decode("utf-16", "replace").encode("utf-8")
    elif data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    position = 0
    while (item := _XML_PROLOG_ITEM.match(data, position)) and item.end() > position:
        position = item.end()
    rest = data[position : position + 64].lstrip()
    return rest.startswith((b"<!DOCTYPE", b"<!ENTITY")) or b"<!ENTITY" in data


class EmbeddedStore:
    """An in-process Oxigraph store: the dataset's named graphs, their union as default graph."""

    # Its data cannot change under a server that holds it: answers may be kept for the life of
    # the process. The files it was loaded from let worker processes load their own copy.
    can_cache = True
    source_files: tuple[Path, ...] = ()

    def __init__(self, graph_base: str, service_timeout: float = 60.0) -> None:
        # A file of triples is loaded into the named graph graph_base + its name (the
        # project's settings.graph_for_file).
        self.graph_base = graph_base
        self._store = ox.Store()
        self._rdflib: rdflib.Graph | None = None
        # Oxigraph's SERVICE client has no time limit of its own: a hung endpoint would hang
        # the query for ever, so queries with SERVICE run in a thread that is given up on.
        self.service_timeout = service_timeout

    @classmethod
    def from_files(cls, paths: Iterable[Path], graph_base: str) -> EmbeddedStore:
        store = cls(graph_base)
        store.source_files = tuple(Path(p) for p in paths)
        for path in store.source_files:
            store.add_file(path)
        return store

    def load_file(self, path: Path, graph: str | None = None) -> int:
        """Parse one RDF file into the store; return the number of triples it added to the
        union (the default graph).

        A file of triples goes into the named graph `graph`, by default the one of its file
        name (`settings.graph_for_file`); a TriG or N-Quads file into the graphs it names. A syntax
        error raises RdfSyntaxError naming the file, line and column, and adds nothing.
        """
        # Counted by the engine before and after: a scan of the union each time, which loading
        # many files (from_files) does without.
        before = len(self)
        self.add_file(path, graph)
        return len(self) - before

    def add_file(self, path: Path, graph: str | None = None) -> None:
        """`load_file` without counting what the file added."""
        path = Path(path)
        fmt = rdf_format(path)
        size = check_input_file(path, fmt)
        try:
            if fmt.supports_datasets:
                quads = list(ox.parse(path=str(path), format=fmt))
                check_blank_structure(path, quads)
                self._store.extend(quads)
                self._store.extend(
                    ox.Quad(q.subject, q.predicate, q.object)
                    for q in quads
                    if not isinstance(q.graph_name, ox.DefaultGraph)
                )
            else:
                # Oxigraph's own loader: transactional (all or nothing), twice as fast as
                # parsing in Python and adding the triples one by one; parsing twice (the
                # named graph, then the union) is still faster than copying in Python.
                name = _graph_name(path, graph or self.graph_base + path.stem)
                existed = self._store.contains_named_graph(name)
                self._store.load(path=str(path), format=fmt, to_graph=name)
                try:
                    check_blank_structure(path, self._blank_links(name))
                except CouldNotRun:
                    if not existed:  # else the file's share of the graph cannot be told apart
                        self._store.remove_graph(name)
                    raise
                self._store.load(path=str(path), format=fmt)
        except SyntaxError as exc:
            line, column = _position(exc)
            raise RdfSyntaxError(path, line, column, _detail(exc)) from None
        except OSError as exc:
            raise CouldNotRun(f"{path}: cannot read: {exc.strerror or exc}") from None
        except MemoryError:
            raise CouldNotRun(
                f"{path}: not enough memory to load it ({size} bytes); "
                f"lower the limit with {MAX_FILE.variable}"
            ) from None
        self._check_literals(path, size)
        self._rdflib = None

    def _check_literals(self, path: Path, size: int) -> None:
        """CouldNotRun when the store holds a literal over the configured size. Only a file
        larger than the limit can hold such a literal, so other files cost nothing."""
        limit = MAX_LITERAL.value()
        if size <= limit:
            return
        found = self._store.query(
            "SELECT ?s ?p WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } "
            f"FILTER(isLiteral(?o) && STRLEN(STR(?o)) > {limit}) }} LIMIT 1"
        )
        for subject, predicate in found:
            raise CouldNotRun(
                f"{path}: a literal of {subject} {predicate} is longer than {limit} characters "
                f"(the limit; {MAX_LITERAL.variable} changes it)"
            )

    def _blank_links(self, graph: ox.NamedNode) -> list[ox.Quad]:
        """The statements of `graph` from a blank node to a blank node, or to rdf:nil (a list's
        end); Oxigraph finds them without a Python object per other statement."""
        found = self._store.query(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o "
            f"FILTER(isBlank(?s) && (isBlank(?o) || ?o = <{RDF_NIL}>)) }} }}"
        )
        return [ox.Quad(s, p, o) for s, p, o in found]

    def __len__(self) -> int:
        """The number of triples of the union (the default graph)."""
        # Counted by the engine: a Python loop over a million quads takes a second.
        answer = self._store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(next(iter(answer))[0].value)

    def _union(self) -> Iterator[ox.Quad]:
        return self._store.quads_for_pattern(None, None, None, ox.DefaultGraph())

    def graph_names(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def iter_native_quads(self) -> Iterator[ox.Quad]:
        """The quads of the named graphs (not the union), as Oxigraph terms."""
        return (q for q in self._store if not isinstance(q.graph_name, ox.DefaultGraph))

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        max_results: int | None = None,
    ) -> QueryResult:
        """Run a query; with `max_results`, stop reading at one row (or triple) past the limit
        and raise ResultLimitExceeded instead of materialising the whole answer. A query with
        SERVICE runs under a time limit, since Oxigraph's SERVICE client has none."""
        if any(kind == "word" and v.upper() == "SERVICE" for kind, v, _, _ in tokens(sparql)):
            return with_time_limit(
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
                    for solution in limited(answer, max_results, "rows")
                ]
                return QueryResult("select", variables=variables, rows=rows)
            convert = term_converter()
            triples = [
                (convert(t.subject), convert(t.predicate), convert(t.object))
                for t in limited(answer, max_results, "triples")
            ]
            return QueryResult("graph", triples=triples)
        except SyntaxError as exc:
            raise sparql_syntax_error(exc) from None
        except TypeError:
            # The one term the conversion refuses: RDF 1.2's triple terms, which Oxigraph's
            # parser accepts (TRIPLE(…), <<( … )>>) but SPARQL 1.1 answers cannot hold.
            raise QuerySyntaxError(
                "the answer holds an RDF 1.2 triple term (TRIPLE(…) or <<( … )>>), which this "
                "SPARQL 1.1 service does not give"
            ) from None
        except (OSError, RuntimeError, ValueError) as exc:
            # Evaluation is lazy: a failing SERVICE call or an unbound substitution surfaces
            # while the solutions are read, as OSError or RuntimeError (ValueError: bad terms).
            raise CouldNotRun(f"SPARQL query failed: {one_line(exc)}") from None

    def dump(self, fmt: str = "nt", graph: str | None = None) -> bytes:
        """The union, or the named graph `graph`, serialized by Oxigraph (`fmt` is a file
        extension: nt, ttl, …)."""
        source = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        return self._store.dump(format=ox.RdfFormat.from_extension(fmt), from_graph=source)

    def validate_shacl(
        self, shapes: rdflib.Graph, engine: str = "auto"
    ) -> tuple[rdflib.Graph, str]:
        """Run SHACL (with SHACL-SPARQL) over the store; return the report graph and the engine.

        `pyshacl` is the reference validator. `turbo` (pyshacl-turbo, Rust) reads the union as
        N-Triples text written by Oxigraph, with no rdflib copy, and reports the same results
        (tests/test_engines.py checks it on every fixture); it is 25× faster at 100k triples
        (BENCHMARKS.md). `auto` takes turbo when it is installed.
        """
        engine = resolve_shacl_engine(engine)
        options = dict(shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
        if engine == "turbo":
            import pyshacl_turbo

            try:
                data = self._turbo_input()
            except ImportError:  # a turbo without rdf.Input (0.6.5 has it): the store, all of it
                data = self._store
            _, results, _ = pyshacl_turbo.validate(data, **options)
        else:
            import pyshacl

            _, results, _ = pyshacl.validate(self.to_rdflib(), **options)
        return results, engine

    def _turbo_input(self) -> object:
        """The data as pyshacl-turbo reads it: the union (the default graph) as N-Triples, every
        character past ASCII written as a \\u escape.

        Given the store itself, turbo dumps all of it, the named graphs too, to one Python string,
        which a single non-ASCII character (a Polish name) makes two bytes a character, and keeps
        it while it builds its own copy of the graph: at 1M triples 1.2 GB beside the store. The
        shapes are checked against the union (as pySHACL, given `to_rdflib()`, does), which holds
        every triple of the named graphs: the union alone, in ASCII, is a quarter of that string,
        and half the graph for turbo to build. Blank nodes keep the store's labels, so that
        the report's nodes are the store's.
        """
        from pyshacl_turbo.rdf import Input  # the input turbo makes of a store (0.6.5)

        data = self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        text = data.decode("ascii", errors=_ESCAPE_UTF8)
        del data
        return Input(text, "oxigraph-nquads", None, {}, preserve_ids=True)

    def native_triples(self) -> list[ox.Triple]:
        """The triples as Oxigraph terms, in a list (a tenth of the time and memory of
        `triples()` at 1M triples); the build's writers read `iter_native_triples()` instead."""
        return list(self.iter_native_triples())

    def iter_native_triples(self) -> Iterator[ox.Triple]:
        """The triples of the union."""
        return (quad.triple for quad in self._union())

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
        for quad in self._union():
            yield to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)

    def to_rdflib(self) -> rdflib.Graph:
        """An rdflib copy of the graph (for pySHACL), made once and kept until the store changes."""
        if self._rdflib is None:
            graph = rdflib.Graph()
            for triple in self.triples():
                graph.add(triple)
            self._rdflib = graph
        return self._rdflib


def _escape_utf8(error: UnicodeError) -> tuple[str, int]:
    """A decoding error handler: the UTF-8 character at the error as an N-Triples escape
    (\\uXXXX or \\UXXXXXXXX), so that text that is mostly ASCII decodes to a one-byte-a-character
    string (allowed in IRIs and literals alike; the parser reads back the same character)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    data, start = error.object, error.start
    lead = data[start]
    length = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
    char = bytes(data[start : start + length]).decode("utf-8")
    code = ord(char)
    return (f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08X}"), start + length


_ESCAPE_UTF8 = "krakow-clusters-ntriples-escape"
codecs.register_error(_ESCAPE_UTF8, _escape_utf8)


def _graph_name(path: Path, iri: str) -> ox.NamedNode:
    """The named graph `iri` a file of triples goes into; CouldNotRun when its file name cannot
    be part of an IRI (a space, a quote, a bracket), instead of Oxigraph's ValueError."""
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise CouldNotRun(
            f"{path}: the file's name cannot name its graph <{iri}> ({one_line(exc)}): rename "
            "it with letters, digits, - and _"
        ) from None


def with_time_limit(work: Callable[[], QueryResult], seconds: float, message: str) -> QueryResult:
    """Run `work` in a daemon thread; CouldNotRun(message) if it has not finished in time (the
    thread is abandoned; being a daemon, it does not keep the process alive)."""
    task = Background(work, "sparql-service")
    if not task.done(seconds):
        raise CouldNotRun(message)
    return task.result()


def resolve_shacl_engine(engine: str) -> str:
    """`auto` is turbo when pyshacl-turbo is installed, else pySHACL."""
    if engine not in SHACL_ENGINES:
        raise CouldNotRun(f"unknown SHACL engine {engine!r} (one of {', '.join(SHACL_ENGINES)})")
    if engine != "auto":
        return engine
    import importlib.util

    return "turbo" if importlib.util.find_spec("pyshacl_turbo") else "pyshacl"


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


# --- SPARQL syntax -------------------------------------------------------------------------------


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
            with_time_limit(parse, 5.0, "")
        else:
            parse()
    except SyntaxError as exc:
        raise sparql_syntax_error(exc) from None
    except CouldNotRun:
        pass  # the SERVICE call is slow, but the query parsed

"""The one module that owns the graph store: loading, SPARQL and serialization.

Every command reaches the graph through a `GraphStore`, so the engine behind it is chosen here and
nowhere else. The embedded engine is pyoxigraph (Oxigraph in process): it parses with exact terms
and reports syntax errors with line and column, and on large graphs it parses and answers path
queries orders of magnitude faster than rdflib's in-memory store (see BENCHMARKS.md). Results
cross this boundary as rdflib terms, the common currency of the rest of the package; pySHACL gets
an rdflib copy of the graph from `to_rdflib()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal as Kind
from typing import Protocol

import pyoxigraph as ox
import rdflib
from rdflib.term import BNode, Literal, Node, URIRef

from .errors import CouldNotRun, RdfSyntaxError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

Triple = tuple[Node, Node, Node]


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

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
        try:
            answer = self._store.query(sparql, substitutions=substitutions or None)
        except SyntaxError as exc:
            raise CouldNotRun(f"SPARQL syntax error: {_detail(exc)}") from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise CouldNotRun(f"SPARQL query failed: {exc}") from None
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            rows = [tuple(to_rdflib(solution[v]) for v in variables) for solution in answer]
            return QueryResult("select", variables=variables, rows=rows)
        triples = [
            (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in answer
        ]
        return QueryResult("graph", triples=triples)

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

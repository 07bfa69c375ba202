"""Run the query library: find a query, bind its parameters, run it on a store.

Parameters are bound as RDF terms: the embedded store takes them as substitutions (SEP-0007,
which Oxigraph applies to variables of the SELECT projection, so a library query projects each of
its parameters), a remote endpoint as a VALUES block of serialized terms
(rdf.sparqltext.inject_values).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rdflib import Literal
from rdflib.term import Node

from ..errors import CouldNotRun
from ..project import Project
from ..rdf.names import spellings
from ..rdf.namespaces import Namespaces
from ..rdf.results import GraphStore, QueryResult, SparqlSyntaxError
from ..rdf.sparqltext import inject_rows, strip_comments
from ..settings import Settings
from ..store import open_embedded, open_store
from ..store.embedded import check_syntax
from .library import QueryFile, find_query, library


@dataclass
class Answer:
    """A query of the library and what the store answered."""

    query: QueryFile
    result: QueryResult
    # The parameter values that name nothing in the dataset (see param_warnings).
    warnings: list[ParamWarning] = field(default_factory=list)


@dataclass(frozen=True)
class ParamWarning:
    """Why an answer may be empty for no fault of the data: the value of parameter `param`
    (`value`, as people write it) names nothing in the dataset, or, with `expected` (the
    declared values, such as "skos:Concept in scheme:sectors"), is none of them. `str()` is the
    English line the command prints; the pages translate the same messages."""

    param: str
    value: str
    expected: str | None = None

    def __str__(self) -> str:
        if self.expected:
            return f"parameter {self.param}: {self.value} is not a {self.expected}"
        return f"parameter {self.param}: {self.value} names nothing in the dataset"


def run(
    store: GraphStore, query: QueryFile, params: Mapping[str, str] | None = None
) -> QueryResult:
    """Run one library query with its parameters bound as RDF terms.

    A syntax error is reported against the file (path:line:column) before any store is asked.
    """
    text, bindings = query.prepare(params)
    try:
        check_syntax(query.text)
    except SparqlSyntaxError as exc:
        where = f"{query.path}:{exc.line}:{exc.column}" if exc.line else str(query.path)
        raise CouldNotRun(f"{where}: SPARQL syntax error: {exc.detail}") from None
    return store.query(*spelled(store, query, text, bindings))


# The names a `name` parameter is looked for in (those the library's queries search).
NAMES_QUERY = """
SELECT DISTINCT ?name WHERE {
  ?resource <http://www.w3.org/2000/01/rdf-schema#label>
    |<http://www.w3.org/2004/02/skos/core#prefLabel>
    |<http://www.w3.org/2004/02/skos/core#altLabel> ?name .
  FILTER (isLiteral(?name))
}
"""


def spelled(
    store: GraphStore, query: QueryFile, text: str, bindings: Mapping[str, Node]
) -> tuple[str, dict[str, Node]]:
    """The text and bindings of a prepared query (QueryFile.prepare) with each `name` parameter
    bound to every spelling of it in the dataset's names (rdf.names.spellings: "Krakow" to
    "Kraków" and "Krakow"), one row of a VALUES block each, so that a store's LCASE and CONTAINS,
    which fold no accent, find what the one folding finds. A value no name holds stays itself.
    Spellings that differ only in case are one (the queries compare in lower case)."""
    wanted = [p.name for p in query.params if p.type == "name" and p.name in bindings]
    bound = dict(bindings)
    if not wanted:
        return text, bound
    names = [str(row[0]) for row in store.query(NAMES_QUERY).rows if row[0] is not None]
    for name in wanted:
        typed = str(bound.pop(name))
        found: dict[str, str] = {}
        for spelling in spellings(typed, names) or [typed]:
            found.setdefault(spelling.casefold(), spelling)
        text = inject_rows(text, name, [Literal(s) for s in sorted(found.values())])
    return text, bound


def param_warnings(
    store: GraphStore, query: QueryFile, bindings: Mapping[str, Node]
) -> list[ParamWarning]:
    """Why the answer may be empty for no fault of the data: a warning for each iri parameter
    whose value names nothing in the dataset (a misspelt slug), or is none of the values its
    `#+ enumerate:` line declares (a cluster given as a sector). A parameter used as a SERVICE
    endpoint names another endpoint, not a resource, and is not checked."""
    warnings = []
    text = strip_comments(query.text)
    for param in query.params:
        term = bindings.get(param.name)
        if param.type != "iri" or term is None:
            continue
        if re.search(rf"SERVICE\s+(?:SILENT\s+)?\?{param.name}\b", text, re.I):
            continue
        iri = str(term)  # checked by Param.term: an absolute IRI that <…> can hold
        shown = (query.namespaces and query.namespaces.curie(iri)) or f"<{iri}>"
        used = f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} UNION {{ ?s <{iri}> ?o }} }}"
        if not store.query(used).boolean:
            warnings.append(ParamWarning(param.name, shown))
        elif param.choices and not store.query(param.choices.ask(iri)).boolean:
            warnings.append(ParamWarning(param.name, shown, str(param.choices)))
    return warnings


def run_checked(
    store: GraphStore, query: QueryFile, params: Mapping[str, str] | None = None
) -> tuple[QueryResult, list[ParamWarning]]:
    """`run`, and the warnings about its parameters' values (param_warnings)."""
    result = run(store, query, params)
    return result, param_warnings(store, query, query.bindings(params))


def run_named(
    project: Project,
    name_or_path: str,
    params: Mapping[str, str] | None = None,
    endpoint: str | None = None,
    timeout: float = 30.0,
) -> Answer:
    """Find a query by name (or .rq path), check its parameters, and run it."""
    query = find_query(project.queries_dir, name_or_path, Namespaces.of(project.settings))
    query.prepare(params)  # refuse bad parameters before loading or contacting anything
    if endpoint:
        return Answer(
            query, *run_checked(open_store(project, endpoint, timeout=timeout), query, params)
        )
    return Answer(query, *run_contained(project, query, params, timeout))


def run_contained(
    project: Project, query: QueryFile, params: Mapping[str, str] | None, timeout: float
) -> tuple[QueryResult, list[ParamWarning]]:
    """`run_checked` on the embedded store, in a child process (workers.call_once): the engine's
    native code can abort the whole process on some queries (pyoxigraph 0.5 on an ORDER BY over
    date-times with and without a time zone), and a user's query must end in one line and exit
    code 2, not in a core dump. The child's standard error is kept aside and the reason of a
    crash reported."""
    import tempfile

    from ..workers import WorkerStopped, call_once

    with tempfile.TemporaryFile() as errors:
        try:
            files = [str(p) for p in project.dataset_files()]
            return call_once(
                f"{__name__}:run_in_worker",
                project.settings,
                files,
                query,
                params,
                timeout,
                name="query engine",
                stderr=errors,
            )
        except WorkerStopped as exc:
            errors.seek(0)
            said = [line.strip() for line in errors.read().decode("utf-8", "replace").splitlines()]
            # A Rust panic says what went wrong on the line after "thread … panicked at …".
            reason = next(
                (said[i + 1] for i, line in enumerate(said[:-1]) if " panicked at " in line),
                "",
            )
            raise CouldNotRun(
                f"the query engine crashed on {query.path.name} (exit code {exc.returncode})"
                + (f": {reason[:200]}" if reason else "")
            ) from None


def run_in_worker(
    settings: Settings,
    files: list[str],
    query: QueryFile,
    params: Mapping[str, str] | None,
    timeout: float,
) -> tuple[QueryResult, list[ParamWarning]]:
    """The worker's side of `run_contained`."""
    store = open_embedded(settings, files, timeout=timeout)
    return run_checked(store, query, params)


def parse_params(pairs: Sequence[str]) -> dict[str, str]:
    """`key=value` strings from the command line as a dict; CouldNotRun on a malformed pair."""
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CouldNotRun(f"--param {pair[:80]!r}: expected key=value")
        # A name is shown back in messages: only what a parameter's name can be.
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,63}", key.strip()):
            raise CouldNotRun(
                f"--param {key[:80]!r}: a parameter name is letters, digits and _ (see --list)"
            )
        params[key.strip()] = value
    return params


# --- listing -------------------------------------------------------------------------------------


def list_queries(project: Project) -> str:
    """The library as text: each query's name, summary and parameters."""
    lines: list[str] = []
    for query in library(project.queries_dir, Namespaces.of(project.settings)):
        lines.append(f"{query.name}")
        lines.append(f"    {query.summary}")
        for param in query.params:
            default = " (required)" if param.required else f" (default {param.default})"
            lines.append(f"    --param {param.name}=<{param.type}>{default}")
            if param.description:
                lines.append(f"        {param.description}")
            if param.choices:
                lines.append(f"        Values: a {param.choices}, as an IRI or a prefixed name.")
    return "\n".join(lines) + "\n"

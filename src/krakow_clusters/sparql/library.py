"""The query library: SPARQL files with grlc-style headers, found by name, with typed parameters.

A query file starts with comment lines:

    #+ summary: Clusters in a sector, narrower sectors included.
    #+ description: Longer text for --list and the query pages.
    #+ param: sector iri https://w3id.org/krakow-clusters/id/sector/construction | The sector.
    #+ enumerate: sector skos:Concept in scheme:sectors

A `#+ param:` line is `NAME TYPE [DEFAULT] | DESCRIPTION`; TYPE is one of iri, string, integer,
date, name; a parameter without DEFAULT is required. A `name` is a string looked for in names the
way people type them: the store is given every spelling of it that the dataset's names hold once
folded (rdf.names: case, accents, ł, punctuation), one row of a VALUES block each (sparql.run:
spelled), so "Krakow" finds "Kraków" on any engine.

Values are bound as RDF terms (never pasted into the query text): the query refers to the
parameter as the variable ?NAME. An `iri` value may be a prefixed name of the project's namespace
table (`sector:ict`, see Namespaces.expand).

A `#+ enumerate:` line (grlc's name for "offer the values of this parameter") is
`NAME CLASS [in SCHEME]`: the values that make sense for the iri parameter NAME are the instances
of CLASS, concepts of SCHEME when given (CLASS and SCHEME as prefixed names or <IRI>s). The query
pages offer them in a picker, and a value outside them gets a warning (see sparql.run).

Two rules let one query file give the same answer on every store (tests/test_query_library.py
checks it): the SELECT projection names every parameter (Oxigraph substitutes only projected
variables), and a parameter is used in triple patterns or in FILTER/BIND of the outermost group,
where a VALUES block at the top of the WHERE clause (how a remote endpoint receives it) binds it
too. An `iri` parameter may be a SERVICE endpoint: `SERVICE ?endpoint { … }`.

A `#+ column:` line names a column of the answer for people (the query pages' table headings):
`NAME [list] | LABEL`, LABEL in English, translated on the pages by the pages' gettext catalogue
(pages/locale/LANG/LC_MESSAGES/messages.po), so that a language stays a catalogue and a settings
line. `list` marks a column whose value is a list joined with "; " (GROUP_CONCAT), shown as a
list. A column ?X_label beside an IRI column ?X is the name of ?X: the pages show ?X by it, linked
to ?X's page, and give it no column of its own (.json and .csv keep every column as it is).

A long list is paged: it declares two integer parameters, `limit` (the page's size) and `offset`
(what is skipped before it), and its text holds one `LIMIT n OFFSET m` clause, n and m their
defaults, under an ORDER BY that orders totally what it pages (the rows, or in a subquery the
resources whose rows make the page), so that the file is the first page as it is. SPARQL takes no
variable in LIMIT or OFFSET: `QueryFile.prepare` writes the checked numbers there (integers, never
text from outside) and binds the other parameters as terms.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from ..errors import CouldNotRun
from ..rdf.namespaces import Namespaces
from ..rdf.sparqltext import is_absolute_iri, tokens

_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*?)\s*$")
PARAM_TYPES = ("iri", "string", "integer", "date", "name")
MAX_QUERY_BYTES = 1 << 20
# A parameter value is a term a person types: bounded, and with no control character (a line
# break or tab is allowed in a string only). Integers are those every SPARQL store holds.
MAX_PARAM_LENGTH = 4096
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_STRING_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
INTEGER_RANGE = (-(2**63), 2**63 - 1)
PAGE_PARAMS = ("limit", "offset")
# A paged query's page: the only place its paging parameters go.
_PAGE_CLAUSE = re.compile(r"\bLIMIT\s+([0-9]+)\s+OFFSET\s+([0-9]+)\b", re.IGNORECASE)
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Choices:
    """The values that make sense for an iri parameter (a `#+ enumerate:` line): the instances
    of `cls`, concepts of `scheme` when it is given."""

    cls: str
    scheme: str | None = None
    # The project's prefixes, to name the choices for people (not part of what they are).
    namespaces: Namespaces | None = field(default=None, compare=False, repr=False)

    def pattern(self, var: str) -> str:
        """The SPARQL triple patterns that hold for ?`var` when it is one of the choices."""
        text = f"?{var} a <{self.cls}> ."
        if self.scheme:
            text += f" ?{var} <http://www.w3.org/2004/02/skos/core#inScheme> <{self.scheme}> ."
        return text

    def query(self) -> str:
        """The choices and their labels (a row per label; a choice without one has an empty
        label), for a picker."""
        return (
            "SELECT ?value ?label WHERE { "
            + self.pattern("value")
            + " OPTIONAL { ?value <http://www.w3.org/2004/02/skos/core#prefLabel>"
            "|<http://www.w3.org/2000/01/rdf-schema#label> ?label } } ORDER BY ?value"
        )

    def ask(self, iri: str) -> str:
        """An ASK query: whether `iri` (an absolute IRI, checked) is one of the choices."""
        return "ASK { " + self.pattern("value").replace("?value", f"<{iri}>") + " }"

    def __str__(self) -> str:
        curie = self.namespaces.curie if self.namespaces else lambda _iri: None
        name = curie(self.cls) or f"<{self.cls}>"
        if self.scheme:
            name += " in " + (curie(self.scheme) or f"<{self.scheme}>")
        return name


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None = None
    description: str = ""
    choices: Choices | None = None

    @property
    def required(self) -> bool:
        return self.default is None

    def term(self, value: str, namespaces: Namespaces) -> Node:
        """The RDF term for a value given as text (an IRI may be a prefixed name of
        `namespaces`); CouldNotRun when it does not fit the type."""
        if len(value) > MAX_PARAM_LENGTH:
            raise CouldNotRun(
                f"parameter {self.name}: {len(value)} characters, more than {MAX_PARAM_LENGTH}"
            )
        control = (_STRING_CONTROL if self.type in ("string", "name") else _CONTROL).search(value)
        # (a value that is no IRI at all is better told so, below)
        if control and not (self.type == "iri" and not is_absolute_iri(value, ask_engine=False)):
            raise CouldNotRun(
                f"parameter {self.name}: {_clip(value)} is not allowed: a control character "
                f"(U+{ord(control.group()):04X}) at position {control.start() + 1}"
            )
        if self.type == "iri":
            try:
                value = namespaces.expand(value)
            except CouldNotRun as exc:
                raise CouldNotRun(f"parameter {self.name}: {exc}") from None
            if not is_absolute_iri(value):
                raise CouldNotRun(
                    f"parameter {self.name}: {value!r} is not an absolute IRI "
                    "(one that starts with its scheme, such as https://…)"
                )
            return URIRef(value)
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?[0-9]+", value.strip()):
                raise CouldNotRun(f"parameter {self.name}: {value!r} is not a whole number")
            digits = value.strip().lstrip("+-").lstrip("0")
            # compared as text first: int() refuses over 4300 digits with a ValueError
            if len(digits) > 19 or not INTEGER_RANGE[0] <= int(value) <= INTEGER_RANGE[1]:
                raise CouldNotRun(
                    f"parameter {self.name}: {_clip(value)} is out of range "
                    f"({INTEGER_RANGE[0]} to {INTEGER_RANGE[1]})"
                )
            return Literal(int(value), datatype=XSD.integer)
        if self.type == "date":
            try:
                if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                    raise ValueError(value)
                day = date.fromisoformat(value)
            except ValueError:
                raise CouldNotRun(
                    f"parameter {self.name}: {value!r} is not a date (YYYY-MM-DD)"
                ) from None
            return Literal(day.isoformat(), datatype=XSD.date)
        return Literal(value)


@dataclass(frozen=True)
class Column:
    """How the pages show a column of the answer (a `#+ column:` line): its heading in English
    (an msgid of the pages' catalogue) and whether its value is a "; "-joined list."""

    name: str
    label: str
    is_list: bool = False


LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class QueryFile:
    name: str
    path: Path
    text: str
    summary: str = ""
    description: str = ""
    params: tuple[Param, ...] = field(default_factory=tuple)
    columns: tuple[Column, ...] = field(default_factory=tuple)
    # The project's prefixes, for values given as prefixed names.
    namespaces: Namespaces | None = field(default=None, compare=False, repr=False)

    @property
    def paged(self) -> bool:
        """Whether the query is a paged list (`limit` and `offset` parameters)."""
        return any(p.name in PAGE_PARAMS for p in self.params)

    def prepare(self, values: Mapping[str, str] | None = None) -> tuple[str, dict[str, Node]]:
        """The text to run and the parameters to bind as terms: `bindings(values)`, except that
        a paged query's `limit` and `offset` are written into its LIMIT and OFFSET clause."""
        bound = self.bindings(values)
        if not self.paged:
            return self.text, bound
        limit, offset = (int(bound.pop(name)) for name in PAGE_PARAMS)
        if not 0 < limit <= MAX_PAGE or offset < 0:
            raise CouldNotRun(
                f"query {self.name}: parameter limit must be 1 to {MAX_PAGE} and offset 0 or "
                "more (a page's size, and what comes before it)"
            )
        (clause,) = _page_clauses(self.text)  # read_query checked that there is one
        page = f"LIMIT {limit} OFFSET {offset}"
        return self.text[: clause.start()] + page + self.text[clause.end() :], bound

    @property
    def _namespaces(self) -> Namespaces:
        if self.namespaces is None:
            raise CouldNotRun(f"query {self.name}: read without the project's prefixes")
        return self.namespaces

    def bindings(self, values: Mapping[str, str] | None = None) -> dict[str, Node]:
        """Validate `values` against the declared parameters and fill in defaults."""
        values = dict(values or {})
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise CouldNotRun(
                f"query {self.name}: unknown parameter {', '.join(unknown)} (parameters: {known})"
            )
        bound: dict[str, Node] = {}
        for param in self.params:
            if param.name in values:
                bound[param.name] = param.term(values[param.name], self._namespaces)
            elif not param.required:
                bound[param.name] = param.term(param.default, self._namespaces)
            else:
                raise CouldNotRun(f"query {self.name}: parameter {param.name} is required")
        return bound


def _clip(value: str, limit: int = 40) -> str:
    return repr(value) if len(value) <= limit else repr(value[:limit]) + f"… ({len(value)} chars)"


def _parse_param(text: str, path: Path) -> Param:
    spec, _, description = text.partition("|")
    parts = spec.split()
    if len(parts) not in (2, 3) or parts[1] not in PARAM_TYPES:
        raise CouldNotRun(
            f"{path}: bad '#+ param:' line {text!r}: expected NAME TYPE [DEFAULT] | DESCRIPTION "
            f"with TYPE one of {', '.join(PARAM_TYPES)}"
        )
    default = parts[2] if len(parts) == 3 else None
    return Param(parts[0], parts[1], default, description.strip())


_COLUMN = re.compile(r"(\w+)(\s+list)?\s*\|\s*(\S.*)")


def _parse_column(text: str, path: Path) -> Column:
    match = _COLUMN.fullmatch(text)
    if not match:
        raise CouldNotRun(f"{path}: bad '#+ column:' line {text!r}: expected NAME [list] | LABEL")
    return Column(match.group(1), match.group(3).strip(), bool(match.group(2)))


def _parse_enumerate(text: str, path: Path, namespaces: Namespaces) -> tuple[str, Choices]:
    """(parameter name, its choices) from an `#+ enumerate:` line's text."""
    parts = text.split()
    if len(parts) not in (2, 4) or (len(parts) == 4 and parts[2] != "in"):
        raise CouldNotRun(
            f"{path}: bad '#+ enumerate:' line {text!r}: expected NAME CLASS [in SCHEME]"
        )

    def iri(term: str) -> str:
        if term.startswith("<") and term.endswith(">"):
            term = term[1:-1]
        value = namespaces.expand(term)
        if not is_absolute_iri(value):
            raise CouldNotRun(f"{path}: '#+ enumerate:' {term!r} is not an IRI")
        return value

    scheme = iri(parts[3]) if len(parts) == 4 else None
    return parts[0], Choices(iri(parts[1]), scheme, namespaces)


def read_query(path: Path, namespaces: Namespaces) -> QueryFile:
    """Read a .rq file and its header lines (the comment block at the top); prefixed names in
    them and in the values given later are the project's (`namespaces`)."""
    path = Path(path)
    if not path.is_file():  # a FIFO would block the reader, a device never ends
        raise CouldNotRun(f"{path}: not a regular file")
    if path.stat().st_size > MAX_QUERY_BYTES:
        raise CouldNotRun(f"{path}: over {MAX_QUERY_BYTES} bytes, too large for a query")
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise CouldNotRun(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise CouldNotRun(
            f"{path}:{line}: not UTF-8 (byte 0x{exc.object[exc.start]:02x}); "
            "save the query as UTF-8"
        ) from None
    headers: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if match:
            headers.setdefault(match.group(1).lower(), []).append(match.group(2))
    params = [_parse_param(p, path) for p in headers.get("param", [])]
    for line in headers.get("enumerate", []):
        name, choices = _parse_enumerate(line, path, namespaces)
        found = [i for i, p in enumerate(params) if p.name == name]
        if not found or params[found[0]].type != "iri":
            raise CouldNotRun(f"{path}: '#+ enumerate: {name}' names no iri parameter")
        params[found[0]] = replace(params[found[0]], choices=choices)
    columns = [_parse_column(c, path) for c in headers.get("column", [])]
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise CouldNotRun(f"{path}: '#+ column:' names {', '.join(twice)} more than once")
    query = QueryFile(
        name=path.stem,
        path=path,
        text=text,
        summary=" ".join(headers.get("summary", [])),
        description=" ".join(headers.get("description", [])),
        params=tuple(params),
        columns=tuple(columns),
        namespaces=namespaces,
    )
    if query.paged:
        _check_paged(query)
    return query


def _page_clauses(text: str) -> list[re.Match]:
    """The `LIMIT n OFFSET m` clauses of a query, comments left out."""
    blanked = "".join(
        " " * len(value) if kind == "comment" else value for kind, value, _s, _e in _pieces(text)
    )
    return list(_PAGE_CLAUSE.finditer(blanked))


def _pieces(text: str):
    """The text cut into tokens and what lies between them, in order."""
    last = 0
    for kind, value, start, end in tokens(text):
        yield "space", text[last:start], last, start
        yield kind, value, start, end
        last = end
    yield "space", text[last:], last, len(text)


def _check_paged(query: QueryFile) -> None:
    """A paged query declares both paging parameters as integers with defaults, and holds one
    LIMIT and OFFSET clause: its first page."""
    declared = {p.name: p for p in query.params}
    page = [declared.get(name) for name in PAGE_PARAMS]
    clauses = _page_clauses(query.text)
    if (
        any(p is None or p.type != "integer" or p.required for p in page)
        or len(clauses) != 1
        or [int(p.default) for p in page] != [int(n) for n in clauses[0].groups()]
    ):
        raise CouldNotRun(
            f"{query.path}: a paged query declares `limit` and `offset` integer parameters with "
            "defaults n and m and holds one `LIMIT n OFFSET m` clause"
        )


def library(queries_dir: Path, namespaces: Namespaces) -> list[QueryFile]:
    """Every query of the library (queries/*.rq; the checks in queries/checks/ are not in it)."""
    return [read_query(p, namespaces) for p in sorted(Path(queries_dir).glob("*.rq"))]


def find_query(queries_dir: Path, name_or_path: str, namespaces: Namespaces) -> QueryFile:
    """A library query by name, or any .rq file by path; unknown names list the close matches."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".rq" and (candidate.exists() or candidate.is_symlink()):
        return read_query(candidate, namespaces)
    path = Path(queries_dir) / f"{name_or_path}.rq"
    if path.is_file():
        return read_query(path, namespaces)
    names = [p.stem for p in sorted(Path(queries_dir).glob("*.rq"))]
    close = difflib.get_close_matches(name_or_path, names, n=3, cutoff=0.5)
    hint = (
        f"; did you mean {', '.join(close)}?" if close else "; see `krakow-clusters query --list`"
    )
    raise CouldNotRun(f"no query named {name_or_path!r}{hint}")

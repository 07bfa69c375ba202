"""SPARQL as text: tokens outside strings, IRIs and comments; the query form; whether a request is
an update; parameters bound by a VALUES block of serialized RDF terms; the check that an IRI can be
written in a query."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence

from rdflib.term import Literal, Node, URIRef

from ..errors import CouldNotRun
from .terms import is_valid_iri

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


def tokens(sparql: str) -> Iterator[tuple[str, str, int, int]]:
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup or "other"
        if kind == "other" and match.group().isspace():
            continue
        yield kind, match.group(), match.start(), match.end()


def strip_comments(sparql: str) -> str:
    """The query without its comments (a `#` inside a string or an IRI is not a comment).

    >>> strip_comments('SELECT * { ?s ?p "#1" } # load <x>')
    'SELECT * { ?s ?p "#1" } '
    """
    parts: list[str] = []
    last = 0
    for match in _TOKEN.finditer(sparql):
        if match.lastgroup == "comment":
            parts.append(sparql[last : match.start()])
            last = match.end()
    parts.append(sparql[last:])
    return "".join(parts)


def query_form(sparql: str) -> str:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: the first such keyword outside strings and comments.

    >>> query_form('PREFIX : <x:> ASK { ?s ?p "SELECT" }')
    'ASK'
    """
    for kind, value, _, _ in tokens(sparql):
        if kind == "word" and value.upper() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            return value.upper()
    return "SELECT"


# After comments are gone: a prologue of PREFIX and BASE declarations, then an update's keyword.
_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)


def is_update(sparql: str) -> bool:
    """Whether the text is a SPARQL Update request: after its comments and its prologue (PREFIX and
    BASE declarations), an update keyword (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, COPY, MOVE,
    ADD, WITH). A `#` inside an IRI or a string is not a comment."""
    return bool(_UPDATE.match(strip_comments(sparql)))


def _where_brace(sparql: str) -> int:
    """The offset just after the `{` that opens the query's WHERE clause."""
    found = list(tokens(sparql))
    form = next(
        (
            value.upper()
            for kind, value, _, _ in found
            if kind == "word" and value.upper() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
        ),
        None,
    )
    seen_where = form != "CONSTRUCT"  # only CONSTRUCT has a `{` (its template) before WHERE
    depth = 0
    for kind, value, _start, end in found:
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

    >>> from rdflib import Literal
    >>> print(inject_values("SELECT ?s { ?s ?p ?name }", {"name": Literal('x" } DROP ALL #')}))
    SELECT ?s { VALUES (?name) { ("x\\" } DROP ALL #") }  ?s ?p ?name }
    """
    if not bindings:
        return sparql
    terms = {name: _term_text(name, term) for name, term in bindings.items()}
    # SERVICE ?var → SERVICE <iri>, from the end so that earlier offsets stay valid.
    found = list(tokens(sparql))
    edits: list[tuple[int, int, str]] = []
    for i, (kind, value, start, end) in enumerate(found):
        if kind == "var" and value[1:] in terms and i > 0:
            before = [t for t in found[max(0, i - 2) : i] if t[0] == "word"]
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


def inject_rows(sparql: str, name: str, terms: Sequence[Node]) -> str:
    """The query with ?`name` bound to each of `terms` in turn: a VALUES block of one row per
    term at the top of the WHERE clause, each term serialized as in `inject_values`.

    >>> from rdflib import Literal
    >>> print(inject_rows("SELECT ?s { ?s ?p ?name }", "name", [Literal("a"), Literal("b")]))
    SELECT ?s { VALUES (?name) { ("a") ("b") }  ?s ?p ?name }
    """
    rows = " ".join(f"({_term_text(name, term)})" for term in terms)
    at = _where_brace(sparql)
    return sparql[:at] + f" VALUES (?{name}) {{ {rows} }} " + sparql[at:]


# A scheme, a colon, then characters that may stand between SPARQL's angle brackets (IRIREF forbids
# controls, the space and <>"{}|^`\), nor any other whitespace.
_ABSOLUTE_IRI = re.compile(r'[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20\s<>"{}|^`\\]+')
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def is_absolute_iri(text: str, *, ask_engine: bool = True) -> bool:
    """Whether `text` is an absolute IRI that SPARQL (and Turtle) can write as `<text>`: a scheme,
    a colon, and at least one more character, none of them whitespace, a control character or one
    of <>"{}|^`\\. The one IRI check of the package: query parameters, the VALUES block,
    `publish --graph`. It also asks the engine (rdf.terms.is_valid_iri): some code points
    pass the pattern but not Oxigraph, which would raise deep inside a query. ask_engine=False
    checks the pattern only (to choose the clearer of two messages, never to accept a value)."""
    if _ABSOLUTE_IRI.fullmatch(text) is None:
        return False
    return not ask_engine or is_valid_iri(text)


def _term_text(name: str, term: Node) -> str:
    if not _VARIABLE_NAME.fullmatch(name):
        raise CouldNotRun(f"bad parameter name {name!r}")
    if isinstance(term, URIRef):
        if not is_absolute_iri(str(term)):
            raise CouldNotRun(f"parameter {name}: {str(term)!r} is not an absolute IRI")
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    raise CouldNotRun(f"parameter {name}: only IRIs and literals can be bound, not {term!r}")


class Fragment(str):
    """Query text the package itself wrote (a pattern, a VALUES clause it built from checked
    terms), put into a template by `fill` as it is."""


_PLACEHOLDER = re.compile(r"\$([A-Z][A-Z_]*)\b")


def fill(template: str, **values: Node | Iterable[Node] | Fragment) -> str:
    """`template` with each `$NAME` given replaced: a term by its SPARQL form (an IRI checked as
    `is_absolute_iri`, a literal escaped), several terms by theirs with spaces between (a
    VALUES list), a `Fragment` as it is. The one way the package puts values into its own
    queries' text (a visitor's parameters are bound as terms, `inject_values`); CouldNotRun for
    a name the template does not hold, so that a typo cannot leave a placeholder unfilled.

    >>> fill("SELECT * { ?s ?p $IRI } # $N", IRI=URIRef("https://example.org/a"), N=Literal(2))
    'SELECT * { ?s ?p <https://example.org/a> } # "2"^^<http://www.w3.org/2001/XMLSchema#integer>'
    >>> fill("VALUES ?x { $XS }", XS=[URIRef("urn:a"), Literal("b")])
    'VALUES ?x { <urn:a> "b" }'
    """
    found = set(_PLACEHOLDER.findall(template))
    unknown = sorted(set(values) - found)
    if unknown:
        raise CouldNotRun(f"internal error: the query has no placeholder {', '.join(unknown)}")
    texts = {name: _filled(name, value) for name, value in values.items()}
    return _PLACEHOLDER.sub(lambda m: texts.get(m.group(1), m.group(0)), template)


def _filled(name: str, value: Node | Iterable[Node] | Fragment) -> str:
    if isinstance(value, Fragment):
        return str(value)
    if isinstance(value, (URIRef, Literal)):
        return _term_text(name.lower(), value)
    return " ".join(_term_text(name.lower(), term) for term in value)

"""RDF terms across the store's boundary: Oxigraph terms inside the store, rdflib terms outside.

Results leave the store as rdflib terms, the common currency of the rest of the package; the
conversions keep every term's lexical form exactly.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node, URIRef

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

Triple = tuple[Node, Node, Node]

# Terms and triples as the store holds them (Oxigraph's), for code outside store/ and formats/
# that reads them without importing pyoxigraph (release's context and VoID statistics).
NativeTerm = ox.NamedNode | ox.BlankNode | ox.Literal
NativeTriple = ox.Triple


def is_iri(term: NativeTerm) -> bool:
    """Whether a term of the store is an IRI (not a blank node, not a literal)."""
    return isinstance(term, ox.NamedNode)


def is_literal(term: NativeTerm) -> bool:
    """Whether a term of the store is a literal."""
    return isinstance(term, ox.Literal)


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


def is_valid_iri(text: str) -> bool:
    """Whether the query engine takes `text` as an IRI: Oxigraph refuses code points that a
    pattern does not catch (a lone surrogate, U+FFFE, …), and would otherwise fail later, deep
    in a query, as a crash instead of a refused parameter."""
    try:
        ox.NamedNode(text)
    except ValueError:  # UnicodeEncodeError (a surrogate) is one too
        return False
    return True


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

"""Terms crossing from Oxigraph to rdflib: the fast converter used for query answers gives exactly
what `to_rdflib` (rdflib's own constructors) gives."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.term import Literal, URIRef

from krakow_clusters.rdf.terms import iri, string_literal, term_converter, to_oxigraph, to_rdflib
from krakow_clusters.sparql.library import library
from krakow_clusters.store.embedded import EmbeddedStore

from .query_support import FIXTURE_FILES

ROOT = Path(__file__).resolve().parents[1]
XSD = "http://www.w3.org/2001/XMLSchema#"

STRINGS = [
    "",
    "Kraków",
    "Organisation 12345",
    'a "quoted"\nline\ttab \\ back',
    "007",
    " 1 ",
    "ﬁ 😀",
]
LANGUAGES = [None, "en", "pl", "en-gb", "sr-latn-rs"]

TERMS = [
    ox.NamedNode("https://w3id.org/krakow-clusters/id/cluster/lifescience-krakow"),
    ox.NamedNode("http://www.wikidata.org/entity/Q31487"),
    ox.BlankNode("b0"),
    *(ox.Literal(s) for s in STRINGS),
    *(ox.Literal(s, language=lang) for s in STRINGS for lang in LANGUAGES if lang),
    ox.Literal("007", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("7", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
    ox.Literal("2017-01-01", datatype=ox.NamedNode(XSD + "date")),
    ox.Literal("1.50", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("x", datatype=ox.NamedNode("https://example.org/datatype")),
]


def same_literal(a: Literal, b: Literal) -> bool:
    """Equal as rdflib compares them, and equal in every attribute and form."""
    return (
        type(a) is type(b)
        and a == b
        and hash(a) == hash(b)
        and str(a) == str(b)
        and a.n3() == b.n3()
        and repr(a) == repr(b)
        and all(getattr(a, slot) == getattr(b, slot) for slot in Literal.__slots__)
        and a.eq(b)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_string_literal_is_rdflibs_literal(language):
    assert len(STRINGS) == 7
    for value in STRINGS:
        assert same_literal(string_literal(value, language), Literal(value, lang=language))


def test_iri_is_rdflibs_uriref():
    values = [
        "https://w3id.org/krakow-clusters/id/cluster/lifescience-krakow",
        "http://www.wikidata.org/entity/Q31487",
        "https://example.org/Kraków#ż?q=1",
        "urn:isbn:0451450523",
    ]
    for value in values:
        a, b = iri(value), URIRef(value)
        assert type(a) is type(b) and a == b and hash(a) == hash(b), value
        assert a.n3() == b.n3() and repr(a) == repr(b) and a.eq(b), value
        assert a.defrag() == b.defrag() and str(a) == str(b), value


def test_string_literal_refuses_what_rdflib_refuses():
    with pytest.raises(ValueError):
        Literal("x", lang="not a tag")
    with pytest.raises(ValueError):
        string_literal("x", "not a tag")


def test_converter_gives_what_to_rdflib_gives():
    assert len(TERMS) > 30
    convert = term_converter()
    for term in TERMS:
        fast, slow = convert(term), to_rdflib(term)
        assert type(fast) is type(slow) and fast == slow and fast.n3() == slow.n3(), term
        if isinstance(slow, Literal):
            assert same_literal(fast, slow), term
    assert convert(None) is None


def test_converter_converts_a_repeated_term_once():
    convert = term_converter()
    first = convert(ox.Literal("Kraków", language="pl"))
    assert convert(ox.Literal("Kraków", language="pl")) is first
    # Terms equal as values but not as terms stay apart.
    assert str(convert(ox.Literal("007", datatype=ox.NamedNode(XSD + "integer")))) == "007"
    assert str(convert(ox.Literal("7", datatype=ox.NamedNode(XSD + "integer")))) == "7"
    assert convert(ox.Literal("x")) != convert(ox.Literal("x", language="en"))


def test_every_answer_of_the_library_is_converted_as_to_rdflib_would():
    store = EmbeddedStore.from_files(FIXTURE_FILES)
    queries = [q for q in library(ROOT / "queries") if "SERVICE" not in q.text.upper()]
    assert len(queries) > 10
    for q in queries:
        text, bindings = q.prepare()
        answer = store.query(text, bindings)
        raw = store._store.query(text, substitutions=_substitutions(bindings))
        if answer.kind == "select":
            expected = [tuple(to_rdflib(s[v]) for v in answer.variables) for s in raw]
            assert answer.rows == expected, q.name
            for got, want in zip(answer.rows, expected, strict=True):
                for a, b in zip(got, want, strict=True):
                    assert type(a) is type(b), q.name
                    if isinstance(b, Literal):
                        assert same_literal(a, b), q.name
        elif answer.kind == "graph":
            expected = [tuple(map(to_rdflib, (t.subject, t.predicate, t.object))) for t in raw]
            assert answer.triples == expected, q.name


def _substitutions(bindings):
    return {ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()} or None

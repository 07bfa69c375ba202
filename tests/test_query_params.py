"""Parameters are bound as RDF terms, never pasted into the query: injection attempts through
every parameter kind are a harmless literal or a clear error, on the embedded store and on a
remote endpoint alike."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from krakow_clusters.errors import CouldNotRun
from krakow_clusters.rdf.sparqltext import Fragment, fill, inject_values, is_absolute_iri
from krakow_clusters.sparql.library import find_query, library, read_query
from krakow_clusters.sparql.run import run
from krakow_clusters.store.embedded import EmbeddedStore
from krakow_clusters.store.remote import RemoteStore

from .appserver import get
from .identity import GRAPH_BASE, NS
from .query_support import FIXTURE_FILES
from .servers import OxigraphServer

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
ATTACK = 'x" } ; DROP ALL ; #'
ATTACKS = [
    ATTACK,
    "x' } ; DROP ALL ; #",
    'x"""} } INSERT DATA { <urn:a> <urn:b> <urn:c> } #',
    "x> } ; DROP ALL ; #",
    "x\n} ; CLEAR DEFAULT",
    "\\u0022 } DROP ALL #",
]
# The first parameter of each kind, in a real query of the library.
BY_KIND = {
    "string": ("search", "text"),
    "integer": ("clusters-at-least", "min"),
    "date": ("status-on-date", "on"),
    "iri": ("cluster-facts", "cluster"),
}


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A writable server: were an update ever smuggled in, its triples would be gone."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-params"), FIXTURE_FILES).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def stores(remote) -> dict[str, object]:
    return {
        "embedded": EmbeddedStore.from_files(FIXTURE_FILES, GRAPH_BASE),
        "remote": RemoteStore(remote.query_url, timeout=20),
    }


def triple_count(store) -> int:
    result = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(result.rows[0][0])


@pytest.mark.parametrize("where", ["embedded", "remote"])
@pytest.mark.parametrize("attack", ATTACKS)
def test_a_string_is_searched_for_as_it_is(stores, where, attack):
    store = stores[where]
    before = triple_count(store)
    query = find_query(QUERIES, "search", NS)
    result = run(store, query, {"text": attack})
    assert result.kind == "select"
    assert result.rows == []  # nothing has such a name; the query is unchanged
    assert triple_count(store) == before
    assert query.bindings({"text": attack}) == {"text": Literal(attack)}


@pytest.mark.parametrize("where", ["embedded", "remote"])
def test_a_string_parameter_still_matches_what_it_should(stores, where):
    result = run(stores[where], find_query(QUERIES, "search", NS), {"text": "lighting"})
    assert {str(r["name"]) for r in result.dicts()} >= {"Intelligent Lighting Cluster"}


@pytest.mark.parametrize("where", ["embedded", "remote"])
def test_a_name_parameter_is_folded_on_every_store(stores, where):
    # No SPARQL engine folds accents: the runner binds every spelling the names hold.
    query = find_query(QUERIES, "search", NS)
    found = {
        typed: {
            (str(r["resource"]), str(r["name"]))
            for r in run(stores[where], query, {"text": typed}).dicts()
        }
        for typed in ("Kraków", "krakow", "KRAKÓW")
    }
    assert found["krakow"] == found["Kraków"] == found["KRAKÓW"]
    names = {name for _r, name in found["krakow"]}
    assert {"Kraków Metropolitan Area", "Krakowski Obszar Metropolitalny"} <= names


@pytest.mark.parametrize("kind", ["integer", "date", "iri"])
@pytest.mark.parametrize("attack", ATTACKS)
def test_other_kinds_refuse_an_attack_clearly(kind, attack):
    name, param = BY_KIND[kind]
    query = find_query(QUERIES, name, NS)
    with pytest.raises(CouldNotRun, match=rf"parameter {param}: .* is not"):
        query.bindings({param: attack})


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("iri", "https://w3id.org/krakow-clusters/id/cluster/x> } ; DROP ALL ; #"),
        ("iri", "https://w3id.org/krakow-clusters/id/cluster/a b"),
        ("iri", "not an iri"),
        ("iri", "<https://example.org/>"),
        ("iri", "https://w3id.org/krakow-clusters/id/cluster/bim\n"),
        ("integer", "1.5"),
        ("integer", "1; DROP ALL"),
        ("date", "2016-13-01"),
        ("date", '2016-01-01"^^<urn:x>'),
    ],
)
def test_values_that_do_not_fit_their_kind_are_refused(kind, value):
    name, param = BY_KIND[kind]
    with pytest.raises(CouldNotRun, match=f"parameter {param}"):
        find_query(QUERIES, name, NS).bindings({param: value})


@pytest.mark.parametrize("where", ["embedded", "remote"])
def test_typed_parameters_are_bound_and_work(stores, where):
    store = stores[where]
    at_least = run(store, find_query(QUERIES, "clusters-at-least", NS), {"min": "60"})
    assert {str(r["cluster_label"]) for r in at_least.dicts()} == {
        "LifeScience Kraków Cluster",
        "Intelligent Lighting Cluster",
    }
    assert at_least.dicts()[0]["min"] == Literal("60", datatype=XSD_INTEGER)
    before = run(store, find_query(QUERIES, "status-on-date", NS), {"on": "2016-10-20"})
    after = run(store, find_query(QUERIES, "status-on-date", NS), {"on": "2016-10-21"})
    assert (len(before.rows), len(after.rows)) == (0, 1)
    facts = run(
        store,
        find_query(QUERIES, "cluster-facts", NS),
        {"cluster": "https://w3id.org/krakow-clusters/id/cluster/bim"},
    )
    assert {r["cluster"] for r in facts.dicts()} == {
        URIRef("https://w3id.org/krakow-clusters/id/cluster/bim")
    }
    assert any(str(r["value"]) == "almost 50 members in total" for r in facts.dicts())


def test_the_values_block_holds_serialized_terms_only():
    text = "SELECT ?a ?b WHERE { ?s ?p ?o }"
    bound = inject_values(text, {"a": Literal(ATTACK), "b": URIRef("https://example.org/x")})
    assert bound == (
        'SELECT ?a ?b WHERE { VALUES (?a ?b) { ("x\\" } ; DROP ALL ; #" <https://example.org/x>) }'
        "  ?s ?p ?o }"
    )


def test_an_iri_that_could_break_out_is_refused_by_the_remote_binding_too():
    # Even if a caller skipped the parameter check, the VALUES block refuses it.
    with pytest.raises(CouldNotRun, match="not an absolute IRI"):
        inject_values("SELECT ?a WHERE { }", {"a": URIRef("https://x/> } DROP ALL {")})


@pytest.mark.parametrize("name", ["a\n", "a b", "1a"])
def test_a_trailing_newline_or_a_bad_name_is_refused_by_the_values_block(name):
    # `$` would accept a trailing newline: the patterns are matched whole.
    with pytest.raises(CouldNotRun):
        inject_values("SELECT ?a WHERE { }", {"a": URIRef("https://example.org/x\n")})
    with pytest.raises(CouldNotRun, match="bad parameter name"):
        inject_values("SELECT ?a WHERE { }", {name: URIRef("https://example.org/x")})


def test_the_values_block_goes_into_the_where_clause_of_a_construct():
    text = 'CONSTRUCT { ?s <urn:p> "{" } # { not here\nWHERE { ?s ?p ?o }'
    bound = inject_values(text, {"s": URIRef("urn:x")})
    assert bound.endswith("WHERE { VALUES (?s) { (<urn:x>) }  ?s ?p ?o }")


def test_a_service_endpoint_is_written_in_as_a_checked_iri():
    text = "SELECT ?endpoint ?o WHERE { SERVICE SILENT ?endpoint { ?s ?p ?o } }"
    bound = inject_values(text, {"endpoint": URIRef("http://127.0.0.1:1/sparql")})
    assert "SERVICE SILENT <http://127.0.0.1:1/sparql> {" in bound
    with pytest.raises(CouldNotRun, match="SERVICE endpoint must be an IRI"):
        inject_values(text, {"endpoint": Literal("http://127.0.0.1:1/sparql")})


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_service_endpoint_parameter_refuses_an_attack(attack):
    query = find_query(QUERIES, "wikidata-places", NS)
    with pytest.raises(CouldNotRun, match=r"parameter endpoint: .* is not an absolute IRI"):
        query.bindings({"endpoint": attack})


def test_unknown_and_missing_parameters_are_named():
    query = find_query(QUERIES, "search", NS)
    with pytest.raises(CouldNotRun, match=r"unknown parameter txt .*parameters: text"):
        query.bindings({"txt": "x"})


@pytest.mark.parametrize("value", ["20161021", "2016-W42-5", "2016-10-21T00:00"])
def test_a_date_must_be_written_yyyy_mm_dd(value):
    with pytest.raises(CouldNotRun, match="is not a date"):
        find_query(QUERIES, "status-on-date", NS).bindings({"on": value})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://w3id.org/krakow-clusters/id/cluster/bim", True),
        ("urn:x", True),
        ("http://example.org/Kraków", True),
        ("urn:", False),
        ("cluster/bim", False),
        ("1a:b", False),
        ("https://example.org/x\n", False),
        ("https://example.org/a b", False),
        ("https://example.org/a\u00a0b", False),
        ("https://example.org/a\x01", False),
        ("https://x/> } DROP ALL {", False),
        # the pattern lets these through, the engine refuses them
        ("https://w3id.org/\ud800", False),
        ("https://w3id.org/\ufffe", False),
    ],
)
def test_one_iri_check_for_parameters_values_blocks_and_publish(text, expected):
    assert is_absolute_iri(text) is expected
    param = find_query(QUERIES, "wikidata-places", NS).params[0]
    assert param.type == "iri"
    if expected:
        assert str(param.term(text, NS)) == text
        assert f"<{text}>" in inject_values("SELECT * WHERE { }", {"a": URIRef(text)})
    else:
        with pytest.raises(CouldNotRun, match="not an absolute IRI"):
            param.term(text, NS)
        with pytest.raises(CouldNotRun, match="not an absolute IRI"):
            inject_values("SELECT * WHERE { }", {"a": URIRef(text)})


# --- paged lists ---------------------------------------------------------------------------------

PAGED = ["roles", "unlinked"]


def test_the_long_lists_are_paged():
    paged = [q.name for q in library(QUERIES, NS) if q.paged]
    assert paged == PAGED


@pytest.mark.parametrize("where", ["embedded", "remote"])
@pytest.mark.parametrize("name", PAGED)
def test_the_pages_of_a_list_are_the_whole_list_in_order(stores, where, name):
    store, query = stores[where], find_query(QUERIES, name, NS)
    whole = run(store, query, {"limit": "100000"}).rows
    assert len(whole) >= 4, "page through a list with a few rows"
    pages, offset = [], 0
    while page := run(store, query, {"limit": "3", "offset": str(offset)}).rows:
        # unlinked pages its rows, roles its clusters (and each of them may hold several roles)
        assert len({row[0 if name == "roles" else 1] for row in page}) <= 3
        pages += page
        offset += 3
    assert pages == whole
    assert offset > 3, "more than one page"
    # The file as it is runs the first page, the defaults: here the fixture's whole list.
    assert run(store, query).rows == whole


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"limit": "0"}, "limit must be 1 to 100000 and offset 0 or more"),
        ({"limit": "100001"}, "limit must be 1 to 100000 and offset 0 or more"),
        ({"offset": "-1"}, "limit must be 1 to 100000 and offset 0 or more"),
        ({"limit": "10 OFFSET 0 } DROP ALL"}, "parameter limit: .* is not a whole number"),
        ({"offset": "1.5"}, "parameter offset: .* is not a whole number"),
    ],
)
def test_a_page_out_of_range_or_not_a_number_is_refused(values, message):
    with pytest.raises(CouldNotRun, match=message):
        find_query(QUERIES, "roles", NS).prepare(values)


def test_the_page_is_written_into_the_limit_and_offset_clause_only():
    query = find_query(QUERIES, "unlinked", NS)
    text, bindings = query.prepare({"limit": "25", "offset": "+050"})
    assert bindings == {}
    assert "ORDER BY ?kind ?resource\n    LIMIT 25 OFFSET 50\n" in text
    assert text.replace("LIMIT 25 OFFSET 50", "LIMIT 1000 OFFSET 0") == query.text
    assert query.prepare()[0] == query.text


@pytest.mark.parametrize(
    "tail",
    [
        "ORDER BY ?s\n",  # no page clause
        "ORDER BY ?s LIMIT 1000 OFFSET 10\n",  # not the defaults
        "ORDER BY ?s LIMIT 1000\n",
        "ORDER BY ?s # LIMIT 1000 OFFSET 0\n",  # a comment is no clause
        "{ SELECT ?s { } LIMIT 1000 OFFSET 0 } LIMIT 1000 OFFSET 0\n",  # two: which is the page?
    ],
)
def test_a_paged_query_must_end_with_its_first_page(tmp_path, tail):
    path = tmp_path / "list.rq"
    path.write_text(
        "#+ summary: s\n#+ description: d\n#+ param: limit integer 1000 | l\n"
        "#+ param: offset integer 0 | o\nSELECT ?s WHERE { ?s ?p ?o }\n" + tail
    )
    with pytest.raises(CouldNotRun, match="a paged query declares `limit` and `offset`"):
        read_query(path, NS)


def test_a_paged_query_page_links_its_neighbours(app):
    """/queries/unlinked pages its list: the page links the next page while it is full, the
    previous one after the first, and shows the text it ran (with this page's clause)."""
    status, _headers, body = get(app.base + "/queries/unlinked?limit=2", "text/html")
    assert status == 200
    page = body.decode()
    assert 'rel="prev"' not in page
    following = re.search(r'<a href="([^"]+)" rel="next">', page)
    assert following is not None
    assert "LIMIT 2 OFFSET 0" in page, "the text that ran"
    status, _headers, body = get(app.base + following.group(1).replace("&amp;", "&"), "text/html")
    assert status == 200
    second = body.decode()
    assert "LIMIT 2 OFFSET 2" in second
    assert 'rel="prev"' in second


def test_fill_refuses_a_name_the_template_does_not_hold() -> None:
    with pytest.raises(CouldNotRun, match="no placeholder NODES"):
        fill("SELECT * { $R ?p ?o }", R=URIRef("https://example.org/a"), NODES=[])


def test_fill_refuses_an_iri_that_would_break_out_of_its_brackets() -> None:
    with pytest.raises(CouldNotRun, match="is not an absolute IRI"):
        fill("SELECT * { $R ?p ?o }", R=URIRef("https://example.org/a> ?x <urn:b"))


def test_fill_leaves_placeholders_it_was_not_given_and_puts_fragments_as_they_are() -> None:
    text = fill("SELECT * { $A $B }", B=Fragment("?s ?p ?o"))
    assert text == "SELECT * { $A ?s ?p ?o }"
    # A literal's quotes and backslashes are escaped, so a label cannot end the string.
    escaped = fill("FILTER(?l = $L)", L=Literal('a" } DROP ALL #'))
    assert escaped == 'FILTER(?l = "a\\" } DROP ALL #")'


def test_the_package_binds_its_own_query_values_only_through_fill() -> None:
    package = Path(__file__).resolve().parents[1] / "src" / "krakow_clusters"
    offenders = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.replace\(\s*[\"']\$[A-Z]", line)
    ]
    assert list(package.rglob("*.py")), "no package sources found"
    assert offenders == []

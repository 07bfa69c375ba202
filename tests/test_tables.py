"""Answers as tables for people (issue 25, item 2): the query library names its columns
(`#+ column:` lines, translated by the pages' catalogue); a saved query's page shows resources by
their names linked to their pages (the IRI in the link's title), numbers and days written for the
page's language, lists as lists, and the window's full width; .json and .csv are unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import XSD, Literal, URIRef

from krakow_clusters.errors import CouldNotRun
from krakow_clusters.pages.describe import Site
from krakow_clusters.pages.tables import NAME_SUFFIX, table_view
from krakow_clusters.rdf.results import QueryResult
from krakow_clusters.sparql.library import Column, library, read_query
from krakow_clusters.sparql.run import run
from krakow_clusters.store.embedded import EmbeddedStore

from .browser import needs_browser
from .identity import GRAPH_BASE, NS, SETTINGS
from .query_support import FIXTURE_FILES

ROOT = Path(__file__).resolve().parents[1]
SELECTS = [q for q in library(ROOT / "queries", NS) if "SELECT" in q.text.split("WHERE")[0]]
BASE = SETTINGS.base_iri


@pytest.fixture(scope="module")
def fixture_store() -> EmbeddedStore:
    return EmbeddedStore.from_files(FIXTURE_FILES, GRAPH_BASE)


def test_the_library_has_select_queries():
    assert len(SELECTS) >= 15


@pytest.mark.parametrize("query", SELECTS, ids=[q.name for q in SELECTS])
def test_every_column_a_page_shows_has_a_heading(query, fixture_store):
    # Every variable of the answer has a `#+ column:` line, but a name column (?X_label beside
    # ?X), which names ?X's cell; and every line names a variable of the answer.
    params = {p.name: "http://127.0.0.1:9/sparql" for p in query.params if p.name == "endpoint"}
    if params:
        variables = query.text.split("WHERE")[0].replace("?", " ?").split()
        variables = [v[1:] for v in variables if v.startswith("?")]
    else:
        variables = run(fixture_store, query, params).variables
    shown = [
        v
        for v in variables
        if not (v.endswith(NAME_SUFFIX) and v[: -len(NAME_SUFFIX)] in variables)
    ]
    declared = [c.name for c in query.columns]
    assert sorted(declared) == sorted(shown), query.name


def test_a_column_line_is_read(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text(
        "#+ summary: s\n#+ column: sectors list | Sectors\n#+ column: n | Number of members\n"
        "SELECT ?sectors ?n WHERE {}\n"
    )
    assert read_query(path, NS).columns == (
        Column("sectors", "Sectors", True),
        Column("n", "Number of members", False),
    )
    for bad in ("sectors", "sectors | ", "two words | Label", "sectors lists | Label"):
        path.write_text(f"#+ column: {bad}\nSELECT * WHERE {{}}\n")
        with pytest.raises(CouldNotRun, match="column"):
            read_query(path, NS)


def _answer() -> QueryResult:
    cluster = URIRef(BASE + "id/cluster/lifescience-krakow")
    return QueryResult(
        "select",
        ["cluster", "cluster_label", "sectors", "members", "since", "big", "raw"],
        [
            (
                cluster,
                Literal("LifeScience Kraków Cluster", lang="en"),
                Literal("health; life sciences", lang="en"),
                Literal(1234567, datatype=XSD.integer),
                Literal("2016-10-21", datatype=XSD.date),
                Literal("true", datatype=XSD.boolean),
                None,
            )
        ],
    )


COLUMNS = (
    Column("cluster", "Cluster"),
    Column("sectors", "Sectors", True),
    Column("members", "Members"),
    Column("since", "Since"),
    Column("big", "Spans all four"),
)


@pytest.mark.parametrize(
    ("lang", "headings", "members", "since", "yes"),
    [
        ("en", ["Cluster", "Sectors", "Members", "Since", "Spans all four", "raw"],
         "1,234,567", "21 October 2016", "yes"),
        ("pl", ["Klaster", "Sektory", "Członkowie", "Od", "Obejmuje wszystkie cztery", "raw"],
         "1\xa0234\xa0567", "21 października 2016", "tak"),
    ],
)  # fmt: skip
def test_a_table_for_people(lang, headings, members, since, yes):
    names = {
        BASE + "id/cluster/lifescience-krakow": [
            Literal("LifeScience Kraków Cluster", lang="en"),
            Literal("Klaster LifeScience Kraków", lang="pl"),
        ]
    }

    def labels(iris):
        return [(URIRef(i), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), n)
                for i in sorted(iris) for n in names.get(i, [])]  # fmt: skip

    table = table_view(_answer(), Site(SETTINGS), lang, COLUMNS, labels)
    assert table["columns"] == headings  # the name column is no column of its own
    (row,) = table["rows"]
    link, sectors, count, day, flag, empty = row
    assert link["kind"] == "link" and link["href"] == "/id/cluster/lifescience-krakow"
    assert link["iri"] == BASE + "id/cluster/lifescience-krakow"
    assert link["label"] == (
        "Klaster LifeScience Kraków" if lang == "pl" else "LifeScience Kraków Cluster"
    )
    assert sectors == {"kind": "list", "items": ["health", "life sciences"],
                       "text_lang": "en" if lang == "pl" else None}  # fmt: skip
    assert (count["text"], day["text"], flag["text"]) == (members, since, yes)
    assert empty["kind"] == "empty"


def test_without_the_stores_names_the_answers_own_name_column_names_the_link():
    table = table_view(_answer(), Site(SETTINGS), "pl", COLUMNS)
    link = table["rows"][0][0]
    assert (link["label"], link["text_lang"]) == ("LifeScience Kraków Cluster", "en")


# --- in the real browser -----------------------------------------------------------------------


@needs_browser
@pytest.mark.parametrize("lang", ["en", "pl"])
def test_overview_fits_1280_px_and_its_headings_are_words(real_app, browser, lang):
    from selenium.webdriver.common.by import By

    overview = next(q for q in SELECTS if q.name == "overview")
    variables = {c.name for c in overview.columns} | {"cluster_label", "coordinator_label"}
    browser.set_window_size(1280, 900)
    browser.get(f"{real_app.base}/{lang}/queries/overview")
    width, client = browser.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert client >= 1200 and width <= client, f"the page is {width} px wide in {client} px"
    region = browser.find_element(By.CSS_SELECTOR, "div.scroll")
    inner, outer = browser.execute_script(
        "return [arguments[0].scrollWidth, arguments[0].clientWidth]", region
    )
    assert inner <= outer, f"the table scrolls: {inner} px in {outer} px"
    headings = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "table.results th")]
    assert len(headings) == len(overview.columns)
    raw = [h for h in headings if h in variables or "_" in h]
    assert not raw, f"raw variable names in the headings: {raw}"
    assert headings[0] == ("Klaster" if lang == "pl" else "Cluster")
    # A cluster by its name, linked to its page, the IRI in the link's title.
    link = browser.find_element(
        By.CSS_SELECTOR, 'table.results a[href$="/id/cluster/lifescience-krakow"]'
    )
    assert link.get_attribute("title") == BASE + "id/cluster/lifescience-krakow"
    assert "LifeScience" in link.text and ":" not in link.text
    # The sectors as a list.
    assert browser.find_elements(By.CSS_SELECTOR, "table.results ul.cell li")


def test_json_and_csv_keep_every_column(real_app):
    import urllib.request

    with urllib.request.urlopen(real_app.base + "/queries/overview.csv") as answer:
        header = answer.read().decode("utf-8").splitlines()[0]
    assert header.split(",")[:3] == ["cluster", "cluster_label", "cluster_label_pl"]

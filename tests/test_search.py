"""Search for people (issue 25, item 1): one folding of names, shared by the three callers that
match what people type (the search page through the one index of names, the `search` query's
text parameter, and /reconcile), checked with one table of names and queries that must and must
not match; the search page and its JSON on `serve`; the static site's search index."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from krakow_clusters.pages.search import MAX_QUERY
from krakow_clusters.rdf.names import FOLDS_FOR_SCRIPTS, acronyms, fold, spellings, words
from krakow_clusters.reconcile.service import Reconciler
from krakow_clusters.sparql.library import find_query
from krakow_clusters.sparql.run import run

from .appserver import get
from .identity import NS, SETTINGS

ID = SETTINGS.id_base

# (resource, what a person types): every caller finds the resource. Case, accents, the Polish
# letters, punctuation, English and Polish names, acronyms (a word in capitals of a name).
ALIKE = [
    ("place/krakow", "KRAKOW"),
    ("place/krakow", "krakow"),
    ("organization/municipality-of-krakow", "gmina miejska krakow"),
    ("organization/municipality-of-krakow", "GMINA MIEJSKA KRAKÓW"),
    (
        "cluster/malopolsko-podkarpacki-clean-energy",
        "malopolsko podkarpacki klaster czystej energii",
    ),
    ("cluster/malopolsko-podkarpacki-clean-energy", "Malopolsko-Podkarpackie Clean-Energy Cluster"),
    ("cluster/cracov-movies", "krakowski klaster filmowy"),
    ("cluster/intelligent-lighting", "klaster inteligentnego oswietlenia"),
    ("cluster/sustainable-infrastructure", "klaster zrownowazonej infrastruktury"),
    ("cluster/south-poland-cleantech", "KLASTER CLEANTECH POLSKI POLUDNIOWEJ"),
    ("organization/agh-university", "akademia gorniczo hutnicza w krakowie"),
    ("organization/agh-university", "AGH"),
    ("cluster/bim", "bim"),
    ("organization/modern-cast", "technology foundry cluster modern cast sp z o o"),
    ("place/slaskie", "SLASK"),
    ("place/malopolskie", "malopolska"),
    ("cluster/lifescience-krakow", "lifescience-krakow"),
    ("organization/lifescience-krakow-cluster-foundation", "Fundacja Klastra LifeScience Krakow"),
    ("place/podkarpackie", "wojewodztwo podkarpackie"),
]
# (resource, what a person types): no caller finds the resource (None: no caller finds anything).
# Folding keeps words apart and letters of other scripts as they are; an acronym is exact.
APART = [
    ("place/krakow", "Krakowski Klaster Filmowy"),
    ("place/krakow", "Краков"),
    ("organization/agh-university", "AGHU"),
    (None, "Gdańsk"),
    (None, "Київ"),
]
# Word order: the page and /reconcile compare words; the `search` query looks for the text as
# one piece (SPARQL's CONTAINS), in any spelling, so it is not among these callers.
ANY_ORDER = [
    ("organization/municipality-of-krakow", "krakow gmina miejska"),
    ("cluster/cracov-movies", "filmowy klaster krakowski"),
]


@pytest.fixture(scope="module")
def reconciler(dataset) -> Reconciler:
    return Reconciler.from_store(dataset, SETTINGS)


def found_by_page(reconciler: Reconciler, dataset, typed: str) -> set[str]:
    return {c.entity.id for c in reconciler.matcher.search(typed)}


def found_by_query(reconciler: Reconciler, dataset, typed: str) -> set[str]:
    query = find_query(Path(__file__).resolve().parents[1] / "queries", "search", NS)
    rows = run(dataset, query, {"text": typed}).dicts()
    return {str(row["resource"])[len(ID) :] for row in rows}


def found_by_reconcile(reconciler: Reconciler, dataset, typed: str) -> set[str]:
    answer = reconciler.batch({"q0": {"query": typed, "limit": 10}})
    return {c["id"] for c in answer["q0"]["result"]}


CALLERS = {
    "page": found_by_page,
    "query": found_by_query,
    "reconcile": found_by_reconcile,
}


def test_the_tables_have_cases():
    assert len(ALIKE) >= 15 and len(APART) >= 5 and len(ANY_ORDER) >= 2
    assert len(CALLERS) == 3


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("resource", "typed"), ALIKE)
def test_alike(reconciler, dataset, caller, resource, typed):
    assert resource in CALLERS[caller](reconciler, dataset, typed)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("resource", "typed"), APART)
def test_apart(reconciler, dataset, caller, resource, typed):
    found = CALLERS[caller](reconciler, dataset, typed)
    if resource is None:
        assert found == set()
    else:
        assert resource not in found


@pytest.mark.parametrize("caller", ["page", "reconcile"])
@pytest.mark.parametrize(("resource", "typed"), ANY_ORDER)
def test_any_order(reconciler, dataset, caller, resource, typed):
    assert resource in CALLERS[caller](reconciler, dataset, typed)


def test_an_acronym_is_an_exact_name(reconciler):
    (agh,) = reconciler.matcher.candidates("AGH", (), None, 5)
    assert (agh.entity.id, agh.score, agh.match) == ("organization/agh-university", 100.0, True)
    assert agh.matched_name == "AGH University of Science and Technology"
    assert acronyms("Klaster BIM") == ["bim"] and acronyms("LifeScience Kraków") == []


def test_the_page_finds_partial_lower_case_names(reconciler):
    search = reconciler.matcher.search
    assert search("lifesc krak")[0].entity.id == "cluster/lifescience-krakow"
    assert "cluster/malopolsko-podkarpacki-clean-energy" in {c.entity.id for c in search("malop")}
    assert "cluster/cracov-movies" in {c.entity.id for c in search("filmowy")}
    assert search("") == [] and search("?!") == []


def test_spellings_and_words():
    names = ["Kraków Metropolis", "AGH University of Krakow", "Łódź"]
    assert spellings("KRAKOW", names) == ["Krakow", "Kraków"]
    assert spellings("lodz", names) == ["Łódź"]
    assert spellings("gdansk", names) == [] and spellings("  ", names) == []
    assert sorted(words("Miejska, Gmina")) == sorted(words("gmina MIEJSKA"))
    assert fold("Ł") == FOLDS_FOR_SCRIPTS["Ł"] == "l"


# --- the page on serve


def test_the_search_page_lists_resources_with_kind_and_matching_name(app):
    status, headers, body = get(app.base + "/search?q=" + quote("gmina miejska krakow"))
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert '<a href="/id/organization/municipality-of-krakow">Municipality of Kraków</a>' in page
    assert '<span class="kind">Organisation</span>' in page
    assert "Matching name: Gmina Miejska Kraków" in page
    assert re.search(
        r'<input type="search" id="search-q" name="q" value="gmina miejska krakow"', page
    )


def test_the_search_page_in_polish(app):
    status, _h, body = get(app.base + "/pl/search?q=" + quote("klaster filmowy"))
    page = body.decode()
    assert status == 200 and '<html lang="pl">' in page
    assert '<a href="/pl/id/cluster/cracov-movies">Krakowski Klaster Filmowy</a>' in page
    assert '<span class="kind">Inicjatywa klastrowa</span>' in page
    assert "Ośrodek małopolskiej produkcji filmowej" in page  # the snippet, in Polish


def test_the_search_results_as_json(app):
    for url in ("/search.json?q=agh", "/search?q=agh"):
        accept = None if url.startswith("/search.json") else "application/json"
        status, headers, body = get(app.base + url, accept=accept)
        assert status == 200 and headers["Content-Type"].startswith("application/json")
        answer = json.loads(body)
        assert answer["q"] == "agh"
        first = answer["results"][0]
        assert first["iri"] == ID + "organization/agh-university"
        assert first["kind"] == "organization" and first["score"] == 100.0
        assert first["matched_name"] == "AGH University of Science and Technology"


def test_every_page_has_the_search_box(app):
    for path in ("/", "/id/", "/id/cluster/bim", "/pl/id/cluster/bim", "/dataset"):
        _s, _h, body = get(app.base + path)
        lang = "/pl" if path.startswith("/pl/") else ""
        assert f'action="{lang}/search" method="get"><label for="site-search"' in body.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=" + "x" * (MAX_QUERY + 1), f"q: {MAX_QUERY + 1} characters, more than {MAX_QUERY}"),
        ("q=a%00b", "q: a control character is not allowed"),
        ("q=a&q=b", "q: give one text to search for"),
    ],
)
def test_malformed_input_is_one_line_of_400(app, query, message):
    status, headers, body = get(app.base + "/search?" + query, accept="text/plain")
    assert (status, body.decode()) == (400, message + "\n")
    assert headers["Content-Type"].startswith("text/plain")
    status, headers, body = get(app.base + "/search?" + query, accept="text/html")
    assert status == 400 and headers["Content-Type"].startswith("text/html")
    assert f"<p>{message}</p>" in body.decode() and 'href="/"' in body.decode()


# --- the static site


def test_the_static_site_has_a_search_page_and_index_per_language(real_release: Path):
    site = real_release / "site"
    for folder, page in (("", "search.html"), ("pl/", "pl/search.html")):
        html = (site / page).read_text(encoding="utf-8")
        assert '<script src="search-index.js" defer>' in html
        assert f'<script src="{"../" if folder else ""}static/search.js" defer>' in html
        assert "<script>" not in html  # no inline script: the pages' policy allows none
        script = (site / folder / "search-index.js").read_text(encoding="utf-8")
        assert script.startswith("self.searchIndex = ") and script.endswith(";\n")
        index = json.loads(script.removeprefix("self.searchIndex = ").removesuffix(";\n"))
        assert index["folds"] == FOLDS_FOR_SCRIPTS
        by_page = {r["href"]: r for r in index["resources"]}
        # each language's pages, relative to its search page
        agh = by_page["id/organization/agh-university.html"]
        assert ["agh", "AGH University of Science and Technology"] in agh["names"]
        assert (site / folder / agh["href"]).is_file()
    assert (site / "static" / "search.js").is_file()

"""Pages for people first (issue 25, item 4), on the real data: a home page that says in plain
words what the clusters are and what one can do here, the ways in for programs in one block
lower down; on a phone the clusters before the filters, which fold away; cluster pages that
state each fact once. Read as HTML from `serve` and the static site, and measured in the real
headless browser (tests/browser.py)."""

from __future__ import annotations

import re

import pytest
import rdflib
from rdflib import RDF, RDFS, SKOS

from krakow_clusters.pages.describe import describe
from krakow_clusters.pages.profile import resource_page
from krakow_clusters.pages.related import gather
from krakow_clusters.store.embedded import EmbeddedStore

from .appserver import get
from .browser import desktop, needs_browser, phone
from .conftest import ROOT
from .identity import GRAPH_BASE, ID_BASE, ONTOLOGY_NS, SITE
from .sitepages import serve_path, static_path

KC = rdflib.Namespace(ONTOLOGY_NS)


@pytest.fixture(scope="module")
def data(project) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in [*project.dataset_files(), *project.ontology_files()]:
        graph.parse(path)
    return graph


def text_of(html: str) -> str:
    """The text of `html`'s <main>, tags dropped, spaces folded."""
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<svg.*?</svg>", " ", main, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


# --- the home page, served and static, in both languages ----------------------------------------


def home_pages(real_app, real_release):
    for lang in ("en", "pl"):
        _status, _headers, body = get(real_app.base + serve_path("home", lang), "text/html")
        yield "serve", lang, body.decode("utf-8")
        page = real_release / static_path("home", lang).lstrip("/")
        yield "static", lang, page.read_text(encoding="utf-8")


def test_the_home_page_says_what_the_clusters_are_before_any_jargon(real_app, real_release, data):
    clusters = set(data.subjects(RDF.type, KC.ClusterInitiative))
    seen = 0
    for where, lang, html in home_pages(real_app, real_release):
        seen += 1
        text = text_of(html)
        # What a cluster is: the ontology's definition, in the page's language.
        definition = next(
            str(d)
            for d in data.objects(KC.ClusterInitiative, SKOS.definition)
            if d.language == lang
        )
        assert definition in text, (where, lang)
        # How many: from the data, in words before the list.
        intro = text.split(definition, 1)[1][:400]
        assert f" {len(clusters)} " in intro, (where, lang, intro)
        # No developer jargon before the first cluster; the ways in for programs come after the
        # clusters, in one block.
        first_cluster = html.index('<table class="clusters"')
        before = html[:first_cluster].split('<main id="main"', 1)[1]
        for jargon in ("IRI", "text/turtle", "dereferenc", "application/", "SPARQL 1.1"):
            assert jargon not in before, (where, lang, jargon)
        block = html.index('<section class="ways-in" id="data">')
        assert block > first_cluster, (where, lang)
        ways_in = html[block:].split("</section>", 1)[0]
        assert "dataset" in ways_in and "DCAT" in ways_in, (where, lang)
        if where == "serve":
            assert "text/turtle" in ways_in and "/sparql" in ways_in, lang
            assert "/reconcile" in ways_in, lang
        # The filters are folded in a <details> (open where the window is wide: base.html).
        assert '<details class="filters" id="filters"><summary><h2>' in html, (where, lang)
    assert seen == 4


# --- the home page in a real browser: phone and desktop -----------------------------------------

HOME_LAYOUT = """
const first = document.querySelector('table.clusters tr:nth-child(2)');
const filters = document.querySelector('details.filters');
const value = filters.querySelector('h3 + ul a');
const results = document.querySelector('section.results');
return {
  firstClusterTop: first.getBoundingClientRect().top + window.scrollY,
  filtersTop: filters.getBoundingClientRect().top + window.scrollY,
  filtersLeft: filters.getBoundingClientRect().left,
  resultsLeft: results.getBoundingClientRect().left,
  resultsTop: results.getBoundingClientRect().top + window.scrollY,
  open: filters.open,
  valueShown: value.checkVisibility(),
  filtersHeight: filters.getBoundingClientRect().height,
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  innerHeight: window.innerHeight,
};
"""


def home_urls(real_app, static_site) -> list[str]:
    return [
        url
        for lang in ("en", "pl")
        for url in (
            real_app.base + serve_path("home", lang),
            static_site + static_path("home", lang),
        )
    ]


@needs_browser
def test_on_a_phone_the_clusters_come_first_and_the_filters_fold_away(
    real_app, static_site, browser
):
    from selenium.webdriver.common.by import By

    urls = home_urls(real_app, static_site)
    with phone(browser):
        for url in urls:
            browser.get(url)
            at = browser.execute_script(HOME_LAYOUT)
            assert at["innerWidth"] == 390, at
            assert at["scrollWidth"] <= at["innerWidth"], f"{url}: scrolls sideways: {at}"
            # Folded: no filter value is drawn, and the first cluster is on the first screen.
            assert not at["open"] and not at["valueShown"] and at["filtersHeight"] < 60, (url, at)
            assert at["firstClusterTop"] < at["innerHeight"], (url, at)
            # One tap opens them, without script.
            browser.find_element(By.CSS_SELECTOR, "details.filters > summary").click()
            opened = browser.execute_script(HOME_LAYOUT)
            assert opened["open"] and opened["valueShown"] and opened["filtersHeight"] > 200, url
            assert opened["scrollWidth"] <= opened["innerWidth"], url
    assert len(urls) == 4


@needs_browser
def test_on_a_wide_screen_the_filters_stand_beside_the_clusters(real_app, static_site, browser):
    urls = home_urls(real_app, static_site)
    with desktop(browser, 1280, 900):
        for url in urls:
            browser.get(url)
            at = browser.execute_script(HOME_LAYOUT)
            assert at["valueShown"] and at["filtersHeight"] > 200, f"{url}: filters hidden: {at}"
            assert at["filtersLeft"] < at["resultsLeft"], (url, at)
            assert abs(at["filtersTop"] - at["resultsTop"]) < 40, (url, at)
            assert at["scrollWidth"] <= at["innerWidth"], (url, at)
    assert len(urls) == 4


# --- cluster pages: each fact once --------------------------------------------------------------

CLUSTERS = sorted(
    str(c).rsplit("/", 1)[1]
    for c in rdflib.Graph()
    .parse(ROOT / "data" / "clusters.ttl")
    .subjects(RDF.type, KC.ClusterInitiative)
)

# The text a reader sees in <main>, without the descriptions (the curators' summary repeats the
# facts in prose, and the summary's other language stays among the statements "As data").
VISIBLE_TEXT = """
const main = document.querySelector('main');
for (const e of main.querySelectorAll('p.description')) e.remove();
for (const th of main.querySelectorAll('#as-data th a[title="dcterms:description"]')) {
  th.closest('tr').remove();
}
return main.innerText;
"""


def _label(graph: rdflib.Graph, term, lang: str) -> str:
    labels = {
        lit.language: str(lit)
        for predicate in (SKOS.prefLabel, RDFS.label)
        for lit in graph.objects(term, predicate)
    }
    return labels.get(lang) or labels.get("en") or next(iter(labels.values()))


def facts_said_once(graph: rdflib.Graph, slug: str, lang: str) -> list[str]:
    """What a cluster's page must say exactly once: the source's wording of each count, the
    name of each organisation with a role in it, each status."""
    cluster = next(
        c for c in graph.subjects(RDF.type, KC.ClusterInitiative) if str(c).endswith("/" + slug)
    )
    said = []
    for predicate in (KC.memberCount, KC.memberTypeCount, KC.partnerCount):
        for node in graph.objects(cluster, predicate):
            said += [str(w) for w in graph.objects(node, KC.statedAs)]
    for role in graph.subjects(KC.roleIn, cluster):
        said += [_label(graph, holder, lang) for holder in graph.objects(role, KC.heldBy)]
    for status in graph.objects(cluster, KC.status):
        said += [_label(graph, kind, lang) for kind in graph.objects(status, KC.statusType)]
    return said


def test_every_cluster_was_found():
    assert len(CLUSTERS) == 8


def test_every_statement_is_on_the_cluster_page_once(project):
    """Each statement of a cluster and of its hash nodes is either a fact for people (with its
    source as a footnote) or a row of the table "As data" (with its origin): never both, never
    neither."""
    store = EmbeddedStore.from_files(
        [*project.ontology_files(), *project.dataset_files()], GRAPH_BASE
    )
    checked = 0
    for slug in CLUSTERS:
        iri = f"{ID_BASE}cluster/{slug}"
        desc = describe(store, iri, SITE)
        gather(store, desc)
        own = {t for t in desc.triples if str(t[0]) == iri or str(t[0]).startswith(iri + "#")}
        for lang in ("en", "pl"):
            _template, context = resource_page(desc, lang, store)
            view, people = context["r"], context["p"]
            rows = view["properties"] + [row for n in view["nodes"] for row in n["properties"]]
            tabled = sum(len(row["values"]) for row in rows)
            shown = own & people["shown"]
            assert len(shown) + tabled == len(own), (slug, lang)
            assert len(shown) > tabled, f"{slug} ({lang}): the facts show most statements"
            checked += 1
    assert checked == 2 * len(CLUSTERS)


@needs_browser
@pytest.mark.parametrize("lang", ["en", "pl"])
def test_a_cluster_page_states_each_fact_once(real_app, browser, data, lang):
    checked = 0
    with desktop(browser, 1280, 900):
        for slug in CLUSTERS:
            browser.get(f"{real_app.base}/{lang}/id/cluster/{slug}")
            text = browser.execute_script(VISIBLE_TEXT)
            for fact in facts_said_once(data, slug, lang):
                assert text.count(fact) == 1, f"{slug} ({lang}): {fact!r} {text.count(fact)} times"
                checked += 1
    assert checked > 10, "the data gave the facts to look for"


@needs_browser
def test_the_intelligent_lighting_page_is_short(real_app, browser):
    """It ran to 3,084 px at 1280 px wide when its facts were stated two or three times (the
    statements' table, the hash nodes' sections, the composition's picture beside its list);
    stated once, it is about 1,350 px. The bound leaves room for the frame to grow."""
    with desktop(browser, 1280, 900):
        browser.get(real_app.base + "/en/id/cluster/intelligent-lighting")
        height = browser.execute_script("return document.documentElement.scrollHeight")
    assert height < 2000, height

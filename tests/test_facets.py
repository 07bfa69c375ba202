"""The index to explore (pages/facets.py) and its pictures (pages/pictures.py): counts that
match the data (computed here with rdflib from the Turtle files), narrower sectors counted
under broader ones, query-string filters on a running `serve`, a page per facet value in the
static site in both languages, SVG that is well-formed and draws a bound as a bound, the same
bytes each time."""

from __future__ import annotations

import re
import urllib.parse
import xml.etree.ElementTree as ET
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Namespace, URIRef

from krakow_clusters.pages.facets import (
    FACETS,
    FilterError,
    cluster_facts,
    cluster_view,
    composition_of,
    explore,
    index_page,
    parse_selection,
)
from krakow_clusters.pages.pictures import composition_svg
from krakow_clusters.project import Project
from krakow_clusters.release.site import write_site

from .appserver import get
from .facet_data import KC, expected_members, source_graph
from .identity import ID_BASE, SITE

ROOT = Path(__file__).resolve().parents[1]
GRAPH = source_graph(Project(ROOT))
EXPECTED = expected_members(GRAPH)
KIND = {f.name: f.kind for f in FACETS}
# Every (facet, slug) some cluster has: a page of the static site each, and a filter to try.
VALUES = sorted(
    (facet, iri.rsplit("/", 1)[1])
    for facet, iri in EXPECTED
    if iri == f"{ID_BASE}{KIND[facet]}/{iri.rsplit('/', 1)[1]}"
)
SVG = "{http://www.w3.org/2000/svg}"
SDO = Namespace("https://schema.org/")


def slug(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def counts(view: dict) -> dict[tuple[str, str], int]:
    return {(f["name"], v["iri"]): v["count"] for f in view["facets"] for v in f["values"]}


def test_the_data_gives_values_to_every_facet():
    assert len(VALUES) > 25
    assert {facet for facet, _slug in VALUES} == set(KIND)


def test_facet_counts_match_the_data(dataset):
    view = explore(dataset, SITE, [], "en")
    assert counts(view) == {key: len(clusters) for key, clusters in EXPECTED.items()}
    assert len(view["clusters"]) == view["total"] == 8


@pytest.mark.parametrize(("facet", "value"), VALUES)
def test_a_filter_keeps_the_clusters_with_the_value_and_counts_among_them(dataset, facet, value):
    view = explore(dataset, SITE, [(facet, value)], "en")
    kept = EXPECTED[(facet, f"{ID_BASE}{KIND[facet]}/{value}")]
    assert {c["iri"] for c in view["clusters"]} == kept
    expected = {key: len(clusters & kept) for key, clusters in EXPECTED.items()}
    assert counts(view) == {key: n for key, n in expected.items() if n}
    assert [(c["facet"], c["label"]["text"]) for c in view["chosen"]], "the filter is shown"


def test_two_filters_keep_the_clusters_with_both(dataset):
    view = explore(dataset, SITE, [("sector", "construction"), ("helix", "academia")], "en")
    both = EXPECTED[("sector", ID_BASE + "sector/construction")]
    both &= EXPECTED[("helix", ID_BASE + "helix/academia")]
    assert {c["iri"] for c in view["clusters"]} == both
    assert both, "the data has clusters with both"


def test_a_narrower_sector_counts_under_the_broader_one(dataset):
    cleantech = URIRef(ID_BASE + "sector/cleantech")
    clean_energy = URIRef(ID_BASE + "cluster/malopolsko-podkarpacki-clean-energy")
    # The cluster is tagged with clean energy only, a narrower sector of clean technologies.
    assert (clean_energy, KC.sector, cleantech) not in GRAPH
    view = explore(dataset, SITE, [("sector", "cleantech")], "en")
    assert str(clean_energy) in {c["iri"] for c in view["clusters"]}
    construction = explore(dataset, SITE, [("sector", "construction")], "en")
    infrastructure = ID_BASE + "cluster/sustainable-infrastructure"
    assert infrastructure in {c["iri"] for c in construction["clusters"]}
    sector_counts = counts(explore(dataset, SITE, [], "en"))
    assert sector_counts[("sector", str(cleantech))] == 2


@pytest.mark.parametrize(
    "params",
    [
        [("sector", "no-such-sector")],
        [("sector", "clean energy")],
        [("sector", "x" * 500)],
        [("helix", "clean-energy")],  # a sector's slug is no helix
        [("colour", "red")],
        [("sort", "size")],
        [("region", "krakow")],  # a place that no cluster draws members from
    ],
)
def test_a_filter_the_data_cannot_answer_is_refused_in_one_line(dataset, params):
    with pytest.raises(FilterError) as caught:
        explore(dataset, SITE, params, "en")
    message = str(caught.value)
    assert "\n" not in message and len(message) < 400, message


def test_parse_selection_orders_filters_canonically():
    selection = parse_selection([("region", "poland"), ("sector", "ict"), ("sort", "members")])
    assert selection.query_string() == "sector=ict&region=poland&sort=members"
    assert selection.with_filter("sector", "ict").query_string() == "region=poland&sort=members"


def _stated_totals() -> dict[str, int]:
    found = {}
    for cluster, count in GRAPH.subject_objects(KC.memberCount):
        # A bare number is schema:value, the number of "more than 70" kc:statedNumber.
        number = GRAPH.value(count, SDO.value) or GRAPH.value(count, KC.statedNumber)
        found[str(cluster)] = int(number)
    return found


def test_sorted_by_the_stated_count_largest_first_then_those_without(dataset):
    view = explore(dataset, SITE, [("sort", "members")], "en")
    totals = _stated_totals()
    order = [c["iri"] for c in view["clusters"]]
    with_number = sorted(totals, key=lambda c: -totals[c])
    assert order[: len(with_number)] == with_number
    assert len(order) == 8 and not set(order[len(with_number) :]) & set(totals)


class Html(HTMLParser):
    """Links, table cells and the first table's cluster links of a page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.cells: list[str] = []
        self.table_links: list[str] = []
        self.facet_links: list[tuple[str, str]] = []  # (href, class)
        self._cell: list[str] | None = None
        self._table = 0
        self._nav = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "clusters" in (a.get("class") or ""):
            self._table = 1
        if tag == "nav" and "facets" in (a.get("class") or ""):
            self._nav = True
        if tag == "td":
            self._cell = []
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
            if self._table and "/cluster/" in a["href"]:
                self.table_links.append(a["href"])
            if self._nav:
                self.facet_links.append((a["href"], a.get("class") or ""))

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = 0
        if tag == "nav":
            self._nav = False
        if tag == "td" and self._cell is not None:
            self.cells.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_the_home_page_shows_each_size_as_stated_and_no_empty_cell(dataset):
    from krakow_clusters.pages.render import Pages

    for lang in ("en", "pl"):
        html = Pages(SITE).render(
            "home.html", lang=lang, title="t", **index_page(dataset, SITE, [], lang)
        )
        # The sizes: member counts and breakdowns (a count of partners is not a size).
        for link in (KC.memberCount, KC.memberTypeCount):
            for count in GRAPH.objects(None, link):
                wording = GRAPH.value(count, KC.statedAs)
                assert html_escape(str(wording), quote=False) in html, wording
        assert "" not in Html(html).cells, "an empty cell"


# --- serve ----------------------------------------------------------------------------------------


def html(server, path: str, **headers: str) -> Html:
    status, _headers, body = get(server.base + path, "text/html", **headers)
    assert status == 200, (path, status, body[:200])
    return Html(body.decode("utf-8"))


def clusters_of(page: Html) -> set[str]:
    return {ID_BASE + h.split("/id/", 1)[1] for h in page.table_links}


def test_query_string_filters_on_serve(app):
    page = html(app, "/?sector=cleantech")
    assert clusters_of(page) == EXPECTED[("sector", ID_BASE + "sector/cleantech")]
    # The selected value removes the filter; another value adds itself to it.
    selected = [h for h, cls in page.facet_links if "selected" in cls]
    assert selected == ["/"]
    helix = next(h for h, _cls in page.facet_links if "helix=business" in h)
    assert dict(urllib.parse.parse_qsl(helix.split("?", 1)[1])) == {
        "sector": "cleantech",
        "helix": "business",
    }
    both = html(app, helix)
    expected = EXPECTED[("sector", ID_BASE + "sector/cleantech")]
    expected &= EXPECTED[("helix", ID_BASE + "helix/business")]
    assert clusters_of(both) == expected


def test_every_facet_link_of_the_home_page_answers_with_its_clusters(app):
    page = html(app, "/")
    links = [h for h, _cls in page.facet_links if h.startswith("/?")]
    assert len(links) == len(VALUES)
    for href in links:
        (name, value), *_rest = urllib.parse.parse_qsl(href[2:])
        assert clusters_of(html(app, href)) == EXPECTED[(name, f"{ID_BASE}{KIND[name]}/{value}")]


def test_the_facet_path_is_the_same_page_as_the_query_string(app):
    def main(path: str) -> str:
        _status, _headers, body = get(app.base + path, "text/html")
        return body.decode().split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0]

    assert main("/facet/status/national-key-cluster") == main("/?status=national-key-cluster")


def test_sorting_on_serve(app):
    page = html(app, "/?sort=members")
    totals = _stated_totals()
    order = [ID_BASE + h.split("/id/", 1)[1] for h in page.table_links]
    assert order[: len(totals)] == sorted(totals, key=lambda c: -totals[c])


@pytest.mark.parametrize(
    "path",
    [
        "/?sector=no-such-sector",
        "/?colour=red",
        "/?sort=size",
        "/?sector=%00",
        "/?sector=%C3%A9",
        "/pl/?helix=clean-energy",
        "/facet/sector/no-such-sector",
        "/facet/colour/red",
    ],
)
def test_a_filter_the_data_cannot_answer_is_a_400_in_one_line(app, path):
    # A program (no Accept, or */*) gets the one line; a browser a page (tests/test_refusals.py).
    for accept in (None, "*/*", "application/json, text/html;q=0.5"):
        status, headers, body = get(app.base + path, accept)
        assert status == 400, (path, status)
        assert headers["Content-Type"].startswith("text/plain")
        assert body.count(b"\n") == 1 and body.endswith(b"\n"), body
    status, headers, body = get(app.base + path, "text/html")
    assert status == 400 and headers["Content-Type"].startswith("text/html"), (path, status)


def test_filters_in_polish(app):
    page = html(app, "/pl/?sector=construction")
    assert clusters_of(page) == EXPECTED[("sector", ID_BASE + "sector/construction")]
    assert "/pl/" in [h for h, _cls in page.facet_links]
    assert any(h.startswith("/pl/?sector=construction&") for h, _cls in page.facet_links)


def test_no_filter_matches_says_so(app):
    status, _headers, body = get(app.base + "/?sector=film-industry&status=national-key-cluster")
    assert status == 200
    assert "No cluster has every value chosen." in body.decode()


# --- the static site ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("facet-site") / "site"
    write_site(dataset, SITE, out)
    return out


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_the_static_site_has_a_page_per_facet_value_in_each_language(site: Path, lang: str):
    root = site if lang == "en" else site / "pl"
    for facet, value in VALUES:
        page = root / "facet" / facet / f"{value}.html"
        assert page.is_file(), page
        text = page.read_text("utf-8")
        assert f'<html lang="{lang}">' in text
        found = {
            ID_BASE + h.split("id/", 1)[1].removesuffix(".html") for h in Html(text).table_links
        }
        assert found == EXPECTED[(facet, f"{ID_BASE}{KIND[facet]}/{value}")], page


def test_the_static_facet_links_resolve(site: Path):
    checked = 0
    for lang_root in (site, site / "pl"):
        for page in [lang_root / "index.html", *sorted((lang_root / "facet").rglob("*.html"))]:
            for href, _cls in Html(page.read_text("utf-8")).facet_links:
                target = (page.parent / href.partition("#")[0]).resolve()
                assert target.is_file(), (page, href)
                checked += 1
    assert checked > 2 * len(VALUES)


def test_two_static_sites_are_the_same_bytes(dataset, site: Path, tmp_path: Path):
    again = tmp_path / "site"
    write_site(dataset, SITE, again)
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second


# --- pictures -------------------------------------------------------------------------------------


def svgs(text: str) -> list[ET.Element]:
    found = [ET.fromstring(s) for s in re.findall(r"<svg\b.*?</svg>", text, re.S)]
    assert found, "no picture"
    return found


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_every_picture_is_well_formed_with_a_title_and_a_description(site: Path, lang: str):
    page = (site if lang == "en" else site / "pl") / "index.html"
    pictures = svgs(page.read_text("utf-8"))
    assert len(pictures) == 4  # member counts, the lighting cluster's composition, helices, network
    for svg in pictures:
        assert svg.get("role") == "img"
        title, desc = svg.find(SVG + "title"), svg.find(SVG + "desc")
        assert title is not None and title.text and desc is not None and desc.text
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert svg.find(f".//{SVG}style") is None, "no <style>: the CSP allows none"
        assert not [e for e in svg.iter() if "style" in e.attrib], "no style attribute either"
        assert not [e for e in svg.iter() if "href" in e.attrib or e.tag == SVG + "image"]


def _classes(svg: ET.Element) -> list[str]:
    return [c for e in svg.iter() for c in (e.get("class") or "").split()]


def test_a_bound_is_drawn_as_a_bound_not_as_an_exact_bar(site: Path):
    members = svgs((site / "index.html").read_text("utf-8"))[0]
    classes = _classes(members)
    qualifiers = {}
    for count in GRAPH.objects(None, KC.memberCount):
        qualifier = slug(str(GRAPH.value(count, KC.qualifier)))
        qualifiers[qualifier] = qualifiers.get(qualifier, 0) + 1
    assert qualifiers["more-than"] == 1 and qualifiers["almost"] == 1, "the data as it is"
    assert classes.count("lower-bound") == qualifiers["more-than"]
    assert classes.count("upper-bound") == qualifiers["almost"]
    assert classes.count("exact") == qualifiers["stated"]
    # "more than 70": a solid part, then an open part filled with the fading gradient.
    group = next(e for e in members.iter() if "lower-bound" in (e.get("class") or ""))
    fills = [r.get("fill") for r in group.iter(SVG + "rect")]
    assert fills[0].startswith("#") and fills[1].startswith("url(#")


def test_the_composition_of_one_cluster(dataset):
    facts = cluster_facts(dataset, SITE)
    lighting = ID_BASE + "cluster/intelligent-lighting"
    view = cluster_view(lighting, facts[lighting], "pl", {}, SITE)
    svg = ET.fromstring(str(composition_svg(view, "pl", pid="c")))
    text = " ".join("".join(t.itertext()) for t in svg.iter(SVG + "text"))
    for count in GRAPH.objects(URIRef(lighting), KC.memberTypeCount):
        assert str(GRAPH.value(count, KC.statedAs)) in text
    assert _classes(svg).count("exact") == 4
    bim = ID_BASE + "cluster/bim"
    assert composition_svg(cluster_view(bim, facts[bim], "en", {}, SITE), "en") is None


def test_the_composition_for_a_cluster_page(dataset):
    from krakow_clusters.pages.render import Pages

    lighting = ID_BASE + "cluster/intelligent-lighting"
    comp = composition_of(dataset, SITE, lighting, "pl", pid="composition")
    assert comp is not None and comp["cluster"]["iri"] == lighting
    assert [p["value"] for p in comp["cluster"]["breakdown"]] == [31, 19, 7, 6]
    assert comp["cluster"]["breakdown"][0]["type_label"]["text"] == "przedsiębiorstwa"
    template = (
        Pages(SITE)
        .envs["pl"]
        .from_string(
            '{% from "pictures.html" import composition with context %}{{ composition(comp) }}'
        )
    )
    figure = template.render(comp=comp)
    assert figure.count("<tr>") == 5 and 'aria-labelledby="composition-title' in figure
    assert composition_of(dataset, SITE, ID_BASE + "cluster/bim", "en") is None
    assert composition_of(dataset, SITE, ID_BASE + "cluster/no-such-cluster", "en") is None
    assert composition_of(dataset, SITE, ID_BASE + "cluster/x>) <y", "en") is None


def test_pictures_are_the_same_bytes_each_time(dataset):
    first = index_page(dataset, SITE, [], "pl")["pictures"]
    second = index_page(dataset, SITE, [], "pl")["pictures"]
    assert str(first["network"]) == str(second["network"])
    assert str(first["members"]) == str(second["members"])


def test_the_count_line_agrees_with_the_total_in_number(app):
    """ "1 of 8 clusters": the noun follows the total it counts out of, not the clusters shown."""
    one = next(k for k, v in EXPECTED.items() if len(v) == 1)
    name, iri = one
    slug = iri.rsplit("/", 1)[1]
    status, _headers, body = get(app.base + f"/en/?{name}={slug}", "text/html")
    assert status == 200
    assert "1 of 8 clusters" in body.decode()


def test_a_static_facet_link_counts_the_clusters_of_the_page_it_leads_to(site: Path):
    """On a static facet page a value's link leads to that value's own page (one filter a page),
    so its count is the number of clusters there, not among the clusters of the current page."""
    # The chosen value's link removes the filter: it leads to the index, not to a value's page.
    pattern = re.compile(
        r'<a href="([^"]+)"(?! class="selected")[^>]*>(?:(?!</a>).)*</a> '
        r'<span class="count">(\d+)</span>',
        re.S,
    )
    checked = 0
    for lang_root in (site, site / "pl"):
        for page in sorted((lang_root / "facet").rglob("*.html")):
            for href, count in pattern.findall(page.read_text("utf-8")):
                target = (page.parent / href).resolve()
                shown = Html(target.read_text("utf-8")).table_links
                assert len(shown) == int(count), (page, href, count)
                checked += 1
    assert checked > 2 * len(VALUES)

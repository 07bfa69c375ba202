"""issue 24: a count stated as an approximation ("około 40", "about 40") is qualified cq:about:
the pages read it in their language and draw it as a bar outlined in dashes (no bound), where
the workbook once refused it. (The shapes: tests/fixtures/shapes/*/about-count*.ttl; the rule
table: tests/test_workbook.py.)"""

from __future__ import annotations

from rdflib import Literal

from krakow_clusters.pages.facets import count_view
from krakow_clusters.pages.pictures import member_counts_svg
from krakow_clusters.workbook.counts import read_count

ABOUT = {
    "iri": "https://example.org/id/cluster/x#members",
    "value": 40,
    "qualifier": "about",
    "qlabels": [Literal("about", lang="en"), Literal("około", lang="pl")],
    "stated": "około 40 firm",
    "min": None,
    "max": None,
}


def test_an_about_count_reads_about_in_the_page_language():
    assert count_view(ABOUT, "en")["short"] == "about 40"
    assert count_view(ABOUT, "pl")["short"] == "około 40"


def test_an_about_count_is_a_dashed_bar_and_an_exact_one_is_not():
    def drawn(count: dict) -> str:
        total = count_view(count, "en")
        name = {"text": "X", "lang": "en"}
        return str(member_counts_svg([{"name": name, "total": total, "breakdown": None}], "en"))

    about = drawn(ABOUT)
    assert 'class="count approximate"' in about and 'stroke-dasharray="3 2"' in about
    assert ">about 40<" in about
    exact = drawn({**ABOUT, "qualifier": "stated", "qlabels": []})
    assert 'class="count exact"' in exact and "stroke-dasharray" not in exact


def test_the_workbook_reads_an_approximation_as_about_with_no_bound():
    count = read_count("około 40 firm", "pl", ("en", "pl"))
    assert (count.qualifier, count.number_property, count.bound_property) == (
        "about",
        "statedNumber",
        None,
    )

"""One site (issue 25, item 3): the ontology's documentation is rendered once (pages/views
.ontology_view, pages/templates/ontology.html), inside the site's frame and navigation, in every
language of the project: served at /ontology and written by build into ontology/index.{lang}.html
(the files the w3id redirects name)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from krakow_clusters.release.build import build

from .appserver import get
from .browser import needs_browser
from .identity import SETTINGS

LANGUAGES = SETTINGS.languages


class Outline(HTMLParser):
    """The ids and the headings' texts of a page, and its links."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.headings: list[str] = []
        self.hrefs: list[str] = []
        self._heading: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(found["id"])
        if tag == "a" and found.get("href"):
            self.hrefs.append(found["href"])
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading.append(data)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_served_and_built_are_one_rendering(real_app, real_release: Path, lang):
    _status, _headers, body = get(f"{real_app.base}/{lang}/ontology", "text/html")
    served = Outline(body.decode("utf-8"))
    built = Outline((real_release / "ontology" / f"index.{lang}.html").read_text("utf-8"))
    assert len(served.ids) > 50 and "memberCount" in served.ids
    assert served.ids == built.ids
    assert served.headings == built.headings
    # Both in the site's frame: the navigation, to serve's pages or to the static site's.
    assert f"/{lang}/queries/" in served.hrefs
    home = "../site/index.html" if lang == LANGUAGES[0] else f"../site/{lang}/index.html"
    assert home in built.hrefs
    assert "krakow-clusters.ttl" in built.hrefs and f"/{lang}/ontology.ttl" not in built.hrefs


def test_every_link_of_the_built_page_resolves(real_release: Path):
    for lang in LANGUAGES:
        page = real_release / "ontology" / f"index.{lang}.html"
        outline = Outline(page.read_text("utf-8"))
        local = [h for h in outline.hrefs if "://" not in h and not h.startswith(("#", "mailto:"))]
        assert len(local) > 5
        for href in local:
            target = (page.parent / href.split("#", 1)[0]).resolve()
            assert target.is_file(), f"{page.name}: {href} leads nowhere"
        anchors = [h[1:] for h in outline.hrefs if h.startswith("#")]
        assert anchors and set(anchors) <= set(outline.ids)


def test_without_the_site_the_navigation_leads_to_the_published_pages(project, tmp_path):
    out = tmp_path / "dist"
    assert build(project, out, site=False).built
    outline = Outline((out / "ontology" / "index.en.html").read_text("utf-8"))
    assert SETTINGS.base_iri in outline.hrefs  # the home page, at its IRI
    assert not [h for h in outline.hrefs if h.startswith("../site/")]


@needs_browser
def test_the_served_ontology_page_has_the_site_navigation(real_app, browser):
    from selenium.webdriver.common.by import By

    browser.get(real_app.base + "/ontology")
    nav = browser.find_element(By.CSS_SELECTOR, 'nav[aria-label="Site"]')
    assert "Saved queries" in nav.text
    browser.find_element(By.CSS_SELECTOR, 'a[href="#datatype-properties"]').click()
    assert browser.current_url.endswith("/ontology#datatype-properties")
    nav = browser.find_element(By.CSS_SELECTOR, 'nav[aria-label="Site"]')
    nav.find_element(By.LINK_TEXT, "Clusters").click()
    assert browser.current_url == real_app.base + "/"

"""Browser errors as pages of the site (issue 25, item 3): a browser (Accept names text/html, at
a q no other type beats) that asks for a filter value the data lacks, a saved query or a path that
does not exist gets a page with the site's navigation and a way on; any other client keeps the
one-line plain answer."""

from __future__ import annotations

import re

import pytest

from .appserver import get
from .browser import needs_browser

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
PROGRAMS = [None, "*/*", "application/json", "text/turtle, text/html;q=0.5"]

# Path -> (status, a link the page offers as the way on, or None).
REFUSED = {
    "/?sector=clean-enrgy": (400, "/facet/sector/clean-energy"),
    "/facet/helix/no-such-helix": (400, "/facet/helix/business"),
    "/queries/no-such-query": (404, "/queries/overview"),
    "/queries/overview?nope=1": (400, "/queries/overview"),
    "/no/such/page": (404, None),
    "/dist/no-such-file.ttl": (404, None),
}


@pytest.mark.parametrize("path", list(REFUSED))
def test_a_program_keeps_the_one_line(app, path):
    status = REFUSED[path][0]
    for accept in PROGRAMS:
        got, headers, body = get(app.base + path, accept)
        assert got == status, (path, accept, got)
        assert headers["Content-Type"].startswith("text/plain"), (path, accept)
        assert body.count(b"\n") <= 1 and b"<" not in body, body


@pytest.mark.parametrize("path", list(REFUSED))
def test_a_browser_gets_a_page_with_a_way_on(app, path):
    status, way_on = REFUSED[path]
    got, headers, body = get(app.base + path, BROWSER)
    page = body.decode("utf-8")
    assert got == status and headers["Content-Type"].startswith("text/html"), (path, got)
    assert "Accept" in headers["Vary"]
    assert '<nav aria-label="Site">' in page  # the site's navigation
    assert '<a href="/">Clusters</a>' in page  # and home
    if way_on is not None:
        assert f'href="{way_on}"' in page, path


def test_a_mistyped_facet_value_offers_the_closest_first(app):
    _status, _headers, body = get(app.base + "/?sector=clean-enrgy", BROWSER)
    page = body.decode("utf-8")
    links = re.findall(r'<li><a href="(/facet/sector/[^"]+)">', page)
    assert len(links) > 5, "every value of the facet is offered"
    assert links[0] == "/facet/sector/clean-energy"
    assert '<a href="/facet/sector/clean-energy"><strong>' in page
    assert "sector=&#39;clean-enrgy&#39; is not a value of the dataset" in page


def test_the_page_is_in_the_language_asked_for(app):
    status, headers, body = get(app.base + "/pl/?sector=clean-enrgy", BROWSER)
    page = body.decode("utf-8")
    assert status == 400 and headers["Content-Language"] == "pl"
    assert '<html lang="pl">' in page and "<h1>Błędne żądanie</h1>" in page
    assert '<p lang="en">sector=' in page  # the one line is English, and says so
    assert 'href="/pl/facet/sector/clean-energy"' in page


@needs_browser
def test_in_a_browser_the_way_on_leads_to_the_facet(app, browser):
    from selenium.webdriver.common.by import By

    browser.get(app.base + "/?sector=clean-enrgy")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Bad request"
    assert browser.find_elements(By.CSS_SELECTOR, 'nav[aria-label="Site"] a')
    browser.find_element(By.CSS_SELECTOR, "ul.choices a").click()
    assert browser.current_url == app.base + "/facet/sector/clean-energy"
    browser.get(app.base + "/no/such/page")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Not found"
    browser.find_element(By.CSS_SELECTOR, 'nav[aria-label="Site"] a[href="/"]').click()
    assert browser.current_url == app.base + "/"

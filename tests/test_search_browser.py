"""Search in a real headless browser (issue 25, item 1): the search box on the home page finds a
cluster from an unaccented, lower-case, partial name and from its Polish name, and an
organisation from its acronym, on `serve` and in the static site (its own script reading its
index, served by a plain static file server and opened from disk); axe-core finds no violation
on the search pages."""

from __future__ import annotations

import pytest

from .browser import BLOCKING, axe_violations, describe_violations, needs_browser

pytestmark = needs_browser

# (what is typed into the home page's search box, the page of the resource it must find)
TYPED = [
    ("lifescience krak", "/id/cluster/lifescience-krakow"),  # unaccented, lower case, partial
    ("malopolsko podkarp", "/id/cluster/malopolsko-podkarpacki-clean-energy"),
    ("krakowski klaster filmowy", "/id/cluster/cracov-movies"),  # the Polish name
    ("klaster inteligentnego oswietlenia", "/id/cluster/intelligent-lighting"),
    ("cleantech polski poludniowej", "/id/cluster/south-poland-cleantech"),  # ł as l
    ("AGH", "/id/organization/agh-university"),  # the acronym
]


def test_the_table_has_cases():
    assert len(TYPED) >= 5


def _search_from(browser, url: str, typed: str) -> list[str]:
    """Type `typed` into the search box of the page at `url`, send it, and give the links of
    the results (waiting for the page's script where there is one)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)
    box = browser.find_element(By.ID, "site-search")
    box.send_keys(typed, Keys.ENTER)
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "search-summary")))
    assert browser.find_element(By.ID, "search-q").get_attribute("value") == typed
    links = browser.find_elements(By.CSS_SELECTOR, "ol.search-results li > a")
    return [a.get_attribute("href") for a in links]


@pytest.mark.parametrize(("typed", "page"), TYPED)
def test_the_search_box_of_the_home_page_on_serve(real_app, browser, typed, page):
    found = _search_from(browser, real_app.base + "/", typed)
    assert found and found[0] == real_app.base + page, found


@pytest.mark.parametrize(("typed", "page"), TYPED)
def test_the_search_box_of_the_static_home_page(static_site, browser, typed, page):
    found = _search_from(browser, static_site + "/site/index.html", typed)
    assert static_site + "/site" + page + ".html" in found[:3], found


@pytest.mark.parametrize(("typed", "page"), TYPED[:2] + TYPED[-1:])
def test_the_static_search_works_opened_from_disk(real_release, browser, typed, page):
    # No server at all: the folder opened as file://, its index read as a script.
    site = (real_release / "site").resolve().as_uri()
    found = _search_from(browser, site + "/index.html", typed)
    assert site + page + ".html" in found[:3], found


def test_the_static_search_in_polish_leads_to_polish_pages(static_site, browser):
    from selenium.webdriver.common.by import By

    browser.get_log("browser")  # what earlier tests left in the log is not this one's
    found = _search_from(browser, static_site + "/site/pl/index.html", "cracov")
    assert found[0] == static_site + "/site/pl/id/cluster/cracov-movies.html"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "pl"
    assert "Wyniki dla „cracov”" in browser.find_element(By.ID, "search-summary").text
    browser.find_element(By.CSS_SELECTOR, "ol.search-results li > a").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Krakowski Klaster Filmowy"
    # The script ran under no error of its own (a failed load, such as the favicon the static
    # server does not have, is the network's, not the script's).
    severe = [
        e for e in browser.get_log("browser") if e["level"] == "SEVERE" and e["source"] != "network"
    ]
    assert not severe, severe


def test_the_static_search_says_when_nothing_matches(static_site, browser):
    from selenium.webdriver.common.by import By

    _search_from(browser, static_site + "/site/index.html", "gdansk")
    summary = browser.find_element(By.ID, "search-summary").text
    assert summary == "No resource has a name like “gdansk”."


@pytest.mark.parametrize("lang", ["en", "pl"])
@pytest.mark.parametrize("where", ["serve", "static"])
def test_axe_on_the_search_pages_with_results(real_app, static_site, browser, where, lang):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    prefix = "" if lang == "en" else f"{lang}/"
    if where == "serve":
        url = f"{real_app.base}/{prefix}search?q=krak"
    else:
        url = f"{static_site}/site/{prefix}search.html?q=krak"
    browser.get(url)
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "search-summary")))
    assert len(browser.find_elements(By.CSS_SELECTOR, "ol.search-results li")) >= 3
    violations = [v for v in axe_violations(browser) if v["impact"] in BLOCKING]
    assert not violations, "\n".join(describe_violations(url, violations))

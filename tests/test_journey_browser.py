"""A visitor's way through the site in real headless Chromium (issue 14's Tests section): the
index, a filter by sector, Polish, a cluster page; and screenshots of the main pages, left as
test artefacts (tests/browser.py: artefacts_dir)."""

from __future__ import annotations

from .browser import desktop, needs_browser, save_screenshot
from .sitepages import serve_path, static_path

pytestmark = needs_browser

SECTOR = "clean-energy"
IN_SECTOR = "/id/cluster/malopolsko-podkarpacki-clean-energy"
NOT_IN_SECTOR = "/id/cluster/lifescience-krakow"


def _cluster_links(browser) -> list[str]:
    from selenium.webdriver.common.by import By

    links = browser.find_elements(By.CSS_SELECTOR, "main a[href*='/id/cluster/']")
    return [a.get_attribute("pathname") for a in links]


def _switch_to_polish(browser) -> None:
    from selenium.webdriver.common.by import By

    browser.find_element(By.CSS_SELECTOR, "nav.languages a[hreflang='pl']").click()
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "pl"


def _open_a_cluster(browser, path: str) -> None:
    """Follow the first link to the cluster at `path` and check the page's heading."""
    from selenium.webdriver.common.by import By

    link = next(
        a
        for a in browser.find_elements(By.CSS_SELECTOR, "main a[href*='/id/cluster/']")
        if a.get_attribute("pathname").endswith(path)
    )
    name = link.text
    link.click()
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "pl"
    assert browser.find_element(By.TAG_NAME, "h1").text == name


def test_home_then_polish_then_a_cluster(real_app, browser):
    browser.get(real_app.base + "/")
    assert len(set(_cluster_links(browser))) >= 8
    _switch_to_polish(browser)
    assert browser.current_url == real_app.base + "/pl/"
    _open_a_cluster(browser, NOT_IN_SECTOR)
    assert browser.current_url == real_app.base + "/pl" + NOT_IN_SECTOR


def test_home_filtered_by_a_sector_then_polish_then_a_cluster(real_app, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    browser.get(real_app.base + "/")
    # The facet's link is a plain query-string link (it works without script). WebDriver counts
    # whatever is inside a closed <details> as hidden, though a wide window shows the filters
    # (base.html, ::details-content): a pointer's click, where a visitor clicks.
    facet = browser.find_element(
        By.CSS_SELECTOR, f"main a[href*='?'][href*='sector='][href*='{SECTOR}']"
    )
    ActionChains(browser).move_to_element(facet).click().perform()
    assert "sector=" in browser.current_url
    shown = _cluster_links(browser)
    assert any(p.endswith(IN_SECTOR) for p in shown), shown
    assert not any(p.endswith(NOT_IN_SECTOR) for p in shown), shown
    _switch_to_polish(browser)
    assert "sector=" in browser.current_url, "the switch keeps the filter"
    assert not any(p.endswith(NOT_IN_SECTOR) for p in _cluster_links(browser))
    _open_a_cluster(browser, IN_SECTOR)
    assert browser.current_url == real_app.base + "/pl" + IN_SECTOR


# name -> (where: "serve" or "static", page kind, language)
SCREENSHOTS = {
    "home-en": ("serve", "home", "en"),
    "cluster-en": ("serve", "cluster", "en"),
    "cluster-pl": ("serve", "cluster", "pl"),
    "sector-en": ("serve", "sector", "en"),
    "sparql-en": ("serve", "sparql", "en"),
    "saved-query-en": ("serve", "saved-query", "en"),
    "search-en": ("serve", "search", "en"),
    "static-home-pl": ("static", "home", "pl"),
}


def test_screenshots_of_the_main_pages(real_app, static_site, browser):
    with desktop(browser):
        for name, (where, kind, lang) in SCREENSHOTS.items():
            if where == "serve":
                browser.get(real_app.base + serve_path(kind, lang))
            else:
                browser.get(static_site + static_path(kind, lang))
            path = save_screenshot(browser, name)
            assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
            assert path.stat().st_size > 5000, f"{name}: a blank screenshot?"

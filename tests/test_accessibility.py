"""For everyone (issue 14, item 9), in real headless Chromium: axe-core finds no serious or
critical violation on any kind of page, in English and Polish, on `serve` and on the static site;
every page fits a 390 px phone; the keyboard reaches the skip link, the navigation and the
language switch, and shows where it is."""

from __future__ import annotations

import pytest

from .browser import (
    BLOCKING,
    axe_violations,
    describe_violations,
    needs_browser,
    phone,
    save_screenshot,
)
from .sitepages import KINDS, LANGUAGES, STATIC_KINDS, serve_path, static_path

pytestmark = needs_browser

SERVE_CASES = [(kind, lang) for lang in LANGUAGES for kind in KINDS]
STATIC_CASES = [(kind, lang) for lang in LANGUAGES for kind in STATIC_KINDS]


def test_every_page_kind_is_checked():
    assert len(SERVE_CASES) == 2 * len(KINDS) >= 22
    assert len(STATIC_CASES) == 2 * len(STATIC_KINDS) >= 14


def _assert_no_blocking_violation(browser, url: str, lang: str) -> None:
    browser.get(url)
    assert browser.find_element("tag name", "html").get_attribute("lang") == lang
    violations = [v for v in axe_violations(browser) if v["impact"] in BLOCKING]
    assert not violations, "\n".join(describe_violations(url, violations))


@pytest.mark.parametrize(("kind", "lang"), SERVE_CASES, ids=[f"{k}-{lg}" for k, lg in SERVE_CASES])
def test_axe_on_serve(real_app, browser, kind, lang):
    _assert_no_blocking_violation(browser, real_app.base + serve_path(kind, lang), lang)


@pytest.mark.parametrize(
    ("kind", "lang"), STATIC_CASES, ids=[f"{k}-{lg}" for k, lg in STATIC_CASES]
)
def test_axe_on_the_static_site(static_site, browser, kind, lang):
    _assert_no_blocking_violation(browser, static_site + static_path(kind, lang), lang)


def test_axe_runs_under_the_pages_content_security_policy(real_app, browser):
    # axe comes in through WebDriver, not as the page's script: the policy that forbids script
    # still holds on the page axe checks (an inline script added to it does not run).
    browser.get(real_app.base + KINDS["cluster"])
    browser.execute_script(
        "const s = document.createElement('script');"
        "s.textContent = 'window.inlineRan = true'; document.body.append(s);"
    )
    assert browser.execute_script("return window.inlineRan === undefined")
    assert isinstance(axe_violations(browser), list)


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_page_kind_fits_a_phone(real_app, browser, kind):
    # No horizontal scroll of the page at 390 px: long names wrap, a wide table of results
    # scrolls inside its own frame.
    with phone(browser):
        for lang in LANGUAGES:
            browser.get(real_app.base + serve_path(kind, lang))
            width, viewport = browser.execute_script(
                "return [document.documentElement.scrollWidth,"
                " document.documentElement.clientWidth]"
            )
            assert viewport == 390
            if kind == "home":
                save_screenshot(browser, f"phone-home-{lang}")
            assert width <= 390, f"{kind} ({lang}) is {width} px wide on a 390 px phone"


@pytest.mark.parametrize("kind", list(STATIC_KINDS))
def test_every_static_page_kind_fits_a_phone(static_site, browser, kind):
    with phone(browser):
        for lang in LANGUAGES:
            browser.get(static_site + static_path(kind, lang))
            width = browser.execute_script("return document.documentElement.scrollWidth")
            assert width <= 390, f"{kind} ({lang}) is {width} px wide on a 390 px phone"


def _focused(browser) -> dict:
    return browser.execute_script(
        """const e = document.activeElement; const s = getComputedStyle(e);
        const r = e.getBoundingClientRect();
        return {tag: e.tagName.toLowerCase(), href: e.getAttribute('href'),
                cls: e.className, text: e.textContent.trim(), hreflang: e.getAttribute('hreflang'),
                nav: e.closest('nav') ? e.closest('nav').getAttribute('aria-label') : null,
                outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
                visible: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0};"""
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_keyboard_skips_to_the_content_and_reaches_the_navigation(real_app, browser, lang):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(real_app.base + serve_path("cluster", lang))
    main_links = browser.execute_script(
        "return [...document.querySelectorAll('header nav:first-of-type a')]"
        ".map(a => a.getAttribute('href'))"
    )
    assert len(main_links) >= 4

    def tab() -> None:  # a chain forgets its actions once performed
        ActionChains(browser).send_keys(Keys.TAB).perform()

    # The first Tab lands on the skip link, shown where it can be seen, with an outline.
    tab()
    first = _focused(browser)
    assert first["cls"] == "skip" and first["href"] == "#main", first
    assert first["visible"], "the skip link stays off screen when focused"
    assert first["outline"] != "none" and first["outlineWidth"] >= 2, first
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    assert browser.execute_script("return document.activeElement.id") == "main"
    assert browser.current_url.endswith("#main")

    # From the top, Tab goes through the main navigation, then the language switch, each with
    # a visible outline.
    browser.get(real_app.base + serve_path("cluster", lang))
    reached = []
    for _ in range(len(main_links) + 4):
        tab()
        focused = _focused(browser)
        reached.append(focused)
        if focused["hreflang"]:
            break
    hrefs = [f["href"] for f in reached]
    assert all(href in hrefs for href in main_links), (main_links, hrefs)
    switch = reached[-1]
    assert switch["hreflang"] and switch["hreflang"] != lang, "Tab did not reach the switch"
    assert all(f["outline"] != "none" and f["outlineWidth"] >= 2 for f in reached), reached


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_on_the_query_editor_with_an_answer(real_app, browser, lang):
    # The editor (YASGUI) draws its results' controls after an answer: they are checked too.
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(real_app.base + f"/{lang}/sparql?example=clusters-by-size")
    WebDriverWait(browser, 30).until(lambda b: b.execute_script("return !!window.kcYasgui"))
    browser.execute_script("window.kcYasgui.getTab().query()")
    WebDriverWait(browser, 30).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#editor .yasr table")
    )
    violations = [v for v in axe_violations(browser) if v["impact"] in BLOCKING]
    assert not violations, "\n".join(describe_violations(browser.current_url, violations))

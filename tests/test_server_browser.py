"""The HTML site in a real headless browser (Debian's chromium and chromedriver, with Selenium)."""

from __future__ import annotations

from .browser import needs_browser

pytestmark = needs_browser


def test_cluster_page_shows_name_and_member_count(app, browser):
    from selenium.webdriver.common.by import By

    browser.get(app.base + "/id/cluster/lifescience-krakow")
    assert browser.find_element(By.TAG_NAME, "h1").text == "LifeScience Kraków Cluster"
    members = browser.find_element(By.ID, "members")
    assert members.is_displayed()
    assert "more than 70 private and public entities" in members.text
    assert "70" in members.text


def test_a_link_leads_to_the_coordinator_page(app, browser):
    from selenium.webdriver.common.by import By

    browser.get(app.base + "/id/cluster/lifescience-krakow")
    role = browser.find_element(By.ID, "coordinator")
    link = role.find_element(By.CSS_SELECTOR, 'a[href^="/id/organization/"]')
    name = link.text
    link.click()
    assert browser.current_url.startswith(app.base + "/id/organization/")
    assert browser.find_element(By.TAG_NAME, "h1").text == name
    # The coordinator's page links back to the cluster's role through its incoming links.
    back = browser.find_element(
        By.CSS_SELECTOR, 'a[href="/id/cluster/lifescience-krakow#coordinator"]'
    )
    assert back.text == "LifeScience Kraków Cluster › coordinator"


def test_the_stylesheet_applies_under_the_content_security_policy(app, browser):
    # The policy allows no inline style but the pages' own stylesheet, by its hash: a browser that
    # enforces it still applies that stylesheet (a wrong hash would leave the page unstyled).
    from selenium.webdriver.common.by import By

    browser.get(app.base + "/id/cluster/bim")
    body = browser.find_element(By.TAG_NAME, "body")
    assert body.value_of_css_property("max-width") == "960px"  # 60rem
    header = browser.find_element(By.TAG_NAME, "header")
    assert header.value_of_css_property("border-bottom-style") == "solid"
    # The forms still send their query (form-action 'self'). (The query page's form makes way
    # for its editor when script runs: tests/test_sparql_editor.py.)
    browser.get(app.base + "/queries/clusters-in-sector")
    from selenium.webdriver.support.ui import WebDriverWait

    # (the query's form in the page's main part, not the header's search box)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    # The click returns before the next page has loaded: wait for its answer.
    WebDriverWait(browser, 30).until(lambda b: "?sector=" in b.current_url)
    assert browser.find_elements(By.CSS_SELECTOR, "table.results")
    assert "/queries/clusters-in-sector?sector=sector%3Aconstruction" in browser.current_url

"""The static site in a real headless browser, served by a plain static file server (the
session's `static_site`, tests/sitepages.py)."""

from __future__ import annotations

from .browser import needs_browser

pytestmark = needs_browser


def test_from_the_home_page_to_a_cluster_and_on_to_its_coordinator(static_site, browser):
    from selenium.webdriver.common.by import By

    browser.get(static_site + "/site/index.html")
    assert "Innovation clusters" in browser.find_element(By.TAG_NAME, "h1").text
    browser.find_element(By.LINK_TEXT, "LifeScience Kraków Cluster").click()
    assert browser.current_url == static_site + "/site/id/cluster/lifescience-krakow.html"
    assert browser.find_element(By.TAG_NAME, "h1").text == "LifeScience Kraków Cluster"
    assert "more than 70" in browser.find_element(By.ID, "members").text

    role = browser.find_element(By.ID, "coordinator")
    link = role.find_element(By.CSS_SELECTOR, 'a[href*="/organization/"]')
    name = link.text
    link.click()
    assert browser.current_url.startswith(static_site + "/site/id/organization/")
    assert browser.current_url.endswith(".html")
    assert browser.find_element(By.TAG_NAME, "h1").text == name
    # Back to the cluster's role through the incoming links, anchor included.
    back = browser.find_element(By.LINK_TEXT, "LifeScience Kraków Cluster › coordinator")
    back.click()
    assert browser.current_url.endswith("/site/id/cluster/lifescience-krakow.html#coordinator")
    # The ontology's documentation of the release is a page of the site: its navigation leads
    # back, in the page's language too.
    browser.find_element(By.LINK_TEXT, "Ontology").click()
    assert browser.current_url == static_site + "/ontology/index.en.html"
    assert browser.find_elements(By.CSS_SELECTOR, '#memberCount, [id="memberCount"]')
    browser.find_element(By.CSS_SELECTOR, 'nav[aria-label="Language"] a[hreflang="pl"]').click()
    assert browser.current_url == static_site + "/ontology/index.pl.html"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "pl"
    browser.find_element(By.CSS_SELECTOR, 'nav[aria-label="Serwis"] a').click()
    assert browser.current_url == static_site + "/site/pl/index.html"

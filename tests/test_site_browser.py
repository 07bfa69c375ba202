"""The static site in a real headless browser, served by a plain static file server."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from krakow_clusters.project import Project
from krakow_clusters.release.build import build

from .browser import needs_browser

pytestmark = needs_browser


@pytest.fixture(scope="module")
def static_host(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The release folder on Python's static file server, 127.0.0.1, a free port."""
    out = tmp_path_factory.mktemp("static") / "dist"
    assert build(project, out).built

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(Path(out).resolve()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_from_the_home_page_to_a_cluster_and_on_to_its_coordinator(static_host, browser):
    from selenium.webdriver.common.by import By

    browser.get(static_host + "/site/index.html")
    assert "Innovation clusters" in browser.find_element(By.TAG_NAME, "h1").text
    browser.find_element(By.LINK_TEXT, "LifeScience Kraków Cluster").click()
    assert browser.current_url == static_host + "/site/id/cluster/lifescience-krakow.html"
    assert browser.find_element(By.TAG_NAME, "h1").text == "LifeScience Kraków Cluster"
    assert "more than 70" in browser.find_element(By.ID, "members").text

    role = browser.find_element(By.ID, "coordinator")
    link = role.find_element(By.CSS_SELECTOR, 'a[href*="/organization/"]')
    name = link.text
    link.click()
    assert browser.current_url.startswith(static_host + "/site/id/organization/")
    assert browser.current_url.endswith(".html")
    assert browser.find_element(By.TAG_NAME, "h1").text == name
    # Back to the cluster's role through the incoming links, anchor included.
    back = browser.find_element(By.LINK_TEXT, "LifeScience Kraków Cluster › coordinator")
    back.click()
    assert browser.current_url.endswith("/site/id/cluster/lifescience-krakow.html#coordinator")
    # The navigation leaves the site for the ontology documentation of the release.
    browser.find_element(By.LINK_TEXT, "Ontology").click()
    assert browser.current_url == static_host + "/ontology/index.en.html"

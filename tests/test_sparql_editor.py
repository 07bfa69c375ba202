"""The query page (/sparql) with its SPARQL editor, YASGUI, vendored in the package: in a real
headless browser, the editor replaces the form, runs a query on this server and shows a sortable
table, and the page asks nothing of any other host and breaks no rule of its policy; without
script, the plain form still works; the package's static files are served safely."""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import re
import urllib.parse
from pathlib import Path

import pytest

from krakow_clusters.sparql.library import read_query
from krakow_clusters.web.guard import EDITOR_STYLES

from .appserver import get, post
from .browser import needs_browser
from .identity import NS

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "src" / "krakow_clusters" / "pages" / "static"
YASGUI = STATIC / "yasgui"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/krakow-clusters/ontology#ClusterInitiative> }"  # noqa: E501


# --- the vendored files ---------------------------------------------------------------------------


def test_yasgui_is_vendored_unchanged_with_its_licence():
    readme = (YASGUI / "README.md").read_text(encoding="utf-8")
    assert "@triply/yasgui@4.2.28" in readme and "MIT" in readme
    assert "Permission is hereby granted" in (YASGUI / "LICENSE.txt").read_text(encoding="utf-8")
    listed = dict(re.findall(r"\| `([^`]+)` \| `([0-9a-f]{64})` \|", readme))
    assert set(listed) == {"yasgui.min.js", "yasgui.min.css", "yasgui.min.js.LICENSE.txt"}
    for name, digest in listed.items():
        assert hashlib.sha256((YASGUI / name).read_bytes()).hexdigest() == digest, name


def test_the_editor_styles_allowed_by_hash_are_those_yasgui_inserts():
    # The column resizer bundled in yasgui.min.js adds a constant stylesheet when it draws a
    # table, and another while a column is dragged (its default cursor).
    js = (YASGUI / "yasgui.min.js").read_text(encoding="utf-8")
    texts = [json.loads(t) for t in re.findall(r'createStyle\([a-z],("(?:[^"\\]|\\.)*")\)', js)]
    assert len(texts) == 1
    assert 'dragCursor:"col-resize"' in js and '"*{cursor:"+' in js
    texts.append("*{cursor:col-resize!important}")
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() + "'"
        for t in texts
    ]
    assert tuple(hashes) == EDITOR_STYLES


def test_the_package_ships_the_static_files():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"static/*"' in pyproject and '"static/yasgui/*"' in pyproject


# --- /static/ ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "media"),
    [
        ("yasgui/yasgui.min.js", "text/javascript; charset=utf-8"),
        ("yasgui/yasgui.min.css", "text/css; charset=utf-8"),
        ("yasgui/LICENSE.txt", "text/plain; charset=utf-8"),
        ("sparql.js", "text/javascript; charset=utf-8"),
        ("sparql.css", "text/css; charset=utf-8"),
    ],
)
def test_static_files_are_served_with_their_media_type(app, path, media):
    status, headers, body = get(app.base + "/static/" + path)
    assert status == 200
    assert headers["Content-Type"] == media
    assert body == (STATIC / path).read_bytes()
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "public, max-age=3600"


def test_a_versioned_url_is_cached_for_good_and_gzipped_on_request(app):
    _status, _headers, page = get(app.base + "/sparql", "text/html")
    src = re.search(r'<script src="(/static/yasgui/yasgui\.min\.js\?v=[0-9a-f]+)"', page.decode())
    assert src, "the page loads the editor by its versioned URL"
    status, headers, body = get(app.base + src.group(1), **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == (YASGUI / "yasgui.min.js").read_bytes()
    status, _headers, body = get(app.base + src.group(1), **{"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")


@pytest.mark.parametrize(
    "path",
    [
        "/static/../guard.py",
        "/static/%2e%2e/guard.py",
        "/static/..%2fguard.py",
        "/static/yasgui",
        "/static/yasgui/",
        "/static/",
        "/static/nothing.js",
        "/static//etc/passwd",
        "/static/yasgui/README.md/x",
        "/static/%2Fetc%2Fpasswd",
    ],
)
def test_nothing_outside_the_static_folder_is_served(app, path):
    status, _headers, body = get(app.base + path)
    assert status == 404, path
    assert b"import" not in body and b"root:" not in body


# --- the page without script ---------------------------------------------------------------------


def test_the_plain_form_works_without_script(app):
    status, _headers, body = get(app.base + "/sparql", "text/html")
    page = body.decode()
    assert status == 200
    assert '<form id="query-form" method="get" action="/sparql">' in page
    assert '<textarea name="query"' in page
    # GET, as the form sends it
    status, _headers, body = get(
        app.base + "/sparql?" + urllib.parse.urlencode({"query": COUNT}), "text/html"
    )
    assert status == 200
    answer = (
        r'<table class="results">\s*<thead><tr><th scope="col">n</th></tr></thead>\s*'
        r"<tbody><tr><td>8</td></tr>"
    )
    assert re.search(answer, body.decode())
    # POST, form-encoded, as a form with method="post" would
    status, _headers, body = post(
        app.base + "/sparql",
        urllib.parse.urlencode({"query": COUNT}).encode(),
        "application/x-www-form-urlencoded",
        accept="text/html",
    )
    assert status == 200 and '<th scope="col">n</th>' in body.decode()


def test_the_page_starts_from_a_query_of_a_few_lines_that_runs(app):
    _status, _headers, body = get(app.base + "/sparql", "text/html")
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", body.decode(), re.S).group(1)
    starter = html.unescape(textarea)
    assert len(starter.strip().splitlines()) <= 10
    assert "Virtuoso" not in starter and "#+" not in starter
    status, _headers, answer = get(
        app.base + "/sparql?" + urllib.parse.urlencode({"query": starter}),
        "application/sparql-results+json",
    )
    assert status == 200 and len(json.loads(answer)["results"]["bindings"]) == 8
    # in Polish, the Polish names
    _status, _headers, body = get(app.base + "/pl/sparql", "text/html")
    assert "Klastry i ich nazwy" in html.unescape(body.decode())
    assert "&#34;pl&#34;" in body.decode() or '"pl"' in html.unescape(body.decode())


def test_the_examples_are_links_that_load_a_query_into_the_form(app):
    _status, _headers, body = get(app.base + "/sparql", "text/html")
    page = body.decode()
    links = re.findall(r'<a href="/sparql\?example=([a-z0-9-]+)">', page)
    assert len(links) >= 20 and "clusters-in-sector" in links
    assert re.search(r"<details id=\"examples\">\s*<summary>", page), "collapsed"
    assert len(page) < 20000, "the query texts are no longer all in the page"
    status, _headers, body = get(app.base + "/sparql?example=clusters-in-sector", "text/html")
    assert status == 200
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", body.decode(), re.S).group(1)
    assert "skos:broader*" in textarea and "#+" not in textarea
    # the parameter's default is bound, so the example runs as it is
    assert (
        "VALUES (?sector) { (&lt;https://w3id.org/krakow-clusters/id/sector/construction&gt;) }"
        in textarea
    )
    status, _headers, body = get(app.base + "/sparql?example=nope", "text/html")
    assert status == 404 and "no example named &#39;nope&#39; (see /queries/)" in body.decode()


def test_only_the_query_page_may_run_script(app):
    _status, headers, _body = get(app.base + "/sparql", "text/html")
    policy = dict(d.strip().split(" ", 1) for d in headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["style-src"].startswith("'self' 'sha256-")
    assert "unsafe" not in headers["Content-Security-Policy"]
    for path in ("/", "/queries/overview", "/id/cluster/bim"):
        _status, headers, _body = get(app.base + path, "text/html")
        assert "script-src" not in headers["Content-Security-Policy"], path
    # the answers of the endpoint keep the page-less policy
    _status, headers, _body = get(app.base + "/sparql?" + urllib.parse.urlencode({"query": COUNT}))
    assert "script-src" not in headers["Content-Security-Policy"]


# --- the editor in a real browser ----------------------------------------------------------------


def _wait(browser, condition, timeout: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(condition)


@needs_browser
def test_the_editor_runs_a_query_on_this_server_and_asks_no_other_host(app, browser, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get_log("browser")  # what earlier tests left in the console
    browser.get(app.base + "/sparql")
    editor = _wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, "#editor .yasqe .CodeMirror"))
    assert editor.is_displayed()
    assert not browser.find_element(By.ID, "query-form").is_displayed(), "the editor replaced it"
    # syntax highlighting: the keywords are marked up by the editor's SPARQL mode
    keywords = browser.find_elements(By.CSS_SELECTOR, "#editor .CodeMirror .cm-keyword")
    assert {k.text for k in keywords} >= {"PREFIX", "SELECT", "WHERE"}
    # the page's query, from the form, is the editor's
    query = browser.execute_script("return window.kcYasgui.getTab().getQuery()")
    assert "kc:ClusterInitiative" in query and len(query.strip().splitlines()) <= 10
    endpoint = browser.execute_script("return window.kcYasgui.getTab().getEndpoint()")
    assert endpoint == app.base + "/sparql"

    browser.find_element(By.CSS_SELECTOR, "#editor .yasqe_queryButton").click()
    _wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, "#editor .yasr tbody tr")) == 8)
    headers = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "#editor .yasr thead th")]
    assert "cluster" in headers and "name" in headers
    # the cells show the IRIs by their prefixed names (the namespace table)
    cells = browser.find_element(By.CSS_SELECTOR, "#editor .yasr tbody").text
    assert "cluster:bim" in cells

    # sortable: a click on a column's header orders the rows by it, a second the other way
    column = headers.index("name")

    def labels():
        rows = browser.find_elements(By.CSS_SELECTOR, "#editor .yasr tbody tr")
        return [r.find_elements(By.TAG_NAME, "td")[column].text for r in rows]

    header = browser.find_elements(By.CSS_SELECTOR, "#editor .yasr thead th")[column]
    header.click()
    ascending = labels()
    assert ascending == sorted(ascending, key=str.casefold)
    header.click()
    assert labels() == list(reversed(ascending))
    # downloads: the results as a file, made in the browser
    assert browser.find_elements(By.CSS_SELECTOR, "#editor .yasr .yasr_downloadIcon")
    browser.save_screenshot(str(tmp_path / "sparql-editor.png"))

    origin = app.base
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert any(u.startswith(origin + "/static/yasgui/yasgui.min.js") for u in loaded)
    assert origin + "/sparql" in loaded, "the query went to this server"
    assert [u for u in loaded if not u.startswith(origin + "/")] == []
    console = browser.get_log("browser")
    assert [e for e in console if "Content Security Policy" in e["message"]] == []
    assert [e for e in console if e["level"] == "SEVERE" and "favicon" not in e["message"]] == []


@needs_browser
def test_an_example_link_loads_its_query_into_the_editor(app, browser):
    from selenium.webdriver.common.by import By

    browser.get(app.base + "/sparql")
    _wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, "#editor .CodeMirror"))
    browser.find_element(By.CSS_SELECTOR, "#examples summary").click()
    browser.find_element(By.CSS_SELECTOR, 'a[href="/sparql?example=national-key-clusters"]').click()
    _wait(browser, lambda b: "example=national-key-clusters" in b.current_url)
    _wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, "#editor .CodeMirror"))
    query = browser.execute_script("return window.kcYasgui.getTab().getQuery()")
    assert "national-key-cluster" in query and "?since" in query


@needs_browser
def test_choosing_a_library_query_by_name_puts_its_text_in_the_editor(app, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(app.base + "/sparql")
    _wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, "#editor .CodeMirror"))
    picker = browser.find_element(By.ID, "library")
    assert picker.is_displayed(), "the script shows the picker"
    names = [o.get_attribute("value") for o in Select(picker).options][1:]
    assert len(names) >= 15 and "overview" in names
    Select(picker).select_by_value("members-by-helix")
    library = read_query(ROOT / "queries" / "members-by-helix.rq", NS)
    body = [line for line in library.text.splitlines() if not line.startswith("#+")]

    def query(b):
        return b.execute_script("return window.kcYasgui.getTab().getQuery()").strip()

    _wait(browser, lambda b: query(b) == "\n".join(body).strip())
    summary = browser.find_element(By.ID, "library-summary").text
    assert summary == library.summary
    # and it runs as it is
    browser.find_element(By.CSS_SELECTOR, "#editor .yasqe_queryButton").click()
    _wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, "#editor .yasr tbody tr")) == 4)


@needs_browser
def test_the_editor_completes_prefixes_from_the_namespace_table(app, browser):
    from selenium.webdriver.common.by import By

    browser.get(app.base + "/sparql")
    _wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, "#editor .CodeMirror"))
    # typing a prefixed name the query does not declare adds its PREFIX line, from the table
    browser.execute_script(
        "var y = window.kcYasgui.getTab().getYasqe();"
        "y.setValue('SELECT * WHERE { ?s ?p ?o }\\n');"
        "y.getDoc().setCursor({line: 1, ch: 0});"
        "y.getDoc().replaceSelection('sector:');"
    )
    _wait(
        browser,
        lambda b: (
            "PREFIX sector: <https://w3id.org/krakow-clusters/id/sector/>"
            in b.execute_script("return window.kcYasgui.getTab().getQuery()")
        ),
        timeout=10,
    )
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert [u for u in loaded if not u.startswith(app.base + "/")] == []

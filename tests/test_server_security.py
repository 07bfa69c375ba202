"""The public server tried as an attacker would (issue 12), over real HTTP on loopback: no request
on a visitor's behalf, no script links, no 5xx for anything a client sends, fair service."""

from __future__ import annotations

import base64
import hashlib
import http.client
import re
import threading
import urllib.parse
from collections.abc import Iterator

import pytest

from krakow_clusters.pages.describe import describe
from krakow_clusters.pages.render import Pages
from krakow_clusters.pages.views import resource_view

from .appserver import AppServer, get, post, start_server
from .httpservers import EMPTY_RESULT, answer, scripted_server
from .identity import GRAPH_BASE, SITE

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def request(server: AppServer, method: str, target: str, body=None, headers=None):
    """(status, headers, body) of one raw request: the path is sent exactly as given."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        for key, value in (headers or {}).items():
            connection.putheader(key, value)
        if body is not None and "Transfer-Encoding" not in (headers or {}):
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders()
        if body is not None:
            if isinstance(body, bytes):
                connection.send(body)
            else:
                for chunk in body:
                    connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                connection.send(b"0\r\n\r\n")
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def one_line(body: bytes) -> str:
    text = body.decode("utf-8")
    assert text.endswith("\n") and text.count("\n") == 1, f"not one line: {text!r}"
    assert "Traceback" not in text
    return text


def sparql_get(server: AppServer, query: str, accept: str = "application/sparql-results+json"):
    return get(server.base + "/sparql?" + urllib.parse.urlencode({"query": query}), accept)


# --- 1. no request on a visitor's behalf ------------------------------------------------------


@pytest.fixture(scope="module")
def listener() -> Iterator[tuple[str, list]]:
    """A SPARQL endpoint on loopback that counts what it receives (it must receive nothing)."""
    with scripted_server(answer(200, EMPTY_RESULT)) as (url, script):
        yield url, script.seen


def service_queries(url: str) -> list[str]:
    """Ways to make the engine fetch `url`: each must be refused before any engine sees it."""
    base, _, last = url.rpartition("/")
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE # a comment between\n <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX e: <{base}/> SELECT * WHERE {{ SERVICE e:{last} {{ ?s ?p ?o }} }}",
        f"BASE <{url}> SELECT * WHERE {{ SERVICE <> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{url}\\u003E {{ ?s ?p ?o }} }}",
    ]


def test_no_service_request_leaves_the_server_by_default(app, listener):
    url, seen = listener
    queries = service_queries(url)
    assert len(queries) == 11
    for query in queries:
        for status, _headers, body in (
            sparql_get(app, query),
            post(
                app.base + "/sparql",
                urllib.parse.urlencode({"query": query}).encode(),
                "application/x-www-form-urlencoded",
            ),
            post(app.base + "/sparql", query.encode(), "application/sparql-query"),
        ):
            assert status == 400, (query, status, body)
            one_line(body)
        if "\\u" not in query:  # those are not SERVICE clauses at all: the engine's syntax error
            assert "federation is off" in body.decode(), query
    # The federated saved query, its endpoint a parameter, and its default (Wikidata).
    for target in (f"/queries/wikidata-places.json?endpoint={url}", "/queries/wikidata-places"):
        status, _headers, body = get(app.base + target)
        assert status == 400 and "federation is off" in one_line(body)
        assert "--allow-service" in body.decode()
    status, _headers, body = post(
        app.base + "/sparql", f"LOAD <{url}>".encode(), "application/sparql-query"
    )
    assert status == 403 and "read-only" in one_line(body)
    assert seen == [], "the listener was asked on a visitor's behalf"


@pytest.fixture(scope="module")
def federating(tmp_path_factory, listener) -> Iterator[tuple[AppServer, str, list]]:
    """A server that allows one endpoint (a second listener), and not the first one."""
    with scripted_server(answer(200, EMPTY_RESULT)) as (allowed, script):
        tmp = tmp_path_factory.mktemp("serve-federating")
        for server in start_server(tmp, "--allow-service", allowed, "--dist", str(tmp / "none")):
            yield server, allowed, script.seen


def test_allow_service_opens_the_named_endpoints_only(federating, listener):
    server, allowed, allowed_seen = federating
    other, seen = listener
    status, _headers, body = get(server.base + f"/queries/wikidata-places.json?endpoint={allowed}")
    assert status == 200, body
    assert len(allowed_seen) >= 1, "an allowed endpoint is asked"
    status, _headers, body = sparql_get(
        server, f"SELECT * {{ SERVICE <{allowed}> {{ ?x ?y ?z }} }}"
    )
    assert status == 200, body
    status, _headers, body = get(server.base + f"/queries/wikidata-places.json?endpoint={other}")
    assert status == 400 and f"<{allowed}>" in one_line(body)
    for query in service_queries(other):
        status, _headers, body = sparql_get(server, query)
        assert status == 400, query
    assert seen == [], "an endpoint the operator did not allow was asked"


# --- 2. no script links ------------------------------------------------------------------------

HOSTILE = ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x"]
SAFE = ["https://example.org/a", "http://example.org/b", "mailto:someone@example.org"]


def test_query_answers_link_only_http_and_mailto_iris(app):
    values = " ".join(f"<{iri}>" for iri in [*HOSTILE[::2], *SAFE])
    status, _headers, body = sparql_get(
        app, f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}", "text/html"
    )
    assert status == 200
    page = body.decode()
    hrefs = re.findall(r'href="([^"]*)"', page)
    for iri in SAFE:
        assert iri in hrefs, iri
    for iri in HOSTILE[::2]:
        assert not any(h.lower().startswith(iri.split(":")[0]) for h in hrefs), iri
        assert iri in page, "shown as text"


def test_data_iris_link_only_when_http_or_mailto(tmp_path):
    from krakow_clusters.store.embedded import EmbeddedStore

    subject = "https://w3id.org/krakow-clusters/id/organization/x"
    lines = [f'<{subject}> <http://www.w3.org/2000/01/rdf-schema#label> "X"@en .']
    for i, iri in enumerate([*HOSTILE[:1], "data:text/html,hi", *SAFE]):
        prop = ["http://xmlns.com/foaf/0.1/homepage", "https://schema.org/sameAs"][i % 2]
        lines.append(f"<{subject}> <{prop}> <{iri}> .")
    lines.append(f"<{subject}> <http://purl.org/dc/terms/source> <javascript:void(0)> .")
    data = tmp_path / "hostile.nt"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = EmbeddedStore.from_files([data], GRAPH_BASE)
    page = Pages(SITE).render(
        "resource.html", title="x", r=resource_view(describe(store, subject, SITE), "en")
    )
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert [h for h in hrefs if not re.match(r"(https?:|mailto:|/|#)", h)] == []
    for iri in SAFE:
        assert iri in hrefs
    assert "javascript:alert(1)" in page and "javascript:void(0)" in page, "shown as text"


def test_validate_warns_about_script_iris_in_link_properties(project, tmp_path):
    from .conftest import validate_with_ontology

    draft = tmp_path / "draft.ttl"
    draft.write_text(
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        "<https://w3id.org/krakow-clusters/id/organization/x>"
        " foaf:homepage <javascript:alert(1)> ;\n"
        "  schema:url <data:text/html,hi> , <https://example.org/> ;\n"
        '  schema:sameAs "vbscript:x" .\n',
        encoding="utf-8",
    )
    report = validate_with_ontology(project, draft)
    warned = {
        (f.path, str(f.value))
        for f in report.findings
        if f.severity == "Warning" and str(f.focus).endswith("/organization/x")
    }
    assert ("foaf:homepage", "javascript:alert(1)") in warned
    assert ("schema:url", "data:text/html,hi") in warned
    assert ("schema:sameAs", "vbscript:x") in warned
    assert not any(value == "https://example.org/" for _path, value in warned)


PAGES = ["/", "/id/", "/id/cluster/bim", "/ontology", "/sparql", "/queries/", "/dataset",
         "/queries/overview", "/dist/", "/id/cluster/none", "/sparql?query=ASK%7B%7D"]  # fmt: skip
ANSWERS = ["/id/cluster/bim.ttl", "/queries/overview.csv", "/openapi.json", "/nowhere",
           "/id/cluster/bim%00", "/dist/void.ttl", "/sparql?query=nonsense"]  # fmt: skip


def test_every_answer_carries_the_security_headers(app):
    for path in [*PAGES, *ANSWERS]:
        for method in ("GET", "HEAD"):
            status, headers, _body = request(app, method, path, headers={"Accept": "text/html"})
            assert status < 500, path
            policy = headers["Content-Security-Policy"]
            assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
            if path.startswith("/sparql") and headers["Content-Type"].startswith("text/html"):
                # The query page, the one page with script: its editor's files, from this server
                # (tests/test_sparql_editor.py checks the rest of its policy)
                assert "script-src 'self';" in policy and "'unsafe" not in policy
            else:
                assert "script-src" not in policy, "no script is allowed at all"
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["X-Frame-Options"] == "DENY"
            assert headers["Referrer-Policy"]


def test_pages_hold_nothing_inline_that_the_policy_would_block(app):
    checked = 0
    for path in PAGES:
        _status, headers, body = get(app.base + path, "text/html")
        if not headers["Content-Type"].startswith("text/html"):
            continue
        page = body.decode()
        checked += 1
        # No inline script that runs: a script element is either an empty one that loads a file
        # of this server (the query page's editor) or data (the resource's JSON-LD, which no
        # browser runs).
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.I | re.S)
        for attributes, content in scripts:
            loads = re.fullmatch(r' src="/static/[^"]+" defer', attributes) and not content
            assert loads or attributes == ' type="application/ld+json"', (path, attributes)
        assert page.lower().count("<script") == len(scripts), path
        assert not re.search(r"\s(on[a-z]+|style)\s*=", page, re.I), path
        policy = headers["Content-Security-Policy"]
        for css in re.findall(r"<style>(.*?)</style>", page, re.S):
            digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy, f"{path}: its stylesheet would be blocked"
    assert checked >= 9


# --- 3. no 5xx for anything a client sends ------------------------------------------------------

MALFORMED = {
    "/id/cluster/bim%00": 400,
    "/id/cluster%0A/bim": 400,
    "/queries/overview%0D%0A.json": 400,
    "/dist/%00/x": 400,
    "/dist/%ff%fe": 400,
    "/id/cluster/" + "a" * 300: 400,
    "/dist/" + "a" * 256: 400,
    "/" + "a/" * 2000: 414,
    "/sparql?query=" + "a" * 40000: 414,
    "/queries/clusters-at-least.json?min=" + "9" * 5000: 400,
    "/queries/clusters-at-least.json?min=1e3": 400,
    "/queries/clusters-in-sector.json?sector=not%20an%20iri": 400,
    "/queries/clusters-in-sector.json?sector=http://x/%0A": 400,
    # code points the IRI pattern let through and the engine refused (a surrogate, U+FFFE): 500
    "/queries/clusters-in-sector.json?sector=https://w3id.org/%ED%A0%80": 400,
    "/queries/clusters-in-sector.json?sector=https://w3id.org/%EF%BF%BE": 400,
    "/queries/overview.json?x=1": 400,
}


@pytest.mark.parametrize("target", list(MALFORMED))
def test_malformed_requests_get_one_line_of_4xx(app, target):
    status, _headers, body = request(app, "GET", target)
    assert status == MALFORMED[target], one_line(body)
    one_line(body)


def test_large_integers_answer_without_failing(app):
    status, _headers, body = get(app.base + "/queries/clusters-at-least.json?min=" + "9" * 1999)
    assert status in (200, 400), body


def test_head_is_get_without_a_body_on_every_get_route(app):
    for path in [*PAGES, *ANSWERS, "/queries.json", "/context.jsonld", "/void"]:
        got = request(app, "GET", path, headers={"Accept": "text/turtle"})
        head = request(app, "HEAD", path, headers={"Accept": "text/turtle"})
        assert head[0] == got[0], path
        assert head[1]["Content-Type"] == got[1]["Content-Type"], path
        assert head[2] == b"", path


def test_bodies_over_the_limit_get_413(app):
    big = b"x" * 1_100_000
    status, _headers, body = request(
        app, "POST", "/sparql", big, {"Content-Type": "application/sparql-query"}
    )
    assert status == 413 and "larger than" in one_line(body)
    chunks = [b"y" * 65536] * 20  # the length is not said: counted as it arrives
    status, _headers, body = request(
        app,
        "POST",
        "/sparql",
        chunks,
        {"Content-Type": "application/sparql-query", "Transfer-Encoding": "chunked"},
    )
    assert status == 413 and "larger than" in one_line(body)


def test_openapi_description_is_served(app):
    import json

    status, _headers, body = get(app.base + "/openapi.json")
    assert status == 200
    described = json.loads(body)
    assert described["openapi"].startswith("3.1")
    for path in ("/sparql", "/id/{kind}/{slug}", "/queries/{name}", "/dist/{path}"):
        assert path in described["paths"]


# --- 4. fair service -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def busy_app(tmp_path_factory) -> Iterator[AppServer]:
    """One query worker, a timeout long enough to keep it busy, a short wait for a free one."""
    tmp = tmp_path_factory.mktemp("serve-busy")
    yield from start_server(
        tmp,
        "--query-workers", "1",
        "--query-timeout", "8",
        "--queue-wait", "0.5",
        "--dist", str(tmp / "none"),
    )  # fmt: skip


def test_pages_answer_and_queries_get_503_while_every_worker_is_busy(busy_app):
    assert sparql_get(busy_app, "ASK {}")[0] == 200, "the worker is ready"
    slow: list = []
    thread = threading.Thread(target=lambda: slow.append(sparql_get(busy_app, SLOW)))
    thread.start()
    try:
        # Wait until the slow query holds the worker: a second query is then refused.
        for _attempt in range(100):
            status, headers, body = sparql_get(busy_app, "ASK {}")
            if status == 503:
                break
        assert status == 503, "a query waiting for a busy worker is refused"
        assert "busy" in one_line(body)
        assert int(headers["Retry-After"]) >= 1
        # Pages and saved queries (not yet cached: new parameters) are answered meanwhile.
        for path in ("/id/cluster/bim", "/queries/clusters-at-least.json?min=7", "/id/"):
            assert get(busy_app.base + path, "text/html")[0] == 200, path
        assert thread.is_alive(), "all of this while the slow query still held the worker"
    finally:
        thread.join(timeout=60)
    assert slow and slow[0][0] == 503 and "query timeout" in slow[0][2].decode()


ODD_VALUES = ["", "(((", "9" * 1999, "-1", "+0", "2020-13-45", "http://x/ y", "x:y", "\\", '"',
              "ż\u202e😀", "' } DROP ALL #", "%", "*" * 2001]  # fmt: skip


def test_every_saved_query_parameter_takes_odd_values_without_failing(app):
    import json

    listed = json.loads(get(app.base + "/queries.json")[2])["queries"]
    params = [(q["name"], p["name"]) for q in listed for p in q["params"]]
    assert len(params) >= 5, "the library has parameters to try"
    for name, param in params:
        for value in ODD_VALUES:
            target = f"/queries/{name}.json?" + urllib.parse.urlencode({param: value})
            status, headers, body = get(app.base + target)
            assert status < 500, (target, body[:200])
            if status >= 400:
                assert headers["Content-Type"].startswith("text/plain"), target
                one_line(body)


def test_the_policy_allows_the_stylesheet_of_the_built_ontology_documentation(
    app, project, tmp_path
):
    # dist/ontology/index.*.html (written by build, a page of the site) is served under the same
    # policy: its one stylesheet must be among the hashes, or the documentation would lose its
    # layout.
    from krakow_clusters.release.build import build

    out = tmp_path / "dist"
    assert build(project, out, site=False).built
    policy = get(app.base + "/")[1]["Content-Security-Policy"]
    for lang in ("en", "pl"):
        page = (out / "ontology" / f"index.{lang}.html").read_text(encoding="utf-8")
        styles = re.findall(r"<style>(.*?)</style>", page, re.S)
        assert styles, "the documentation has its stylesheet"
        for css in styles:
            digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy
        assert "<script" not in page.lower()

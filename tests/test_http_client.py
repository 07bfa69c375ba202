"""The HTTP the package speaks besides SPARQL queries (Graph Store Protocol, the Wikidata client),
through one client, and one User-Agent for every request, SPARQLWrapper's included."""

from __future__ import annotations

import base64
import urllib.parse

import pytest

from krakow_clusters import __version__
from krakow_clusters.errors import CouldNotRun
from krakow_clusters.httpclient import check_url
from krakow_clusters.store.gsp import put_graph
from krakow_clusters.store.remote import RemoteStore
from krakow_clusters.wikidata.client import ClientSettings, WikidataClient

from .httpservers import EMPTY_RESULT, answer, scripted_server, silent

QUERY = "SELECT ?x WHERE { ?x ?p ?o }"
GRAPH = "https://example.org/graphs/a b"
SECRET = "pa55-do-not-print"


def ask_all_three(url: str) -> None:
    RemoteStore(url, timeout=5).query(QUERY)
    put_graph(url, GRAPH, b"", timeout=5)
    WikidataClient(ClientSettings(endpoint=url, pause=0, retries=0)).query(QUERY)


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, f"krakow-clusters/{__version__}"),
        (
            {"KRAKOW_CLUSTERS_CONTACT": "curator@example.org"},
            f"krakow-clusters/{__version__} (curator@example.org)",
        ),
        (
            {"KRAKOW_CLUSTERS_USER_AGENT": "my-bot/1.0 (me@example.org)"},
            "my-bot/1.0 (me@example.org)",
        ),
    ],
)
def test_one_user_agent_for_sparqlwrapper_the_store_protocol_and_wikidata(
    monkeypatch, environment, expected
):
    for name in ("KRAKOW_CLUSTERS_CONTACT", "KRAKOW_CLUSTERS_USER_AGENT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with scripted_server(answer(200, EMPTY_RESULT)) as (url, script):
        ask_all_three(url)
    assert len(script.seen) == 3
    assert [seen.headers["user-agent"] for seen in script.seen] == [expected] * 3


def test_put_graph_sends_the_graph_the_type_and_basic_auth_never_in_the_url():
    with scripted_server(answer(204, "")) as (url, script):
        with_credentials = url.replace("http://", "http://someone:else@")
        status = put_graph(with_credentials, GRAPH, b"<a:b> <a:c> <a:d> .\n", user="publisher",
                           password=SECRET)  # fmt: skip
    assert status == 204
    (seen,) = script.seen
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(seen.path).query) == {"graph": [GRAPH]}
    assert seen.headers["content-type"] == "application/n-triples"
    token = base64.b64encode(f"publisher:{SECRET}".encode()).decode()
    assert seen.headers["authorization"] == f"Basic {token}"


DIGEST = 'Digest realm="SPARQL", nonce="6718de25", opaque="5ebe2294", qop="auth", algorithm="MD5"'


def test_put_graph_answers_a_digest_challenge_when_basic_is_refused():
    # As Virtuoso's /sparql-graph-crud-auth does: 401 without a challenge to basic credentials,
    # then a Digest challenge to a bare request.
    with scripted_server(
        answer(401, ""), answer(401, "", {"WWW-Authenticate": DIGEST}), answer(201, "")
    ) as (url, script):
        status = put_graph(url, GRAPH, b"<a:b> <a:c> <a:d> .\n", user="publisher", password=SECRET)
    assert status == 201
    basic, bare, digest = (seen.headers.get("authorization", "") for seen in script.seen)
    assert basic.startswith("Basic ") and bare == ""
    assert digest.startswith('Digest username="publisher", realm="SPARQL", nonce="6718de25"')
    assert SECRET not in digest


def test_put_graph_gives_up_after_a_refused_digest():
    refused = answer(401, "", {"WWW-Authenticate": DIGEST})
    with (
        scripted_server(refused) as (url, script),
        pytest.raises(CouldNotRun, match=r"refused access \(HTTP 401\)"),
    ):
        put_graph(url, GRAPH, b"", user="publisher", password=SECRET)
    assert len(script.seen) == 2, "basic, then digest once; no loop"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (307, "rejected the data (HTTP 307)"),
        (400, "rejected the data (HTTP 400): no such graph"),
        (401, "refused access (HTTP 401): check the user and password written in the URL"),
        (502, "failed (HTTP 502): no such graph"),
    ],
)
def test_put_graph_takes_only_a_2xx_answer(status, expected):
    with (
        scripted_server(answer(status, "no such graph\nsecond line")) as (url, _script),
        pytest.raises(CouldNotRun) as caught,
    ):
        put_graph(url.replace("http://", f"http://u:{SECRET}@"), GRAPH, b"")
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message and SECRET not in message


@pytest.mark.timeout(20)
def test_put_graph_gives_up_after_its_timeout():
    with (
        scripted_server(silent) as (url, _script),
        pytest.raises(CouldNotRun, match=r"did not answer within 0\.5 s"),
    ):
        put_graph(url, GRAPH, b"", timeout=0.5)


MALFORMED_URLS = [
    "http://[::1/q",  # urlsplit: Invalid IPv6 URL
    "http://h:notaport/q",  # .port: not a number (http.client.InvalidURL later)
    "http://h:99999/q",  # .port: out of range
    "ftp://h/q",
    "http:///q",
]


@pytest.mark.parametrize("url", MALFORMED_URLS)
def test_a_malformed_url_is_one_line_at_every_entry(url):
    with pytest.raises(CouldNotRun, match="is not a"):
        check_url(url, "--endpoint")
    with pytest.raises(CouldNotRun, match="is not a"):
        RemoteStore(url)
    with pytest.raises(CouldNotRun, match="is not a"):
        put_graph(url, "https://example.org/g", b"")
    with pytest.raises(CouldNotRun, match="is not a"):
        WikidataClient(ClientSettings(endpoint=url))


def test_a_malformed_url_is_shown_without_its_password():
    with pytest.raises(CouldNotRun) as caught:
        check_url("http://user:secret@[::1/q", "--endpoint")
    assert "secret" not in str(caught.value) and "'http://[::1/q'" in str(caught.value)


def test_good_urls_pass():
    for url in ("https://query.wikidata.org/sparql", "http://[::1]:7878/query", "http://u:p@h/q"):
        check_url(url)

"""The polite Wikidata client against real local HTTP servers that misbehave on purpose."""

from __future__ import annotations

import json
import threading
import urllib.parse
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from rdflib import BNode, Literal, URIRef

from krakow_clusters import __version__
from krakow_clusters.errors import CouldNotRun
from krakow_clusters.httpclient import user_agent
from krakow_clusters.wikidata.client import (
    ClientSettings,
    WikidataClient,
    cache_key,
    check_body,
    retry_after,
)
from krakow_clusters.wikidata.queries import sparql_string

from .httpservers import EMPTY_RESULT, answer, scripted_server, silent, slow_answer, trickle

ONE_ROW = {
    "head": {"vars": ["item", "label"]},
    "results": {
        "bindings": [
            {
                "item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q31487"},
                "label": {"type": "literal", "value": "Kraków", "xml:lang": "pl"},
            }
        ]
    },
}
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
QUERY = "SELECT ?item ?label WHERE { ?item ?p ?label } LIMIT 1"


def client_for(url: str, tmp_path=None, **overrides) -> tuple[WikidataClient, list[float]]:
    """A client with small timeouts; its waits are recorded instead of slept."""
    settings = dict(
        endpoint=url,
        connect_timeout=2.0,
        read_timeout=0.5,
        deadline=1.0,
        retries=2,
        backoff=0.01,
        max_wait=30.0,
        pause=0.0,
        cache_dir=tmp_path,
        contact="tests@example.org",
    )
    settings.update(overrides)
    waits: list[float] = []
    return WikidataClient(ClientSettings(**settings), sleep=waits.append), waits


def test_answer_is_parsed_into_rdflib_terms_and_user_agent_is_descriptive():
    with scripted_server(answer(200, ONE_ROW)) as (url, script):
        client, _ = client_for(url)
        result = client.query(QUERY)
    assert result.rows == [
        (URIRef("http://www.wikidata.org/entity/Q31487"), Literal("Kraków", lang="pl"))
    ]
    seen = script.seen[0]
    assert seen.headers["user-agent"] == f"krakow-clusters/{__version__} (tests@example.org)"
    assert seen.headers["accept"] == "application/sparql-results+json"
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(seen.path).query)["query"] == [QUERY]


def test_answer_terms_are_read_as_the_embedded_store_reads_them():
    typed = {
        "head": {"vars": ["n", "x"]},
        "results": {
            "bindings": [
                {
                    "n": {"type": "typed-literal", "value": "007", "datatype": XSD_INTEGER},
                    "x": {"type": "bnode", "value": "b1"},
                }
            ]
        },
    }
    with scripted_server(answer(200, typed)) as (url, _script):
        client, _ = client_for(url)
        ((number, node),) = client.query(QUERY).rows
    assert str(number) == "007" and number.datatype == URIRef(XSD_INTEGER)
    assert node == BNode("b1")


def test_a_result_with_an_unknown_term_is_reported():
    odd = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "odd", "value": "?"}}]}}
    with scripted_server(answer(200, odd)) as (url, _script):
        client, _ = client_for(url)
        with pytest.raises(CouldNotRun, match=r"did not answer with SPARQL JSON results: .*odd"):
            client.query(QUERY)


def test_user_agent_contact_from_environment(monkeypatch):
    monkeypatch.delenv("KRAKOW_CLUSTERS_USER_AGENT", raising=False)
    monkeypatch.setenv("KRAKOW_CLUSTERS_CONTACT", "curator@example.org")
    assert user_agent() == f"krakow-clusters/{__version__} (curator@example.org)"
    monkeypatch.setenv("KRAKOW_CLUSTERS_USER_AGENT", "my-bot/1.0 (me@example.org)")
    assert user_agent() == "my-bot/1.0 (me@example.org)"


@pytest.mark.timeout(20)
def test_429_with_retry_after_is_honoured_then_200():
    with scripted_server(
        answer(429, "Too Many Requests", {"Retry-After": "3"}), answer(200, ONE_ROW)
    ) as (url, script):
        client, waits = client_for(url)
        result = client.query(QUERY)
    assert len(result.rows) == 1
    assert len(script.seen) == 2
    assert waits == [3.0], "the client must wait exactly what Retry-After asks"
    assert [a.status for a in client.attempts] == [429, 200]


@pytest.mark.timeout(20)
def test_503_with_retry_after_as_http_date():
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    with scripted_server(answer(503, "busy", {"Retry-After": later}), answer(200, ONE_ROW)) as (
        url,
        _script,
    ):
        client, waits = client_for(url)
        client.query(QUERY)
    assert len(waits) == 1 and 10 < waits[0] <= 20


def test_retry_after_beyond_max_wait_gives_up_with_a_clear_message():
    with scripted_server(answer(429, "slow down", {"Retry-After": "3600"})) as (url, script):
        client, waits = client_for(url, max_wait=60)
        with pytest.raises(CouldNotRun, match="asks to wait 3600 s"):
            client.query(QUERY)
    assert waits == [] and len(script.seen) == 1


def test_persistent_503_is_retried_then_reported():
    with scripted_server(answer(503, "Service Unavailable")) as (url, script):
        client, waits = client_for(url, retries=2, backoff=0.5)
        with pytest.raises(CouldNotRun, match=r"did not answer after 3 attempts: HTTP 503"):
            client.query(QUERY)
    assert len(script.seen) == 3
    assert waits == [0.5, 1.0], "exponential backoff without Retry-After"


def test_400_is_not_retried():
    with scripted_server(answer(400, "Parse error: bad query")) as (url, script):
        client, _ = client_for(url)
        with pytest.raises(CouldNotRun, match="HTTP 400: Parse error"):
            client.query(QUERY)
    assert len(script.seen) == 1


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            '{"head":{"vars":["x"]},"results":{"bindings":[\n'
            "java.util.concurrent.ExecutionException: java.util.concurrent.TimeoutException",
            "java.util.concurrent.ExecutionException",
        ),
        ("SPARQL-QUERY: queryStr=SELECT ...\njava.lang.RuntimeException: boom", "RuntimeException"),
        ("<html><body>Service temporarily unavailable</body></html>", "not a SPARQL JSON result"),
        ('{"head":{"vars":["x"]},"results":{"bindings":[{"x":', "cut short"),
        ("", "empty body"),
    ],
)
def test_error_in_a_200_body_is_reported(body, expected):
    with scripted_server(answer(200, body)) as (url, script):
        client, _ = client_for(url)
        with pytest.raises(CouldNotRun, match="answered 200 with an error") as caught:
            client.query(QUERY)
    assert expected in str(caught.value)
    assert len(script.seen) == 1, "the same query would fail the same way: no retry"


def test_check_body_accepts_results_and_booleans():
    assert check_body(json.dumps(EMPTY_RESULT).encode(), "application/json")[0] == EMPTY_RESULT
    payload = {"head": {}, "boolean": True}
    assert check_body(json.dumps(payload).encode(), "")[0] == payload
    assert check_body(b'{"error": "x"}', "application/json")[0] is None


@pytest.mark.timeout(20)
def test_server_that_never_answers_is_retried_and_reported():
    with scripted_server(silent) as (url, script):
        client, waits = client_for(url, read_timeout=0.3, retries=1)
        with pytest.raises(CouldNotRun, match="did not answer after 2 attempts: timed out"):
            client.query(QUERY)
    assert len(script.seen) == 2
    assert len(waits) == 1


@pytest.mark.timeout(20)
def test_server_that_trickles_is_cut_at_the_deadline():
    with scripted_server(trickle) as (url, script):
        client, _ = client_for(url, read_timeout=0.5, deadline=0.4, retries=0)
        with pytest.raises(CouldNotRun, match=r"no complete answer within 0\.4 s"):
            client.query(QUERY)
    assert len(script.seen) == 1


def test_unreachable_endpoint_is_reported():
    with scripted_server(answer(200, ONE_ROW)) as (url, _script):
        pass  # the port is closed again
    client, _ = client_for(url, retries=1)
    with pytest.raises(CouldNotRun, match="network error"):
        client.query(QUERY)


def test_one_request_at_a_time_across_threads():
    with scripted_server(slow_answer(0.1, EMPTY_RESULT)) as (url, script):
        errors = []

        def ask(n: int) -> None:
            client, _ = client_for(url, read_timeout=2.0, deadline=3.0)
            try:
                client.query(f"{QUERY} # {n}")
            except CouldNotRun as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=ask, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert not errors
    assert len(script.seen) == 4
    assert script.max_in_flight == 1


def test_long_query_goes_as_post():
    long_query = "SELECT * WHERE { VALUES ?x { " + " ".join(f'"{i}"' for i in range(600)) + " } }"
    with scripted_server(answer(200, EMPTY_RESULT)) as (url, script):
        client, _ = client_for(url)
        client.query(long_query)
    assert script.seen[0].path == "/sparql"
    assert script.seen[0].headers["content-type"] == "application/x-www-form-urlencoded"


def test_cache_answers_repeated_queries_and_offline_uses_it(tmp_path):
    with scripted_server(answer(200, ONE_ROW)) as (url, script):
        client, _ = client_for(url, tmp_path)
        first = client.query(QUERY)
        again = client.query(QUERY)
        assert len(script.seen) == 1 and client.cache_hits == 1
    assert first.rows == again.rows
    entry = tmp_path / f"{cache_key(url, QUERY)}.json"
    assert json.loads(entry.read_text())["query"] == QUERY
    assert not list(tmp_path.glob("*.tmp")), "cache entries are written atomically"
    offline, _ = client_for(url, tmp_path, offline=True)
    assert offline.query(QUERY).rows == first.rows
    assert offline.requests_sent == 0
    with pytest.raises(CouldNotRun, match="offline: no cached answer"):
        offline.query("ASK {}")


def test_cache_expiry(tmp_path):
    with scripted_server(answer(200, ONE_ROW)) as (url, script):
        client, _ = client_for(url, tmp_path, cache_days=0)
        client.query(QUERY)
        client.query(QUERY)
        assert len(script.seen) == 2, "an expired entry is asked again"
        fresh, _ = client_for(url, tmp_path, cache_days=1)
        fresh.query(QUERY)
        assert len(script.seen) == 2


def test_retry_after_parsing():
    assert retry_after("7", 1.0) == 7.0
    assert retry_after(None, 1.5) == 1.5
    assert retry_after("not a date", 2.0) == 2.0
    past = format_datetime(datetime.now(UTC) - timedelta(seconds=30), usegmt=True)
    assert retry_after(past, 5.0) == 0.0


def test_sparql_string_escapes():
    assert sparql_string('a "b"\n\\', "en") == '"a \\"b\\"\\n\\\\"@en'

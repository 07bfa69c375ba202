"""Failing and untrusted peers (issue 12, item 7): a store whose count answer is broken,
credentials written in URLs (used, never shown), a host name that does not resolve, and link
records that name the endpoint they were verified against. Real servers on loopback."""

from __future__ import annotations

import base64
import json

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import URIRef

from krakow_clusters.cli import cli
from krakow_clusters.errors import CouldNotRun
from krakow_clusters.wikidata.client import ClientSettings, WikidataClient

from .httpservers import answer, scripted_server
from .linking import ID, WIKIDATA_FIXTURE, copy_project

SECRET = "s3cret-never-shown"
BASIC = "Basic " + base64.b64encode(f"publisher:{SECRET}".encode()).decode()


def count_answer(value: str, datatype: str = "http://www.w3.org/2001/XMLSchema#integer") -> dict:
    binding = {"n": {"type": "literal", "value": value, "datatype": datatype}}
    return {"head": {"vars": ["n"]}, "results": {"bindings": [binding]}}


def publish(store_url: str, query_url: str | None = None):
    args = ["publish", "--endpoint", store_url]
    if query_url:
        args += ["--query-endpoint", query_url]
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "lit',
         "did not answer with SPARQL JSON results"),
        (b"<html><body>Service temporarily overloaded</body></html>",
         "did not answer with SPARQL JSON results"),
        (json.dumps(count_answer("many", "http://www.w3.org/2001/XMLSchema#string")).encode(),
         "did not answer a count: 'many'"),
        (json.dumps(count_answer("9" * 5000)).encode(), "did not answer a count: '9999"),
        (json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": []}}).encode(),
         "did not answer a count: no row"),
    ],
    ids=["cut-off", "not-json", "not-a-number", "thousands-of-digits", "no-row"],
)  # fmt: skip
def test_a_broken_count_answer_is_one_line_and_exit_2(body, expected):
    with scripted_server(answer(204, ""), answer(200, body)) as (url, script):
        result = publish(url.replace("/sparql", "/store"), url)
    assert expected in one_error_line(result)
    assert len(script.seen) == 2, "the PUT, then the count"


def test_credentials_in_the_urls_are_sent_as_basic_auth_and_never_printed(dataset):
    with scripted_server(answer(204, ""), answer(200, count_answer(str(len(dataset))))) as (
        url,
        script,
    ):
        secret_url = url.replace("http://", f"http://publisher:{SECRET}@")
        result = publish(secret_url.replace("/sparql", "/store"))
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    assert f"at {url.replace('/sparql', '/store')}" in result.output
    put, count = script.seen
    assert put.path.startswith("/store?graph=") and count.path.startswith("/query")
    assert put.headers["authorization"] == BASIC
    assert count.headers["authorization"] == BASIC, "the derived query endpoint too"
    assert SECRET not in put.path + count.path


def test_credentials_of_a_query_endpoint_never_reach_a_message():
    with scripted_server(answer(500, "the store fell over")) as (url, script):
        secret_url = url.replace("http://", f"http://publisher:{SECRET}@")
        result = CliRunner().invoke(cli, ["query", "cluster-facts", "--endpoint", secret_url])
    line = one_error_line(result)
    assert SECRET not in line and url in line
    assert script.seen[0].headers["authorization"] == BASIC


def test_a_host_name_that_does_not_resolve_ends_at_once_without_retries():
    slept: list[float] = []
    settings = ClientSettings(
        endpoint=f"http://publisher:{SECRET}@no-such-host.invalid/sparql", retries=4, pause=0
    )
    client = WikidataClient(settings, sleep=slept.append)
    with pytest.raises(CouldNotRun) as caught:
        client.query("ASK {}")
    message = str(caught.value)
    assert "no-such-host.invalid does not resolve" in message
    assert SECRET not in message
    assert client.requests_sent == 1 and slept == [], "no retry, no backoff"


def test_link_check_on_an_unresolvable_host_is_one_line():
    result = CliRunner().invoke(
        cli,
        ["link", "check", "--endpoint", "http://no-such-host.invalid/sparql", "--cache-days", "0"],
    )
    assert "does not resolve" in one_error_line(result)


def test_a_verified_link_names_the_endpoint_it_was_checked_on(project, oxigraph, tmp_path,
                                                             monkeypatch):  # fmt: skip
    copy = copy_project(project, tmp_path / "project")
    monkeypatch.setenv("KRAKOW_CLUSTERS_HOME", str(copy.root))
    monkeypatch.setenv("KRAKOW_CLUSTERS_CACHE", str(tmp_path / "cache"))
    first, second = oxigraph([WIKIDATA_FIXTURE], read_only=True), oxigraph([WIKIDATA_FIXTURE])
    # The first endpoint's answers are in the cache; verifying against the second must ask it.
    warm = CliRunner().invoke(cli, ["link", "check", "--endpoint", first.query_url])
    assert warm.exit_code == 0, warm.output
    secret_url = second.query_url.replace("http://", f"http://publisher:{SECRET}@")
    args = ["link", "check", "--endpoint", secret_url, "--record-verified", "--date", "2026-11-24"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "answers from the cache: 0" in result.output, "verified means answered now"
    assert "12 link record(s) marked verified-live" in result.output
    links = copy.data_dir / "links" / "wikidata.ttl"
    assert SECRET not in links.read_text() and SECRET not in result.output
    graph = rdflib.Graph().parse(links)
    record = URIRef(ID + "link/place-malopolskie-wikidata")
    sources = set(graph.objects(record, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
    assert URIRef(second.query_url) in sources and URIRef(first.query_url) not in sources
    evidence = [str(e) for e in graph.objects(record, URIRef(
        "https://w3id.org/krakow-clusters/ontology#evidence"))]  # fmt: skip
    assert any(e.startswith(f"verified against {second.query_url} on 2026-11-24") for e in evidence)

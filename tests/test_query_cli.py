"""`krakow-clusters query`: outputs and exit codes, through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from krakow_clusters.cli import cli
from krakow_clusters.errors import CouldNotRun
from krakow_clusters.store.remote import RemoteStore

from .servers import free_port

ROOT = Path(__file__).resolve().parents[1]


def invoke(*args: str):
    runner = CliRunner()
    return runner.invoke(cli, ["query", *args], env={"KRAKOW_CLUSTERS_HOME": str(ROOT)})


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_list_shows_every_query_with_summary_and_parameters():
    result = invoke("--list")
    assert result.exit_code == 0
    names = [line for line in result.output.splitlines() if line and not line.startswith(" ")]
    assert len(names) >= 15
    assert {"overview", "clusters-in-sector", "wikidata-places"} <= set(names)
    assert "    Every cluster with its sectors, coordinator" in result.output
    assert (
        "--param sector=<iri> (default https://w3id.org/krakow-clusters/id/sector/construction)"
        in (result.output)
    )


def test_overview_prints_the_eight_clusters_with_their_counts_as_stated():
    result = invoke("overview")
    assert result.exit_code == 0, result.output
    assert "(8 rows)" in result.output
    for text in ("more than 70", "almost 50", "as stated 80", "as stated 42"):
        assert text in result.output
    # Partners are not members: their count is quoted in a column of its own.
    assert "More than 130 partners" in result.output
    assert "LifeScience Kraków Cluster Foundation" in result.output  # a label, not an IRI
    assert "https://w3id.org/krakow-clusters/id/organization/" not in result.output


def test_parameters_from_the_command_line():
    sector = "https://w3id.org/krakow-clusters/id/sector/ict"
    result = invoke("clusters-in-sector", "--param", f"sector={sector}", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["cluster_label"] for r in rows} == {
        "Cluster of Information Technologies in Construction"
    }
    assert {r["sector"] for r in rows} == {sector}


def test_a_query_file_by_path(tmp_path):
    path = tmp_path / "count.rq"
    path.write_text("#+ summary: count\nSELECT (COUNT(*) AS ?n) WHERE { ?s a ?c }\n")
    result = invoke(str(path), "--format", "tsv")
    assert result.exit_code == 0, result.output
    header, value = result.output.splitlines()
    assert header == "?n" and int(value.split('"')[1]) > 100


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_table_formats_carry_every_row(fmt):
    result = invoke("roles", "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        payload = json.loads(result.output)
        assert len(payload["results"]["bindings"]) == 4
        assert "legal_form_label" in payload["head"]["vars"]
    else:
        assert len(result.output.strip().splitlines()) == 1 + 4


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("fmt", ["turtle", "jsonld", "table"])
def test_construct_is_written_as_a_graph(fmt):
    result = invoke("cluster-description", "--format", fmt)
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(
        data=result.output, format="json-ld" if fmt == "jsonld" else "turtle"
    )
    cluster = rdflib.URIRef("https://w3id.org/krakow-clusters/id/cluster/lifescience-krakow")
    labels = set(graph.objects(cluster, rdflib.RDFS.label))
    assert rdflib.Literal("LifeScience Kraków Cluster", lang="en") in labels


def test_graph_and_table_formats_do_not_mix():
    assert "cannot be written as csv" in one_error_line(
        invoke("cluster-description", "--format", "csv")
    )
    assert "cannot be written as turtle" in one_error_line(invoke("overview", "--format", "turtle"))


def test_an_unknown_name_lists_close_matches():
    line = one_error_line(invoke("overveiw"))
    assert "no query named 'overveiw'" in line and "did you mean overview" in line


def test_a_syntax_error_names_the_file_and_position(tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("#+ summary: broken\nSELECT ?s\nWHERE {\n  ?s ?p ?o\n  FILTER ( }\n")
    line = one_error_line(invoke(str(path)))
    # path:line:column as Oxigraph's parser reports it (it may point past the bad token)
    assert re.search(rf"{re.escape(str(path))}:\d+:\d+: SPARQL syntax error: expected", line)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "name a query"),
        (("search", "--param", "text"), "expected key=value"),
        (("search", "--param", "nope=1"), "unknown parameter nope"),
        (("cluster-facts", "--param", 'cluster=x" } ; DROP ALL ; #'), "is not an absolute IRI"),
        (("overview", "--endpoint", "ftp://example.org/sparql"), "is not an http(s) URL"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message):
    assert message in one_error_line(invoke(*args))


# --- remote endpoints ----------------------------------------------------------------------------


def test_the_same_rows_from_a_real_oxigraph_server(oxigraph, project):
    server = oxigraph(project.dataset_files(), read_only=True)
    local = invoke("overview", "--format", "json")
    remote = invoke("overview", "--format", "json", "--endpoint", server.query_url)
    assert remote.exit_code == 0, remote.output
    assert json.loads(remote.output) == json.loads(local.output)
    assert len(json.loads(remote.output)["results"]["bindings"]) == 8
    table = invoke("overview", "--endpoint", server.query_url)
    assert table.output == invoke("overview").output


def test_an_unreachable_endpoint():
    url = f"http://127.0.0.1:{free_port()}/query"  # nothing listens there
    line = one_error_line(invoke("overview", "--endpoint", url))
    assert f"endpoint {url} is unreachable" in line


def test_an_http_error(oxigraph):
    server = oxigraph()
    line = one_error_line(invoke("overview", "--endpoint", server.base + "/no-such-path"))
    assert "HTTP 404 (no SPARQL endpoint at this address)" in line


def test_a_query_the_endpoint_refuses(oxigraph):
    # The command checks syntax first, so ask the store directly with a query that does not parse.
    server = oxigraph()
    with pytest.raises(CouldNotRun) as caught:
        RemoteStore(server.query_url).query("SELECT * WHERE { ?s ?p }")
    assert str(caught.value).startswith(f"endpoint {server.query_url} answered HTTP 400")
    assert "\n" not in str(caught.value)


def test_an_endpoint_that_fails_while_answering(oxigraph, tmp_path):
    # Valid SPARQL that this server cannot finish: its SERVICE target is not allowed.
    path = tmp_path / "service.rq"
    path.write_text("SELECT * WHERE { SERVICE <http://127.0.0.1:1/q> { ?s ?p ?o } }\n")
    server = oxigraph()
    line = one_error_line(invoke(str(path), "--endpoint", server.query_url))
    assert f"endpoint {server.query_url} " in line


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers: a hung endpoint."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql"
    finally:
        sock.close()


def test_a_timeout(silent_server):
    line = one_error_line(invoke("overview", "--endpoint", silent_server, "--timeout", "1"))
    assert "did not answer within 1 s" in line


def test_a_service_call_that_hangs_times_out(silent_server):
    # The embedded store's SERVICE client has no limit of its own; the command gives one.
    args = ("wikidata-places", "--param", f"endpoint={silent_server}", "--timeout", "1")
    line = one_error_line(invoke(*args))
    assert "a SERVICE endpoint did not answer within 1 s" in line


def test_a_service_endpoint_that_is_unreachable():
    url = f"http://127.0.0.1:{free_port()}/sparql"
    line = one_error_line(invoke("wikidata-places", "--param", f"endpoint={url}"))
    assert "SPARQL query failed" in line


class _Html(BaseHTTPRequestHandler):
    def do_POST(self):
        body = b"<html><body>not a SPARQL endpoint</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def html_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Html)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()


def test_an_endpoint_that_is_not_sparql(html_server):
    line = one_error_line(invoke("overview", "--endpoint", html_server))
    assert "did not answer with SPARQL JSON results" in line


def test_the_help_has_an_example():
    result = CliRunner().invoke(cli, ["query", "--help"])
    assert result.exit_code == 0 and "Examples: krakow-clusters query --list" in result.output


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_graph_output_is_the_same_bytes_in_every_process(fmt):
    # rdflib's serializers follow hash order; the output must not (PYTHONHASHSEED varies it).
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "KRAKOW_CLUSTERS_HOME": str(ROOT)}
        command = [sys.executable, "-m", "krakow_clusters.cli", "query", "cluster-description"]
        done = subprocess.run(
            [*command, "--format", fmt], env=env, capture_output=True, check=True, timeout=60
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1

"""`serve` writes an access log: one line a request (client, method, path without the query
string, status, bytes of the body, seconds), refusals included, to standard error by default,
to a file with --access-log FILE, none with --no-access-log; never a query string or a body."""

from __future__ import annotations

import re
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from krakow_clusters.cli import cli

from .appserver import AppServer, get, post
from .limits.rawhttp import send_and_read

LINE = re.compile(
    r"(?P<when>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) (?P<client>127\.0\.0\.1:\d+) "
    r'"(?P<request>-|(?P<method>[A-Z]+) (?P<path>\S+) HTTP/1\.1)" '
    r"(?P<status>\d{3}|-) (?P<bytes>\d+) (?P<seconds>\d+\.\d{3})"
)


def lines_of(log: Path, wanted: str, wait: float = 5.0) -> list[re.Match]:
    """The access log lines of `log` whose request is `wanted` ("GET /path"), waited for."""
    deadline = time.monotonic() + wait
    while True:
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        found = [m for m in map(LINE.fullmatch, text.splitlines()) if m and m["request"]]
        found = [m for m in found if f"{m['method']} {m['path']}" == wanted or wanted == "-"]
        if wanted == "-":
            found = [m for m in found if m["request"] == "-"]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory, dist_dir: Path) -> Iterator[tuple]:
    """A server writing its access log to a file of its own."""
    tmp = tmp_path_factory.mktemp("access-log")
    log = tmp / "access.log"
    server = AppServer(tmp / "serve.log", "--dist", str(dist_dir), "--access-log", str(log))
    server.start()
    try:
        yield server, log
    finally:
        server.stop()


def test_a_line_for_each_request_with_status_bytes_and_time(logged):
    server, log = logged
    status, _headers, body = get(server.base + "/id/cluster/bim?token=s3cr3t-in-the-query")
    assert status == 200 and body
    [line] = lines_of(log, "GET /id/cluster/bim")
    assert (line["status"], int(line["bytes"])) == ("200", len(body))
    assert 0 <= float(line["seconds"]) < 30
    assert (
        abs(
            time.mktime(time.strptime(line["when"], "%Y-%m-%dT%H:%M:%SZ"))
            - time.mktime(time.gmtime())
        )
        < 120
    )
    status, _headers, _body = get(server.base + "/id/cluster/no-such-cluster")
    assert status == 404
    [line] = lines_of(log, "GET /id/cluster/no-such-cluster")
    assert line["status"] == "404"
    assert "s3cr3t" not in log.read_text(encoding="utf-8"), "a query string was logged"
    # The server's own output (its start line) stays out of the access log.
    assert all(LINE.fullmatch(text) for text in log.read_text(encoding="utf-8").splitlines())


def test_neither_a_body_nor_a_query_string_is_logged(logged):
    server, log = logged
    secret = f"secret-{uuid.uuid4().hex}"
    query = f'SELECT ("{secret}" AS ?x) {{}}'
    form = urllib.parse.urlencode({"query": query}).encode()
    status, _headers, _body = post(
        server.base + "/sparql", form, "application/x-www-form-urlencoded"
    )
    assert status == 200
    status, _headers, _body = get(
        server.base + "/sparql?" + urllib.parse.urlencode({"query": query})
    )
    assert status == 200
    assert lines_of(log, "POST /sparql") and lines_of(log, "GET /sparql")
    assert secret not in log.read_text(encoding="utf-8")


def test_a_head_request_sends_no_body_and_logs_none(logged):
    server, log = logged
    request = "HEAD /dataset HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    assert send_and_read(server.port, request.encode()).status == 200
    found = lines_of(log, "HEAD /dataset")
    assert found and all(m["bytes"] == "0" for m in found)


def test_refusals_of_the_front_are_logged_too(logged):
    server, log = logged
    big = "x" * 9000  # over max-header-field (8190)
    request = f"GET /refused-{big[:8]} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {big}\r\n\r\n"
    assert send_and_read(server.port, request.encode()).status == 431
    [line] = lines_of(log, f"GET /refused-{big[:8]}")
    assert line["status"] == "431" and int(line["bytes"]) > 0
    assert send_and_read(server.port, b"NOT HTTP AT ALL\r\n\r\n").status == 400
    assert any(m["status"] == "400" for m in lines_of(log, "-"))


def test_a_line_is_one_line_whatever_the_path_holds(logged):
    server, log = logged
    request = b'GET /quote"and%0Aline HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'
    assert send_and_read(server.port, request).status is not None
    assert lines_of(log, "GET /quote%22and%0Aline")


def test_the_log_goes_to_standard_error_by_default(app):
    # The session's server writes its standard output and error to app.log.
    path = f"/no-such-page-{uuid.uuid4().hex}"
    assert get(app.base + path)[0] == 404
    assert lines_of(app.log, f"GET {path}")


def test_no_access_log_writes_none(tmp_path: Path, dist_dir: Path):
    server = AppServer(tmp_path / "serve.log", "--dist", str(dist_dir), "--no-access-log")
    server.start()
    try:
        path = f"/no-such-page-{uuid.uuid4().hex}"
        assert get(server.base + path)[0] == 404
        assert get(server.base + "/")[0] == 200
    finally:
        server.stop()
    text = (tmp_path / "serve.log").read_text(encoding="utf-8", errors="replace")
    assert "Serving the knowledge graph" in text, "the server's output went elsewhere"
    assert path not in text and not any(LINE.fullmatch(t) for t in text.splitlines())


def test_an_access_log_that_cannot_be_written_is_one_line(tmp_path: Path):
    target = tmp_path / "no-such-folder" / "access.log"
    result = CliRunner().invoke(cli, ["serve", "--port", "1", "--access-log", str(target)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: {target}: the folder {target.parent} does not exist"
    ]

"""deploy/krakow-clusters.nginx.conf, as it is in the repository, in front of a real `serve`:
Debian's nginx started as a foreground process with its own prefix, temp folders, pid file and
error log in a temporary folder, on a free loopback port, stopped by its process id. The limits
hold through it: an oversized head gets a 4xx, an ordinary page 200, a slow client is closed, a
large body 413, an unknown Host 400 (serve's), and the reconciliation manifest names the public
URL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..appserver import AppServer, start_server
from ..servers import free_port, stop_process
from .rawhttp import connect, read_outcome, send_and_read

pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "krakow-clusters.nginx.conf"
HOST = "krakow-clusters.example.org"
PUBLIC = f"https://{HOST}"


def _site(listen: int, upstream: int) -> str:
    """The site file with its listening address and its upstream moved to the test's ports."""
    text = SITE.read_text(encoding="utf-8")
    for old, new in [
        ("    listen 80;\n", f"    listen 127.0.0.1:{listen};\n"),
        ("    listen [::]:80;\n", ""),
        ("    server 127.0.0.1:8000;\n", f"    server 127.0.0.1:{upstream};\n"),
    ]:
        assert text.count(old) == 1, f"the site file no longer has {old.strip()!r}"
        text = text.replace(old, new)
    return text


def _main_config(prefix: Path, site: Path) -> str:
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx's workers would run as `nobody`, who cannot enter the test's folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}daemon off;
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
{temp}
    include {site};
}}
"""


class Nginx:
    def __init__(self, prefix: Path, upstream: int) -> None:
        self.prefix = prefix
        self.port = free_port()
        site = prefix / "site.conf"
        site.write_text(_site(self.port, upstream), encoding="utf-8")
        self.config = prefix / "nginx.conf"
        self.config.write_text(_main_config(prefix, site), encoding="utf-8")
        self.command = ["nginx", "-p", str(prefix), "-c", str(self.config)]
        self.command += ["-e", str(prefix / "error.log")]
        self.process: subprocess.Popen | None = None

    def start(self) -> Nginx:
        checked = subprocess.run([*self.command, "-t"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        with open(self.prefix / "stderr.log", "ab") as log:
            self.process = subprocess.Popen(self.command, stdout=log, stderr=log)
        for _attempt in range(200):
            if self.process.poll() is not None:
                break
            try:
                with connect(self.port):
                    return self
            except OSError:
                time.sleep(0.05)  # not listening yet
        log = (self.prefix / "error.log").read_text(errors="replace")
        raise RuntimeError(f"nginx did not start:\n{log}")

    def stop(self) -> None:
        stop_process(self.process, grace=10)


@pytest.fixture(scope="module")
def behind(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppServer, Nginx]]:
    if shutil.which("nginx") is None:
        pytest.fail("Debian's nginx is not installed (.ci/run installs it)")
    args = ["--public-url", PUBLIC + "/", "--allowed-host", HOST, "--allowed-host", "127.0.0.1"]
    args += ["--limit", "max-connections-per-client=0"]
    for server in start_server(tmp_path_factory.mktemp("serve-behind-nginx"), *args):
        nginx = Nginx(tmp_path_factory.mktemp("nginx"), server.port).start()
        try:
            yield server, nginx
        finally:
            nginx.stop()


def _get(port: int, path: str = "/", host: str = HOST, extra: bytes = b"") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n".encode() + extra


def test_an_ordinary_page_is_answered(behind):
    _server, nginx = behind
    outcome = send_and_read(nginx.port, _get(nginx.port) + b"\r\n")
    assert outcome.status == 200
    assert b"<html" in outcome.body


def test_the_manifest_names_the_public_url_not_the_host_header(behind):
    _server, nginx = behind
    outcome = send_and_read(nginx.port, _get(nginx.port, "/reconcile") + b"\r\n")
    assert outcome.status == 200
    manifest = json.loads(outcome.body)
    assert manifest["view"]["url"] == PUBLIC + "/id/{{id}}"


def test_an_unknown_host_gets_400_from_serve(behind):
    _server, nginx = behind
    outcome = send_and_read(nginx.port, _get(nginx.port, host="evil.example") + b"\r\n")
    assert outcome.status == 400
    assert outcome.body == b"the Host header names no host this server answers for\n"


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param(b"".join(b"X-F%d: y\r\n" % i for i in range(20_000)), id="20000-fields"),
        pytest.param(b"X-Long: " + b"v" * 1_000_000 + b"\r\n", id="1-MB-value"),
        pytest.param(b"Accept: " + b"text/html, " * 1_000_000 + b"\r\n", id="11-MB-accept"),
    ],
)
def test_an_oversized_head_gets_a_4xx(behind, extra):
    _server, nginx = behind
    outcome = send_and_read(nginx.port, _get(nginx.port, extra=extra) + b"\r\n")
    assert outcome.closed
    # nginx answers 400 (or 431 from serve); a reset while the client still writes is a
    # refusal too.
    assert outcome.status in (400, 431, None)
    assert send_and_read(nginx.port, _get(nginx.port) + b"\r\n").status == 200


def test_a_large_body_gets_413(behind):
    _server, nginx = behind
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/sparql-query\r\n"
        f"Content-Length: {2 * 1024 * 1024}\r\nConnection: close\r\n\r\n"
    ).encode()
    assert send_and_read(nginx.port, head).status == 413


def test_a_slow_client_is_closed(behind):
    _server, nginx = behind
    with connect(nginx.port) as sock:
        sock.sendall(_get(nginx.port))  # the head never ends
        outcome = read_outcome(sock)
    assert outcome.closed
    assert outcome.status in (408, None)  # nginx closes without an answer
    assert send_and_read(nginx.port, _get(nginx.port) + b"\r\n").status == 200


def test_what_nginx_lets_through_meets_serves_limits(behind):
    _server, nginx = behind
    fields = b"".join(b"X-F%d: y\r\n" % i for i in range(150))  # under nginx's 32 KiB head
    outcome = send_and_read(nginx.port, _get(nginx.port, extra=fields) + b"\r\n")
    assert outcome.status == 431
    assert outcome.body == b"the request has more than 100 header fields\n"

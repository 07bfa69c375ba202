"""`krakow-clusters serve` as a real uvicorn server in a subprocess on 127.0.0.1 (free port).

Started through the console command like a user would, waited for until it answers, stopped by
its process id (its query workers exit when their pipe to the server closes).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .servers import free_port, stop_process

ROOT = Path(__file__).resolve().parents[1]


class AppServer:
    def __init__(self, log: Path, *args: str, home: Path = ROOT) -> None:
        self.home = home  # the project folder it serves (KRAKOW_CLUSTERS_HOME)
        self.args = list(args)
        if "--dist" not in self.args:
            # Never the checkout's dist/ (a developer's `make serve` builds one): a server that
            # is given no release has none, whatever was built before the tests ran.
            self.args += ["--dist", str(log.parent / "no-dist")]
        self.log = log
        self.port: int | None = None
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> AppServer:
        for _attempt in range(3):
            self.port = free_port()
            command = [sys.executable, "-m", "krakow_clusters.cli", "serve"]
            command += ["--host", "127.0.0.1", "--port", str(self.port), *self.args]
            env = {**os.environ, "KRAKOW_CLUSTERS_HOME": str(self.home)}
            with open(self.log, "ab") as log:
                self.process = subprocess.Popen(
                    command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT
                )
            if self._wait_ready(timeout):
                return self
            self.stop()
        raise RuntimeError(f"serve did not start; log:\n{self.log.read_text(errors='replace')}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.base + "/", timeout=2) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        return False

    def children(self) -> set[int]:
        """Process ids of this server's query workers (worker processes of workers.py)."""
        found = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            state = stat.rsplit(")", 1)[1].split()[0]
            if ppid == self.process.pid and "krakow_clusters.workers" in cmdline and state != "Z":
                found.add(int(entry.name))
        return found

    def stop(self) -> None:
        stop_process(self.process, grace=15)


def start_server(tmp: Path, *args: str) -> Iterator[AppServer]:
    server = AppServer(tmp / "serve.log", *args).start()
    try:
        yield server
    finally:
        server.stop()


def get(url: str, accept: str | None = None, **headers: str):
    """(status, headers, body) of a GET, errors included."""
    if accept is not None:
        headers["Accept"] = accept
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def post(url: str, data: bytes, content_type: str, accept: str | None = None):
    headers = {"Content-Type": content_type}
    if accept:
        headers["Accept"] = accept
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


VOID = """@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/krakow-clusters/dataset> a void:Dataset ;
    dcterms:title "Kraków innovation clusters"@en ;
    void:sparqlEndpoint <https://w3id.org/krakow-clusters/sparql> .
"""


@pytest.fixture(scope="session")
def dist_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small dist/ as `build` lays it out (void.ttl and a dump), written here so that the
    serving of dist/ is tested without depending on the build command."""
    dist = tmp_path_factory.mktemp("dist")
    (dist / "void.ttl").write_text(VOID, encoding="utf-8")
    (dist / "ontology").mkdir()
    for lang in ("en", "pl"):
        page = f"<html lang='{lang}'><body><h1 id='ClusterInitiative'>{lang}</h1></body></html>"
        (dist / "ontology" / f"index.{lang}.html").write_text(page, encoding="utf-8")
    (dist / "ontology" / "krakow-clusters.ttl").write_text("# the ontology\n", encoding="utf-8")
    (dist / "context.jsonld").write_text('{"@context": {}}\n', encoding="utf-8")
    (dist / "krakow-clusters.nt").write_text(
        "<https://w3id.org/krakow-clusters/id/cluster/bim> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "BIM"@en .\n',
        encoding="utf-8",
    )
    return dist


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory, dist_dir: Path) -> Iterator[AppServer]:
    """The default server: embedded store, generous timeout."""
    yield from start_server(tmp_path_factory.mktemp("serve"), "--dist", str(dist_dir))


@pytest.fixture(scope="session")
def strict_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """A server with a tiny query timeout, a small result limit, one worker and no dist/."""
    tmp = tmp_path_factory.mktemp("serve-strict")
    yield from start_server(
        tmp,
        "--query-timeout",
        "0.5",
        "--result-limit",
        "100",
        "--query-workers",
        "1",
        "--dist",
        str(tmp / "no-dist"),
    )

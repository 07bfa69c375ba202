"""Real servers for tests on 127.0.0.1: an Oxigraph SPARQL server (PyPI package `oxigraph`) and
Virtuoso (Debian package `virtuoso-opensource`).

Each server gets free ports, its own database folder, and is stopped by its process id.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, urlencode

from .identity import GRAPH_BASE, graph_for_file


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen | None, grace: float = 10.0) -> None:
    """Stop a server by its process id: SIGTERM, then SIGKILL if it has not ended in `grace` s."""
    if process is None or process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def oxigraph_binary() -> str:
    beside_python = Path(sys.executable).with_name("oxigraph")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the `oxigraph` server is not installed (pip install oxigraph)")
    return found


def answers_queries(
    process: subprocess.Popen, query_url: str, timeout: float, pause: float
) -> bool:
    """Whether a SPARQL server answers `ASK {}` at `query_url` within `timeout` seconds (False
    as soon as its process has ended)."""
    deadline = time.monotonic() + timeout
    probe = query_url + "?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(pause)
    return False


class OxigraphServer:
    """An Oxigraph server process loaded with RDF files before it starts."""

    def __init__(self, location: Path, files: Iterable[Path] = (), read_only: bool = False):
        self.location = Path(location)
        self.files = [Path(f) for f in files]
        self.read_only = read_only
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        self.log = self.location / "server.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    @property
    def update_url(self) -> str:
        return self.base + "/update"

    @property
    def store_url(self) -> str:
        return self.base + "/store"

    def start(self, timeout: float = 20.0) -> OxigraphServer:
        binary = oxigraph_binary()
        db = self.location / "db"
        db.mkdir(parents=True, exist_ok=True)
        for path in self.files:
            # Like the embedded store: a file of triples goes into the graph of its name, and
            # the default graph of queries is the union (`--union-default-graph` below).
            graph = [] if path.suffix in (".nq", ".trig") else ["--graph", graph_for_file(path)]
            subprocess.run(
                [binary, "load", "--location", str(db), "--file", str(path), *graph],
                check=True,
                capture_output=True,
                timeout=60,
            )
        for _attempt in range(3):
            self.port = free_port()
            command = "serve-read-only" if self.read_only else "serve"
            with open(self.log, "ab") as log:
                self.process = subprocess.Popen(
                    [
                        binary,
                        command,
                        "--location",
                        str(db),
                        "--bind",
                        f"127.0.0.1:{self.port}",
                        "--union-default-graph",
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            if self._wait_ready(timeout):
                return self
            self.stop()
        raise RuntimeError(f"oxigraph did not start; log:\n{self.log.read_text(errors='replace')}")

    def _wait_ready(self, timeout: float) -> bool:
        return answers_queries(self.process, self.query_url, timeout, pause=0.05)

    def stop(self) -> None:
        stop_process(self.process)

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def virtuoso_binaries() -> tuple[str, str]:
    """The server (`virtuoso-t`) and its SQL client (`isql-vt`, Debian's name for `isql`)."""
    server, client = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not server or not client:
        raise RuntimeError(
            "Virtuoso is not installed (apt-get install virtuoso-opensource; .ci/run does it)"
        )
    return server, client


class VirtuosoServer:
    """A Virtuoso 7 server with its database in `location`, listening only on two loopback ports:
    SQL (for `isql-vt`, used here to set it up) and HTTP (SPARQL and the Graph Store Protocol).

    After start, the `dba` password is a random one, and a user `publisher` (random password) holds
    only the SPARQL_UPDATE role: what `publish` needs to write through /sparql-graph-crud-auth
    (Digest auth). Anyone may read through /sparql, as on a public endpoint. `load()` puts files
    into a named graph through the Graph Store Protocol, like `publish`.
    """

    USER = "publisher"

    def __init__(self, location: Path, buffers: int = 10000):
        self.location = Path(location)
        self.buffers = buffers
        self.sql_port: int | None = None
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        self.log = self.location / "server.log"
        self.dba_password = "dba"
        self.password = secrets.token_urlsafe(12)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base + "/sparql"

    @property
    def store_url(self) -> str:
        return self.base + "/sparql-graph-crud-auth"

    def endpoint_for(self, graph: str) -> str:
        """The query endpoint with `graph` as the default graph of every query."""
        return self.query_url + "?default-graph-uri=" + quote(graph, safe="")

    def _write_ini(self) -> Path:
        db = self.location / "db"
        db.mkdir(parents=True, exist_ok=True)
        # Only what differs from Virtuoso's built-in defaults, and every file in the temp folder;
        # no unix socket, no DAV, no plugins, no zeroconf.
        ini = f"""[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{self.sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
CaseMode = 2
DirsAllowed = {db}
NumberOfBuffers = {self.buffers}
MaxDirtyBuffers = {self.buffers * 3 // 4}
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{self.port}
ServerRoot = {db}
EnabledDavVSP = 0
Charset = UTF-8
ServerThreads = 10
MaxClientConnections = 10
MaxKeepAlives = 10

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""
        path = self.location / "virtuoso.ini"
        path.write_text(ini, encoding="utf-8")
        return path

    def start(self, timeout: float = 60.0) -> VirtuosoServer:
        server, _client = virtuoso_binaries()
        for _attempt in range(3):
            self.sql_port, self.port = free_port(), free_port()
            ini = self._write_ini()
            with open(self.log, "ab") as log:
                self.process = subprocess.Popen(
                    [server, "+foreground", "+configfile", str(ini)],
                    cwd=self.location,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            if self._wait_ready(timeout):
                try:
                    self._set_up()
                except BaseException:
                    self.stop()
                    raise
                return self
            self.stop()
        raise RuntimeError(f"virtuoso did not start; log:\n{self.log.read_text(errors='replace')}")

    def _wait_ready(self, timeout: float) -> bool:
        return answers_queries(self.process, self.query_url, timeout, pause=0.1)

    def sql(self, statements: str) -> str:
        """Run SQL as dba through `isql-vt`; fails on any SQL error."""
        _server, client = virtuoso_binaries()
        done = subprocess.run(
            [
                client,
                f"127.0.0.1:{self.sql_port}",
                "dba",
                self.dba_password,
                f"exec={statements}",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        output = done.stdout + done.stderr
        if done.returncode != 0 or "*** Error" in output:
            raise RuntimeError(f"isql-vt failed: {output.strip()}")
        return output

    def _set_up(self) -> None:
        new = secrets.token_urlsafe(12)
        self.sql(
            f"DB.DBA.USER_CREATE('{self.USER}', '{self.password}'); "
            f'GRANT SPARQL_UPDATE TO "{self.USER}"; '
            f"USER_SET_PASSWORD('dba', '{new}');"
        )
        self.dba_password = new

    def load(self, files: Iterable[Path], graph: str) -> int:
        """Replace `graph` with the triples of `files` through the Graph Store Protocol, as the
        `publisher` user; returns the number of triples sent."""
        from krakow_clusters.store.embedded import EmbeddedStore
        from krakow_clusters.store.gsp import put_graph

        store = EmbeddedStore.from_files(list(files), GRAPH_BASE)
        put_graph(self.store_url, graph, store.dump("nt"), user=self.USER, password=self.password)
        return len(store)

    def load_by_origin(self, files: Iterable[Path], replacing: Iterable[str] = ()) -> list[str]:
        """Each named graph of `files` into the graph of its name (as `publish --by-origin`
        does), after emptying the graphs of `replacing`; returns the graph names."""
        from krakow_clusters.store.embedded import EmbeddedStore
        from krakow_clusters.store.gsp import put_graph

        store = EmbeddedStore.from_files(list(files), GRAPH_BASE)
        graphs = store.graph_names()
        for graph in set(replacing) - set(graphs):
            put_graph(self.store_url, graph, b"", user=self.USER, password=self.password)
        for graph in graphs:
            data = store.dump("nt", graph)
            put_graph(self.store_url, graph, data, user=self.USER, password=self.password)
        return graphs

    def endpoint_for_dataset(self, graphs: Iterable[str]) -> str:
        """The query endpoint with the dataset of `graphs`: their merge as the default graph (not
        Virtuoso's own system graphs), and they as the named graphs, by the SPARQL protocol."""
        graphs = list(graphs)
        parameters = [("default-graph-uri", g) for g in graphs]
        parameters += [("named-graph-uri", g) for g in graphs]
        return self.query_url + "?" + urlencode(parameters)

    def stop(self) -> None:
        stop_process(self.process, grace=30.0)

    def __enter__(self) -> VirtuosoServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

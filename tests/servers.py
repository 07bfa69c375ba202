"""Real servers for tests: an Oxigraph SPARQL server (PyPI package `oxigraph`) on 127.0.0.1.

Each server gets a free port, its own database folder, and is stopped by its process id.
"""

from __future__ import annotations

import os
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

from krakow_clusters.project import graph_for_file


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
        deadline = time.monotonic() + timeout
        probe = self.query_url + "?query=ASK%7B%7D"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(probe, timeout=1) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        stop_process(self.process)

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

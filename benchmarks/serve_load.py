"""Bounded load generator for `krakow-clusters serve` on loopback (a benchmark, not a test).

Starts the server itself (embedded store) on a free port, or targets --url. For each scenario,
CLIENTS concurrent clients each send REQUESTS/CLIENTS requests over one keep-alive HTTP/1.1
connection, one at a time; the run is bounded by the request count, never open-ended. Reports
throughput, p50 and p99 latency and errors (any answer other than 200 with the expected type).

    .venv/bin/python benchmarks/serve_load.py [--requests 4000] [--clients 8] [--url URL]

Scenarios: the HTML page of a cluster (rotating over the eight), the same IRIs negotiated to
Turtle, and the saved query `overview` as JSON.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
CLUSTERS = [
    "bim",
    "cracov-movies",
    "innovative-foundry",
    "intelligent-lighting",
    "lifescience-krakow",
    "malopolsko-podkarpacki-clean-energy",
    "south-poland-cleantech",
    "sustainable-infrastructure",
]
SCENARIOS = {
    "resource page (HTML)": ([f"/id/cluster/{c}" for c in CLUSTERS], "text/html", "text/html"),
    "negotiated Turtle": (
        [f"/id/cluster/{c}" for c in CLUSTERS],
        "text/turtle;q=0.9, text/html;q=0.5",
        "text/turtle",
    ),
    "saved query (overview.json)": (
        ["/queries/overview.json"],
        "application/sparql-results+json",
        "application/sparql-results+json",
    ),
}


# Seconds a client waits for the server before it counts the request (and the rest) as errors.
TIMEOUT = 60


@dataclass
class Outcome:
    latencies: list[float]
    errors: int
    seconds: float


def _client(host, port, paths, accept, expected, count, latencies, errors, start, seconds) -> None:
    """One client: a keep-alive connection, one request in flight, `count` requests (fewer if
    `seconds` pass first, when given). Blocking reads into one preallocated buffer (the GIL is
    released while the kernel copies), so that a client costs little CPU beside the server on
    the same cores and the latency measured is the server's rather than the load generator's."""
    requests = [
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: {accept}\r\n\r\n".encode()
        for path in paths
    ]
    buffer = memoryview(bytearray(1 << 20))
    start.wait()
    deadline = None if seconds is None else time.perf_counter() + seconds
    sock, i = None, 0
    try:
        sock = socket.create_connection((host, port), timeout=TIMEOUT)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(count):
            path = paths[i % len(paths)]
            started = time.perf_counter()
            if deadline is not None and started > deadline:
                return
            sock.sendall(requests[i % len(requests)])
            head = bytearray()
            while (end := head.find(b"\r\n\r\n")) < 0:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError(f"{path}: the server closed the connection")
                head += chunk
            status, *lines = head[:end].decode("latin-1").split("\r\n")
            headers = {}
            for line in lines:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if "content-length" not in headers:
                raise ConnectionError(f"{path}: an answer without Content-Length ({status})")
            remaining = int(headers["content-length"]) - (len(head) - end - 4)
            while remaining > 0:
                received = sock.recv_into(buffer, min(remaining, len(buffer)))
                if not received:
                    raise ConnectionError(f"{path}: the server closed the connection")
                remaining -= received
            latencies.append(time.perf_counter() - started)
            ok = status.startswith("HTTP/1.1 200")
            if not ok or not headers.get("content-type", "").startswith(expected):
                errors.append(path)
    except (OSError, ValueError) as exc:
        # A broken connection: this request and the ones it would have sent are errors.
        errors.extend([f"{type(exc).__name__}: {exc}"] * (count - i))
    finally:
        if sock is not None:
            sock.close()


def run_scenario(
    url: str, paths, accept, expected, requests: int, clients: int, seconds: float | None = None
) -> Outcome:
    """`clients` threads, each with its own connection, `requests // clients` requests each, or
    as many as they send in `seconds` when that comes first (a slow store); a client whose
    connection breaks counts its remaining requests as errors."""
    parts = urlsplit(url)
    latencies: list[float] = []
    errors: list[str] = []
    per_client = requests // clients
    start = threading.Barrier(clients + 1)
    args = (parts.hostname, parts.port, paths, accept, expected, per_client, latencies, errors)
    threads = [
        threading.Thread(target=_client, args=(*args, start, seconds), daemon=True)
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return Outcome(latencies, len(errors), time.perf_counter() - started)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


def start_server() -> tuple[subprocess.Popen, str]:
    sys.path.insert(0, str(ROOT))
    from tests.servers import free_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "krakow_clusters.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.1)
    os.kill(process.pid, signal.SIGTERM)
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000, help="requests per scenario")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--url", help="an already running server (default: start one)")
    args = parser.parse_args()
    process = None
    url = args.url
    if url is None:
        process, url = start_server()
    try:
        print(f"# {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
        print(f"# {url}, {args.clients} clients, {args.requests} requests per scenario")
        print("| scenario | requests/s | p50 ms | p99 ms | errors |")
        print("|---|---:|---:|---:|---:|")
        for name, (paths, accept, expected) in SCENARIOS.items():
            # Warm-up: one pass over the paths (the embedded server caches what it renders).
            run_scenario(url, paths, accept, expected, len(paths), 1)
            outcome = run_scenario(url, paths, accept, expected, args.requests, args.clients)
            rate = len(outcome.latencies) / outcome.seconds
            p50 = statistics.median(outcome.latencies) * 1000
            p99 = percentile(outcome.latencies, 99) * 1000
            print(f"| {name} | {rate:,.0f} | {p50:.2f} | {p99:.2f} | {outcome.errors} |")
    finally:
        if process is not None:
            os.kill(process.pid, signal.SIGTERM)
            process.wait(timeout=15)


if __name__ == "__main__":
    main()

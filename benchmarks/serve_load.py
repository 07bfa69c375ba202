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
import asyncio
import os
import platform
import signal
import statistics
import subprocess
import sys
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


@dataclass
class Outcome:
    latencies: list[float]
    errors: int
    seconds: float


async def _client(host, port, paths, accept, expected, count, latencies, errors) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for i in range(count):
            path = paths[i % len(paths)]
            request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: {accept}\r\n\r\n"
            started = time.perf_counter()
            writer.write(request.encode())
            status = await reader.readline()
            headers = {}
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            await reader.readexactly(int(headers.get("content-length", 0)))
            latencies.append(time.perf_counter() - started)
            ok = status.startswith(b"HTTP/1.1 200")
            if not ok or not headers.get("content-type", "").startswith(expected):
                errors.append(path)
    finally:
        writer.close()


async def run_scenario(url: str, paths, accept, expected, requests: int, clients: int) -> Outcome:
    parts = urlsplit(url)
    latencies: list[float] = []
    errors: list[str] = []
    per_client = requests // clients
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _client(
                parts.hostname, parts.port, paths, accept, expected, per_client, latencies, errors
            )
            for _ in range(clients)
        )
    )
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
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
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
            asyncio.run(run_scenario(url, paths, accept, expected, len(paths), 1))
            outcome = asyncio.run(
                run_scenario(url, paths, accept, expected, args.requests, args.clients)
            )
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

"""Soak benchmark of `krakow-clusters serve` on loopback (a benchmark, not a test; issue 12).

Starts its own server (embedded store, 127.0.0.1, a free port; never another host) and keeps it
under a mixed load for a bounded time and a bounded number of requests, then stops it by its
process id and stops by itself:

- pages: the clusters' HTML pages, the home page, the index and Turtle, rotating;
- saved queries: the library's queries as JSON, some with changing parameters;
- slow SPARQL: a cross join that runs until the server's query timeout stops it (a deliberate
  503 "query timeout"), and small queries that find every worker busy (a deliberate 503 "server
  busy" with Retry-After) or get their answer;
- hostile requests (issue 22, tests/limits/): a CONSTRUCT of a blank-node clique as Turtle, a
  query that wants gigabytes, answers over the byte limit, a wide answer as HTML, an RDF 1.2
  triple term, a prefix-like IRI as JSON-LD, a reconciliation batch nested 1,000 deep: each
  must end in a bounded answer or a 4xx (a 503 when the workers are busy), never another 5xx.

It records every answer's latency by kind, what is an error (any 5xx other than those deliberate
503s, any unexpected status or a broken connection), and the memory (RSS) of the server process
and of its query workers every few seconds. The figures go to benchmarks/soak.md and into
BENCHMARKS.md's "Soak" section (benchmarks/run.py keeps that section when it rewrites the file).

    .venv/bin/python benchmarks/soak.py [--minutes 4] [--max-requests 400000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.serve_load import CLUSTERS, percentile  # noqa: E402

SOAK_MD = ROOT / "benchmarks" / "soak.md"
REPORT = ROOT / "BENCHMARKS.md"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SMALL = "SELECT ?c WHERE { ?c a <https://w3id.org/krakow-clusters/ontology#ClusterInitiative> }"

PAGES = [
    *(f"/id/cluster/{c}" for c in CLUSTERS),
    "/",
    "/id/",
    "/id/cluster/bim.ttl",
    "/queries/",
]
HOSTILE_QUERIES = [
    (
        "CONSTRUCT { "
        + " ".join(f"_:n{i} <http://example.org/p> _:n{j} ." for i in range(9) for j in range(9))
        + " } WHERE {}",
        "text/turtle",
    ),
    (
        "SELECT (STRLEN(CONCAT(?x, ?x, ?x, ?x, ?x, ?x, ?x, ?x)) AS ?n) WHERE { { SELECT "
        "(GROUP_CONCAT(CONCAT(STR(?a), STR(?b), STR(?c))) AS ?x) WHERE { ?a ?b ?c . ?d ?e ?f } } "
        "?s ?p ?o }",
        "application/sparql-results+json",
    ),
    ("SELECT ?s ?p ?o ?t WHERE { ?s ?p ?o . ?t ?q ?r } LIMIT 9999", "text/csv"),
    (
        "SELECT ?s "
        + " ".join(f"?c{i}" for i in range(100))
        + " WHERE { ?s ?p ?o "
        + " ".join(f'BIND("{i}" AS ?c{i})' for i in range(100))
        + " } LIMIT 5000",
        "text/html",
    ),
    ("SELECT (TRIPLE(?s, ?p, ?o) AS ?t) WHERE { ?s ?p ?o } LIMIT 1", "application/json"),
    ("CONSTRUCT { <http://example.org/s> <cluster:x> 1 } WHERE {}", "application/ld+json"),
]
SAVED = [
    "/queries/overview.json",
    "/queries/national-key-clusters.json",
    "/queries/member-types.json",
    "/queries/sector-hierarchy.json",
    *(f"/queries/clusters-at-least.json?min={n}" for n in range(1, 120)),
]


@dataclass
class Kind:
    """One kind of request: its clients and what counts as an expected answer."""

    name: str
    clients: int
    targets: list[str | tuple[str, str]]  # a target, or (target, Accept)
    expected: tuple[int, ...] = (200,)
    deliberate: tuple[int, ...] = ()
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0


def sparql_target(query: str) -> str:
    from urllib.parse import urlencode

    return "/sparql?" + urlencode({"query": query})


def hostile_targets() -> list[tuple[str, str]]:
    """(target, Accept) of each hostile request (see the module's docstring)."""
    from urllib.parse import urlencode

    deep = urlencode({"queries": "[" * 1000 + "]" * 1000})
    return [
        *((sparql_target(query), accept) for query, accept in HOSTILE_QUERIES),
        (f"/reconcile?{deep}", "application/json"),
    ]


ACCEPT = "text/html, application/sparql-results+json;q=0.9"


async def _client(kind: Kind, port: int, stop: asyncio.Event, budget: list[int], offset: int):
    reader = writer = None
    i = offset
    while not stop.is_set() and budget[0] > 0:
        budget[0] -= 1
        target = kind.targets[i % len(kind.targets)]
        target, accept = target if isinstance(target, tuple) else (target, ACCEPT)
        i += 1
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: {accept}\r\n\r\n"
            started = time.perf_counter()
            writer.write(request.encode())
            status = int((await asyncio.wait_for(reader.readline(), 60)).split()[1])
            length = 0
            close = False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
                if name.strip().lower() == "connection" and "close" in value.lower():
                    close = True
            await reader.readexactly(length)
            kind.latencies.append(time.perf_counter() - started)
            kind.statuses[status] = kind.statuses.get(status, 0) + 1
            if status not in kind.expected and status not in kind.deliberate:
                kind.errors += 1
            if close:
                writer.close()
                writer = None
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError, IndexError):
            kind.errors += 1
            kind.statuses[-1] = kind.statuses.get(-1, 0) + 1
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


async def sample_memory(pid: int, stop: asyncio.Event, every: float, samples: list) -> None:
    start = time.monotonic()
    while not stop.is_set():
        workers = sum(rss_mb(c) for c in children(pid))
        samples.append((time.monotonic() - start, rss_mb(pid), workers))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


async def soak(port: int, pid: int, seconds: float, max_requests: int, kinds: list[Kind]):
    stop = asyncio.Event()
    budget = [max_requests]
    samples: list[tuple[float, float, float]] = []
    sampler = asyncio.ensure_future(sample_memory(pid, stop, 5.0, samples))
    clients = [
        asyncio.ensure_future(_client(kind, port, stop, budget, n * 7))
        for kind in kinds
        for n in range(kind.clients)
    ]
    started = time.monotonic()
    while time.monotonic() - started < seconds and budget[0] > 0:
        await asyncio.sleep(0.5)
    stop.set()
    await asyncio.gather(*clients)
    await sampler
    return time.monotonic() - started, max_requests - budget[0], samples


def start_server(args: argparse.Namespace) -> tuple[subprocess.Popen, int]:
    from tests.servers import free_port

    port = free_port()
    command = [sys.executable, "-m", "krakow_clusters.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--query-workers", str(args.workers)]
    command += ["--query-timeout", str(args.query_timeout), "--queue-wait", str(args.queue_wait)]
    env = {**os.environ, "KRAKOW_CLUSTERS_HOME": str(ROOT)}
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D"):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def report(args, kinds: list[Kind], seconds: float, sent: int, samples) -> str:
    ms = 1000
    lines = [
        "## Soak: mixed load for minutes (benchmarks/soak.py)",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; the load generator shares the CPUs with the server.",
        "",
        "```sh",
        f".venv/bin/python benchmarks/soak.py --minutes {args.minutes:g} "
        f"--max-requests {args.max_requests} --workers {args.workers} "
        f"--query-timeout {args.query_timeout:g} --queue-wait {args.queue_wait:g}",
        "```",
        "",
        f"{sent:,} requests in {seconds:.0f} s over keep-alive connections on 127.0.0.1: "
        + ", ".join(f"{k.clients} {k.name} clients" for k in kinds)
        + ". A slow query is stopped by the query timeout (a deliberate `503 query timeout`); a "
        "small query that finds every worker busy gets a deliberate `503 server busy` with "
        "Retry-After after the queue wait. An error is anything else that is not the expected "
        "answer (a 5xx, an unexpected status, a broken connection).",
        "",
        "| kind | requests | answers by status | errors | p50 ms | p90 ms | p99 ms | max ms |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for k in kinds:
        lat = k.latencies or [0.0]
        statuses = ", ".join(
            f"{s if s >= 0 else 'broken'}: {n:,}" for s, n in sorted(k.statuses.items())
        )
        lines.append(
            f"| {k.name} | {len(k.latencies):,} | {statuses} | {k.errors} | "
            f"{statistics.median(lat) * ms:.1f} | {percentile(lat, 90) * ms:.1f} | "
            f"{percentile(lat, 99) * ms:.1f} | {max(lat) * ms:.1f} |"
        )
    lines += [
        "",
        "Memory (RSS, MB) of the server process and of its query workers together, sampled every "
        "5 s (workers are replaced after each timeout, so theirs moves with the replacements):",
        "",
        "| time s | server MB | workers MB |",
        "|---:|---:|---:|",
    ]
    step = max(1, len(samples) // 12)
    shown = samples[::step]
    if samples and shown[-1] is not samples[-1]:
        shown.append(samples[-1])
    for t, server, workers in shown:
        lines.append(f"| {t:.0f} | {server:.1f} | {workers:.1f} |")
    warm = [s for t, s, _w in samples if samples and t >= min(60.0, samples[-1][0] / 3)]
    if warm:
        lines += [
            "",
            f"After the warm-up (from {min(60.0, samples[-1][0] / 3):.0f} s) the server "
            f"process stayed between {min(warm):.1f} and {max(warm):.1f} MB.",
        ]
    pages = [k for k in kinds if k.name in ("page", "saved query")]
    worst = max(percentile(k.latencies or [0.0], 99) for k in pages) * ms
    freeze = max(max(k.latencies or [0.0]) for k in pages) * ms
    errors = sum(k.errors for k in kinds)
    server_errors = sum(n for k in kinds for s, n in k.statuses.items() if s >= 500 and s != 503)
    lines += [
        "",
        "Against the targets of issue 12 (computed from the figures above): errors apart from "
        f"the deliberate 503s: {errors} (target 0); p99 of pages and saved queries while every "
        f"worker is busy: {worst:.0f} ms (target under 100 ms); the server's memory after the "
        + (f"warm-up moved by {max(warm) - min(warm):.1f} MB (target: flat)." if warm else "?"),
        "",
        f"Against those of issue 22 (hostile requests among the others): 5xx answers other than "
        f"503: {server_errors} (target 0); the worst wait of an ordinary page or saved query: "
        f"{freeze:.0f} ms (target: under the query timeout, {args.query_timeout * ms:.0f} ms).",
    ]
    return "\n".join(lines) + "\n"


def splice(report_path: Path, section: str) -> None:
    """Put the soak section into BENCHMARKS.md in place of the one there, or at its end."""
    text = report_path.read_text(encoding="utf-8") if report_path.is_file() else ""
    heading = "## Soak"
    if heading in text:
        before, _, rest = text.partition(heading)
        after = rest.split("\n## ", 1)
        tail = "\n## " + after[1] if len(after) == 2 else ""
        text = before + section.rstrip("\n") + "\n" + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section
    report_path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=4.0, help="how long the load lasts")
    parser.add_argument("--max-requests", type=int, default=400_000, help="at most this many")
    parser.add_argument("--workers", type=int, default=2, help="serve --query-workers")
    parser.add_argument("--query-timeout", type=float, default=3.0, help="serve --query-timeout")
    parser.add_argument("--queue-wait", type=float, default=1.0, help="serve --queue-wait")
    parser.add_argument("--no-report", action="store_true", help="print only; write no file")
    args = parser.parse_args()
    kinds = [
        Kind("page", 6, PAGES),
        Kind("saved query", 2, SAVED),
        Kind("slow SPARQL", 2, [sparql_target(SLOW)], expected=(), deliberate=(503,)),
        Kind("small SPARQL", 1, [sparql_target(SMALL)], expected=(200,), deliberate=(503,)),
        Kind("hostile", 1, hostile_targets(), expected=(200, 400), deliberate=(503,)),
    ]
    process, port = start_server(args)
    try:
        seconds, sent, samples = asyncio.run(
            soak(port, process.pid, args.minutes * 60, args.max_requests, kinds)
        )
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    section = report(args, kinds, seconds, sent, samples)
    print(section)
    if not args.no_report:
        SOAK_MD.write_text(section, encoding="utf-8")
        splice(REPORT, section)


if __name__ == "__main__":
    main()

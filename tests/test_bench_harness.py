"""The benchmark harness (benchmarks/run.py) end to end on a tiny graph: every step runs in its
own process and is named in the report it writes. Timings are recorded, never asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.run import BASE_STEPS, OURS_STEPS, STEPS

ROOT = Path(__file__).resolve().parents[1]


def test_harness_runs_every_step_and_writes_the_report(tmp_path):
    report = tmp_path / "BENCHMARKS.md"
    data = tmp_path / "data"
    argv = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--size", "2k", "--runs", "1"]
    argv += ["--no-serve", "--no-cold", "--timeout", "120", "--data", str(data)]
    argv += ["--report", str(report)]
    subprocess.run(argv, check=True, capture_output=True, timeout=300)

    results = json.loads((data / "results-2k.json").read_text(encoding="utf-8"))
    assert results["finished"]
    assert set(results["steps"]) == set(OURS_STEPS) | set(BASE_STEPS)
    for step, runs in results["steps"].items():
        assert len(runs) == 1, step
        assert not runs[0]["timed_out"] and "error" not in runs[0], (step, runs[0])
        assert runs[0]["rss_kb"] > 0 and runs[0]["whole"] > 0
    for engine in ("turbo", "pyshacl"):
        assert results["broken"][engine]["extras"]["exact"] is True, engine
    queries = results["queries"]["queries"]
    names = {q["query"] for q in queries}
    assert "overview" in names and "wikidata-places" not in names
    assert all(len(q["times"]) == 1 for q in queries)

    text = report.read_text(encoding="utf-8")
    assert "## 2k: " in text
    for label, _, _ in STEPS.values():
        assert label in text, label
    for name in names:
        assert f"| {name} |" in text, name
    assert "- turbo: yes" in text and "- pyshacl: yes" in text
    assert "## Targets" in text and "## Machine and command" in text
    assert "at least 20× faster than the plain toolchain" in text

    # --only re-runs the named steps and keeps every other figure of the size.
    before = results["steps"]
    argv += ["--only", "void", "--only", "broken-turbo"]
    subprocess.run(argv, check=True, capture_output=True, timeout=300)
    again = json.loads((data / "results-2k.json").read_text(encoding="utf-8"))
    assert again["finished"]
    assert again["steps"]["void"] != before["void"], "void was run again"
    assert {k: v for k, v in again["steps"].items() if k != "void"} == {
        k: v for k, v in before.items() if k != "void"
    }
    assert again["queries"] == results["queries"]
    assert "then" in again["command"] and "--only void" in again["command"]
    refused = subprocess.run([*argv, "--only", "nonsense"], capture_output=True, text=True)
    assert refused.returncode == 2 and "unknown step" in refused.stderr


def test_engines_step_loads_and_queries_oxigraph_server_and_virtuoso(tmp_path):
    # The external stores side by side (no serve load here: --no-serve): each loaded through the
    # Graph Store Protocol, every library query answered with the same number of rows.
    report, data = tmp_path / "BENCHMARKS.md", tmp_path / "data"
    argv = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--size", "2k", "--runs", "1"]
    argv += ["--no-serve", "--no-cold", "--timeout", "120", "--data", str(data)]
    argv += ["--report", str(report), "--only", "engines", "--engines-all"]
    subprocess.run(argv, check=True, capture_output=True, timeout=300)

    engines = json.loads((data / "results-2k.json").read_text(encoding="utf-8"))["engines"]
    assert set(engines) == {"oxigraph", "virtuoso"}
    rows = {}
    for name, record in engines.items():
        assert "error" not in record, (name, record["error"])
        assert record["loaded"] == record["triples"] > 2000 and record["load_s"] > 0
        assert all("error" not in q and len(q["times"]) == 1 for q in record["queries"]), name
        rows[name] = {q["query"]: q["rows"] for q in record["queries"]}
    assert "overview" in rows["oxigraph"] and "wikidata-places" not in rows["oxigraph"]
    assert rows["oxigraph"] == rows["virtuoso"]
    text = report.read_text(encoding="utf-8")
    assert "## Which engine for which size" in text and "### 2k: " in text
    assert "| query `overview` | not run | " in text


def test_the_load_client_counts_answers_errors_and_stops_at_its_time_limit():
    """benchmarks/serve_load.py's client against a real HTTP server on loopback: every request
    answered over keep-alive connections is timed, a wrong status is an error, and a run bounded
    by seconds stops early."""
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from benchmarks.serve_load import run_scenario

    body = b"x" * 3_000_000  # larger than the client's buffer: read in several pieces

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            if self.path == "/slow":
                time.sleep(0.2)
            status = 404 if self.path == "/missing" else 200
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        ok = run_scenario(url, ["/a", "/b"], "text/plain", "text/plain", 40, 4)
        assert len(ok.latencies) == 40 and ok.errors == 0 and ok.seconds > 0
        wrong = run_scenario(url, ["/a", "/missing"], "text/plain", "text/plain", 8, 2)
        assert len(wrong.latencies) == 8 and wrong.errors == 4
        bounded = run_scenario(url, ["/slow"], "text/plain", "text/plain", 1000, 2, seconds=0.5)
        assert 2 <= len(bounded.latencies) <= 12 and bounded.errors == 0
    finally:
        server.shutdown()
        server.server_close()

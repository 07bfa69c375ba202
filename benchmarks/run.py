"""The benchmark harness: our pipeline against plain rdflib + pySHACL, at several sizes.

    .venv/bin/python benchmarks/run.py                  # 10k, 100k and 1M, then BENCHMARKS.md
    .venv/bin/python benchmarks/run.py --size 10k       # one size (the others' last results stay)
    .venv/bin/python benchmarks/run.py --size 2k --runs 1 --no-serve --no-cold --report /tmp/b.md

Every step runs in a fresh Python process (`--child`), which reports the wall time of the work
inside it and its peak RSS (resource.getrusage(RUSAGE_SELF)); the harness also times the whole
process (interpreter start and imports included) and reads the process's own rusage from wait4.
A step that runs past --timeout is killed and reported as "> N s (timed out)".

Generated graphs are cached under benchmarks/data/ (git-ignored), with the results of each size
(results-SIZE.json); the report is written from every results file present, so one size can be
re-run without losing the others.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from krakow_clusters.pages.describe import Site
from krakow_clusters.rdf.namespaces import Namespaces

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "benchmarks" / "data"
REPORT = ROOT / "BENCHMARKS.md"
SERVE_REAL = ROOT / "benchmarks" / "serve-real-data.md"
FINDINGS = ROOT / "benchmarks" / "findings.md"  # hand-written reading of the figures
ENGINES_NOTES = ROOT / "benchmarks" / "engines.md"  # hand-written: what the engines taught us
SOAK = ROOT / "benchmarks" / "soak.md"  # written by benchmarks/soak.py (`make soak`)
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
# Runs per size: (ours, baseline). The 1M baseline takes minutes per step: one run.
RUNS = {"10k": (5, 3), "100k": (3, 2), "1M": (3, 1)}
QUERY_REPEATS = {"10k": 5, "100k": 5, "1M": 3}
SERVE_SIZES = ("10k", "100k", "1M")
# The static site (a page per resource) is timed as its own step up to this size; the harness's
# `build` runs with --no-site at every size, so that it does the work the baseline does (the 1M
# build target is load, validate, dumps and VoID).
SITE_MAX_TRIPLES = 100_000
# The reference checks that cost what the baseline's pySHACL costs, or more, run up to this size
# (`--reference-all`: at every size): our `pyshacl` engine (the same validator over a copy of the
# store, the baseline's cost: ratio about 1× at 10k and 100k), its run on the broken variant, and
# the library's queries on rdflib's in-memory store (which did not get through them in 400 s at
# 1M). Above it, the baseline's own pySHACL step is the one that measures pySHACL.
REFERENCE_MAX_TRIPLES = 100_000
SEED = 7
DEFAULT_TIMEOUT = 900.0
SLOW = 120.0  # a step slower than this (whole process) is not repeated
COLD_RUNS = 5
SERVE_REQUESTS = 4000
SERVE_CLIENTS = 8
# The external stores compared with the embedded one (`engines` step), at these sizes by default.
ENGINE_SERVERS = ("oxigraph", "virtuoso")
ENGINE_LABELS = {
    "embedded": "embedded store",
    "oxigraph": "Oxigraph server",
    "virtuoso": "Virtuoso 7.2",
}
ENGINE_SIZES = ("100k", "1M")
# serve --sparql-endpoint caches nothing: every request queries the store, at tens of requests/s
# on a shared 2-core machine; fewer requests per run than the embedded serve's.
ENGINE_SERVE_REQUESTS = 1000
# ... or as many as the clients send in this many seconds, whichever comes first (a page costs
# seconds at 1M on a busy store), in this many runs.
ENGINE_SERVE_SECONDS = 30.0
ENGINE_SERVE_RUNS = 2

# step id -> (label, side, baseline step id it is compared with)
STEPS: dict[str, tuple[str, str, str | None]] = {
    "load": ("load (pyoxigraph store)", "ours", "b-parse"),
    "triples": (
        "store → list of triples as Oxigraph terms (for reference: build reads the store)",
        "ours",
        None,
    ),
    "validate-turbo": ("validate, turbo engine (load + SHACL + checks)", "ours", "b-validate"),
    "validate-pyshacl": ("validate, pyshacl engine (load + SHACL + checks)", "ours", "b-validate"),
    "dump-turtle": ("dump Turtle (serialize_turtle)", "ours", "b-dump-turtle"),
    "dump-ntriples": ("dump N-Triples (store.sorted_ntriples)", "ours", "b-dump-ntriples"),
    "dump-jsonld": (
        "dump JSON-LD (make_context + serialize_jsonld, jsonld_writer)",
        "ours",
        "b-dump-jsonld",
    ),
    "dump-framed": ("framed JSON-LD of the clusters (clusters.jsonld)", "ours", None),
    "void": ("VoID statistics (void_statistics)", "ours", "b-void"),
    "reconcile": (
        "reconcile: a batch of 100 messy names (/reconcile's answer; index built before)",
        "ours",
        None,
    ),
    "site": ("static HTML site (site.write_site: a page per resource)", "ours", None),
    "build": ("`krakow-clusters build --out tmp` (whole process)", "ours", "b-pipeline"),
    "b-parse": ("rdflib Graph().parse", "baseline", None),
    "b-validate": ("rdflib parse + pySHACL validate", "baseline", None),
    "b-dump-turtle": ("rdflib serialize Turtle", "baseline", None),
    "b-dump-ntriples": ("rdflib serialize N-Triples", "baseline", None),
    "b-dump-jsonld": ("make_context + rdflib serialize JSON-LD (context=)", "baseline", None),
    "b-void": ("rdflib.void.generateVoID", "baseline", None),
}
OURS_STEPS = [s for s, (_, side, _) in STEPS.items() if side == "ours"]
BASE_STEPS = [s for s, (_, side, _) in STEPS.items() if side == "baseline"]
# What a user's plain script does for a release: parse + validate, each dump, VoID; and the
# same work done by our steps (sums of medians; `build` does more: docs, DCAT, framed JSON-LD).
PIPELINE = ["b-validate", "b-dump-turtle", "b-dump-ntriples", "b-dump-jsonld", "b-void"]
# The plain toolchain of issue 16: rdflib parse, pySHACL validate, rdflib serialize Turtle,
# N-Triples and JSON-LD (no VoID), against which `build --no-site` is measured.
TOOLCHAIN = ["b-validate", "b-dump-turtle", "b-dump-ntriples", "b-dump-jsonld"]
OURS_PIPELINE = ["validate-turbo", "dump-turtle", "dump-ntriples", "dump-jsonld", "void"]
SUMS = {
    "b-pipeline": PIPELINE,
    "b-pipeline-nojson": [s for s in PIPELINE if s != "b-dump-jsonld"],
    "b-toolchain": TOOLCHAIN,
    "o-pipeline": OURS_PIPELINE,
    "o-pipeline-nojson": [s for s in OURS_PIPELINE if s != "dump-jsonld"],
}
SUM_LABELS = {
    "o-pipeline": ("sum: validate (turbo), 3 dumps, VoID", "ours", "b-pipeline"),
    "o-pipeline-nojson": ("the same sum without JSON-LD", "ours", "b-pipeline-nojson"),
    "b-pipeline": ("sum: parse + validate, 3 dumps, VoID", "baseline", None),
    "b-pipeline-nojson": ("the same sum without JSON-LD", "baseline", None),
    "b-toolchain": ("the plain toolchain: that sum without VoID", "baseline", None),
}


# --- the child process: one step, timed inside ----------------------------------------------------


def _settings():
    """The settings of the project the generated graphs belong to (this checkout's: the
    generator writes its IRIs)."""
    from krakow_clusters.project import Project

    return Project(ROOT).settings


def _emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


def _finish(work: float, extras: dict | None = None) -> None:
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    _emit({"work": work, "rss_kb": rss, "extras": extras or {}})


def child(spec: dict) -> None:
    """Run one step as described by `spec` and print its figures as JSON lines."""
    step = spec["step"]
    files = [Path(f) for f in spec["files"]]
    clock = time.perf_counter
    if step in (
        "load",
        "triples",
        "dump-turtle",
        "dump-ntriples",
        "dump-jsonld",
        "dump-framed",
        "void",
    ):
        from krakow_clusters.store.embedded import EmbeddedStore

        started = clock()
        store = EmbeddedStore.from_files(files, _settings().graph_base)
        loaded = clock() - started
        if step == "load":
            return _finish(loaded, {"triples": len(store)})
        if step == "triples":
            started = clock()
            triples = store.native_triples()
            return _finish(clock() - started, {"triples": len(triples)})
        from krakow_clusters.formats import rdf as kg
        from krakow_clusters.release.jsonld import CONTEXT_FILE, clusters_frame, make_context
        from krakow_clusters.release.void import void_statistics

        # As build does it: each writer reads the store's triples (as Oxigraph terms) itself.
        triples = store.iter_native_triples
        started = clock()
        if step == "dump-turtle":
            dump = Namespaces.of(_settings()).dump
            size = len(kg.serialize_turtle(triples(), dump, "header"))
        elif step == "dump-ntriples":
            size = len(store.sorted_ntriples())
        elif step in ("dump-jsonld", "dump-framed"):
            namespaces = Namespaces.of(_settings())
            context = make_context(triples(), namespaces)
            url = _settings().base_iri + CONTEXT_FILE
            frame = clusters_frame(url, namespaces) if step == "dump-framed" else None
            size = len(kg.serialize_jsonld(triples(), context, url, frame))
        else:
            size = void_statistics(store)["triples"]
        return _finish(clock() - started, {"output": size})
    if step == "site":
        from krakow_clusters.release.site import write_site
        from krakow_clusters.store.embedded import EmbeddedStore

        store = EmbeddedStore.from_files(files, _settings().graph_base)
        folder = Path(tempfile.mkdtemp(prefix="bench-site-"))
        try:
            started = clock()
            pages = write_site(store, Site(_settings()), folder / "site", release=folder)
            work = clock() - started
            size = sum(p.stat().st_size for p in pages)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return _finish(work, {"pages": len(pages), "output": size})
    if step.startswith("validate-") or step.startswith("broken-"):
        from krakow_clusters.validate import expected_triples, validate_files

        engine = step.split("-", 1)[1]
        started = clock()
        report = validate_files(
            _settings(),
            files,
            Path(spec["shapes"]),
            [Path(c) for c in spec["checks"]],
            engine=engine,
        )
        work = clock() - started
        found = expected_triples(report.findings)
        extras = {"violations": len(found), "engine": report.engine}
        if step.startswith("broken-"):
            expected = Path(spec["expected"]).read_text(encoding="utf-8").splitlines()[1:]
            injected = {tuple(line.split("\t")) for line in expected if line}
            found = {tuple(x) for x in found}
            extras |= {
                "injected": len(injected),
                "exact": found == injected,
                "missed": len(injected - found),
                "extra": len(found - injected),
            }
        return _finish(work, extras)
    if step == "queries":
        from krakow_clusters.sparql.library import library
        from krakow_clusters.store.embedded import EmbeddedStore

        store = EmbeddedStore.from_files(files, _settings().graph_base)
        for q in _library_queries(library(Path(spec["queries"]), Namespaces.of(_settings()))):
            times = []
            for _ in range(spec["repeats"]):
                started = clock()
                answer = store.query(*_prepared(q, spec))
                rows = len(answer.triples) if answer.kind == "graph" else len(answer.rows)
                times.append(clock() - started)
            _emit({"query": q.name, "times": times, "rows": rows})
        return _finish(0.0)
    if step == "b-queries":
        import rdflib

        from krakow_clusters.sparql.library import library

        graph = rdflib.Graph()
        for f in files:
            graph.parse(f)
        for q in _library_queries(library(Path(spec["queries"]), Namespaces.of(_settings()))):
            times = []
            try:
                for _ in range(spec["repeats"]):
                    started = clock()
                    text, bindings = _prepared(q, spec)
                    rows = len(list(graph.query(text, initBindings=bindings)))
                    times.append(clock() - started)
            except Exception as exc:  # rdflib fails on some queries: say so, go on
                _emit({"query": q.name, "error": f"{type(exc).__name__}: {exc}"[:120]})
                continue
            _emit({"query": q.name, "times": times, "rows": rows})
        return _finish(0.0)
    if step.startswith("b-"):
        import rdflib

        started = clock()
        graph = rdflib.Graph()
        for f in files:
            graph.parse(f)
        parsed = clock() - started
        if step == "b-parse":
            return _finish(parsed, {"triples": len(graph)})
        started = clock()
        if step == "b-validate":
            import pyshacl

            shapes = rdflib.Graph().parse(spec["shapes"])
            _conforms, _, _ = pyshacl.validate(
                graph, shacl_graph=shapes, advanced=True, inference="none", allow_warnings=True
            )
            validated = clock() - started
            return _finish(parsed + validated, {"parse": parsed, "validate": validated})
        if step == "b-dump-turtle":
            size = len(graph.serialize(format="turtle"))
        elif step == "b-dump-ntriples":
            size = len(graph.serialize(format="nt"))
        elif step == "b-dump-jsonld":
            from krakow_clusters.release.jsonld import make_context

            context = make_context(graph, Namespaces.of(_settings()))
            size = len(graph.serialize(format="json-ld", context=context["@context"]))
        else:
            from rdflib.void import generateVoID

            void, _ = generateVoID(graph)
            size = len(void)
        return _finish(clock() - started, {"output": size})
    if step == "reconcile":
        from krakow_clusters.reconcile.service import Reconciler
        from krakow_clusters.store.embedded import EmbeddedStore

        store = EmbeddedStore.from_files(files, _settings().graph_base)
        started = clock()
        reconciler = Reconciler.from_store(store, _settings())
        indexed = clock() - started
        queries = _messy_queries(reconciler, 100)
        started = clock()
        answer = reconciler.batch(queries)
        work = clock() - started
        found = sum(1 for a in answer.values() if a["result"])
        extras = {"index": indexed, "entities": len(reconciler.entities), "found": found}
        return _finish(work, extras)
    if step == "cli":
        # A CLI command in this process (the harness reads its rusage with wait4).
        from krakow_clusters.cli import cli as cli_main

        sys.argv = ["krakow-clusters", *spec["args"]]
        cli_main()
        return None
    raise SystemExit(f"unknown step {step!r}")


def _messy_queries(reconciler, n: int) -> dict:
    """`n` reconciliation queries as people type them, made from names of the index (lower case,
    words swapped, a letter dropped), one in ten a name that is in no graph; deterministic."""
    import random

    rng = random.Random(SEED)
    names = [name for entity in reconciler.entities.values() for name, _alt in entity.names]
    queries = {}
    for i in range(n):
        if i % 10 == 9:
            text = f"Unrelated Company {rng.randint(1, 10**6)} Sp. z o.o."
        else:
            words = rng.choice(names).split()
            if len(words) > 1 and rng.random() < 0.5:
                words.reverse()
            text = " ".join(words)
            if rng.random() < 0.5:
                text = text.lower()
            if len(text) > 6 and rng.random() < 0.3:
                cut = rng.randrange(len(text))
                text = text[:cut] + text[cut + 1 :]
        queries[f"q{i}"] = {"query": text, "limit": 3}
    return queries


def _library_queries(queries: list) -> list:
    """The library without queries that call a remote SERVICE (they would reach the internet)."""
    return [q for q in queries if "SERVICE" not in q.text.upper()]


def _prepared(q, spec: dict) -> tuple[str, dict]:
    """The query's text and bindings: `cluster` bound to a generated cluster, other parameters
    at their defaults (a paged query's first page)."""
    values = {}
    for param in q.params:
        if param.name == "cluster":
            values["cluster"] = spec["cluster"]
    return q.prepare(values)


# --- the parent: processes, timing, timeouts ------------------------------------------------------


def run_process(argv: list[str], timeout: float, env: dict | None = None) -> dict:
    """Run one process; its whole wall time, rusage (wait4), JSON lines it printed, timeout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            argv, stdout=out, stderr=err, env=env, cwd=ROOT, start_new_session=True
        )
        done: dict = {}

        def reap() -> None:
            _, status, usage = os.wait4(process.pid, 0)
            done.update(
                elapsed=time.perf_counter() - started,
                status=os.waitstatus_to_exitcode(status),
                rss_kb=usage.ru_maxrss,
            )

        waiter = threading.Thread(target=reap, daemon=True)
        waiter.start()
        tree = _TreeMemory(process.pid)
        waiter.join(timeout)
        timed_out = waiter.is_alive()
        tree.stop()
        if timed_out:
            os.killpg(process.pid, signal.SIGKILL)
            waiter.join()
        process.returncode = done["status"]  # reaped by wait4 above
        out.seek(0)
        err.seek(0)
        lines = [json.loads(x) for x in out.read().decode().splitlines() if x.startswith("{")]
        errors = err.read().decode(errors="replace")
    result = {
        "whole": done["elapsed"],
        "status": done["status"],
        # The largest process (wait4), or the whole tree at its largest when the process has
        # children of its own (a worker process): their sum, sampled every 50 ms.
        "rss_kb": max(done["rss_kb"], tree.peak_kb),
        "process_rss_kb": done["rss_kb"],
        "timed_out": timed_out,
        "lines": lines,
    }
    if done["status"] != 0 and not timed_out:
        result["error"] = (errors.strip().splitlines() or ["exit " + str(done["status"])])[-1]
    return result


class _TreeMemory:
    """The peak of the summed resident memory of a process and its descendants, read from /proc
    every 50 ms in a thread (Linux; 0 where /proc cannot be read)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_kb = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            with contextlib.suppress(OSError):
                self.peak_kb = max(self.peak_kb, self._tree_kb())

    def _tree_kb(self) -> int:
        parents: dict[int, int] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                parents[int(stat.parent.name)] = int(fields[1])
        tree, grew = {self.pid}, True
        while grew:
            more = {pid for pid, parent in parents.items() if parent in tree} - tree
            tree |= more
            grew = bool(more)
        total = 0
        for pid in tree:
            with contextlib.suppress(OSError, ValueError, StopIteration):
                status = Path(f"/proc/{pid}/status").read_text()
                total += next(
                    int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS:")
                )
        return total

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run_step(spec: dict, timeout: float) -> dict:
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)]
    result = run_process(argv, timeout)
    final = [x for x in result["lines"] if "work" in x]
    run = {"whole": result["whole"], "rss_kb": result["rss_kb"], "timed_out": result["timed_out"]}
    if final:
        run |= {"work": final[-1]["work"], "extras": final[-1]["extras"]}
        run["rss_kb"] = final[-1]["rss_kb"]
    if "error" in result:
        run["error"] = result["error"]
    run["queries"] = [x for x in result["lines"] if "query" in x]
    return run


def run_cli(args: list[str], home: Path, timeout: float) -> dict:
    """A whole `krakow-clusters …` process (via the child shim, to read its peak RSS)."""
    env = os.environ | {"KRAKOW_CLUSTERS_HOME": str(home)}
    spec = {"step": "cli", "files": [], "args": args}
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)]
    result = run_process(argv, timeout, env)
    run = {"whole": result["whole"], "rss_kb": result["rss_kb"], "timed_out": result["timed_out"]}
    if result["status"] not in (0,) and not result["timed_out"]:
        run["error"] = result.get("error", f"exit {result['status']}")
    return run


# --- one size -------------------------------------------------------------------------------------


def size_triples(name: str) -> int:
    if name in SIZES:
        return SIZES[name]
    scale = {"k": 1_000, "M": 1_000_000}
    return int(float(name[:-1]) * scale[name[-1]]) if name[-1] in scale else int(name)


def prepare(size: str, data: Path) -> dict:
    """The generated graphs (cached) and a project folder holding the valid one."""
    from benchmarks.generate import write

    triples = size_triples(size)
    valid, broken = data / f"{size}.ttl", data / f"{size}-broken.ttl"
    expected = broken.with_suffix(".expected.tsv")
    stamp = data / f"{size}.seed"
    if not (valid.is_file() and expected.is_file() and stamp.is_file()):
        write(triples, valid, SEED)
        write(triples, broken, SEED, broken=True)
        stamp.write_text(str(SEED))
    project = data / f"project-{size}"
    if project.exists():
        shutil.rmtree(project)
    (project / "data").mkdir(parents=True)
    shutil.copytree(ROOT / "ontology", project / "ontology")
    shutil.copytree(ROOT / "queries", project / "queries")
    shutil.copy(ROOT / "settings.toml", project / "settings.toml")
    os.link(valid, project / "data" / "generated.ttl")
    from krakow_clusters.project import Project

    p = Project(project)
    ontology = [str(f) for f in p.ontology_files()]
    return {
        "project": project,
        "valid": ontology + [str(valid)],
        "broken": ontology + [str(broken)],
        "expected": str(expected),
        "shapes": str(p.shapes_file),
        "checks": [str(c) for c in p.check_queries()],
        "queries": str(p.queries_dir),
        "cluster": "https://w3id.org/krakow-clusters/id/cluster/gen-00002",
        "bytes": valid.stat().st_size,
    }


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def bench_size(size: str, args: argparse.Namespace) -> None:
    data = args.data
    results_file = data / f"results-{size}.json"
    ours_runs, base_runs = RUNS.get(size, (1, 1))
    if args.runs:
        ours_runs = base_runs = args.runs
    repeats = args.runs or QUERY_REPEATS.get(size, 3)
    log(f"{size}: generating / reusing graphs in {data}")
    files = prepare(size, data)
    results: dict = {
        "size": size,
        "command": args.command,
        "note": args.note,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "bytes": files["bytes"],
        "runs": {"ours": ours_runs, "baseline": base_runs},
        "timeout": args.timeout,
        "steps": {},
        "queries": {},
        "b-queries": {},
        "broken": {},
        "serve": None,
        "engines": None,
        "finished": False,
    }

    if args.only and results_file.is_file():
        # Re-run some steps: the others keep their figures from the earlier run.
        earlier = json.loads(results_file.read_text(encoding="utf-8"))
        earlier["command"] = f"{earlier['command']}; then {args.command}"
        if args.note:
            earlier["note"] = f"{earlier['note']} {args.note}".strip()
        results = earlier | {"finished": False}

    def save() -> None:
        results_file.write_text(json.dumps(results, indent=1), encoding="utf-8")

    common = {k: files[k] for k in ("shapes", "checks", "queries", "cluster", "expected")}

    def timed(step: str) -> None:
        side = STEPS[step][1]
        n = ours_runs if side == "ours" else base_runs
        runs = []
        for i in range(n):
            log(f"{size}: {step} run {i + 1}/{n}")
            if step == "build":
                out = Path(tempfile.mkdtemp(prefix="bench-build-")) / "dist"
                command = ["build", "--out", str(out), "--no-site"]
                run = run_cli(command, files["project"], args.timeout)
                shutil.rmtree(out.parent, ignore_errors=True)
                run["work"] = run["whole"]
            else:
                run = run_step({"step": step, "files": files["valid"], **common}, args.timeout)
            runs.append(run)
            log(f"{size}: {step}: " + _short(run))
            if run["timed_out"] or "error" in run:
                break  # the same step would time out (or fail) again
            if run["whole"] > args.slow and i + 1 < n:
                log(f"{size}: {step}: slower than {args.slow:.0f} s, no more runs")
                break
        results["steps"][step] = runs
        save()

    def broken(engine: str) -> None:
        log(f"{size}: broken variant, {engine}")
        spec = {"step": f"broken-{engine}", "files": files["broken"], **common}
        results["broken"][engine] = run_step(spec, args.timeout)
        save()

    def queries(key: str, n: int) -> None:
        log(f"{size}: {key} ({n} repeat(s) each)")
        spec = {"step": key, "files": files["valid"], "repeats": n, **common}
        results[key] = run_step(spec, args.timeout)
        save()

    def site() -> None:
        if size_triples(size) <= SITE_MAX_TRIPLES:
            timed("site")

    def reference(action) -> Callable[[], None]:
        def run() -> None:
            if size_triples(size) <= REFERENCE_MAX_TRIPLES or args.reference_all:
                action()

        return run

    def engines() -> None:
        if (args.engines and size in ENGINE_SIZES) or args.engines_all:
            results["engines"] = bench_engines(files, size, args, repeats)
            save()

    def serve() -> None:
        if (args.serve and size in SERVE_SIZES) or args.serve_all:
            log(f"{size}: serve under load")
            results["serve"] = bench_serve(files["project"], args.timeout, cluster_paths(size))
            save()

    # The quick steps first, the slowest (which may time out at 1M) last, so that a run cut
    # short still has the figures that matter most.
    ours = ("load", "triples", "validate-turbo", "dump-turtle", "dump-ntriples", "dump-jsonld")
    plan = [
        *((s, lambda s=s: timed(s)) for s in (*ours, "dump-framed", "void", "reconcile", "build")),
        ("site", site),
        ("queries", lambda: queries("queries", repeats)),
        ("broken-turbo", lambda: broken("turbo")),
        ("serve", serve),
        ("engines", engines),
        *((s, lambda s=s: timed(s)) for s in BASE_STEPS),
        ("validate-pyshacl", reference(lambda: timed("validate-pyshacl"))),
        ("broken-pyshacl", reference(lambda: broken("pyshacl"))),
        ("b-queries", reference(lambda: queries("b-queries", 1))),
    ]
    for name, action in plan:
        if not args.only or name in args.only:
            action()
    results["finished"] = True
    save()
    log(f"{size}: done")


def _short(run: dict) -> str:
    if run["timed_out"]:
        return "timed out"
    if "error" in run:
        return "error: " + run["error"]
    return (
        f"work {run.get('work', 0):.3f} s, whole {run['whole']:.3f} s, {run['rss_kb'] // 1024} MB"
    )


def cluster_paths(size: str) -> list[str]:
    from benchmarks.generate import TRIPLES_PER_CLUSTER

    clusters = max(8, round(size_triples(size) / TRIPLES_PER_CLUSTER))
    return [f"/id/cluster/gen-{i:05d}" for i in range(1, min(clusters, 64) + 1)]


# --- serve ----------------------------------------------------------------------------------------


def bench_serve(
    home: Path,
    timeout: float,
    paths: list[str],
    runs: int = 3,
    extra: tuple[str, ...] = (),
    requests: int = SERVE_REQUESTS,
    seconds: float | None = None,
) -> dict:
    """Start `krakow-clusters serve` on the project (with `extra` options, such as
    --sparql-endpoint), load it on loopback (`runs` runs of `requests` requests each, or of
    `seconds` when that comes first), stop it."""
    import urllib.request

    from tests.servers import free_port

    from benchmarks.serve_load import percentile, run_scenario

    port = free_port()
    env = os.environ | {"KRAKOW_CLUSTERS_HOME": str(home)}
    argv = [sys.executable, "-m", "krakow_clusters.cli", "serve", "--port", str(port), *extra]
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    result: dict = {"scenarios": {}, "requests": requests, "seconds": seconds}
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    result["error"] = "the server did not start"
                    return result
                time.sleep(0.1)
        result["startup"] = time.perf_counter() - started
        scenarios = {
            "resource page (HTML)": (paths, "text/html", "text/html"),
            "saved query (overview.json)": (
                ["/queries/overview.json"],
                "application/sparql-results+json",
                "application/sparql-results+json",
            ),
        }
        for name, (urls, accept, expected) in scenarios.items():
            first = time.perf_counter()
            warm = run_scenario(url, urls, accept, expected, len(urls), 1)
            figures = {"first_pass_s": time.perf_counter() - first, "runs": []}
            figures["warm_errors"] = warm.errors
            for _ in range(runs):
                outcome = run_scenario(
                    url, urls, accept, expected, requests, SERVE_CLIENTS, seconds
                )
                figures["runs"].append(
                    {
                        "rps": len(outcome.latencies) / outcome.seconds,
                        "p50_ms": statistics.median(outcome.latencies) * 1000,
                        "p99_ms": percentile(outcome.latencies, 99) * 1000,
                        "errors": outcome.errors,
                        "answered": len(outcome.latencies),
                    }
                )
            result["scenarios"][name] = figures
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            _, _, usage = os.wait4(process.pid, 0)
            result["rss_kb"] = usage.ru_maxrss
            process.returncode = 0
        except ChildProcessError:
            pass
    return result


# --- engines: the same data in the embedded store, an Oxigraph server and Virtuoso -------------


def _virtuoso_buffers(triples: int) -> int:
    """Virtuoso's page cache (NumberOfBuffers, 8 KiB pages) sized to the data: one page per ten
    triples, at least the default 10,000, at most 170,000 (what Debian's virtuoso.ini suggests
    for 2 GB of free memory)."""
    return min(170_000, max(10_000, triples // 10))


def _peak_rss_kb(pid: int) -> int | None:
    """A running process's peak RSS (VmHWM), read before it is stopped."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def bench_engines(files: dict, size: str, args: argparse.Namespace, repeats: int) -> dict:
    """The external stores side by side with the embedded one, on the same files: for each, the
    load (a Graph Store Protocol PUT of each named graph as N-Triples, as `publish --by-origin`
    does), every library query through the remote store (RemoteStore; Oxigraph with its union
    default graph, Virtuoso with the graphs given as the dataset by default-graph-uri and
    named-graph-uri, so GRAPH answers as on the embedded store; median of the repeats), and
    `serve --sparql-endpoint` under load. The embedded store's figures are the size's own load,
    queries and serve steps."""
    from urllib.parse import urlencode

    from tests.servers import OxigraphServer, VirtuosoServer

    from krakow_clusters.sparql.library import library
    from krakow_clusters.store.embedded import EmbeddedStore
    from krakow_clusters.store.gsp import put_graph
    from krakow_clusters.store.remote import RemoteStore

    valid = [Path(f) for f in files["valid"]]
    loaded_files = EmbeddedStore.from_files(valid, _settings().graph_base)
    graphs = {name: loaded_files.dump("nt", name) for name in loaded_files.graph_names()}
    triples = len(loaded_files)
    del loaded_files
    dataset = [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]
    queries = _library_queries(library(Path(files["queries"]), Namespaces.of(_settings())))
    out: dict = {}
    for engine in ENGINE_SERVERS:
        log(f"{size}: engines: {engine}")
        folder = Path(tempfile.mkdtemp(prefix=f"bench-{engine}-"))
        if engine == "virtuoso":
            server = VirtuosoServer(folder, buffers=_virtuoso_buffers(triples))
        else:
            server = OxigraphServer(folder)
        record: dict = {"triples": triples, "queries": []}
        try:
            server.start()
            user = getattr(server, "USER", None)
            password = getattr(server, "password", None)
            started = time.perf_counter()
            for graph, ntriples in graphs.items():
                put_graph(server.store_url, graph, ntriples, user=user, password=password,
                          timeout=args.timeout)  # fmt: skip
            record["load_s"] = time.perf_counter() - started
            # The Oxigraph server is started with --union-default-graph (tests/servers.py), as a
            # user would; listing the graphs there makes every query an n-way union (ten times
            # slower). Virtuoso's default graph holds its system graphs: the dataset is given.
            endpoint = server.query_url
            if engine == "virtuoso":
                endpoint += "?" + urlencode(dataset)
            store = RemoteStore(endpoint, timeout=args.timeout)
            count = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
            record["loaded"] = int(count)
            log(f"{size}: engines: {engine}: loaded {count} triples in {record['load_s']:.1f} s")
            for q in queries:
                entry: dict = {"query": q.name, "times": []}
                try:
                    for _ in range(repeats):
                        started = time.perf_counter()
                        answer = store.query(*_prepared(q, files))
                        entry["times"].append(time.perf_counter() - started)
                        graph = answer.kind == "graph"
                        entry["rows"] = len(answer.triples) if graph else len(answer.rows)
                except Exception as exc:  # a query an engine fails: say so, go on
                    entry["error"] = f"{type(exc).__name__}: {exc}"[:160]
                record["queries"].append(entry)
            if args.serve:
                # Twice: every page made from the store (--cache-seconds 0), then with the page
                # cache's default bound, under which a page asked again is given from memory.
                for key, cache in (("serve_uncached", ("--cache-seconds", "0")), ("serve", ())):
                    log(f"{size}: engines: {engine}: serve --sparql-endpoint {' '.join(cache)}")
                    record[key] = bench_serve(
                        files["project"], args.timeout, cluster_paths(size),
                        runs=ENGINE_SERVE_RUNS, extra=("--sparql-endpoint", endpoint, *cache),
                        requests=ENGINE_SERVE_REQUESTS, seconds=ENGINE_SERVE_SECONDS,
                    )  # fmt: skip
            record["rss_kb"] = _peak_rss_kb(server.process.pid)
        except Exception as exc:
            record["error"] = f"{type(exc).__name__}: {exc}"[:300]
            log(f"{size}: engines: {engine}: failed: {record['error']}")
        finally:
            server.stop()
            shutil.rmtree(folder, ignore_errors=True)
        out[engine] = record
    return out


# --- cold start on the real data ------------------------------------------------------------------


def bench_cold(args: argparse.Namespace) -> None:
    commands = {
        "validate": ["validate"],
        "query overview": ["query", "overview"],
        "build --out tmp": ["build", "--out", "{out}"],
    }
    results = {}
    for name, command in commands.items():
        runs = []
        for _i in range(COLD_RUNS):
            out = Path(tempfile.mkdtemp(prefix="bench-cold-")) / "dist"
            argv = [a.replace("{out}", str(out)) for a in command]
            runs.append(run_cli(argv, ROOT, args.timeout))
            shutil.rmtree(out.parent, ignore_errors=True)
        results[name] = runs
        log(f"cold {name}: " + ", ".join(f"{r['whole']:.3f}" for r in runs))
    (args.data / "results-cold.json").write_text(json.dumps(results, indent=1))


def bench_serve_real(args: argparse.Namespace) -> None:
    from benchmarks.serve_load import CLUSTERS

    log("serve on the real data")
    result = bench_serve(ROOT, args.timeout, [f"/id/cluster/{c}" for c in CLUSTERS])
    (args.data / "results-serve-real.json").write_text(json.dumps(result, indent=1))


# --- the report -----------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _secs(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 0.1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def summarise(runs: list[dict], timeout: float) -> dict:
    """Median, min and max of the work and whole-process times, peak RSS; timeouts kept."""
    done = [r for r in runs if not r["timed_out"] and "error" not in r and "work" in r]
    s = {"n": len(done), "timed_out": any(r["timed_out"] for r in runs)}
    s["error"] = next((r["error"] for r in runs if "error" in r), None)
    if done:
        work = [r["work"] for r in done]
        whole = [r["whole"] for r in done]
        s |= {
            "work": median(work),
            "min": min(work),
            "max": max(work),
            "whole": median(whole),
            "rss_mb": max(r["rss_kb"] for r in done) / 1024,
        }
    s["timeout"] = timeout
    return s


def _time_cell(s: dict | None) -> str:
    if s is None:
        return "not run"
    if "work" not in s:
        if s["timed_out"]:
            return f"> {s['timeout']:.0f} s (timed out)"
        return f"failed: {s['error']}" if s.get("error") else "not run"
    cell = f"{_secs(s['work'])} ({_secs(s['min'])}–{_secs(s['max'])})"
    if s["timed_out"]:
        cell += f"; a later run > {s['timeout']:.0f} s (timed out)"
    return cell


def _ratio(ours: dict | None, base: dict | None) -> str:
    if ours and base and "work" not in ours and ours.get("timed_out") and "work" in base:
        return f"< {base['work'] / ours['timeout']:,.2f}× (ours timed out)"
    if not ours or not base or "work" not in ours:
        return "—"
    if "work" not in base:
        if base.get("timed_out"):
            return f"> {base['timeout'] / ours['work']:,.1f}× (baseline timed out)"
        return "—"
    return f"{base['work'] / ours['work']:,.1f}×"


def load_results(data: Path) -> dict[str, dict]:
    found = {}
    for path in data.glob("results-*.json"):
        key = path.stem.removeprefix("results-")
        found[key] = json.loads(path.read_text(encoding="utf-8"))
    return found


def _sum(parts: list[dict | None], timeout: float) -> dict | None:
    """A sum of step medians; a lower bound marked timed out when a part timed out."""
    if all(p and "work" in p for p in parts):
        return {
            "n": min(p["n"] for p in parts),
            "timed_out": False,
            "work": sum(p["work"] for p in parts),
            "min": sum(p["min"] for p in parts),
            "max": sum(p["max"] for p in parts),
            "whole": sum(p["whole"] for p in parts),
            "rss_mb": max(p["rss_mb"] for p in parts),
            "timeout": timeout,
        }
    done = [p for p in parts if p and "work" in p]
    timed = [p for p in parts if p and "work" not in p and p.get("timed_out")]
    if timed and len(done) + len(timed) == len(parts):
        lower = sum(p["work"] for p in done) + sum(p["timeout"] for p in timed)
        return {"n": 0, "timed_out": True, "timeout": lower, "error": None}
    return None


def size_summaries(res: dict) -> dict[str, dict]:
    out = {step: summarise(runs, res["timeout"]) for step, runs in res["steps"].items()}
    for name, steps in SUMS.items():
        total = _sum([out.get(s) for s in steps], res["timeout"])
        if total is not None:
            out[name] = total
    return out


def triples_of(res: dict) -> int | None:
    for step in ("load", "b-parse", "triples"):
        for run in res["steps"].get(step, []):
            if "extras" in run and "triples" in run["extras"]:
                return run["extras"]["triples"]
    return None


def machine() -> list[str]:
    import importlib.metadata as md

    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        memory = "unknown"
    packages = []
    for name in (
        "pyoxigraph",
        "pyshacl-turbo",
        "rdflib",
        "pyshacl",
        "PyLD",
        "uvicorn",
        "starlette",
    ):
        try:
            packages.append(f"{name} {md.version(name)}")
        except md.PackageNotFoundError:
            packages.append(f"{name} (not installed)")
    load = "unknown"
    with contextlib.suppress(OSError):
        load = Path("/proc/loadavg").read_text().split()[0]
    return [
        f"- CPU: {model}, `nproc` = {os.cpu_count()}",
        f"- Memory: {memory}",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()}; " + ", ".join(packages),
        f"- Load average when the report was written: {load} (the 2 CPUs are shared with other "
        "developers' jobs, so spreads are wide)",
    ]


def write_report(data: Path, report: Path, command: str) -> None:
    results = load_results(data)
    sizes = sorted(
        (k for k in results if k not in ("cold", "serve-real")),
        key=lambda k: triples_of(results[k]) or size_triples(k),
    )
    sums = {s: size_summaries(results[s]) for s in sizes}
    lines = [
        "# Benchmarks",
        "",
        "Written by `benchmarks/run.py` (do not edit by hand: `make bench` regenerates it).",
        "Figures are a record of what was measured on the machine below, not a promise; no test",
        "asserts a timing.",
        "",
        "## Machine and command",
        "",
        *machine(),
        "",
        "```sh",
        "make bench             # = .venv/bin/python benchmarks/run.py: 10k, 100k, 1M, cold start,",
        "                       #   serve on the real data; then this file",
        "make bench SIZE=100k   # one size; the other sizes' last results are kept",
        "```",
        "",
        "Generated graphs and results are kept in `benchmarks/data/` (git-ignored); this file is",
        "rewritten from every results file there. The figures below were measured with:",
        "",
        "```sh",
        *sorted(
            {r["command"] for r in results.values() if isinstance(r, dict) and "command" in r}
            | ({command} if command else set())
        ),
        "```",
        "",
        "## How it is measured",
        "",
        "- The data: `benchmarks/generate.py` (seed 7) writes a valid graph and a broken variant",
        "  with a known list of injected violations; the files of a step are the ontology and",
        "  schemes plus the generated graph, the same files for our steps and the baseline's.",
        "- Every step runs in a fresh Python process. **work** is the wall time of the work",
        "  inside it (medians, min–max over the runs); **process** is the whole process, with",
        "  interpreter start, imports and, for the dumps and VoID, loading the data first; **peak",
        "  RSS** is the process's `ru_maxrss` (largest run), or, when it starts processes of its",
        "  own (`build` validating in a second one), the peak of their sum, sampled every 50 ms.",
        "  **triples/s** = triples ÷ work.",
        "- Dumps and VoID start from the loaded data: for ours, the store and the list of its",
        "  triples as Oxigraph terms (`store.native_triples()`, timed separately); for the",
        "  baseline, the parsed rdflib Graph. The framed JSON-LD (`clusters.jsonld`) has no",
        "  baseline counterpart. **validate** includes loading the files (ours: store + SHACL +",
        "  the SPARQL checks of `queries/checks/`; baseline: rdflib parse + pySHACL with",
        "  `advanced=True, inference='none'`, no extra checks).",
        "- **×** is the baseline's work time divided by ours (above 1: we are faster).",
        "- `build` is the whole `krakow-clusters build --out DIR --no-site` process on a project",
        "  folder holding the generated data (validate, all dumps, framed JSON-LD, ontology",
        "  release and docs, DCAT/VoID; the static site is timed as its own step, **site**). It is",
        "  compared with the baseline pipeline: the sum of the baseline's parse + validate, three",
        "  dumps and VoID medians (one parse only, in the baseline's favour). From 100k triples",
        "  on, `build` validates in a thread while it writes (`build.PARALLEL_FROM`); its peak",
        "  RSS is that of the whole process tree (one process since validation is a thread).",
        "- **site** is `site.write_site` on the loaded store, up to "
        f"{SITE_MAX_TRIPLES:,} triples (10k and 100k):",
        "  a page per resource under /id/, the home page and the list of all resources, rendered",
        "  with serve's templates and written to a temporary folder (the dataset page is left",
        "  out: it needs the release's void.ttl). The baseline has no equivalent (rdflib renders",
        "  no HTML), so the step has no ratio.",
        "- Queries: every query of the library (`queries/*.rq`) after one load, each timed",
        "  separately (median of the repeats), `cluster` bound to a generated cluster, other",
        "  parameters at their defaults; `wikidata-places` is left out (it calls Wikidata with",
        "  SERVICE). The baseline runs the same text on the parsed rdflib Graph, once.",
        "- `serve`: `krakow-clusters serve` (embedded store) on the generated project; resource",
        "  page = `GET /id/cluster/gen-NNNNN` (the first 64 clusters, `Accept: text/html`), saved",
        f"  query = `GET /queries/overview.json`; {SERVE_CLIENTS} clients with one keep-alive",
        f"  connection each, {SERVE_REQUESTS} requests per run, 3 runs after one warm-up pass over",
        "  the paths (its time is the *first pass* column: rendering before the cache); peak RSS",
        "  is the server's main process (its /sparql worker processes are not counted).",
        "- A step that runs longer than its timeout is killed and shown as `> N s (timed out)`;",
        "  after a timeout or failure the step is not run again at that size. A step whose",
        "  process takes longer than `--slow` (default 120 s) is not repeated: the runs column",
        "  says how many runs each median has.",
        "",
    ]
    lines += cold_section(results.get("cold"))
    for size in sizes:
        lines += size_section(size, results[size], sums[size])
    lines += scaling_section(sizes, results, sums)
    lines += engines_section(sizes, results, sums)
    lines += targets_section(sizes, results, sums)
    if FINDINGS.is_file():
        lines += [FINDINGS.read_text(encoding="utf-8").rstrip(), ""]
    lines += serve_real_section(results.get("serve-real"))
    if SOAK.is_file():
        lines += [SOAK.read_text(encoding="utf-8").rstrip(), ""]
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")


def cold_section(cold: dict | None) -> list[str]:
    lines = ["## Cold start on the real data", ""]
    if not cold:
        return lines + ["Not run.", ""]
    lines += [
        "Whole `krakow-clusters …` processes on this project (`KRAKOW_CLUSTERS_HOME` = the",
        f"checkout), {COLD_RUNS} runs each, seconds.",
        "",
        "| command | median s | min–max s | peak RSS MB | target |",
        "|---|---:|---:|---:|---|",
    ]
    targets = {"validate": 0.5, "query overview": 0.3}
    for name, runs in cold.items():
        if not isinstance(runs, list):
            continue
        ok = [r for r in runs if "error" not in r and not r["timed_out"]]
        if not ok:
            lines.append(f"| `{name}` | failed | | | |")
            continue
        w = [r["whole"] for r in ok]
        target = targets.get(name)
        verdict = ""
        if target:
            verdict = f"≤ {target} s: {'MET' if median(w) <= target else 'NOT MET'}"
        rss = max(r["rss_kb"] for r in ok) / 1024
        lines.append(
            f"| `{name}` | {median(w):.3f} | {min(w):.3f}–{max(w):.3f} | {rss:.0f} | {verdict} |"
        )
    return lines + [""]


def size_section(size: str, res: dict, s: dict) -> list[str]:
    n = triples_of(res)
    runs = res["runs"]
    head = f"## {size}: {n:,} triples" if n else f"## {size}"
    lines = [
        head,
        "",
        f"Generated graph {res['bytes'] / 1e6:.1f} MB of Turtle (plus the ontology and schemes);",
        f"{runs['ours']} run(s) of each of our steps, {runs['baseline']} of each baseline step;",
        f"timeout {res['timeout']:.0f} s per step; measured {res['date']}"
        + ("" if res.get("finished") else " (**the run did not finish**: missing steps say so)")
        + ".",
        *(["", f"Note: {res['note']}"] if res.get("note") else []),
        "",
        "| step | runs | work s, median (min–max) | process s | triples/s | peak RSS MB "
        "| × vs baseline |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    order = [*OURS_STEPS, "o-pipeline", "o-pipeline-nojson"]
    order += [*BASE_STEPS, "b-pipeline", "b-pipeline-nojson", "b-toolchain"]
    reference = size_triples(size) > REFERENCE_MAX_TRIPLES
    for step in order:
        label, side, match = SUM_LABELS.get(step) or STEPS[step]
        st = s.get(step)
        if step in SUM_LABELS and st is None:
            continue
        cell = _time_cell(st)
        if st is None and step == "validate-pyshacl" and reference:
            cell = f"not run above {REFERENCE_MAX_TRIPLES:,} triples (the baseline's pySHACL)"
        whole = _secs(st["whole"]) if st and "whole" in st and step not in SUMS else ""
        rate = f"{n / st['work']:,.0f}" if st and "work" in st and n and st["work"] else ""
        rss = f"{st['rss_mb']:,.0f}" if st and "rss_mb" in st else ""
        ratio = _ratio(st, s.get(match)) if match else ""
        runs_cell = str(st["n"]) if st and st.get("n") else ""
        lines.append(
            f"| {side}: {label} | {runs_cell} | {cell} | {whole} | {rate} | {rss} | {ratio} |"
        )
    lines += ["", *broken_lines(res), *query_lines(res), *serve_lines(res.get("serve")), ""]
    return lines


def _not_run(res: dict) -> str:
    """Why a reference step has no figures at this size."""
    if size_triples(res["size"]) > REFERENCE_MAX_TRIPLES:
        return f"not run above {REFERENCE_MAX_TRIPLES:,} triples (`--reference-all` runs it)"
    return "not run"


def broken_lines(res: dict) -> list[str]:
    lines = ["Broken variant (injected violations found exactly, no more, no fewer):", ""]
    for engine in ("turbo", "pyshacl"):
        run = res["broken"].get(engine)
        if run is None:
            lines.append(f"- {engine}: {_not_run(res) if engine == 'pyshacl' else 'not run'}")
        elif run["timed_out"]:
            lines.append(f"- {engine}: > {res['timeout']:.0f} s (timed out)")
        elif "error" in run:
            lines.append(f"- {engine}: failed: {run['error']}")
        else:
            x = run["extras"]
            verdict = "yes" if x["exact"] else "**no**"
            lines.append(
                f"- {engine}: {verdict} ({x['violations']} found, {x['injected']} injected, "
                f"{x['missed']} missed, {x['extra']} extra; {_secs(run['work'])} s)"
            )
    return lines + [""]


def query_lines(res: dict) -> list[str]:
    ours, base = res.get("queries") or {}, res.get("b-queries") or {}
    lines = ["Queries of the library (seconds; ours: median of the repeats after one load):", ""]
    if not ours:
        return lines + ["Not run.", ""]
    base_by = {q["query"]: q for q in base.get("queries", [])}
    if not base and size_triples(res["size"]) > REFERENCE_MAX_TRIPLES:
        lines[0] = lines[0][:-1] + f"; rdflib's are {_not_run(res)}):"
    lines += [
        "| query | rows | ours median s (min–max) | rdflib s | × |",
        "|---|---:|---:|---:|---:|",
    ]
    for q in ours.get("queries", []):
        t = q["times"]
        b = base_by.get(q["query"])
        if b and "error" in b:
            bcell, ratio = "rdflib failed: " + b["error"].replace("|", "/"), ""
        elif b:
            bt = median(b["times"])
            bcell, ratio = _secs(bt), f"{bt / median(t):,.0f}×" if median(t) else ""
        elif base.get("timed_out"):
            bcell, ratio = f"not reached (the step timed out at {res['timeout']:.0f} s)", ""
        else:
            bcell, ratio = "not run", ""
        lines.append(
            f"| {q['query']} | {q['rows']} | {_secs(median(t))} ({_secs(min(t))}–"
            f"{_secs(max(t))}) | {bcell} | {ratio} |"
        )
    if ours.get("timed_out"):
        lines.append(f"| (the remaining queries) | | > {res['timeout']:.0f} s (timed out) | | |")
    if ours.get("error"):
        lines.append(f"| (failed) | | {ours['error']} | | |")
    return lines + [""]


def serve_lines(serve: dict | None, heading: str = "`serve` under load") -> list[str]:
    if serve is None:
        return [f"{heading}: not run at this size.", ""]
    if "error" in serve and not serve.get("scenarios"):
        return [f"{heading}: failed: {serve['error']}.", ""]
    rss = (
        f", peak RSS of the server process {serve['rss_kb'] / 1024:,.0f} MB"
        if "rss_kb" in serve
        else ""
    )
    lines = [
        f"{heading} ({SERVE_CLIENTS} clients on loopback, {SERVE_REQUESTS} requests per run, "
        f"median of {len(next(iter(serve['scenarios'].values()))['runs'])} runs after one warm-up "
        f"pass; the server was ready {serve.get('startup', float('nan')):.1f} s after start{rss}):",
        "",
        "| scenario | requests/s | p50 ms | p99 ms | errors | first pass s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, f in serve["scenarios"].items():
        r = f["runs"]
        lines.append(
            f"| {name} | {median([x['rps'] for x in r]):,.0f} | "
            f"{median([x['p50_ms'] for x in r]):.2f} | {median([x['p99_ms'] for x in r]):.2f} | "
            f"{sum(x['errors'] for x in r) + f['warm_errors']} | {f['first_pass_s']:.2f} |"
        )
    return lines + [""]


def engines_section(sizes: list[str], results: dict, sums: dict) -> list[str]:
    lines = [
        "## Which engine for which size",
        "",
        "The same generated graph (with the ontology and schemes) in the embedded store, an",
        "Oxigraph server and Virtuoso (Debian's 7.2.5, its page cache sized to the data), each",
        "started on loopback by the harness (`engines` step). **load**: embedded, parsing the",
        "Turtle files into the store (the `load` step); the servers, one Graph Store Protocol",
        "`PUT` of each named graph as N-Triples, as `publish --by-origin` does (for",
        "Virtuoso as a user with only SPARQL_UPDATE, Digest auth: the body travels three times,",
        "basic refused, challenge, then accepted), until the store answers. **Queries**: every",
        "library query (the same bindings as above), embedded in process, the servers through the",
        "remote store of `query --endpoint` and `serve --sparql-endpoint` (SPARQLWrapper over",
        "HTTP; Oxigraph serving the union of its graphs as default graph, Virtuoso given the",
        "graphs as `default-graph-uri` and `named-graph-uri`), median of the repeats, seconds;",
        "rows that",
        "differ from the embedded store's are marked. **serve**: `krakow-clusters serve`,",
        "embedded (its cached pages) or `--sparql-endpoint` on the server, with the page cache's",
        "default bound (`--cache-seconds 60`: a page asked again within it is given from memory)",
        "and, in the rows marked uncached, `--cache-seconds 0` (every request queries the store);",
        "the load described above but, through",
        f"`--sparql-endpoint`, {ENGINE_SERVE_RUNS} runs of {ENGINE_SERVE_REQUESTS} requests or "
        f"{ENGINE_SERVE_SECONDS:.0f} s each, whichever",
        "comes first (the answers counted are given); p50 / p99 ms and requests/s, medians of the",
        "runs. **peak RSS**: the store process (for the embedded store, the `load` step's",
        "process).",
        "",
    ]
    measured = [size for size in sizes if results[size].get("engines")]
    for size in measured:
        lines += _engines_table(size, results[size], sums[size])
    if ENGINES_NOTES.is_file():
        lines += [ENGINES_NOTES.read_text(encoding="utf-8").rstrip(), ""]
    missing = [size for size in ENGINE_SIZES if size not in measured]
    if missing:
        lines += [
            f"Not measured at {', '.join(missing)} in these results: "
            f"`.venv/bin/python benchmarks/run.py --size SIZE --only engines` runs the step "
            "(with `--only load --only queries --only serve` for the embedded column).",
            "",
        ]
    return lines


def _engines_table(size: str, res: dict, s: dict) -> list[str]:
    engines = res["engines"]
    names = ["embedded", *ENGINE_SERVERS]
    n = triples_of(res) or next(iter(engines.values())).get("triples")
    lines = [
        f"### {size}" + (f": {n:,} triples" if n else ""),
        "",
        f"Measured {res['date']} with `{res['command']}`."
        + (f" Note: {res['note']}" if res.get("note") else ""),
        "",
        "| | " + " | ".join(ENGINE_LABELS[e] for e in names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    load = s.get("load")
    cells = [_secs(load["work"]) if load and "work" in load else "not run"]
    rss = [f"{load['rss_mb']:,.0f}" if load and "rss_mb" in load else ""]
    for e in ENGINE_SERVERS:
        r = engines.get(e) or {}
        if "load_s" in r:
            cells.append(f"{_secs(r['load_s'])} ({r['loaded']:,} triples)")
        else:
            cells.append("failed: " + r.get("error", "not run").replace("|", "/"))
        rss.append(f"{r['rss_kb'] / 1024:,.0f}" if r.get("rss_kb") else "")
    lines.append("| load s | " + " | ".join(cells) + " |")
    lines.append("| peak RSS MB of the store | " + " | ".join(rss) + " |")
    ours = {q["query"]: q for q in (res.get("queries") or {}).get("queries", [])}
    by_engine = {
        e: {q["query"]: q for q in (engines.get(e) or {}).get("queries", [])}
        for e in ENGINE_SERVERS
    }
    slowest = {e: 0.0 for e in names}
    order = [*ours, *(q for e in ENGINE_SERVERS for q in by_engine[e] if q not in ours)]
    for name in dict.fromkeys(order):
        q = ours.get(name)
        row = [_secs(median(q["times"])) if q else "not run"]
        if q:
            slowest["embedded"] = max(slowest["embedded"], median(q["times"]))
        for e in ENGINE_SERVERS:
            r = by_engine[e].get(name)
            if r is None:
                row.append("not run")
            elif "error" in r:
                row.append("failed: " + r["error"].replace("|", "/"))
            else:
                t = median(r["times"])
                slowest[e] = max(slowest[e], t)
                differs = q is not None and r.get("rows") != q["rows"]
                mark = f" (**{r.get('rows')} rows, not {q['rows']}**)" if differs else ""
                row.append(_secs(t) + mark)
        lines.append(f"| query `{name}` | " + " | ".join(row) + " |")
    if order:
        cells = [_secs(slowest[e]) if slowest[e] else "—" for e in names]
        lines.append("| slowest query s | " + " | ".join(cells) + " |")
    serves = {
        "embedded": res.get("serve"),
        **{e: (engines.get(e) or {}).get("serve") for e in ENGINE_SERVERS},
    }
    lines += _serve_rows(names, serves, "")
    uncached = {e: (engines.get(e) or {}).get("serve_uncached") for e in ENGINE_SERVERS}
    if any(uncached.values()):
        lines += _serve_rows(names, {"embedded": None, **uncached}, ", uncached")
    return lines + [""]


def _serve_rows(names: list[str], serves: dict, label: str) -> list[str]:
    """The rows of the serve scenarios, one cell an engine: p50 / p99 ms and requests/s, medians
    of the runs (the embedded store's pages are cached; the remote stores' as `label` says)."""
    lines = []
    scenarios = [
        name for v in serves.values() if v and v.get("scenarios") for name in v["scenarios"]
    ]
    for scenario in dict.fromkeys(scenarios):
        row = []
        for e in names:
            f = ((serves.get(e) or {}).get("scenarios") or {}).get(scenario)
            if not f:
                row.append("not run" if serves.get(e) is not None or not label else "—")
                continue
            r = f["runs"]
            errors = sum(x["errors"] for x in r) + f["warm_errors"]
            p50, p99 = median([x["p50_ms"] for x in r]), median([x["p99_ms"] for x in r])
            answered = sum(x.get("answered", 0) for x in r)
            bounded = (serves.get(e) or {}).get("seconds") and answered
            row.append(
                f"{p50:.1f} / {p99:.1f} ms, {median([x['rps'] for x in r]):,.0f}/s"
                + (f" ({answered:,} answers)" if bounded else "")
                + (f", **{errors} errors**" if errors else "")
            )
        lines.append(f"| serve{label}: {scenario} | " + " | ".join(row) + " |")
    return lines


def _growth(k: float) -> str:
    return "linear" if 0.8 <= k <= 1.2 else ("sub-linear" if k < 0.8 else "super-linear")


def scaling_section(sizes: list[str], results: dict, sums: dict) -> list[str]:
    lines = ["## How the cost grows", ""]
    measured = [s for s in sizes if triples_of(results[s])]
    if len(measured) < 2:
        return lines + ["Only one size measured.", ""]
    counts = {s: triples_of(results[s]) for s in measured}
    pairs = list(itertools.pairwise(measured))
    lines += [
        "Median work time at each size, and the exponent k of t ∝ n^k between consecutive sizes",
        "(k = log(time ratio) / log(size ratio); "
        + ", ".join(f"{b}/{a} = {counts[b] / counts[a]:,.1f}× the triples" for a, b in pairs)
        + ").",
        "Linear means 0.8 ≤ k ≤ 1.2 (runs under contention spread by about ±20 %); the verdict",
        "is taken between the two largest sizes with figures (at small sizes fixed costs, the",
        "ontology and shapes, weigh more).",
        "A timed-out step gives a lower bound (k ≥ …).",
        "",
        "| step | "
        + " | ".join(f"{s} s" for s in measured)
        + " | "
        + " | ".join(f"k {a}→{b}" for a, b in pairs)
        + " | growth |",
        "|---|" + "---:|" * (len(measured) + len(pairs)) + "---|",
    ]
    for step in [*OURS_STEPS, *BASE_STEPS]:
        cells, ks, verdict = [], [], ""
        for size in measured:
            st = sums[size].get(step)
            if st and "work" in st:
                cells.append(_secs(st["work"]))
            elif st and st.get("timed_out"):
                cells.append(f"> {st['timeout']:.0f} (timed out)")
            else:
                cells.append("not run")
        if all(c == "not run" for c in cells):
            continue
        for a, b in pairs:
            x, y = sums[a].get(step), sums[b].get(step)
            if not (x and "work" in x and y):
                ks.append("")
                continue
            size_ratio = math.log(counts[b] / counts[a])
            if "work" in y:
                k = math.log(y["work"] / x["work"]) / size_ratio
                ks.append(f"{k:.2f}")
                verdict = _growth(k) + f" ({a}→{b})"
            elif y.get("timed_out"):
                k = math.log(y["timeout"] / x["work"]) / size_ratio
                ks.append(f"≥ {k:.2f}")
                verdict = (
                    "super-linear" if k > 1.2 else "at least " + _growth(k)
                ) + f" ({a}→{b}, lower bound)"
            else:
                ks.append("")
        lines.append(f"| {STEPS[step][0]} | " + " | ".join(cells + ks) + f" | {verdict} |")
    return lines + [""]


def targets_section(sizes: list[str], results: dict, sums: dict) -> list[str]:
    lines = [
        "## Targets",
        "",
        "Of issue 16 (which raised issue 7's `build` target from 7× to 20× against the plain",
        "toolchain, and kept its memory, query and serve targets) and of issue 7; computed from",
        "the figures above.",
        "",
    ]
    big = "1M" if "1M" in results else None

    def status(ok: bool | None) -> str:
        return "not measured" if ok is None else ("MET" if ok else "NOT MET")

    # build at 1M: speed against the plain toolchain, and memory
    b = sums[big].get("build") if big else None
    tool = sums[big].get("b-toolchain") if big else None
    if b and "work" in b and tool and ("work" in tool or tool.get("timed_out")):
        bound = "work" not in tool
        base = tool["timeout"] if bound else tool["work"]
        speed = base / b["work"]
        # A lower bound under 20× says nothing either way.
        ok = True if speed >= 20 else (None if bound else False)
        sign = "> " if bound else ""
        fig = f"{_secs(b['work'])} s against {sign}{_secs(base)} s = {sign}{speed:.1f}×" + (
            " (a baseline step timed out: a lower bound)" if bound else ""
        )
    else:
        ok, fig = (False if b and b.get("timed_out") else None), _time_cell(b)
    lines.append(
        "- `build --no-site` of the 1M graph at least 20× faster than the plain toolchain "
        "(rdflib parse, pySHACL validate, rdflib serialize Turtle, N-Triples and JSON-LD; "
        f"the same run): **{status(ok)}** ({fig})."
    )
    if b and "rss_mb" in b:
        lines.append(
            "- `build` of the 1M graph: peak memory of all its processes together at most "
            f"1.5 GB: **{status(b['rss_mb'] <= 1536)}** ({b['rss_mb']:,.0f} MB)."
        )
    else:
        lines.append("- `build` of the 1M graph: peak memory ≤ 1.5 GB: **not measured**.")
    # queries at 1M
    q = (results.get(big) or {}).get("queries") if big else None
    if q and q.get("queries"):
        worst = max(q["queries"], key=lambda x: median(x["times"]))
        ok = median(worst["times"]) <= 1.0 and not q.get("timed_out") and not q.get("error")
        lines.append(
            f"- Every library query ≤ 1 s on the 1M graph (embedded store): "
            f"**{status(ok)}** (slowest: `{worst['query']}`, "
            f"{_secs(median(worst['times']))} s)."
        )
    else:
        lines.append("- Every library query ≤ 1 s on the 1M graph: **not measured**.")
    # serve at 1M
    sv = (results.get(big) or {}).get("serve") if big else None
    if sv and sv.get("scenarios"):
        page = sv["scenarios"]["resource page (HTML)"]["runs"]
        saved = sv["scenarios"]["saved query (overview.json)"]["runs"]
        rps = median([x["rps"] for x in page])
        p99 = median([x["p99_ms"] for x in saved])
        errors = sum(x["errors"] for x in page + saved)
        ok = rps >= 1000 and p99 <= 50 and errors == 0
        lines.append(
            f"- `serve` on the 1M graph: ≥ 1,000 resource requests/s, saved-query p99 ≤ "
            f"50 ms with {SERVE_CLIENTS} clients, zero errors: **{status(ok)}** ({rps:,.0f} "
            f"req/s, p99 {p99:.1f} ms, {errors} errors)."
        )
    else:
        lines.append("- `serve` on the 1M graph: **not measured**.")
    # engines: measured at both sizes, the same rows as the embedded store
    engine_notes, engine_ok = [], True
    for size in ENGINE_SIZES:
        engines = (results.get(size) or {}).get("engines")
        measured = ((results.get(size) or {}).get("queries") or {}).get("queries", [])
        ours = {q["query"]: q["rows"] for q in measured}
        if not engines or not ours:
            engine_notes.append(f"{size}: not measured")
            engine_ok = False
            continue
        for e in ENGINE_SERVERS:
            r = engines.get(e) or {}
            bad = [
                q["query"]
                for q in r.get("queries", [])
                if "error" in q or q.get("rows") != ours.get(q["query"])
            ]
            served = bool((r.get("serve") or {}).get("scenarios"))
            if "error" in r or bad or not r.get("queries") or not served:
                engine_ok = False
                what = r.get("error") or (f"differs on {', '.join(bad)}" if bad else "incomplete")
                engine_notes.append(f"{size} {ENGINE_LABELS[e]}: {what}")
            else:
                engine_notes.append(f"{size} {ENGINE_LABELS[e]}: same rows")
    lines.append(
        "- The engines side by side at 100k and 1M (load, every library query with the same "
        "rows as the embedded store, `serve --sparql-endpoint`): "
        f"**{status(engine_ok)}** ({'; '.join(engine_notes)})."
    )
    # broken variants
    verdicts = []
    for size in sizes:
        for engine in ("turbo", "pyshacl"):
            run = results[size]["broken"].get(engine)
            ok = bool(run and "extras" in run and run["extras"].get("exact"))
            if run is None:
                word = "not run"
            elif run.get("timed_out"):
                word = "timed out"
            else:
                word = "yes" if ok else "no"
            verdicts.append((size, engine, ok, word))
    if verdicts:
        # Met when every run that finished found exactly the injected violations and the
        # default engine (turbo) finished at every size; a run cut by the timeout says nothing
        # either way, and is shown as such.
        finished = [v for v in verdicts if v[3] in ("yes", "no")]
        all_ok = all(v[2] for v in finished) and all(
            v[3] == "yes" for v in verdicts if v[1] == "turbo"
        )
        text = ", ".join(f"{s} {e}: {word}" for s, e, _, word in verdicts)
        lines.append(
            f"- Validation finds exactly the injected violations in every broken "
            f"variant: **{status(all_ok)}** ({text}); the 10k case is also a test "
            f"(tests/test_generate.py)."
        )
    # site generation
    timed_site = []
    for size in sizes:
        st = sums[size].get("site")
        if st and "work" in st:
            run = next(r for r in results[size]["steps"]["site"] if "extras" in r)
            timed_site.append(
                f"{size}: {_secs(st['work'])} s for {run['extras']['pages']:,} pages, "
                f"peak {st['rss_mb']:,.0f} MB"
            )
    measured_site = all(
        "work" in (sums[size].get("site") or {}) for size in ("10k", "100k") if size in sizes
    ) and {"10k", "100k"} <= set(sizes)
    lines.append(
        f"- Site generation timed at 10k and 100k: **{'MET' if measured_site else 'not measured'}"
        f"**" + (f" ({'; '.join(timed_site)})." if timed_site else ".")
    )
    lines.append(
        f"- Cost growth stated from 10k to 1M: **{status('1M' in sizes and '10k' in sizes)}"
        f"** (section above)."
    )
    cold = results.get("cold")
    if cold:
        for name, target in (("validate", 0.5), ("query overview", 0.3)):
            runs = [r for r in cold.get(name, []) if "error" not in r and not r["timed_out"]]
            if runs:
                m = median([r["whole"] for r in runs])
                lines.append(
                    f"- Cold `{name}` on the real data ≤ {target} s: "
                    f"**{status(m <= target)}** ({m:.3f} s)."
                )
    return lines + [""]


def serve_real_section(serve: dict | None) -> list[str]:
    lines = ["## serve on the real data", ""]
    lines += serve_lines(serve, "This run")
    if SERVE_REAL.is_file():
        lines += [SERVE_REAL.read_text(encoding="utf-8").rstrip(), ""]
    return lines


# --- entry point ----------------------------------------------------------------------------------


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(json.loads(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size",
        action="append",
        help="10k, 100k, 1M or any N/Nk/NM (repeatable; default: 10k, 100k, 1M)",
    )
    parser.add_argument("--runs", type=int, help="runs of every step (default: per size)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per step")
    parser.add_argument(
        "--slow",
        type=float,
        default=SLOW,
        help="a step whose run takes longer than this (s) is not run again",
    )
    parser.add_argument("--note", default="", help="a remark shown under the size's heading")
    parser.add_argument("--no-serve", dest="serve", action="store_false", help="skip serve")
    parser.add_argument("--serve-all", action="store_true", help="serve at every size")
    parser.add_argument(
        "--no-engines",
        dest="engines",
        action="store_false",
        help=f"skip the external stores (run at {', '.join(ENGINE_SIZES)})",
    )
    parser.add_argument("--engines-all", action="store_true", help="engines at every size")
    parser.add_argument(
        "--reference-all",
        action="store_true",
        help="the pyshacl engine, its broken variant and rdflib's queries at every size "
        f"(default: up to {REFERENCE_MAX_TRIPLES:,} triples)",
    )
    parser.add_argument("--no-cold", dest="cold", action="store_false", help="skip cold start")
    parser.add_argument("--data", type=Path, default=DATA, help="cache of graphs and results")
    parser.add_argument("--report", type=Path, default=REPORT, help="the report to write")
    parser.add_argument("--report-only", action="store_true", help="rewrite the report only")
    parser.add_argument(
        "--only",
        action="append",
        metavar="STEP",
        help="run only this step (repeatable: a step of the tables, queries, b-queries, "
        "broken-turbo, broken-pyshacl, serve, engines); the other figures of the size are kept",
    )
    args = parser.parse_args()
    known = {*STEPS, "queries", "b-queries", "broken-turbo", "broken-pyshacl", "serve", "engines"}
    if args.only:
        if set(args.only) - known:
            parser.error(f"--only: unknown step(s) {sorted(set(args.only) - known)}")
        args.cold = False  # and no serve on the real data: only what was asked for
    args.data.mkdir(parents=True, exist_ok=True)
    command = " ".join([".venv/bin/python benchmarks/run.py", *map(_quote, sys.argv[1:])])
    args.command = command
    if not args.report_only:
        if args.cold:
            bench_cold(args)
            cold = json.loads((args.data / "results-cold.json").read_text(encoding="utf-8"))
            cold["command"] = command
            (args.data / "results-cold.json").write_text(json.dumps(cold, indent=1))
        for size in args.size or list(SIZES):
            bench_size(size, args)
            write_report(args.data, args.report, command)
        if args.serve and args.cold:
            bench_serve_real(args)
    write_report(args.data, args.report, "" if args.report_only else command)
    log(f"wrote {args.report}")


if __name__ == "__main__":
    main()

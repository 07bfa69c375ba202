"""The one worker mechanism (workers.py) under serve's query workers and build's validation: a
named function runs in another process; one that overruns is killed; errors come back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from krakow_clusters.errors import CouldNotRun
from krakow_clusters.rdf.results import QuerySyntaxError, SparqlSyntaxError
from krakow_clusters.workers import Worker, WorkerStopped, WorkerTimeout

from .conftest import ROOT


@pytest.fixture
def worker():
    worker = Worker("test worker")
    yield worker
    worker.kill()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_call_runs_in_another_process_which_keeps_its_state(worker):
    assert worker.call("operator:add", 1, 2) == 3
    assert worker.call("os:getpid") == worker.pid != os.getpid()
    worker.call("os:chdir", "/")
    assert worker.call("os:getcwd") == "/"


def test_a_call_that_overruns_is_stopped_and_its_worker_killed(worker):
    with pytest.raises(WorkerTimeout, match="test worker"):
        worker.call("time:sleep", 30, timeout=0.5)
    assert not alive(worker.pid)
    with pytest.raises(WorkerStopped):
        worker.call("operator:add", 1, 2)


def test_an_error_comes_back_as_the_nearest_class_that_travels(worker, tmp_path: Path):
    with pytest.raises(QuerySyntaxError, match="SPARQL syntax error") as caught:
        worker.call("krakow_clusters.store.embedded:check_syntax", "SELECT WHERE {")
    assert not isinstance(caught.value, SparqlSyntaxError)
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(CouldNotRun, match=r"broken\.ttl:1"):
        worker.call("krakow_clusters.store:open_embedded", [broken])
    assert worker.call("operator:add", 1, 2) == 3, "an error leaves the worker usable"


def test_any_other_exception_stops_the_worker(worker):
    with pytest.raises(WorkerStopped, match="exit code 1") as caught:
        worker.call("operator:truediv", 1, 0)
    assert caught.value.returncode == 1
    assert not alive(worker.pid)


def test_a_worker_writes_nothing_on_its_callers_standard_output(capfd):
    worker = Worker("test worker")  # started now: its standard error is the captured one
    try:
        worker.call("builtins:print", "from the worker")
    finally:
        worker.kill()
    out, err = capfd.readouterr()
    assert "from the worker" not in out
    assert "from the worker" in err


def test_a_script_without_a_main_guard_runs_once(tmp_path: Path):
    # Unlike multiprocessing's spawn, a worker does not import the caller's __main__ again.
    script = tmp_path / "script.py"
    script.write_text(
        "from krakow_clusters.workers import Worker\n"
        "print('ran', Worker().call('operator:add', 1, 2))\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ran 3\n"


# --- one call in a child that ends with it (workers.call_once) -----------------------------------

CALL_ONCE = """
import os, sys, threading, time
from krakow_clusters.errors import CouldNotRun
from krakow_clusters.workers import WorkerStopped, call_once

if sys.argv[1] == "threads":  # a process with another thread: the call goes to a Worker
    threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
print(threading.active_count())
print(call_once("os:getpid") != os.getpid())
try:
    call_once("krakow_clusters.sparql.run:parse_params", ["no-equals-sign"])
except CouldNotRun as exc:
    print("refused:", exc)
try:
    call_once("os:abort", name="test worker")
except WorkerStopped as exc:
    print("stopped:", exc, exc.returncode)
"""


@pytest.mark.parametrize("mode", ["single", "threads"])
def test_call_once_answers_refuses_and_survives_an_abort(mode):
    # In its own process: whether the child is a fork depends on the caller's threads.
    done = subprocess.run(
        [sys.executable, "-c", CALL_ONCE, mode], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("1" if mode == "single" else "2")
    assert lines[1] == "True"  # another process answered
    assert lines[2] == "refused: --param 'no-equals-sign': expected key=value"
    assert lines[3] == "stopped: the test worker stopped (exit code -6) -6"

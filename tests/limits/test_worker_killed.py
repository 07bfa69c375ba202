"""A query worker killed while idle (by the machine's OOM killer, an operator's `kill`) was found
dead only by the next visitor's query, which got a 400 "the query engine stopped on this query"
for a query that was fine.

The pool now looks before it hands a worker a query: a dead one is replaced, and the query goes
to a live worker. A replacement killed while it loads the dataset is started again (it was not,
and the pool shrank for good)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from pathlib import Path

from krakow_clusters.store.pool import AllWorkersBusy, QueryPool

from ..identity import GRAPH_BASE
from .conftest import sparql

ASK = "ASK { ?s ?p ?o }"


def wait_for_workers(app, count: int) -> set[int]:
    deadline = time.monotonic() + 60
    while len(app.children()) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return app.children()


def kill(pid: int) -> None:
    """Kill a worker and wait until it has ended: a zombie that its server has not reaped yet,
    or gone."""
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return
        if state in ("Z", "X"):
            return
        time.sleep(0.05)


def test_a_worker_killed_while_idle_costs_no_visitor_an_answer(work_limited):
    workers = wait_for_workers(work_limited, 2)
    assert len(workers) == 2
    kill(min(workers))
    answers = [sparql(work_limited, "ASK { ?s ?p ?o }", "application/sparql-results+json")]
    answers += [sparql(work_limited, "ASK {}", "application/sparql-results+json") for _ in range(3)]
    assert [status for status, _ in answers] == [200, 200, 200, 200], answers
    after = wait_for_workers(work_limited, 2)
    assert len(after) == 2 and min(workers) not in after, "the dead worker was replaced"


def test_a_worker_killed_while_it_loads_is_started_again(project):
    async def main() -> tuple[int, int]:
        pool = QueryPool(project.dataset_files(), GRAPH_BASE, size=1, timeout=10)
        try:
            await pool.start()
            # The worker has just been launched: it is loading the dataset when it is killed.
            (first,) = pool._all
            kill(first.pid)
            answer = await pool.run(ASK, None)
            assert answer.boolean is True
            # Killed while idle: the next query finds it dead and starts another, which is
            # killed in turn while it loads; the one after that answers.
            (second,) = pool._all
            kill(second.pid)
            with contextlib.suppress(AllWorkersBusy):
                await pool.run(ASK, None, wait=0.01)
            for _ in range(3000):  # until the replacement is launched (it then loads)
                if pool._all:
                    break
                await asyncio.sleep(0.01)
            loading = list(pool._all)
            assert loading, "a replacement was launched"
            for worker in loading:
                kill(worker.pid)
            answer = await pool.run(ASK, None, wait=60)
            assert answer.boolean is True
            return first.pid, second.pid
        finally:
            pool.close()

    first, second = asyncio.run(main())
    assert first != second

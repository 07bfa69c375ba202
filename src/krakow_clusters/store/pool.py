"""Worker processes that run the SPARQL endpoint's queries on the embedded store, with a timeout.

Oxigraph evaluates a query in native code without a way to interrupt it from Python, so a
thread that runs a runaway query (a cross join under COUNT, say) can never be stopped. Each
worker is therefore a separate process holding its own copy of the dataset: when a query
overruns the timeout, the server kills that worker by its process id, answers 503, and starts a
fresh worker in the background. The result limit is applied inside the worker while it reads the
answer, so a huge result is refused before it is built, pickled or sent. A worker exits by itself
when the server goes away (its pipe closes).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from ..errors import CouldNotRun
from .results import QueryResult, QuerySyntaxError, QueryTimeout, ResultLimitExceeded

_ERRORS = {
    "QuerySyntaxError": QuerySyntaxError,
    "ResultLimitExceeded": ResultLimitExceeded,
    "QueryTimeout": QueryTimeout,
}


def _worker_main(conn: Connection, files: Sequence[str]) -> None:
    import os

    from .embedded import EmbeddedStore

    # Load at a low priority: the server answers pages meanwhile, and they come first. The
    # priority goes back up once loaded where the system allows it (raising it needs privileges).
    priority = os.getpriority(os.PRIO_PROCESS, 0)
    os.setpriority(os.PRIO_PROCESS, 0, min(priority + 10, 19))
    try:
        store = EmbeddedStore.from_files(Path(f) for f in files)
    except CouldNotRun as exc:
        conn.send(("error", "CouldNotRun", str(exc)))
        return
    with contextlib.suppress(PermissionError):
        os.setpriority(os.PRIO_PROCESS, 0, priority)
    conn.send(("ready", None, None))
    while True:
        try:
            sparql, max_results = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", store.query(sparql, max_results=max_results), None))
        except CouldNotRun as exc:
            # The nearest class the parent knows (SparqlSyntaxError travels as QuerySyntaxError).
            known = next((c.__name__ for c in type(exc).__mro__ if c.__name__ in _ERRORS), None)
            conn.send(("error", known or type(exc).__name__, str(exc)))


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class QueryPool:
    """A fixed number of query worker processes for one dataset."""

    def __init__(self, files: Sequence[Path], size: int = 2, timeout: float = 10.0) -> None:
        self.files = [str(f) for f in files]
        self.size = max(1, size)
        self.timeout = timeout
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._replacing: set[asyncio.Future] = set()
        self._ready: asyncio.Event | None = None
        self._starting: list[_Worker] = []
        self._start_tasks: list[asyncio.Future] = []
        self._failure: str | None = None

    def _spawn(self) -> _Worker:
        return self._await_ready(self._launch())

    def _launch(self) -> _Worker:
        """Start a worker process; it loads the dataset while the caller goes on."""
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main, args=(child, self.files), daemon=True, name="kc-query-worker"
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._all.add(worker)  # from now on, close() stops it
        return worker

    def _await_ready(self, worker: _Worker) -> _Worker:
        """Wait (blocking) until the worker has loaded the dataset."""
        parent = worker.conn
        try:
            if parent.poll(120):
                status, _name, message = parent.recv()
            else:
                status, message = "error", "a query worker did not start within 120 s"
        except (EOFError, OSError):  # it died while loading, or close() stopped it
            status, message = "error", None
        if status != "ready":
            self._all.discard(worker)
            worker.kill()
            raise CouldNotRun(message or "a query worker could not load the dataset")
        return worker

    async def start(self) -> None:
        """Start the worker processes and return at once: each loads its copy of the dataset in
        the background (about 15 s for a million triples on two CPUs), so the server answers
        pages meanwhile; a query waits for the first worker ready (not counted in its timeout)."""
        loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        self._ready = asyncio.Event()
        launched = [self._launch() for _ in range(self.size)]
        self._starting = list(launched)

        async def ready(worker: _Worker) -> None:
            try:
                await loop.run_in_executor(None, self._await_ready, worker)
                self._idle.put_nowait(worker)
            except CouldNotRun as exc:
                self._failure = str(exc)
            finally:
                self._starting.remove(worker)
                if not self._idle.empty() or not self._starting:
                    self._ready.set()

        self._start_tasks = [asyncio.ensure_future(ready(w)) for w in launched]

    @property
    def loading(self) -> int:
        """How many workers are still loading the dataset after start()."""
        return len(self._starting)

    async def wait_ready(self) -> None:
        """Wait until a worker is ready; CouldNotRun when none could load the dataset."""
        assert self._ready is not None, "QueryPool.start() was not awaited"
        await self._ready.wait()
        if not self._all and self._failure:
            raise CouldNotRun(self._failure)

    async def _replace(self, worker: _Worker) -> None:
        loop = asyncio.get_running_loop()
        self._all.discard(worker)
        await loop.run_in_executor(None, worker.kill)
        replacement = await loop.run_in_executor(None, self._spawn)
        self._idle.put_nowait(replacement)
        self._replacing = {f for f in self._replacing if not f.done()}

    async def run(self, sparql: str, max_results: int | None) -> QueryResult:
        """The answer, or QueryTimeout after `timeout` seconds (waiting for a worker included)."""
        assert self._idle is not None, "QueryPool.start() was not awaited"
        await self.wait_ready()
        loop = asyncio.get_running_loop()
        deadline = time.monotonic() + self.timeout
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            raise QueryTimeout(
                f"every query worker stayed busy for {self.timeout:g} s; try again later"
            ) from None
        try:
            worker.conn.send((sparql, max_results))
            remaining = max(0.0, deadline - time.monotonic())
            answered = await loop.run_in_executor(None, _receive, worker.conn, remaining)
        except (EOFError, OSError):
            self._replacing.add(asyncio.ensure_future(self._replace(worker)))
            raise CouldNotRun("the query worker stopped unexpectedly") from None
        if answered is None:
            # The worker is stuck in native code: kill it and start another in the background.
            self._replacing.add(asyncio.ensure_future(self._replace(worker)))
            raise QueryTimeout(
                f"the query was stopped after {self.timeout:g} s (the server's query timeout)"
            )
        self._idle.put_nowait(worker)
        status, first, second = answered
        if status == "ok":
            return first
        raise _ERRORS.get(first, CouldNotRun)(second)

    def close(self) -> None:
        for worker in list(self._all):
            worker.kill()
        self._all.clear()


def _receive(conn: Connection, timeout: float):
    if not conn.poll(timeout):
        return None
    return conn.recv()

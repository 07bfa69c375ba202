"""The query workers of serve's /sparql: worker processes (workers.py) that each hold a copy of
the dataset and answer queries with a timeout.

Oxigraph evaluates a query in native code without a way to interrupt it from Python, so a
thread that runs a runaway query (a cross join under COUNT, say) can never be stopped. Each
worker is therefore a separate process holding its own copy of the dataset: when a query
overruns the timeout, the worker is killed by its process id, the server answers 503, and a
fresh worker starts in the background. The result limit is applied inside the worker while it
reads the answer, so a huge result is refused before it is built, pickled or sent. A worker exits
by itself when the server goes away (its connection closes).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CouldNotRun
from ..rdf.results import QueryResult, QueryTimeout
from ..workers import Worker, WorkerStopped, WorkerTimeout

if TYPE_CHECKING:
    from .embedded import EmbeddedStore

# What a query worker has loaded: its copy of the dataset, kept from call to call.
_LOADED: dict[str, EmbeddedStore] = {}


def load_dataset(files: Sequence[str]) -> None:
    """In a query worker: load the dataset, at a low priority (the server answers pages
    meanwhile, and they come first). Once loaded, the worker stays a little below the server
    (a niceness of 5 more): while every worker is busy with slow queries, the pages that the
    server answers in its own process still get the CPU first. Going back up needs privileges,
    where there are none the worker stays at the loading priority."""
    from .embedded import EmbeddedStore

    priority = os.getpriority(os.PRIO_PROCESS, 0)
    os.setpriority(os.PRIO_PROCESS, 0, min(priority + 10, 19))
    _LOADED["store"] = EmbeddedStore.from_files(Path(f) for f in files)
    with contextlib.suppress(PermissionError):
        os.setpriority(os.PRIO_PROCESS, 0, min(priority + 5, 19))


def answer(sparql: str, max_results: int | None) -> QueryResult:
    """In a query worker: the answer of the loaded dataset, at most `max_results` rows."""
    return _LOADED["store"].query(sparql, max_results=max_results)


LOAD = f"{__name__}:load_dataset"
ANSWER = f"{__name__}:answer"


class AllWorkersBusy(QueryTimeout):
    """No query worker became free within the wait allowed: the server is busy, not broken
    (a 503 with Retry-After)."""


class QueryPool:
    """A fixed number of query worker processes for one dataset."""

    def __init__(self, files: Sequence[Path], size: int = 2, timeout: float = 10.0) -> None:
        self.files = [str(f) for f in files]
        self.size = max(1, size)
        self.timeout = timeout
        self._idle: asyncio.Queue[Worker] | None = None
        self._all: set[Worker] = set()
        self._replacing: set[asyncio.Future] = set()
        self._ready: asyncio.Event | None = None
        self._starting: list[Worker] = []
        self._start_tasks: list[asyncio.Future] = []
        self._failure: str | None = None
        # Threads of its own that wait on the workers (a call, a start, a replacement), so that
        # the pool never queues behind, nor holds up, the threads other work runs on.
        self._threads = ThreadPoolExecutor(2 * self.size + 2, thread_name_prefix="query-pool")

    def _start_and_wait(self) -> Worker:
        return self._await_ready(self._launch())

    def _launch(self) -> Worker:
        """Start a worker process; it loads the dataset while the caller goes on."""
        worker = Worker("query worker")
        self._all.add(worker)  # from now on, close() stops it
        worker.submit(LOAD, self.files)
        return worker

    def _await_ready(self, worker: Worker) -> Worker:
        """Wait (blocking) until the worker has loaded the dataset."""
        try:
            worker.result(timeout=120)
            return worker
        except WorkerTimeout:
            message = "a query worker did not start within 120 s"
        except WorkerStopped:  # it died while loading, or close() stopped it
            message = "a query worker could not load the dataset"
        except CouldNotRun as exc:
            message = str(exc)
        self._all.discard(worker)
        worker.kill()
        raise CouldNotRun(message)

    async def start(self) -> None:
        """Start the worker processes and return at once: each loads its copy of the dataset in
        the background (about 15 s for a million triples on two CPUs), so the server answers
        pages meanwhile; a query waits for the first worker ready (not counted in its timeout)."""
        loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        self._ready = asyncio.Event()
        launched = [self._launch() for _ in range(self.size)]
        self._starting = list(launched)

        async def ready(worker: Worker) -> None:
            try:
                await loop.run_in_executor(self._threads, self._await_ready, worker)
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

    async def _replace(self, worker: Worker) -> None:
        loop = asyncio.get_running_loop()
        self._all.discard(worker)
        await loop.run_in_executor(self._threads, worker.kill)
        replacement = await loop.run_in_executor(self._threads, self._start_and_wait)
        self._idle.put_nowait(replacement)
        self._replacing = {f for f in self._replacing if not f.done()}

    async def run(
        self, sparql: str, max_results: int | None, wait: float | None = None
    ) -> QueryResult:
        """The answer, or QueryTimeout after `timeout` seconds of running; AllWorkersBusy when
        no worker frees within `wait` seconds (default: the timeout)."""
        assert self._idle is not None, "QueryPool.start() was not awaited"
        await self.wait_ready()
        loop = asyncio.get_running_loop()
        wait = self.timeout if wait is None else wait
        try:
            worker = await asyncio.wait_for(self._idle.get(), wait)
        except TimeoutError:
            raise AllWorkersBusy(
                f"every query worker stayed busy for {wait:g} s; try again later"
            ) from None
        remaining = self.timeout
        call = functools.partial(worker.call, ANSWER, sparql, max_results, timeout=remaining)
        try:
            result = await loop.run_in_executor(self._threads, call)
        except WorkerTimeout:
            # The worker was stuck in native code and has been killed: another starts in the
            # background.
            self._replacing.add(asyncio.ensure_future(self._replace(worker)))
            raise QueryTimeout(
                f"the query was stopped after {self.timeout:g} s (the server's query timeout)"
            ) from None
        except WorkerStopped:
            self._replacing.add(asyncio.ensure_future(self._replace(worker)))
            raise WorkerStopped("the query worker stopped unexpectedly on this query") from None
        except CouldNotRun:
            self._idle.put_nowait(worker)
            raise
        self._idle.put_nowait(worker)
        return result

    def close(self) -> None:
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)

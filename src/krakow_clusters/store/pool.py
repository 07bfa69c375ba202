"""The query workers of serve's /sparql: worker processes (workers.py) that each hold a copy of
the dataset and answer queries with a timeout.

Oxigraph evaluates a query in native code without a way to interrupt it from Python, so a
thread that runs a runaway query (a cross join under COUNT, say) can never be stopped. Each
worker is therefore a separate process holding its own copy of the dataset: when a query
overruns the timeout, the worker is killed by its process id, the server answers 503, and a
fresh worker starts in the background. The result limit is applied inside the worker while it
reads the answer, so a huge result is refused before it is built, pickled or sent. A worker exits
by itself when the server goes away (its connection closes).

Memory is bounded as time is: once a worker has loaded the dataset, its address space may grow by
`memory` bytes more and no further (RLIMIT_AS), so that a query that would take gigabytes (string
functions over an aggregate) fails in its own worker, not in the machine. Python reports that as
MemoryError (QueryMemoryExceeded, a 400); Oxigraph's native code aborts the worker, which the pool
replaces (WorkerStopped). The worker also writes the answer in the format asked for
(formats/answer.py), under the same limits, and returns bytes of a size it has checked.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import resource
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CouldNotRun
from ..formats.answer import Answer, AnswerLimits, check_size, result_size, write_answer
from ..rdf.results import QueryResult, QueryTimeout
from ..workers import Worker, WorkerStopped, WorkerTimeout

if TYPE_CHECKING:
    from .embedded import EmbeddedStore

# What a query worker has loaded: its copy of the dataset, kept from call to call.
_LOADED: dict[str, EmbeddedStore] = {}
# The memory a query may take in this worker (set once it has loaded the dataset).
_LIMITS: dict[str, int] = {}


# Memory a query worker may take beyond the dataset it holds, by default (serve --limit
# query-memory=BYTES).
DEFAULT_QUERY_MEMORY = 1 << 30


class QueryMemoryExceeded(CouldNotRun):
    """The query needed more memory than a query worker may take."""


def load_dataset(files: Sequence[str], graph_base: str, memory: int | None = None) -> None:
    """In a query worker: load the dataset, at a low priority (the server answers pages
    meanwhile, and they come first). Once loaded, the worker stays a little below the server
    (a niceness of 5 more): while every worker is busy with slow queries, the pages that the
    server answers in its own process still get the CPU first. Going back up needs privileges,
    where there are none the worker stays at the loading priority. Then, with `memory`, its
    address space is limited to what it has now and `memory` bytes more."""
    from .embedded import EmbeddedStore

    priority = os.getpriority(os.PRIO_PROCESS, 0)
    os.setpriority(os.PRIO_PROCESS, 0, min(priority + 10, 19))
    _LOADED["store"] = EmbeddedStore.from_files((Path(f) for f in files), graph_base)
    with contextlib.suppress(PermissionError):
        os.setpriority(os.PRIO_PROCESS, 0, min(priority + 5, 19))
    if memory is not None:
        limit_memory(memory)


def limit_memory(memory: int) -> None:
    """Limit this process's address space to its present size and `memory` bytes more; no core
    file when native code aborts at the limit (a worker's memory is no one's to keep)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    limit = _address_space() + memory
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    _LIMITS["memory"] = memory


def _address_space() -> int:
    """The bytes of this process's address space (Linux's /proc; elsewhere its peak resident
    size, a lower bound)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def answer(
    sparql: str, limits: AnswerLimits | int | None, formats: Mapping[str, str | None] | None = None
) -> QueryResult | Answer:
    """In a query worker: the answer of the loaded dataset within `limits` (an int: at most so
    many rows); with `formats`, written in the format asked for its kind (formats/answer.py)."""
    if not isinstance(limits, AnswerLimits):
        limits = AnswerLimits(rows=limits)
    try:
        result = _LOADED["store"].query(sparql, max_results=limits.rows)
        if formats is None:
            check_size(result_size(result), limits.bytes)
            return result
        return write_answer(result, formats, limits)
    except MemoryError:
        memory = _LIMITS.get("memory")
        allowed = f" ({int(memory) // 1_000_000} MB)" if memory else ""
        raise QueryMemoryExceeded(
            f"the query needs more memory than a query may take here{allowed}; "
            "simplify it or add LIMIT"
        ) from None


LOAD = f"{__name__}:load_dataset"
ANSWER = f"{__name__}:answer"


class AllWorkersBusy(QueryTimeout):
    """No query worker became free within the wait allowed: the server is busy, not broken
    (a 503 with Retry-After)."""


class QueryPool:
    """A fixed number of query worker processes for one dataset."""

    def __init__(
        self,
        files: Sequence[Path],
        graph_base: str,
        size: int = 2,
        timeout: float = 10.0,
        memory: int | None = DEFAULT_QUERY_MEMORY,
    ) -> None:
        """`graph_base`: where the files' named graphs are (the project's settings); `memory`:
        the bytes a worker may take beyond its copy of the dataset (None: no limit)."""
        self.files = [str(f) for f in files]
        self.graph_base = graph_base
        self.size = max(1, size)
        self.timeout = timeout
        self.memory = memory
        self._idle: asyncio.Queue[Worker] | None = None
        self._all: set[Worker] = set()
        self._replacing: set[asyncio.Future] = set()
        self._ready: asyncio.Event | None = None
        self._starting: list[Worker] = []
        self._start_tasks: list[asyncio.Future] = []
        self._failure: str | None = None
        self._closed = False
        # Threads of its own that wait on the workers (a call, a start, a replacement), so that
        # the pool never queues behind, nor holds up, the threads other work runs on.
        self._threads = ThreadPoolExecutor(2 * self.size + 2, thread_name_prefix="query-pool")

    def _start_and_wait(self) -> Worker:
        return self._await_ready(self._launch())

    def _launch(self) -> Worker:
        """Start a worker process; it loads the dataset while the caller goes on."""
        worker = Worker("query worker")
        self._all.add(worker)  # from now on, close() stops it
        worker.submit(LOAD, self.files, self.graph_base, self.memory)
        return worker

    def _await_ready(self, worker: Worker) -> Worker:
        """Wait (blocking) until the worker has loaded the dataset."""
        try:
            worker.result(timeout=120)
            return worker
        except WorkerTimeout:
            message = "a query worker did not start within 120 s"
        except WorkerStopped as exc:  # it died while loading, or close() stopped it
            self._all.discard(worker)
            worker.kill()
            raise WorkerStopped(
                "a query worker could not load the dataset", exc.returncode
            ) from None
        except CouldNotRun as exc:
            message = str(exc)
        self._all.discard(worker)
        worker.kill()
        raise CouldNotRun(message)

    def _killed(self, exc: CouldNotRun) -> bool:
        """Whether a worker that did not load the dataset was killed by a signal from outside
        (the OOM killer, an operator), where another start may do, rather than failing on the
        dataset itself, where it would fail again."""
        returncode = exc.returncode if isinstance(exc, WorkerStopped) else None
        return not self._closed and returncode is not None and returncode < 0

    async def start(self) -> None:
        """Start the worker processes and return at once: each loads its copy of the dataset in
        the background (about 15 s for a million triples on two CPUs), so the server answers
        pages meanwhile; a query waits for the first worker ready (not counted in its timeout)."""
        loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        self._ready = asyncio.Event()
        launched = [self._launch() for _ in range(self.size)]
        self._starting = list(launched)

        async def ready(launched: Worker) -> None:
            worker = launched
            try:
                for attempt in range(self.REPLACE_ATTEMPTS + 1):
                    try:
                        await loop.run_in_executor(self._threads, self._await_ready, worker)
                        self._idle.put_nowait(worker)
                        return
                    except CouldNotRun as exc:
                        self._failure = str(exc)
                        if attempt == self.REPLACE_ATTEMPTS or not self._killed(exc):
                            return
                    worker = self._launch()
            finally:
                self._starting.remove(launched)
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
        replacing = any(not f.done() for f in self._replacing)
        if not self._all and not replacing and self._failure:
            raise CouldNotRun(self._failure)

    # Attempts at starting a replacement: one killed while it loads (by the OOM killer, say) is
    # tried again, so that the pool does not shrink for good; a dataset that cannot load at all
    # is not tried for ever.
    REPLACE_ATTEMPTS = 3

    async def _replace(self, worker: Worker) -> None:
        loop = asyncio.get_running_loop()
        self._all.discard(worker)
        await loop.run_in_executor(self._threads, worker.kill)
        for _attempt in range(self.REPLACE_ATTEMPTS):
            try:
                replacement = await loop.run_in_executor(self._threads, self._start_and_wait)
            except CouldNotRun as exc:
                self._failure = str(exc)
                if self._killed(exc):
                    continue
                break
            self._idle.put_nowait(replacement)
            break
        self._replacing = {f for f in self._replacing if not f.done()}

    async def run(
        self,
        sparql: str,
        limits: AnswerLimits | int | None,
        wait: float | None = None,
        formats: Mapping[str, str | None] | None = None,
    ) -> QueryResult | Answer:
        """The answer within `limits` (an int: at most so many rows), written in `formats` when
        given (see `answer`), or QueryTimeout after `timeout` seconds of running; AllWorkersBusy
        when no worker frees within `wait` seconds (default: the timeout)."""
        assert self._idle is not None, "QueryPool.start() was not awaited"
        await self.wait_ready()
        loop = asyncio.get_running_loop()
        wait = self.timeout if wait is None else wait
        deadline = loop.time() + wait
        while True:
            try:
                worker = await asyncio.wait_for(self._idle.get(), max(0, deadline - loop.time()))
            except TimeoutError:
                raise AllWorkersBusy(
                    f"every query worker stayed busy for {wait:g} s; try again later"
                ) from None
            if worker.alive:
                break
            # It died while idle (killed from outside, the machine's OOM killer): not this
            # query's doing, so it goes to another worker while this one is replaced.
            self._replacing.add(asyncio.ensure_future(self._replace(worker)))
        remaining = self.timeout
        call = functools.partial(worker.call, ANSWER, sparql, limits, formats, timeout=remaining)
        try:
            result = await loop.run_in_executor(self._threads, call)
        except WorkerTimeout:
            # The worker was stuck in native code and has been killed: another starts in the
            # background.
            self._replacing.add(asyncio.ensure_future(self._replace(worker)))
            raise QueryTimeout(
                f"the query was stopped after {self.timeout:g} s (the server's query timeout)"
            ) from None
        except WorkerStopped as exc:
            # It crashed, or native code aborted at the memory limit: another starts.
            self._replacing.add(asyncio.ensure_future(self._replace(worker)))
            raise WorkerStopped(
                "the query worker stopped unexpectedly on this query", exc.returncode
            ) from None
        except CouldNotRun:
            self._idle.put_nowait(worker)
            raise
        self._idle.put_nowait(worker)
        return result

    def close(self) -> None:
        self._closed = True
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)

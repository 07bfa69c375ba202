"""Worker processes: run a named function in another Python process, and kill that process when
it overruns. The one mechanism behind serve's query workers (store/pool.py). And `Background`:
native work in a thread of this process (build's validation beside its writers, the SPARQL
checks beside the SHACL engine, a federated query's time limit).

Oxigraph answers a query, and the SHACL engines validate, in native code that Python cannot
interrupt; so work that must be stoppable, or that should run beside this process, runs in a
worker. A worker that overruns is killed by its process id (`Worker.kill`, also what `call` does
on a timeout) and whoever needs another starts a fresh one; a worker never outlives its caller.

How a worker starts: a fresh interpreter (`python -c`, through subprocess) that imports this
package, its folder first on PYTHONPATH so that the worker runs this very code however the
caller found it (installed, or a checkout on sys.path). It talks to the caller over a socket
pair with multiprocessing's `Connection` (pickled messages, a poll with a timeout, end of file
when the other side goes). Not fork: the caller holds an Oxigraph store and threads (uvicorn's,
Oxigraph's), and the forked copy of such a process is not safe. Not multiprocessing's spawn nor
its forkserver: they import the caller's `__main__` module again in every worker, so a script
that calls `build()` or starts the server without an `if __name__ == "__main__":` guard would run
again; the package is a library and asks no such thing of its callers.

A call names a module-level function as "package.module:function" and gives it picklable
arguments; it runs in the worker, whose module globals are kept from call to call (a query
worker loads its dataset once, then answers queries). A CouldNotRun raised by the function
comes back to the caller (as the nearest class of its type that can be rebuilt from its message:
a SparqlSyntaxError comes back as a QuerySyntaxError); any other exception stops the worker, its
traceback on standard error, and the caller gets WorkerStopped.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import pickle
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Generic, TypeVar

from .errors import CouldNotRun

T = TypeVar("T")

# The package's folder: first on the worker's PYTHONPATH.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])
_LIVE: set[Worker] = set()


class Background(Generic[T]):
    """`work()` in a daemon thread, started now: `result()` waits for it and gives what it
    returned, or raises what it raised, in the caller's thread; `done(seconds)` waits at most that
    long and says whether it has ended.

    For native work that lets go of the interpreter (Oxigraph's queries, the SHACL engine), so
    that Python goes on beside it. An exception travels without its traceback and context: their
    frames may hold Oxigraph objects, which must be dropped in the thread that made them. A thread
    cannot be stopped: one still running when the caller gives up is abandoned, and being a daemon
    it does not keep the process alive.
    """

    def __init__(self, work: Callable[[], T], name: str) -> None:
        self._outcome: list[T | BaseException] = []
        self._thread = threading.Thread(target=self._run, args=(work,), name=name, daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[], T]) -> None:
        try:
            self._outcome.append(work())
        except BaseException as exc:  # handed to the caller's thread by result()
            exc.__context__ = exc.__cause__ = None
            self._outcome.append(exc.with_traceback(None))

    def done(self, seconds: float | None = None) -> bool:
        self._thread.join(seconds)
        return bool(self._outcome)

    def result(self) -> T:
        self._thread.join()
        outcome = self._outcome[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


class WorkerStopped(CouldNotRun):
    """The worker process ended before it answered (it crashed, or was killed)."""

    def __init__(self, message: str, returncode: int | None = None) -> None:
        super().__init__(message)
        self.returncode = returncode


class WorkerTimeout(CouldNotRun):
    """The worker did not answer in time; it has been killed."""


class Worker:
    """One worker process, started at once; `call` runs a named function in it.

    `submit` and `result` split a call in two, so that the caller goes on while the worker works
    (a query worker loading its dataset). One call at a time: the answers come in order.
    """

    def __init__(self, name: str = "worker", stderr: IO[bytes] | None = None) -> None:
        """`stderr`: a file for the worker's standard error (a native crash writes its report
        there), instead of the caller's."""
        self.name = name
        parent, child = Pipe()
        path = os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
        self._process = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(child.fileno()), name],
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
            stderr=stderr,
            env={**os.environ, "PYTHONPATH": path},
        )
        child.close()
        self._conn: Connection = parent
        _LIVE.add(self)

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def alive(self) -> bool:
        """Whether the process is still running (it may have been killed while idle)."""
        return self._process.poll() is None

    def call(self, function: str, *args: object, timeout: float | None = None) -> object:
        """`function(*args)` in the worker: its value, or the CouldNotRun it raised.

        WorkerTimeout (the worker killed) after `timeout` seconds; WorkerStopped when the worker
        ended without an answer.
        """
        self.submit(function, *args)
        return self.result(timeout)

    def submit(self, function: str, *args: object) -> None:
        """Start `function(*args)` in the worker and return at once; `result` waits for it."""
        try:
            self._conn.send((function, args))
        except (OSError, ValueError):  # it ended, or was closed
            raise self._stopped() from None

    def result(self, timeout: float | None = None) -> object:
        """The answer to the call submitted last (see `call`)."""
        try:
            if not self._conn.poll(timeout):
                self.kill()
                raise WorkerTimeout(f"the {self.name} did not answer within {timeout:g} s")
            status, value = self._conn.recv()
        except (EOFError, OSError):
            raise self._stopped() from None
        if status == "error":
            raise value
        return value

    def kill(self) -> None:
        """Stop the worker now, whatever it is doing."""
        _LIVE.discard(self)
        if self._process.poll() is None:
            self._process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=5)
        self._conn.close()

    def _stopped(self) -> WorkerStopped:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=5)
        code = self._process.returncode
        self.kill()
        return WorkerStopped(f"the {self.name} stopped (exit code {code})", code)


@atexit.register
def _kill_live_workers() -> None:
    # A worker waiting for its next call ends by itself when the caller goes (its connection
    # closes); one in the middle of a call would go on: stop it with its caller.
    for worker in list(_LIVE):
        worker.kill()


_CHILD = "import sys; from krakow_clusters.workers import serve; serve(int(sys.argv[1]))"


def serve(fd: int) -> None:
    """The worker's side: answer the calls that arrive on the connection `fd` until it closes."""
    # Only the caller stops a worker (Ctrl-C reaches the whole process group; the caller
    # decides), and nothing may write to the caller's standard output.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    conn = Connection(fd)
    while True:
        try:
            function, args = conn.recv()
        except (EOFError, OSError):
            return
        module, _, name = function.partition(":")
        try:
            answer: tuple = ("ok", getattr(importlib.import_module(module), name)(*args))
        except CouldNotRun as exc:
            answer = ("error", portable(exc))
        try:
            conn.send(answer)
        except (OSError, ValueError):
            return


def call_once(
    function: str, *args: object, name: str = "worker", stderr: IO[bytes] | None = None
) -> object:
    """`function(*args)` once, in a child process that ends with the call: its value, the
    CouldNotRun it raised, or WorkerStopped when the child died without answering (a native
    abort; its report is in `stderr`, when given, else on the caller's standard error).

    In a process with one thread (a command-line run), the child is a fork of this one: it has
    every module already imported and starts in a millisecond, where a fresh interpreter takes a
    third of a second, most of the time of a short command. Forking is safe there (it is not in a
    process with other threads: a server, a test session with servers), so elsewhere the call
    runs in a `Worker`.
    """
    if hasattr(os, "fork") and threading.active_count() == 1:
        return _forked(function, args, name, stderr)
    worker = Worker(name, stderr=stderr)
    try:
        return worker.call(function, *args)
    finally:
        worker.kill()


def _forked(function: str, args: tuple, name: str, stderr: IO[bytes] | None) -> object:
    reader, writer = Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:  # the child: answer, then end without running the parent's exit handlers
        code = 0
        try:
            reader.close()
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it quietly
            if stderr is not None:
                os.dup2(stderr.fileno(), 2)
            os.dup2(2, 1)  # nothing may write to the caller's standard output
            module, _, attribute = function.partition(":")
            try:
                answer: tuple = ("ok", getattr(importlib.import_module(module), attribute)(*args))
            except CouldNotRun as exc:
                answer = ("error", portable(exc))
            writer.send(answer)
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    writer.close()
    try:
        status, value = reader.recv()
    except (EOFError, OSError):
        _, wait_status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(wait_status)
        raise WorkerStopped(f"the {name} stopped (exit code {code})", code) from None
    finally:
        reader.close()
    os.waitpid(pid, 0)
    if status == "error":
        raise value
    return value


def portable(exc: CouldNotRun) -> CouldNotRun:
    """The error itself when it pickles and unpickles; else the nearest class of its type that
    can be rebuilt from its message alone."""
    for cls in type(exc).__mro__:
        if not issubclass(cls, CouldNotRun):
            continue
        try:
            candidate = exc if cls is type(exc) else cls(str(exc))
            pickle.loads(pickle.dumps(candidate))
        except Exception:
            continue
        return candidate
    return CouldNotRun(str(exc))

"""Small real HTTP servers on 127.0.0.1 (random port) that misbehave on purpose, for client tests.

Each server runs `http.server` in a thread; a script says what to answer to the n-th request.
Every request (path, headers) is recorded, and the number of requests in flight at once too.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

EMPTY_RESULT = {"head": {"vars": ["x"]}, "results": {"bindings": []}}


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


@dataclass
class Script:
    """What the server does for request number n (0-based): a callable writing the answer."""

    steps: list[Callable[[http.server.BaseHTTPRequestHandler, threading.Event], None]]
    seen: list[Seen] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)


def answer(status: int, body: bytes | str | dict, headers: dict[str, str] | None = None):
    """A step that answers at once."""
    if isinstance(body, dict):
        body = json.dumps(body)
        content_type = "application/sparql-results+json"
    else:
        content_type = "text/plain; charset=utf-8"
    data = body.encode() if isinstance(body, str) else body

    def step(handler: http.server.BaseHTTPRequestHandler, stop: threading.Event) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)

    return step


def silent(handler: http.server.BaseHTTPRequestHandler, stop: threading.Event) -> None:
    """A step that never answers (until the server stops)."""
    stop.wait(30)


def trickle(handler: http.server.BaseHTTPRequestHandler, stop: threading.Event) -> None:
    """A step that answers 200 and then sends one byte every 50 ms, never finishing."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/sparql-results+json")
    handler.end_headers()
    while not stop.wait(0.05):
        try:
            handler.wfile.write(b" ")
            handler.wfile.flush()
        except OSError:
            return


def short_body(body: dict, missing: int = 100):
    """A step that answers 200 with a Content-Length `missing` bytes larger than the body it
    sends, then closes the connection: an answer cut short by the server."""
    data = json.dumps(body).encode()

    def step(handler: http.server.BaseHTTPRequestHandler, stop: threading.Event) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/sparql-results+json")
        handler.send_header("Content-Length", str(len(data) + missing))
        handler.end_headers()
        handler.wfile.write(data)
        handler.wfile.flush()
        handler.close_connection = True

    return step


def slow_answer(delay: float, body: dict):
    """A step that waits, then answers 200: to see that requests do not overlap."""
    inner = answer(200, body)

    def step(handler, stop):
        stop.wait(delay)
        inner(handler, stop)

    return step


@contextmanager
def scripted_server(*steps) -> Iterator[tuple[str, Script]]:
    """Start a server that plays the steps in order (the last one repeats); yield (url, script)."""
    script = Script(list(steps))

    class Handler(http.server.BaseHTTPRequestHandler):
        def _play(self) -> None:
            with script.lock:
                number = len(script.seen)
                script.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
                script.in_flight += 1
                script.max_in_flight = max(script.max_in_flight, script.in_flight)
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            try:
                script.steps[min(number, len(script.steps) - 1)](self, script.stop)
            finally:
                with script.lock:
                    script.in_flight -= 1

        do_GET = _play
        do_POST = _play
        do_PUT = _play

        def log_message(self, *args) -> None:  # keep the test output clean
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", script
    finally:
        script.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def gzip_bomb(
    size: int, body_start: bytes = b'{"head": {"vars": ["x"]}, "results": {"bindings": ['
):
    """A step that answers 200 with `size` bytes (a JSON result's start, then spaces) compressed
    with gzip, as Content-Encoding says: about a thousandth of `size` on the wire."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
    parts = [compressor.compress(body_start)]
    block = b" " * (1 << 20)
    for _ in range(size // len(block)):
        parts.append(compressor.compress(block))
    parts.append(compressor.flush())
    data = b"".join(parts)

    def step(handler: http.server.BaseHTTPRequestHandler, stop: threading.Event) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/sparql-results+json")
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        with contextlib.suppress(OSError):  # the client may stop reading, and close
            handler.wfile.write(data)

    return step


def endless(handler: http.server.BaseHTTPRequestHandler, stop: threading.Event) -> None:
    """A step that answers 200 with a body that never ends (no length, as fast as it is read)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/sparql-results+json")
    handler.end_headers()
    block = b'{"head": {"vars": ["x"]}, "results": {"bindings": [' + b" " * (1 << 16)
    while not stop.is_set():
        try:
            handler.wfile.write(block)
        except OSError:  # the client gave up: the point
            return
        block = b" " * (1 << 16)

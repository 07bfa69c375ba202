"""Requests written byte by byte on a socket, as a hostile client writes them (urllib would refuse
or fix them): each helper returns what the server did, an answer's status or the connection's
end, never how long it took."""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass

# Longer than any limit the tests' servers are given: a socket that outlives it is a failure.
WAIT = 20.0


@dataclass
class Outcome:
    status: int | None  # the answer's status, None when there was no answer
    body: bytes
    closed: bool  # the server ended the connection (FIN or reset)


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    sock.settimeout(WAIT)
    return sock


def read_outcome(sock: socket.socket) -> Outcome:
    """Everything the server sends until it closes the connection (or WAIT passes)."""
    data, closed = b"", False
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                closed = True
                break
            data += chunk
    except ConnectionResetError:
        closed = True
    except TimeoutError:
        pass
    return _parse(data, closed)


def send_and_read(port: int, data: bytes) -> Outcome:
    """Send `data` on a new connection and read what comes back; a reset while sending (the
    server refused and closed) is an outcome too."""
    with connect(port) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        return read_outcome(sock)


def _parse(data: bytes, closed: bool) -> Outcome:
    head, _, body = data.partition(b"\r\n\r\n")
    status = None
    if head.startswith(b"HTTP/1.1 "):
        status = int(head.split(b" ", 2)[1])
    return Outcome(status, body, closed)


def get(port: int, path: str = "/", host: str = "127.0.0.1") -> Outcome:
    """An ordinary visitor's GET, on a connection of its own."""
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
    return send_and_read(port, request)


def in_background(target, *args) -> tuple[threading.Thread, list]:
    """Run `target(*args)` in a thread; its result is appended to the returned list."""
    results: list = []
    thread = threading.Thread(target=lambda: results.append(target(*args)), daemon=True)
    thread.start()
    return thread, results

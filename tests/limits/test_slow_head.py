"""Issue 22: half-sent requests stayed open for ever (slowloris). A head that has not arrived
within header_timeout of the connection's opening gets 408 and the connection is closed, however
it trickles in; other visitors are answered meanwhile."""

from __future__ import annotations

import time

import pytest

from .rawhttp import connect, get, read_outcome

pytestmark = pytest.mark.timeout(60)


def _trickle(port: int) -> object:
    with connect(port) as sock:
        try:
            for byte in b"GET / HTTP/1.1\r\nHost: a\r\nX-Slow: " + b"z" * 200:
                sock.sendall(bytes([byte]))
                time.sleep(0.05)  # pacing of the hostile client, not a measurement
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed by the server while trickling
        return read_outcome(sock)


def test_a_trickled_head_gets_408_and_is_closed(limited):
    outcome = _trickle(limited.port)
    assert outcome.closed
    assert outcome.status in (408, None)  # None: closed while the client was still writing
    if outcome.status == 408:
        assert outcome.body == b"the request's head did not arrive within 1 s\n"
    assert get(limited.port).status == 200


def test_half_a_head_then_silence_gets_408(limited):
    with connect(limited.port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n")
        outcome = read_outcome(sock)
    assert outcome.status == 408
    assert outcome.closed

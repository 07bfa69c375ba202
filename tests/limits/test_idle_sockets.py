"""Issue 22: idle sockets stayed open for ever. A connection that sends nothing is closed after
header_timeout (408); a kept-alive connection idle after its answer after keep_alive_timeout."""

from __future__ import annotations

import pytest

from .rawhttp import connect, read_outcome

pytestmark = pytest.mark.timeout(60)


def test_a_connection_that_sends_nothing_is_closed(limited):
    with connect(limited.port) as sock:
        outcome = read_outcome(sock)
    assert outcome.closed
    assert outcome.status == 408


def test_a_kept_alive_connection_is_closed_when_idle(limited):
    with connect(limited.port) as sock:
        sock.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: a\r\n\r\n")
        outcome = read_outcome(sock)  # the answer, then the close when idle
    assert outcome.status == 200
    assert outcome.closed

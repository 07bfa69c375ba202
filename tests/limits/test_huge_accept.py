"""Issue 22: a 20 MB Accept header stalled every visitor for 6 s. The front stops reading the head
at max_head and answers 431; a visitor who asks meanwhile is answered."""

from __future__ import annotations

import socket

import pytest

from .rawhttp import connect, get, read_outcome

pytestmark = pytest.mark.timeout(60)


def test_a_20_mb_accept_header_gets_431_and_others_are_answered(limited):
    with connect(limited.port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: a\r\nAccept: ")
        # Half of it sent: another visitor asks in the middle of it.
        chunk = b"text/html;q=0.9, " * 4096
        sent = 0
        try:
            while sent < 10_000_000:
                sock.sendall(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert get(limited.port).status == 200
        try:
            while sent < 20_000_000:
                sock.sendall(chunk)
                sent += len(chunk)
            sock.sendall(b"\r\n\r\n")
            sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server has stopped reading: refused
        outcome = read_outcome(sock)
    assert outcome.closed
    # Read while the server drops the rest (linger-timeout), the answer arrives; a client that
    # kept sending past that sees a reset instead, which is a refusal too.
    if outcome.status is not None:
        assert outcome.status == 431
        assert outcome.body == b"the request's head is longer than 65536 bytes\n"
    assert get(limited.port).status == 200

"""Issue 22: unfinished bodies stayed open for ever. A body that has not arrived within
body_timeout of its head gets 408 and the connection is closed; the app, which was reading it,
is told the client has gone."""

from __future__ import annotations

import pytest

from .rawhttp import connect, get, read_outcome

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("path", ["/sparql", "/reconcile"])
def test_a_body_that_never_ends_gets_408(limited, path):
    with connect(limited.port) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: a\r\n".encode()
            + b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
            + b"query=SELECT"
        )
        outcome = read_outcome(sock)
    assert outcome.status == 408
    assert outcome.body == b"the request's body did not arrive within 1 s\n"
    assert outcome.closed
    assert get(limited.port).status == 200


def test_a_chunked_body_that_never_ends_gets_408(limited):
    with connect(limited.port) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/sparql-query\r\n\r\n5\r\nSELEC\r\n"
        )
        outcome = read_outcome(sock)
    assert outcome.status == 408
    assert outcome.closed

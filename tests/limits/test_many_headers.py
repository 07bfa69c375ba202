"""Issue 22: 20,000 header fields got a 200. Past max_headers (100) the answer is 431, one line,
and the server goes on answering others."""

from __future__ import annotations

import pytest

from .rawhttp import get, send_and_read

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("count", [101, 2_000, 20_000])
def test_too_many_header_fields_get_431(limited, count):
    fields = b"".join(b"X-F%d: y\r\n" % i for i in range(count))
    outcome = send_and_read(limited.port, b"GET / HTTP/1.1\r\nHost: a\r\n" + fields + b"\r\n")
    assert outcome.status == 431
    assert outcome.closed
    assert len(outcome.body.decode().splitlines()) == 1
    assert get(limited.port).status == 200


def test_a_hundred_fields_are_answered(limited):
    fields = b"".join(b"X-F%d: y\r\n" % i for i in range(98))
    request = b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n" + fields + b"\r\n"
    assert send_and_read(limited.port, request).status == 200

"""The front's limits refuse only what is past them: a body near max_body sent with its head in
one write, pipelined requests, HEAD and Expect: 100-continue are answered as before."""

from __future__ import annotations

import pytest

from .rawhttp import connect, read_outcome, send_and_read

pytestmark = pytest.mark.timeout(60)


def test_a_large_body_sent_with_its_head_is_read(limited):
    query = b"query=ASK%7B%7D&padding=" + b"x" * 900_000
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: a\r\nAccept: application/sparql-results+json\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n"
        b"Content-Length: %d\r\n\r\n" % len(query)
    )
    outcome = send_and_read(limited.port, head + query)
    assert outcome.status == 200
    assert b'"boolean"' in outcome.body


def test_pipelined_requests_are_each_answered(limited):
    one = b"GET /openapi.json HTTP/1.1\r\nHost: a\r\n\r\n"
    last = b"GET /openapi.json HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
    with connect(limited.port) as sock:
        sock.sendall(one * 3 + last)
        outcome = read_outcome(sock)
    assert outcome.status == 200
    assert outcome.body.count(b"HTTP/1.1 200 OK") == 3  # after the first answer's head


def test_expect_100_continue_is_answered(limited):
    body = b"ASK {}"
    with connect(limited.port) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: a\r\nContent-Type: application/sparql-query\r\n"
            b"Expect: 100-continue\r\nConnection: close\r\nContent-Length: 6\r\n\r\n"
        )
        assert sock.recv(4096).startswith(b"HTTP/1.1 100 ")
        sock.sendall(body)
        outcome = read_outcome(sock)
    assert outcome.status == 200


def test_head_is_answered_without_a_body(limited):
    outcome = send_and_read(
        limited.port, b"HEAD /openapi.json HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
    )
    assert outcome.status == 200
    assert outcome.body == b""

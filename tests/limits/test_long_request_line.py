"""The request line is bounded (max_request_line, 36 KiB): a longer one gets 414, one line,
before the app sees it; the app's own limits (path 2 KiB, query string 32 KiB) still hold."""

from __future__ import annotations

import pytest

from .rawhttp import get, send_and_read

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize(
    ("target", "said"),
    [
        (b"/?q=" + b"a" * 40_000, b"the request line is longer than 36864 bytes\n"),
        (b"/?q=" + b"a" * 33_000, b"the query string is longer than 32768 bytes\n"),
    ],
)
def test_a_long_request_line_gets_414(limited, target, said):
    outcome = send_and_read(limited.port, b"GET " + target + b" HTTP/1.1\r\nHost: a\r\n\r\n")
    assert outcome.status == 414
    assert outcome.body == said
    assert get(limited.port).status == 200

"""Issue 22: a 1 MB header value got a 200. A field over max_header_field (8,190 bytes) gets 431;
a head over max_head (64 KiB) too, as soon as that much has arrived."""

from __future__ import annotations

import pytest

from .rawhttp import get, send_and_read

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize(
    ("size", "said"),
    [(9_000, b"the header field x-long is longer than 8190 bytes"), (1_000_000, b"head")],
)
def test_a_long_header_value_gets_431(limited, size, said):
    request = b"GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + b"v" * size + b"\r\n\r\n"
    outcome = send_and_read(limited.port, request)
    assert outcome.status == 431
    assert said in outcome.body
    assert outcome.body.count(b"\n") == 1
    assert get(limited.port).status == 200

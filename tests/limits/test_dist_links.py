"""Issue 22: a link loop or a dangling link inside dist/ gave a 500 (resolving the path, or
listing a folder that holds one).

Both are 404 of one line now, and a folder's listing leaves them out."""

from __future__ import annotations

import pytest

from ..appserver import get
from .conftest import one_line


@pytest.mark.parametrize(
    "path",
    ["/dist/loop-a", "/dist/loop-b/x", "/dist/dangling", "/dist/folder/self", "/dist/folder/gone"],
)
def test_a_loop_or_a_dangling_link_is_404(work_limited, path):
    status, _, body = get(work_limited.base + path)
    assert status == 404, body[:300]
    one_line(body)


@pytest.mark.parametrize("path", ["/dist/", "/dist/folder/"])
def test_a_listing_leaves_out_what_cannot_be_read(work_limited, path):
    status, _, body = get(work_limited.base + path, "text/html")
    assert status == 200, body[:300]
    page = body.decode()
    assert "loop-a" not in page and "dangling" not in page and "gone" not in page

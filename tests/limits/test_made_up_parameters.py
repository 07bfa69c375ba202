"""Issue 26 (left open by issue 22): a resource page accepted any query string and cached a page
for each, so a stream of made-up parameters (`?x=1`, `?x=2`, …) made a new page every time and
pushed every useful page out of the cache; and a link shared with `?fbclid=…` carried it on in
the page's own links.

A resource page reads one parameter (`format`): its page, cache key and links hold only that."""

from __future__ import annotations

import re

from ..appserver import get


def test_made_up_parameters_give_the_same_page_and_never_reach_its_links(app):
    status, headers, plain = get(app.base + "/id/cluster/bim", "text/html")
    assert status == 200
    for i in range(20):
        status, again, body = get(app.base + f"/id/cluster/bim?fbclid=made-up-{i}", "text/html")
        assert status == 200
        assert body == plain and again["ETag"] == headers["ETag"], "one page, not one per query"
        assert b"made-up" not in body
    links = re.findall(rb'href="([^"]*)"', plain)
    assert any(b"/id/cluster/bim" in link for link in links), "the page links to itself"


def test_the_format_parameter_is_still_read(app):
    status, headers, body = get(app.base + "/id/cluster/bim?format=ttl&fbclid=x")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert b"fbclid" not in body

"""Issue 22: a reconciliation batch nested 1,000 deep gave a 500 (the JSON parser's recursion).

Nesting is counted before parsing, without recursion: past reconcile.service.MAX_DEPTH levels, a
400 of one line, for `queries` and `extend`, by GET and by POST."""

from __future__ import annotations

import urllib.parse

import pytest

from krakow_clusters.reconcile.service import MAX_DEPTH, BadRequest, parse_json

from ..appserver import get, post
from .conftest import one_line

DEEP = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"q0": ' + '{"query": ' * 1000 + '"x"' + "}" * 1001


@pytest.mark.parametrize("field", ["queries", "extend"])
@pytest.mark.parametrize("text", [DEEP, DEEP_OBJECT, "[" * 100_000])
def test_a_deep_batch_gets_a_400(work_limited, field, text):
    data = urllib.parse.urlencode({field: text})
    status, _, body = post(
        work_limited.base + "/reconcile", data.encode(), "application/x-www-form-urlencoded"
    )
    assert status == 400, body[:300]
    assert "nested deeper" in one_line(body)


@pytest.mark.parametrize("field", ["queries", "extend"])
def test_a_deep_batch_in_the_url_gets_a_400(work_limited, field):
    status, _, body = get(work_limited.base + "/reconcile?" + urllib.parse.urlencode({field: DEEP}))
    assert status == 400, body[:300]
    assert "nested deeper" in one_line(body)


def test_brackets_inside_strings_do_not_count():
    text = '{"q0": {"query": "' + "[" * 100 + '"}}'
    assert parse_json(text, "queries") == {"q0": {"query": "[" * 100}}
    with pytest.raises(BadRequest):
        parse_json("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "queries")

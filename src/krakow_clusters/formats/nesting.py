"""How deep a JSON document nests, found without parsing it: every JSON reader here (Oxigraph's
JSON-LD parser, Python's json module) descends recursively, so a document nested thousands of
levels deep exhausts memory, overflows the stack (a native abort) or raises RecursionError deep
inside a library. The depth is checked first, on the bytes, in one pass without recursion."""

from __future__ import annotations

import re

from ..limits import MAX_JSON_DEPTH

# A string (its brackets do not count; one left open runs to the end) or a bracket.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.S)


def too_deep(data: bytes, limit: int) -> int | None:
    """The offset of the first `{` or `[` that opens level `limit + 1`, or None when the
    document nests no deeper than `limit` (whether or not it is valid JSON)."""
    if data.count(b"{") + data.count(b"[") <= limit:
        return None  # too few brackets to get there: no need to look at the strings
    depth = 0
    for token in _TOKEN.finditer(data):
        first = token.group()[:1]
        if first in (b"{", b"["):
            depth += 1
            if depth > limit:
                return token.start()
        elif first in (b"}", b"]"):
            depth = max(depth - 1, 0)
    return None


def check_json_depth(data: bytes, subject: str) -> None:
    """CouldNotRun naming `subject`, the line and column, when `data` nests deeper than the
    limit ($KRAKOW_CLUSTERS_MAX_JSON_DEPTH)."""
    limit = MAX_JSON_DEPTH.value()
    offset = too_deep(data, limit)
    if offset is None:
        return
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    raise MAX_JSON_DEPTH.exceeded(
        f"{subject}:{line}:{column}", "objects and arrays nest deeper here"
    )

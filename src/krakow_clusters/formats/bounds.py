"""What a document may hold before a reader here parses or labels it (limits.py):

- how deep a JSON document nests, found without parsing it: every JSON reader here (Oxigraph's
  JSON-LD parser, Python's json module) descends recursively, so a document nested thousands of
  levels deep exhausts memory, overflows the stack (a native abort) or raises RecursionError
  deep inside a library; the depth is checked first, on the bytes, in one pass;
- how the blank nodes of a parsed file hang together: the length of its lists, and the cycles
  and the size of each group of blank nodes linked to each other, which make the SHACL engine's
  work and RDF canonicalization's (the dumps' labels, `diff`) grow exponentially or with the cube.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from ..limits import MAX_BLANK_CYCLES, MAX_BLANK_GROUP, MAX_JSON_DEPTH, MAX_LIST_ITEMS

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


RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"


def check_blank_structure(path: Path, statements: Iterable[ox.Quad]) -> None:
    """CouldNotRun when the blank nodes of a file form an RDF collection longer than the limit
    ($KRAKOW_CLUSTERS_MAX_LIST_ITEMS), or a group of blank nodes linked to each other in more
    independent cycles ($KRAKOW_CLUSTERS_MAX_BLANK_CYCLES) or with more nodes
    ($KRAKOW_CLUSTERS_MAX_BLANK_GROUP) than the limits: the SHACL engine's work doubles with each
    cycle, and the canonical labelling of the dumps grows with the cube of a group. Statements
    that do not link a blank node to a blank node (or a list to its end) are passed over."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}
    cycles: dict[ox.BlankNode, int] = {}
    sizes: dict[ox.BlankNode, int] = {}
    rest: dict[ox.BlankNode, ox.BlankNode | None] = {}

    def root(node: ox.BlankNode) -> ox.BlankNode:
        if node not in parent:
            parent[node], sizes[node] = node, 1
        while parent[node] != node:
            parent[node] = parent[parent[node]]  # path halving: no recursion, near-flat trees
            node = parent[node]
        return node

    for q in statements:
        subject, obj = q.subject, q.object
        if type(subject) is not ox.BlankNode:
            continue
        if q.predicate.value == RDF_REST:
            rest[subject] = obj if type(obj) is ox.BlankNode else None
        if type(obj) is not ox.BlankNode:
            continue
        # Each link joins two groups of blank nodes, or, within one group, closes a cycle: a
        # group's independent cycles are its links less (its nodes less one).
        a, b = root(subject), root(obj)
        if a == b:
            cycles[a] = cycles.get(a, 0) + 1
        else:
            parent[b] = a
            sizes[a] += sizes.pop(b)
            cycles[a] = cycles.get(a, 0) + cycles.pop(b, 0)
    longest = _longest_list(rest)
    if longest > MAX_LIST_ITEMS.value():
        raise MAX_LIST_ITEMS.exceeded(str(path), f"an RDF collection (list) of {longest} items")
    if cycles:
        worst = max(cycles, key=cycles.__getitem__)
        if cycles[worst] > MAX_BLANK_CYCLES.value():
            found = f"{sizes[worst]} blank nodes linked to each other in {cycles[worst]} cycles"
            raise MAX_BLANK_CYCLES.exceeded(str(path), found)
    if sizes:
        largest = max(sizes.values())
        if largest > MAX_BLANK_GROUP.value():
            found = f"a group of {largest} blank nodes linked to each other"
            raise MAX_BLANK_GROUP.exceeded(str(path), found)


def _longest_list(rest: Mapping[ox.BlankNode, ox.BlankNode | None]) -> int:
    """The most nodes one chain of rdf:rest links passes, from a node no link points to (a loop
    of links without such a node counts as the cycles it makes)."""
    pointed = {node for node in rest.values() if node is not None}
    longest = 0
    for head in rest:
        if head in pointed:
            continue
        length, node, seen = 0, head, set()
        while node is not None and node not in seen:
            seen.add(node)
            length += 1
            node = rest.get(node)
        longest = max(longest, length)
    return longest

"""`krakow-clusters diff OLD NEW`: the facts two releases state differently, by resource.

A release is a built folder (`dist/`). Its facts are read from the N-Quads dump (each statement
with the graph of its origin), or from the N-Triples dump of an older release without one. Two
releases state the same facts when the unions of their graphs are the same graph: the order of
lines and the labels of blank nodes make no difference (blank nodes are relabelled by RDF
canonicalization, RDFC-1.0, before comparing). A statement that only moved to another graph is
not a change of fact, but it is a change of what vouches for it (an interpretation of the curators
promoted to what the article states): it is reported as "moved", with the graphs before and after,
when both releases have their graphs (an older release read from N-Triples has none).

Changes are grouped by resource (a hash IRI such as `…/cluster/bim#members` under its document,
`…/cluster/bim`) and, within a resource, by node and property: a property that lost some values
and gained others is "changed" (`#members schema:value: 80 → 85`); the rest is "added" or
"removed". Each change names the graph the statement sits in and that graph's source (or who
made it), as the release itself describes them.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..errors import CouldNotRun
from ..formats.rdf import read_canonical_quads
from ..rdf.labels import pick_label
from .dumps import DUMP

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCTERMS_SOURCE = "http://purl.org/dc/terms/source"
ATTRIBUTED_TO = "http://www.w3.org/ns/prov#wasAttributedTo"

Fact = tuple[Node, Node, Node]


@dataclass
class Release:
    """The facts of one release: the union, the graphs each fact sits in, labels, origins."""

    folder: Path
    facts: set[Fact]
    graphs: dict[Fact, set[str]]

    @functools.cached_property
    def by_subject(self) -> dict[Node, list[tuple[Node, Node]]]:
        """The facts' (predicate, object) pairs by subject, made once: a change looks up its
        label and origins here, not by a scan of every fact (quadratic on a large release)."""
        index: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        for s, p, o in self.facts:
            index[s].append((p, o))
        return index

    def label(self, iri: str) -> str | None:
        """The rdfs:label of a resource to name it in the diff's wording, which is English (the
        one label picker's choice; the first in order among equals)."""
        labels = sorted(
            (
                o
                for p, o in self.by_subject.get(URIRef(iri), ())
                if str(p) == RDFS_LABEL and isinstance(o, Literal)
            ),
            key=str,
        )
        return pick_label(labels, "en")

    def origin(self, graph: str) -> str | None:
        """What a graph's description names as its source, else who it is attributed to."""
        facts = self.by_subject.get(URIRef(graph), ())
        for prop in (DCTERMS_SOURCE, ATTRIBUTED_TO):
            found = sorted(str(o) for p, o in facts if str(p) == prop)
            if found:
                return found[0]
        return None


@dataclass
class Change:
    kind: str  # added, removed, changed, moved
    node: str  # the subject, as shown
    predicate: str
    old: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    moved_from: list[str] = field(default_factory=list)  # a move: the graphs it was in


@dataclass
class Diff:
    old: Path
    new: Path
    resources: dict[str, tuple[str | None, list[Change]]]
    added: int
    removed: int
    moved: int = 0

    @property
    def same(self) -> bool:
        return not self.resources

    @property
    def exit_code(self) -> int:
        return 0 if self.same else 1


def read_release(folder: Path) -> Release:
    """The facts of the release in `folder`; CouldNotRun when there is none to read."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CouldNotRun(f"{folder}: no such folder (give two built releases, such as dist/)")
    nquads, ntriples = folder / f"{DUMP}.nq", folder / f"{DUMP}.nt"
    path = nquads if nquads.is_file() else ntriples
    if not path.is_file():
        raise CouldNotRun(f"{folder}: not a release (no {nquads.name} or {ntriples.name})")
    # Blank nodes come with labels from their place in the graph, not from the file.
    return release_of(folder, read_canonical_quads(path, quads=path == nquads))


def compare(old: Release, new: Release) -> Diff:
    """The facts `new` states and `old` does not, and the reverse, grouped by resource."""
    gone, came = old.facts - new.facts, new.facts - old.facts
    by_key: dict[tuple[str, str], dict[str, list[Fact]]] = defaultdict(
        lambda: {"old": [], "new": []}
    )
    for side, facts in (("old", gone), ("new", came)):
        for fact in facts:
            by_key[(_term(fact[0]), str(fact[1]))][side].append(fact)
    resources: dict[str, tuple[str | None, list[Change]]] = {}
    for (node, predicate), sides in sorted(by_key.items()):
        olds = sorted(sides["old"], key=lambda f: _term(f[2]))
        news = sorted(sides["new"], key=lambda f: _term(f[2]))
        kind = "changed" if olds and news else ("added" if news else "removed")
        graphs = sorted(
            {g for f in news for g in new.graphs.get(f, ())}
            | {g for f in olds for g in old.graphs.get(f, ())}
        )
        origins = sorted(
            {o for g in graphs for o in (new.origin(g), old.origin(g)) if o is not None}
        )
        change = Change(
            kind,
            node,
            predicate,
            [_term(f[2]) for f in olds],
            [_term(f[2]) for f in news],
            graphs,
            origins,
        )
        _file(resources, change, old, new)
    moves = _moves(old, new)
    for fact, before, after in moves:
        node, value = _term(fact[0]), _term(fact[2])
        origins = sorted({o for g in after if (o := new.origin(g)) is not None})
        change = Change(
            "moved", node, str(fact[1]), [value], [value], after, origins, moved_from=before
        )
        _file(resources, change, old, new)
    return Diff(old.folder, new.folder, resources, len(came), len(gone), len(moves))


def _file(
    resources: dict[str, tuple[str | None, list[Change]]],
    change: Change,
    old: Release,
    new: Release,
) -> None:
    """Put a change under its resource (a hash node's under its document), with the label."""
    iri = change.node[1:-1] if change.node.startswith("<") else change.node
    document = iri.split("#", 1)[0]
    label = new.label(document) or old.label(document)
    resources.setdefault(document, (label, []))[1].append(change)


def _moves(old: Release, new: Release) -> list[tuple[Fact, list[str], list[str]]]:
    """The facts both releases state, in other graphs: (fact, graphs before, graphs after)."""
    if not (old.graphs and new.graphs):
        return []  # a release read from N-Triples says nothing of graphs
    moves = []
    for fact in old.facts & new.facts:
        before, after = old.graphs.get(fact, set()), new.graphs.get(fact, set())
        if before != after:
            moves.append((fact, sorted(before), sorted(after)))
    return sorted(moves, key=lambda m: (_term(m[0][0]), str(m[0][1]), _term(m[0][2])))


def release_of(name: Path, quads: Iterable[tuple[Node, Node, Node, Node | None]]) -> Release:
    """The facts of statements given as (subject, predicate, object, graph) rdflib terms, such
    as import's data before and after, compared as two releases would be."""
    facts: set[Fact] = set()
    graphs: dict[Fact, set[str]] = defaultdict(set)
    for s, p, o, g in quads:
        facts.add((s, p, o))
        if isinstance(g, URIRef):
            graphs[(s, p, o)].add(str(g))
    return Release(Path(name), facts, dict(graphs))


def diff_releases(old: Path, new: Path) -> Diff:
    """Read two releases and compare their facts."""
    return compare(read_release(old), read_release(new))


def _term(term: Node) -> str:
    """A term in N-Triples form (a blank node by its canonical label)."""
    if isinstance(term, BNode):
        return f"_:{term}"
    return term.n3()


def _short(term: str, curie: Callable[[str], str | None]) -> str:
    """A term for people: a prefixed name, a number or a quoted text."""
    if term.startswith("<") and term.endswith(">"):
        return curie(term[1:-1]) or term
    if term.startswith('"'):
        text, _, rest = term[1:].rpartition('"')
        if rest.startswith("^^<http://www.w3.org/2001/XMLSchema#"):
            return text if rest.endswith(("integer>", "decimal>")) else f'"{text}"'
        return f'"{text}"{rest}'
    return term


def render_text(diff: Diff, curie: Callable[[str], str | None] = lambda _iri: None) -> str:
    """The changelog for people: one block per resource, one line per changed property; IRIs
    as prefixed names where `curie` (the project's) gives one."""

    def short(term: str) -> str:
        return _short(term, curie)

    if diff.same:
        return f"{diff.old} and {diff.new} state the same facts.\n"
    lines: list[str] = []
    for document, (label, changes) in sorted(diff.resources.items(), key=lambda i: i[0]):
        shown = short(f"<{document}>") if not document.startswith("_:") else document
        lines.append(f"{label} ({shown})" if label else shown)
        for c in changes:
            node = c.node[1:-1] if c.node.startswith("<") else c.node
            if node.startswith(document + "#"):
                where = "#" + node.split("#", 1)[1] + " "  # a node of the resource's document
            else:
                where = "" if node == document else short(c.node) + " "
            if c.kind == "changed":
                values = ", ".join(map(short, c.old)) + " → " + ", ".join(map(short, c.new))
            else:
                values = ", ".join(map(short, c.new if c.kind == "added" else c.old))
            origin = ""
            if c.kind == "moved":
                # "moved from interpretations to the article": the graphs before and after.
                shown = (
                    ", ".join(short(f"<{g}>") for g in gs) or "no graph"
                    for gs in (c.moved_from, c.graphs)
                )
                origin = "  [from {} to {}".format(*shown)
                origin += "; source " + ", ".join(c.origins) if c.origins else ""
                origin += "]"
            elif c.graphs:
                origin = "  [" + ", ".join(short(f"<{g}>") for g in c.graphs)
                origin += "; source " + ", ".join(c.origins) if c.origins else ""
                origin += "]"
            lines.append(f"  {c.kind:<8} {where}{short(f'<{c.predicate}>')}: {values}{origin}")
        lines.append("")
    count = sum(len(changes) for _, changes in diff.resources.values())
    moved = f", {diff.moved} moved between graphs" if diff.moved else ""
    lines.append(
        f"{count} change(s) in {len(diff.resources)} resource(s): "
        f"{diff.added} fact(s) added, {diff.removed} removed{moved}."
    )
    return "\n".join(lines) + "\n"


def render_json(diff: Diff) -> str:
    """The changes for programs: terms in N-Triples form, graphs and origins as IRIs."""
    payload = {
        "old": str(diff.old),
        "new": str(diff.new),
        "same": diff.same,
        "added": diff.added,
        "removed": diff.removed,
        "moved": diff.moved,
        "resources": [
            {
                "resource": document,
                "label": label,
                "changes": [
                    {
                        "kind": c.kind,
                        "subject": c.node[1:-1] if c.node.startswith("<") else c.node,
                        "predicate": c.predicate,
                        "old": c.old,
                        "new": c.new,
                        "graphs": c.graphs,
                        "origins": c.origins,
                    }
                    | ({"moved_from": c.moved_from} if c.kind == "moved" else {})
                    for c in changes
                ],
            }
            for document, (label, changes) in sorted(diff.resources.items())
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"

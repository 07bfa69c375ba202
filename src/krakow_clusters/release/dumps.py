"""The dumps of the whole dataset: its named graphs as TriG and N-Quads, their union as Turtle
and N-Triples (the JSON-LD dump of the union, which shares its context and expanded form with the
framed clusters, is written by `jsonld`).

A new dump format: its writer in formats/, one line here, and its file in void's distributions.
"""

from __future__ import annotations

from ..formats.rdf import serialize_nquads, serialize_trig, serialize_turtle
from ..rdf.namespaces import DUMP_NAMESPACES
from .context import BuildContext

# The name of every dump of the release, dataset and ontology alike (`krakow-clusters.ttl` …).
DUMP = "krakow-clusters"


def write_dumps(ctx: BuildContext) -> None:
    """The union of the graphs as Turtle (with the project's prefixes and the release header) and
    as sorted N-Triples, for clients that read no graphs; the graphs as TriG and sorted N-Quads."""
    ctx.write(f"{DUMP}.ttl", serialize_turtle(ctx.triples(), DUMP_NAMESPACES, ctx.header))
    ctx.write(f"{DUMP}.nt", ctx.store.sorted_ntriples())
    quads_header = (
        ctx.header
        + "\nEvery statement in the named graph of its origin (graph:graphs describes them)."
    )
    ctx.write(
        f"{DUMP}.trig",
        serialize_trig(ctx.store.iter_native_quads(), DUMP_NAMESPACES, quads_header),
    )
    ctx.write(f"{DUMP}.nq", serialize_nquads(ctx.store.iter_native_quads()))

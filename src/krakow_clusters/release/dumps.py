"""The dumps of the whole dataset: Turtle and N-Triples (the JSON-LD dump, which shares its
context and expanded form with the framed clusters, is written by `jsonld`).

A new dump format: its writer in formats/, one line here, and its file in void's distributions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..formats.rdf import serialize_turtle
from ..project import DUMP_NAMESPACES

if TYPE_CHECKING:
    from .build import BuildContext

# The name of every dump of the release, dataset and ontology alike (`krakow-clusters.ttl` …).
DUMP = "krakow-clusters"


def write_dumps(ctx: BuildContext) -> None:
    """The whole dataset as Turtle (with the project's prefixes and the release header) and as
    sorted N-Triples."""
    ctx.write(f"{DUMP}.ttl", serialize_turtle(ctx.triples(), DUMP_NAMESPACES, ctx.header))
    ctx.write(f"{DUMP}.nt", ctx.store.sorted_ntriples())

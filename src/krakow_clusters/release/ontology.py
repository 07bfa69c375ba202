"""The ontology release: the ontology with its SKOS schemes as Turtle, JSON-LD and RDF/XML, and its
HTML documentation in each language of the project.

The documentation is a page of the site (pages/views.ontology_view and the template
pages/templates/ontology.html, the same rendering serve's /ontology gives), written beside the
static site into ontology/index.{lang}.html, one page per language, in the site's frame and
navigation.
"""

from __future__ import annotations

import json

from ..formats import media as F
from ..formats.rdf import serialize_jsonld, serialize_rdfxml, serialize_turtle
from ..pages.describe import Site, sources_of
from .context import BuildContext
from .dumps import DUMP
from .jsonld import make_context
from .site import OntologyDocs, write_ontology_docs

ONTOLOGY_DIR = "ontology"


def write_ontology(ctx: BuildContext) -> None:
    """The ontology with its SKOS schemes as Turtle, JSON-LD and RDF/XML, and its documentation
    as a page of the site in each language of the project (release/site.write_ontology_docs)."""
    triples = ctx.ontology_triples
    context = make_context(triples, ctx.namespaces)
    context_url = ctx.base + f"{ONTOLOGY_DIR}/context.jsonld"
    folder = ONTOLOGY_DIR
    ctx.write(f"{folder}/context.jsonld", json.dumps(context, indent=2, ensure_ascii=False) + "\n")
    ctx.write(f"{folder}/{DUMP}.ttl", serialize_turtle(triples, ctx.namespaces.dump, ctx.header))
    ctx.write(f"{folder}/{DUMP}.jsonld", serialize_jsonld(triples, context, context_url))
    ctx.write(f"{folder}/{DUMP}.rdf", serialize_rdfxml(triples, ctx.namespaces.dump))
    # Before void.ttl, which lists the pages among the ontology's distributions.
    site = Site(ctx.settings)
    write_ontology_docs(
        ontology_docs(ctx), site, ctx.folder, ctx.with_site, sources_of(ctx.store, site)
    )


def ontology_docs(ctx: BuildContext) -> OntologyDocs:
    """What the ontology's documentation shows: the ontology and its schemes, and the links to
    its files."""
    downloads = [
        {
            "href": f"/dist/{ONTOLOGY_DIR}/{DUMP}{ext}",
            "label": F.FORMAT_NAMES[F.EXTENSIONS[ext]],
            "type": F.EXTENSIONS[ext],
        }
        for ext in (".ttl", ".jsonld", ".rdf")
    ]
    return OntologyDocs(ctx.ontology.to_rdflib(), downloads)

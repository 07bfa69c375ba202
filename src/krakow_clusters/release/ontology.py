"""The ontology release: the ontology with its SKOS schemes as Turtle, JSON-LD and RDF/XML, and its
HTML documentation in each language of the project.

The documentation is rendered with the package's own Jinja2 template (release/templates/
ontology.html): one self-contained page per language, with every class, property and scheme, their
labels and definitions in its language and the next one of the project. No script, font or
style sheet is fetched from elsewhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from ..formats import media
from ..formats.rdf import serialize_jsonld, serialize_rdfxml, serialize_turtle
from ..pages.i18n import N_, language_name, translator
from ..rdf.namespaces import Namespaces
from .context import BuildContext
from .dumps import DUMP
from .jsonld import make_context

ONTOLOGY_DIR = "ontology"


def write_ontology(ctx: BuildContext) -> None:
    """The ontology with its SKOS schemes as Turtle, JSON-LD and RDF/XML, and its documentation
    as HTML in each language of the project (self-contained: no script, font or style from
    elsewhere)."""
    triples = ctx.ontology_triples
    context = make_context(triples, ctx.namespaces)
    context_url = ctx.base + f"{ONTOLOGY_DIR}/context.jsonld"
    folder = ONTOLOGY_DIR
    ctx.write(f"{folder}/context.jsonld", json.dumps(context, indent=2, ensure_ascii=False) + "\n")
    ctx.write(f"{folder}/{DUMP}.ttl", serialize_turtle(triples, ctx.namespaces.dump, ctx.header))
    ctx.write(f"{folder}/{DUMP}.jsonld", serialize_jsonld(triples, context, context_url))
    ctx.write(f"{folder}/{DUMP}.rdf", serialize_rdfxml(triples, ctx.namespaces.dump))
    graph = ctx.ontology.to_rdflib()
    for lang in ctx.settings.languages:
        page = render_ontology_html(
            graph, lang, ctx.namespaces, ctx.settings.languages, ctx.settings.version
        )
        ctx.write(f"{folder}/index.{lang}.html", page)


# --- the documentation -------------------------------------------------------------------------

# The documentation's own words, English msgids translated by the pages' catalogue.
UI = {
    "classes": N_("Classes"),
    "object_properties": N_("Object properties"),
    "datatype_properties": N_("Datatype properties"),
    "schemes": N_("SKOS concept schemes"),
    "iri": N_("IRI"),
    "version": N_("Version"),
    "licence": N_("Licence"),
    "created": N_("Created"),
    "modified": N_("Modified"),
    "prefix": N_("Preferred prefix"),
    "label": N_("Label"),
    "definition": N_("Definition"),
    "subclass_of": N_("Subclass of"),
    "subproperty_of": N_("Subproperty of"),
    "domain": N_("Domain"),
    "range": N_("Range"),
    "see_also": N_("See also"),
    "concepts": N_("Concepts"),
    "broader": N_("Broader"),
    "helix": N_("Helix"),
    "contents": N_("Contents"),
    "downloads": N_("Downloads"),
    "title_suffix": N_("documentation"),
}


@dataclass
class Term:
    iri: str
    anchor: str
    labels: dict[str, str]
    definitions: dict[str, str]
    links: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)


def _text(graph: rdflib.Graph, node: Node, prop: URIRef) -> dict[str, str]:
    values: dict[str, list[str]] = {}
    for value in graph.objects(node, prop):
        if isinstance(value, Literal):
            values.setdefault(value.language or "", []).append(str(value))
    return {lang: " / ".join(sorted(texts)) for lang, texts in sorted(values.items())}


def _anchor(iri: str, kc: str) -> str:
    """Terms by their local name (as in the ontology's own IRIs); concepts as kind-slug."""
    if iri.startswith(kc):
        return iri.split("#", 1)[1]
    return "-".join(iri.rstrip("/").rsplit("/", 2)[-2:])


def render_ontology_html(
    graph: rdflib.Graph,
    lang: str,
    namespaces: Namespaces,
    languages: tuple[str, ...],
    version: str = "",
) -> str:
    """The documentation page in `lang`, one of `languages`, of the ontology and schemes in
    `graph`; it shows the next language of the project beside its own and links to its page."""
    import jinja2

    other = languages[(languages.index(lang) + 1) % len(languages)]
    _ = translator(lang).gettext
    ui = {key: _(message) for key, message in UI.items()}
    ui["other"] = language_name(other, capitalized=True)
    kc = namespaces.table["kc"]
    ontology_iri = kc.rstrip("#")

    def name(node: Node) -> tuple[str, str]:
        """(text, href) for a linked term: its label in the page's language when known."""
        iri = str(node)
        labels = _text(graph, node, RDFS.label) or _text(graph, node, SKOS.prefLabel)
        text = labels.get(lang) or labels.get(languages[0]) or namespaces.curie(iri) or iri
        href = "#" + _anchor(iri, kc) if (node, RDF.type, None) in graph else iri
        return text, href

    def term(node: Node, label_prop: URIRef, relations: list[tuple[str, URIRef]]) -> Term:
        links = []
        for key, prop in relations:
            targets = sorted(graph.objects(node, prop), key=str)
            if targets:
                links.append((ui[key], [name(t) for t in targets]))
        definitions = _text(graph, node, SKOS.definition)
        return Term(
            iri=str(node),
            anchor=_anchor(str(node), kc),
            labels=_text(graph, node, label_prop),
            definitions=definitions,
            links=links,
        )

    def of_type(cls: URIRef) -> list[Node]:
        return sorted(graph.subjects(RDF.type, cls), key=str)

    class_rel = [("subclass_of", RDFS.subClassOf), ("see_also", RDFS.seeAlso)]
    prop_rel = [
        ("domain", RDFS.domain),
        ("range", RDFS.range),
        ("subproperty_of", RDFS.subPropertyOf),
        ("see_also", RDFS.seeAlso),
    ]
    schemes = []
    for scheme in of_type(SKOS.ConceptScheme):
        concepts = [
            term(
                c,
                SKOS.prefLabel,
                [("broader", SKOS.broader), ("helix", URIRef(kc + "helix"))],
            )
            for c in sorted(graph.subjects(SKOS.inScheme, scheme), key=str)
        ]
        entry = term(scheme, SKOS.prefLabel, [])
        schemes.append((entry, concepts))
    ontology = URIRef(ontology_iri)
    meta = {
        "titles": _text(graph, ontology, DCTERMS.title),
        "descriptions": _text(graph, ontology, DCTERMS.description),
        "version": str(graph.value(ontology, OWL.versionInfo) or version),
        "version_iri": str(graph.value(ontology, OWL.versionIRI) or ""),
        "licence": str(graph.value(ontology, DCTERMS.license) or ""),
        "created": str(graph.value(ontology, DCTERMS.created) or ""),
        "modified": str(graph.value(ontology, DCTERMS.modified) or ""),
        "prefix": str(
            graph.value(ontology, URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix"))
            or ""
        ),
        "namespace": str(
            graph.value(ontology, URIRef("http://purl.org/vocab/vann/preferredNamespaceUri")) or ""
        ),
    }
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("krakow_clusters.release", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("ontology.html").render(
        media=media,
        lang=lang,
        other=other,
        ui=ui,
        iri=ontology_iri,
        meta=meta,
        classes=[term(c, RDFS.label, class_rel) for c in of_type(OWL.Class)],
        object_properties=[term(p, RDFS.label, prop_rel) for p in of_type(OWL.ObjectProperty)],
        datatype_properties=[term(p, RDFS.label, prop_rel) for p in of_type(OWL.DatatypeProperty)],
        schemes=schemes,
    )

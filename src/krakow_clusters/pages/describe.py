"""The HTML pages of the dataset, shared by `serve` (rendered on request) and `build` (the static
site in dist/site/): the queries that describe a resource, the views built from their answers, and
the Jinja templates (pages/templates/) that render them.

Views hold links as the server's paths (`/id/cluster/bim`, `/ontology#memberCount`); the templates
pass every link through the `url` filter, which leaves them as they are for `serve` and, while
`render()` is given a `link` function (the static site), turns them into relative links between
the site's files.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from babel.dates import format_date
from markupsafe import Markup, escape
from rdflib import RDFS, XSD, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from ..rdf.labels import LABEL_PROPERTIES, pick_label, pick_literal
from ..rdf.namespaces import Namespaces
from ..rdf.results import GraphStore
from ..rdf.sparqltext import fill
from ..rdf.terms import Triple
from ..settings import Settings

# One segment of a resource's path, /id/{kind}/{slug}: the server answers for these paths only, and
# the static site writes a page for these only. A checked segment is safe inside an IRI term.
SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_~\-]*(?:\.[A-Za-z0-9_~\-]+)*")  # use with fullmatch


# --- describing resources ------------------------------------------------------------------------

# A page shows the resource's statements, those pointing to it, and the statements of its hash
# IRIs (`iri#…`) linked to or from it. The hash IRIs are read from the first answer and asked for
# by name in a second query (HASH_NODES), rather than joined in one: Virtuoso, given the dataset
# as several `default-graph-uri`, answers the join `$R ?x ?s . ?s ?p ?o` by scanning every
# triple (1.3 s a page at 100k triples; 0.02 s for the two queries).
DESCRIBE = """
CONSTRUCT { ?s ?p ?o }
WHERE {
  { BIND($R AS ?s) $R ?p ?o }
  UNION { ?s ?p $R . BIND($R AS ?o) }
}
"""

HASH_NODES = """
CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?s { $NODES } ?s ?p ?o }
"""

ONTOLOGY_QUERY = """
CONSTRUCT { ?s ?p ?o }
WHERE { ?s ?p ?o . FILTER(?s = $R || STRSTARTS(STR(?s), $HASH)) }
"""

# The three label properties as a filter, not as a second VALUES block: Oxigraph joins two VALUES
# blocks into their cross product before matching, which made this query quadratic in the number
# of IRIs (a page pointing to 7,000 resources took 8 s; now 50 ms).
LABELS = """
SELECT ?x ?p ?label WHERE {
  VALUES ?x { $IRIS }
  ?x ?p ?label .
  FILTER(?p IN (<http://www.w3.org/2000/01/rdf-schema#label>,
                <http://www.w3.org/2004/02/skos/core#prefLabel>,
                <http://purl.org/dc/terms/title>))
}
"""

ALL_LABELS = """
SELECT ?x ?p ?label WHERE {
  { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label .
    BIND(<http://www.w3.org/2000/01/rdf-schema#label> AS ?p) }
  UNION { ?x <http://www.w3.org/2004/02/skos/core#prefLabel> ?label .
    BIND(<http://www.w3.org/2004/02/skos/core#prefLabel> AS ?p) }
  UNION { ?x <http://purl.org/dc/terms/title> ?label .
    BIND(<http://purl.org/dc/terms/title> AS ?p) }
}
"""

# Every resource under /id/ with its names (rdfs:label, else skos:prefLabel, else dcterms:title:
# the concepts of the schemes have only a skos:prefLabel), in every language.
INDEX = """
SELECT DISTINCT ?s ?p ?label WHERE {
  { SELECT DISTINCT ?s WHERE {
      ?s ?x ?o .
      FILTER(isIRI(?s) && STRSTARTS(STR(?s), $ID) && !CONTAINS(STR(?s), "#")) } }
  OPTIONAL {
    ?s ?p ?label .
    FILTER(?p IN (<http://www.w3.org/2000/01/rdf-schema#label>,
                  <http://www.w3.org/2004/02/skos/core#prefLabel>,
                  <http://purl.org/dc/terms/title>))
  }
}
"""


def hash_nodes(iri: str, triples: Iterable[Triple]) -> list[str]:
    """The hash IRIs (`iri#…`) that the resource's statements link to or from, sorted."""
    prefix = iri + "#"
    found = set()
    for s, _p, o in triples:
        if str(s) == iri and isinstance(o, URIRef) and str(o).startswith(prefix):
            found.add(str(o))
        if str(o) == iri and isinstance(s, URIRef) and str(s).startswith(prefix):
            found.add(str(s))
    return sorted(n for n in found if _safe_iri(n))


def _values(iris: Iterable[str]) -> list[URIRef]:
    return [URIRef(i) for i in iris]


class Site:
    """What every page of one project shares: its settings (base IRI, languages, names) and its
    namespace table; it makes the server's path of the project's own IRIs (`local_href`) and
    their prefixed names (`curie`)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.namespaces = Namespaces.of(settings)
        self.curie = self.namespaces.curie
        self.languages = settings.languages
        self.default_language = settings.default_language
        self.kc = Namespace(self.namespaces.table["kc"])

    def local_href(self, iri: str) -> str:
        """Where an IRI is dereferenced from a page of this server: the project's own IRIs by
        their path, any other as it is."""
        base = self.settings.base_iri
        if iri.startswith(base):
            return "/" + iri[len(base) :]
        return iri

    def iri_view(self, iri: str, label: str, local: bool = True) -> dict:
        """A cell or value for an IRI: a link where `linkable` (to this server's page of it when
        `local`), else the IRI as text."""
        href = self.local_href(iri) if local else iri
        if linkable(href):
            return {"kind": "link", "href": href, "label": label, "iri": iri, "text_lang": None}
        return {"kind": "literal", "text": iri, "lang": None, "datatype": None, "text_lang": None}


@dataclass
class Description:
    iri: str
    triples: list[Triple]
    labels: dict[str, list[Literal]]  # labels of everything mentioned, predicates included
    # Where each statement about the resource comes from: the graphs it sits in (none from a
    # store without named graphs). Shown on pages, not part of the RDF answer.
    origins: dict[Triple, list[str]] = field(default_factory=dict)
    # What data/graphs.ttl says of those graphs: graph IRI -> predicate IRI -> objects (its
    # names, its source document, who made it and when); the labels of the documents and agents
    # named there are in `labels`.
    graphs: dict[str, dict[str, list[Node]]] = field(default_factory=dict)
    # What a page for people shows beyond the description (pages/related.py's gather): the
    # clusters of an organisation or a sector, a concept's hierarchy.
    related: dict[str, Any] = field(default_factory=dict)
    # The project the resource belongs to (links, prefixed names, languages).
    site: Site | None = None

    @property
    def the_site(self) -> Site:
        if self.site is None:
            raise ValueError("a description made without its site")
        return self.site


# The schemes a page links to. Any other IRI (javascript:, data:, file:, …), whether it comes from
# the data or from a query's answer, is shown as text: a link must never run script or leave the
# web. Browsers drop tabs and line breaks inside a URL, so an IRI holding any whitespace or control
# character is never a link either.
_LINKABLE = re.compile(r"(?:[Hh][Tt][Tt][Pp][Ss]?|[Mm][Aa][Ii][Ll][Tt][Oo]):[^\x00-\x20\x7f]+")
_LOCAL = re.compile(r"(?:/(?!/)|#)[^\x00-\x20\x7f]*")


def linkable(href: str) -> bool:
    """Whether a page may link to `href`: an http, https or mailto IRI, or a path or fragment of
    this server (what `local_href` gives for the dataset's own IRIs)."""
    return bool(_LINKABLE.fullmatch(href) or _LOCAL.fullmatch(href))


def other_language(literal: Literal | None, lang: str) -> str | None:
    """The language of `literal` when it is not the page's `lang` (the value the HTML marks with
    its own `lang`), else None."""
    if literal is None or not literal.language:
        return None
    same = literal.language.split("-")[0].lower() == lang.split("-")[0].lower()
    return None if same else literal.language


def in_language(text: str, text_lang: str | None) -> Markup:
    """`text` escaped, inside `<span lang>` when its language is not the page's (`text_lang`
    from `other_language`)."""
    if text_lang:
        return Markup('<span lang="{}">{}</span>').format(text_lang, text)
    return escape(text)


def label_in(labels: list[Literal] | None, lang: str) -> Markup | None:
    """The label of `labels` for a page in `lang`, marked with its language when it falls back."""
    literal = pick_literal(labels, lang)
    if literal is None:
        return None
    return in_language(str(literal), other_language(literal, lang))


def format_day(term: Node, lang: str) -> str:
    """An xsd:date as a day in `lang` ("21 October 2016", "21 października 2016"); any other
    value as written."""
    if isinstance(term, Literal) and term.datatype == XSD.date:
        value = term.toPython()
        if hasattr(value, "year"):
            return format_date(value, "d MMMM y", locale=lang.replace("-", "_"))
    return str(term)


def label_index(label_triples: list[Triple]) -> dict[str, list[Literal]]:
    """Labels by IRI: rdfs:label first, then skos:prefLabel, then dcterms:title."""
    found: dict[str, list[tuple[int, Literal]]] = defaultdict(list)
    for x, p, label in label_triples:
        found[str(x)].append((LABEL_PROPERTIES.index(str(p)), label))
    return {iri: [label for _rank, label in sorted(pairs)] for iri, pairs in found.items()}


def _safe_iri(iri: str) -> bool:
    return bool(re.fullmatch(r'[^\s<>"{}|\\^`]+', iri))


# Where the labels of a page's IRIs come from: a query per page (serve), or an index of every label
# of the dataset built once (the static site, which renders every page).
LabelSource = Callable[[set[str]], list[Triple]]


def label_triples(store: GraphStore, iris: set[str]) -> list[Triple]:
    """The label triples (rdfs:label, skos:prefLabel, dcterms:title) of `iris`."""
    iris = {i for i in iris if _safe_iri(i)}
    if not iris:
        return []
    answer = store.query(fill(LABELS, IRIS=_values(sorted(iris))))
    return [(x, p, label) for x, p, label in answer.rows if isinstance(label, Literal)]


DEFINITION = """
SELECT ?text WHERE { $R <http://www.w3.org/2004/02/skos/core#definition> ?text }
"""


def definition_of(store: GraphStore, iri: str, lang: str) -> dict | None:
    """The definition (skos:definition) of the term `iri` in `lang` (else in another language,
    `lang` saying which): `{"text", "lang"}`, or None when the store has none."""
    rows = store.query(fill(DEFINITION, R=URIRef(iri))).rows
    literal = pick_literal([t for (t,) in rows if isinstance(t, Literal)], lang)
    return {"text": str(literal), "lang": other_language(literal, lang)} if literal else None


class LabelIndex:
    """Every label triple of the store by subject IRI: the same answer as `label_triples`, from
    one query instead of one per page."""

    def __init__(self, store: GraphStore) -> None:
        self.by_iri: dict[str, list[Triple]] = defaultdict(list)
        for x, p, label in store.query(ALL_LABELS).rows:
            if isinstance(x, URIRef) and isinstance(label, Literal):
                self.by_iri[str(x)].append((x, p, label))

    def __call__(self, iris: set[str]) -> list[Triple]:
        return [t for i in sorted(iris) for t in self.by_iri.get(i, ())]


# The graphs the resource's own statements (and its hash nodes') sit in, with their names: the
# subjects given by name, so that each engine reads them through its indexes (a filter over every
# quad, or a join it plans as a scan, costs a pass over the whole dataset per page).
ORIGINS = """
SELECT DISTINCT ?s ?p ?o ?g WHERE {
  VALUES ?s { $SUBJECTS }
  GRAPH ?g { ?s ?p ?o }
}
"""

# What data/graphs.ttl says of a page's graphs: their names, the document a source graph states,
# who made an editorial graph and when.
GRAPHS = """
SELECT ?g ?p ?o WHERE {
  VALUES ?g { $IRIS }
  ?g ?p ?o .
  FILTER(?p IN (<http://www.w3.org/2000/01/rdf-schema#label>,
                <http://purl.org/dc/terms/source>,
                <http://www.w3.org/ns/prov#wasAttributedTo>,
                <http://purl.org/dc/terms/created>))
}
"""


def origins_of(store: GraphStore, iri: str, nodes: Iterable[str] = ()) -> dict[Triple, list[str]]:
    """For each statement about `iri` and its hash IRIs `nodes` (see `hash_nodes`), the IRIs of
    the graphs it sits in."""
    found: dict[Triple, list[str]] = defaultdict(list)
    query = fill(ORIGINS, SUBJECTS=_values([iri, *nodes]))
    for s, p, o, g in store.query(query).rows:
        found[(s, p, o)].append(str(g))
    return {t: sorted(graphs) for t, graphs in found.items()}


def graphs_of(store: GraphStore, graphs: set[str]) -> dict[str, dict[str, list[Node]]]:
    """What the store says of `graphs` (see GRAPHS), by graph and predicate."""
    graphs = {g for g in graphs if _safe_iri(g)}
    if not graphs:
        return {}
    found: dict[str, dict[str, list[Node]]] = {g: defaultdict(list) for g in graphs}
    for g, p, o in store.query(fill(GRAPHS, IRIS=_values(sorted(graphs)))).rows:
        found[str(g)][str(p)].append(o)
    return {g: {p: sorted(objects) for p, objects in by.items()} for g, by in found.items()}


def origin_name(graph: str, desc: Description, lang: str) -> Markup:
    """The name of a graph in `lang` (marked when it falls back), else its prefixed name."""
    names = [
        o for o in desc.graphs.get(graph, {}).get(str(RDFS.label), []) if isinstance(o, Literal)
    ]
    return label_in(names, lang) or escape(desc.the_site.curie(graph) or graph)


def describe(
    store: GraphStore,
    iri: str,
    site: Site,
    ontology: bool = False,
    labels: LabelSource | None = None,
) -> Description:
    """What the store says about `iri` (and its hash IRIs, `iri#…`), with the labels of everything
    the page mentions."""
    resource = URIRef(iri)  # fill checks it, as every IRI it puts into a query
    if ontology:  # the ontology's terms are its hash IRIs (`iri#…`)
        query = fill(ONTOLOGY_QUERY, R=resource, HASH=Literal(iri + "#"))
    else:
        query = fill(DESCRIBE, R=resource)
    answer = store.query(query)
    triples = set(answer.triples)
    nodes = [] if ontology else hash_nodes(iri, triples)
    if nodes:
        triples |= set(store.query(fill(HASH_NODES, NODES=_values(nodes))).triples)
    subjects = {str(s) for s, _p, _o in triples}
    mentioned = {str(o) for _s, _p, o in triples if isinstance(o, URIRef)}
    mentioned |= {str(s) for s, _p, o in triples if str(o) == iri}
    predicates = {str(p) for _s, p, _o in triples}
    # Documents of hash IRIs that point here (a cluster's #coordinator role), for HTML.
    documents = {m.split("#", 1)[0] for m in mentioned if "#" in m}
    wanted = mentioned | predicates | subjects | documents
    found = labels(wanted) if labels is not None else label_triples(store, wanted)
    # The RDF answer carries the labels of what it points to (as the data states them), not
    # those of its predicates; the HTML page uses both.
    pointed = mentioned - subjects
    triples |= {t for t in found if str(t[0]) in pointed}
    origins = {} if ontology else origins_of(store, iri, nodes)
    graphs = graphs_of(store, {g for names in origins.values() for g in names})
    # The documents and agents the graphs name, for the footnotes of the page.
    named = {str(o) for by in graphs.values() for p in (DCTERMS.source, PROV.wasAttributedTo)
             for o in by.get(str(p), []) if isinstance(o, URIRef)}  # fmt: skip
    if named - wanted:
        more = named - wanted
        found = found + (labels(more) if labels is not None else label_triples(store, more))
    return Description(iri, sorted(triples), label_index(found), origins, graphs, site=site)


def describes_something(desc: Description) -> bool:
    """Whether the store states anything about the resource itself (else: 404)."""
    iri = desc.iri
    return any(str(s) == iri or str(s).startswith(iri + "#") for s, _p, _o in desc.triples)


SOURCES = """
SELECT DISTINCT ?kind ?source ?p ?text ?language WHERE {
  ?graph a ?kind ; <http://purl.org/dc/terms/source> ?source .
  OPTIONAL { ?source <http://purl.org/dc/terms/language> ?language }
  OPTIONAL {
    { ?source ?p ?text VALUES ?p { <http://purl.org/dc/terms/title> } }
    UNION
    { ?source <http://purl.org/dc/terms/publisher> ?publisher .
      ?publisher <http://www.w3.org/2000/01/rdf-schema#label> ?text
      BIND(<http://purl.org/dc/terms/publisher> AS ?p) }
  }
}
"""


def sources_of(store: GraphStore, site: Site) -> dict[str, list[dict]]:
    """The documents the facts come from, as the data names them (the sources of its source
    graphs, data/graphs.ttl; not the project's own lists), for the footer of every page, by
    page language: each with its title, the language it is written in, its publisher's name."""
    kind = URIRef(site.kc + "SourceGraph")
    found: dict[str, dict] = {}
    for _kind, source, p, text, language in store.query(SOURCES, {"kind": kind}).rows:
        iri = str(source)
        if iri.startswith(site.settings.base_iri) or not linkable(iri):
            continue
        entry = found.setdefault(iri, {"title": [], "publisher": [], "lang": None})
        if language is not None:
            entry["lang"] = str(language)
        if isinstance(text, Literal):
            key = "title" if str(p) == str(DCTERMS.title) else "publisher"
            if text not in entry[key]:
                entry[key].append(text)
    return {
        lang: [
            {
                "iri": iri,
                "title": pick_label(entry["title"], lang, site.languages) or iri,
                "lang": entry["lang"],
                "publisher": pick_label(entry["publisher"], lang, site.languages),
            }
            for iri, entry in sorted(found.items())
        ]
        for lang in site.languages
    }

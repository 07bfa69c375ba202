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
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import jinja2
import rdflib
from babel.dates import format_date
from markupsafe import Markup, escape
from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, SDO, SKOS, VOID
from rdflib.term import Node

from ..formats import media as F
from ..project import BASE_IRI, ID_BASE, ONTOLOGY_IRI, ONTOLOGY_NS, SOURCE_ARTICLE
from ..rdf.namespaces import NAMESPACES, curie
from ..rdf.results import GraphStore, QueryResult
from ..rdf.terms import Triple
from .assets import asset_url
from .i18n import DEFAULT as DEFAULT_LANGUAGE
from .i18n import LANGUAGES, N_, is_page, translator, with_language
from .i18n import NAMES as LANGUAGE_NAMES

KC = Namespace(ONTOLOGY_NS)
LABEL_PROPERTIES = (str(RDFS.label), str(SKOS.prefLabel), str(DCTERMS.title))

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

LICENSE = f"""
SELECT ?license WHERE {{ <{ONTOLOGY_IRI}> <{DCTERMS.license}> ?license }} LIMIT 1
"""


def _with_resource(template: str, iri: str) -> str:
    # The IRI is built from a path checked against SLUG, so it is safe as an N3 term.
    return template.replace("$HASH", Literal(iri + "#").n3()).replace("$R", URIRef(iri).n3())


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


def _values(iris: Iterable[str]) -> str:
    return " ".join(URIRef(i).n3() for i in iris)


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
    # What a page for people shows beyond the description (pages/profile.py's gather): the
    # clusters of an organisation or a sector, a concept's hierarchy.
    related: dict[str, Any] = field(default_factory=dict)


def local_href(iri: str) -> str:
    """Where an IRI is dereferenced from a page of this server."""
    if iri.startswith(BASE_IRI):
        return "/" + iri[len(BASE_IRI) :]
    return iri


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


def iri_view(iri: str, label: str, local: bool = True) -> dict:
    """A cell or value for an IRI: a link where `linkable` (to this server's page of it when
    `local`), else the IRI as text."""
    href = local_href(iri) if local else iri
    if linkable(href):
        return {"kind": "link", "href": href, "label": label, "iri": iri, "text_lang": None}
    return {"kind": "literal", "text": iri, "lang": None, "datatype": None, "text_lang": None}


def pick_literal(labels: list[Literal] | None, lang: str = "en") -> Literal | None:
    """The label in `lang`, else one without a language, else the English one, else the first."""
    if not labels:
        return None
    for wanted in (lang, None, DEFAULT_LANGUAGE):
        for literal in labels:
            if literal.language == wanted:
                return literal
    return labels[0]


def pick_label(labels: list[Literal] | None, lang: str = "en") -> str | None:
    """The text of `pick_literal`."""
    literal = pick_literal(labels, lang)
    return None if literal is None else str(literal)


def other_language(literal: Literal | None, lang: str) -> str | None:
    """The language of `literal` when it is not the page's `lang` (the value the HTML marks with
    its own `lang`), else None."""
    if literal is None or not literal.language:
        return None
    return literal.language if literal.language.split("-")[0].lower() != lang else None


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
            return format_date(value, "d MMMM y", locale=lang)
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
    values = " ".join(URIRef(i).n3() for i in sorted(iris))
    answer = store.query(LABELS.replace("$IRIS", values))
    return [(x, p, label) for x, p, label in answer.rows if isinstance(label, Literal)]


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
    query = ORIGINS.replace("$SUBJECTS", _values([iri, *nodes]))
    for s, p, o, g in store.query(query).rows:
        found[(s, p, o)].append(str(g))
    return {t: sorted(graphs) for t, graphs in found.items()}


def graphs_of(store: GraphStore, graphs: set[str]) -> dict[str, dict[str, list[Node]]]:
    """What the store says of `graphs` (see GRAPHS), by graph and predicate."""
    graphs = {g for g in graphs if _safe_iri(g)}
    if not graphs:
        return {}
    values = " ".join(URIRef(g).n3() for g in sorted(graphs))
    found: dict[str, dict[str, list[Node]]] = {g: defaultdict(list) for g in graphs}
    for g, p, o in store.query(GRAPHS.replace("$IRIS", values)).rows:
        found[str(g)][str(p)].append(o)
    return {g: {p: sorted(objects) for p, objects in by.items()} for g, by in found.items()}


def origin_name(graph: str, desc: Description, lang: str = DEFAULT_LANGUAGE) -> Markup:
    """The name of a graph in `lang` (marked when it falls back), else its prefixed name."""
    names = [
        o for o in desc.graphs.get(graph, {}).get(str(RDFS.label), []) if isinstance(o, Literal)
    ]
    return label_in(names, lang) or escape(curie(graph) or graph)


def describe(
    store: GraphStore, iri: str, ontology: bool = False, labels: LabelSource | None = None
) -> Description:
    """What the store says about `iri` (and its hash IRIs, `iri#…`), with the labels of everything
    the page mentions."""
    template = ONTOLOGY_QUERY if ontology else DESCRIBE
    answer = store.query(_with_resource(template, iri))
    triples = set(answer.triples)
    nodes = [] if ontology else hash_nodes(iri, triples)
    if nodes:
        triples |= set(store.query(HASH_NODES.replace("$NODES", _values(nodes))).triples)
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
    return Description(iri, sorted(triples), label_index(found), origins, graphs)


def describes_something(desc: Description) -> bool:
    """Whether the store states anything about the resource itself (else: 404)."""
    iri = desc.iri
    return any(str(s) == iri or str(s).startswith(iri + "#") for s, _p, _o in desc.triples)


# --- views ---------------------------------------------------------------------------------------


def value_view(
    term: Node, desc: Description, nodes: dict[str, dict] | None = None, lang: str = "en"
) -> dict:
    """A value of a page in `lang`: a link with the label in the page's language (`text_lang`:
    the label's language where it falls back to another), a hash node's section, or a literal
    (`text_lang`: its language where it is not the page's)."""
    nodes = nodes or {}
    if isinstance(term, URIRef):
        iri = str(term)
        if iri in nodes:
            return {"kind": "node", "anchor": nodes[iri]["anchor"], "label": nodes[iri]["title"]}
        literal = pick_literal(desc.labels.get(iri), lang)
        label, text_lang = (
            (str(literal), other_language(literal, lang)) if literal else (None, None)
        )
        if label is None and "#" in iri and iri.startswith(BASE_IRI):
            document, fragment = iri.split("#", 1)
            literal = pick_literal(desc.labels.get(document), lang)
            text_lang = other_language(literal, lang)
            document_label = str(literal) if literal else curie(document) or document
            label = f"{document_label} › {fragment}"
        return iri_view(iri, label or curie(iri) or iri) | {"text_lang": text_lang}
    if isinstance(term, Literal):
        datatype = None
        if term.datatype is not None:
            datatype = curie(str(term.datatype)) or str(term.datatype)
        return {
            "kind": "literal",
            "text": str(term),
            "lang": term.language,
            "datatype": datatype,
            "text_lang": other_language(term, lang),
        }
    return {"kind": "literal", "text": str(term), "lang": None, "datatype": None, "text_lang": None}


_FIRST = [str(RDF.type), str(RDFS.label), str(SKOS.altLabel), str(DCTERMS.description)]


def _properties(
    subject: str, desc: Description, nodes: dict[str, dict], lang: str = DEFAULT_LANGUAGE
) -> list[dict]:
    grouped: dict[str, list[Node]] = defaultdict(list)
    subject_term = None
    for s, p, o in desc.triples:
        if str(s) == subject:
            grouped[str(p)].append(o)
            subject_term = s

    def order(p: str) -> tuple:
        return (_FIRST.index(p) if p in _FIRST else len(_FIRST), str(predicate_name(p, desc, lang)))

    def origin(triple: Triple) -> Markup:
        names = [origin_name(g, desc, lang) for g in desc.origins.get(triple, [])]
        return Markup(", ").join(names)

    rows = []
    for p in sorted(grouped, key=order):
        # The page's language first, then English, then the rest.
        values = sorted(
            grouped[p],
            key=lambda t: (
                getattr(t, "language", None) != lang,
                getattr(t, "language", None) != DEFAULT_LANGUAGE,
                str(t),
            ),
        )
        rows.append(
            {
                "label": predicate_name(p, desc, lang),
                "curie": curie(p) or p,
                "href": local_href(p) if linkable(local_href(p)) else None,
                "values": [
                    value_view(v, desc, nodes, lang)
                    | {"origin": origin((subject_term, URIRef(p), v))}
                    for v in values
                ],
            }
        )
    return rows


# Names of the standard predicates, whose vocabularies are not loaded in the store (English
# msgids, translated where shown).
_NAMES = {
    "rdf:type": N_("type"),
    "rdf:subject": N_("subject"),
    "rdf:predicate": N_("predicate"),
    "rdf:object": N_("object"),
    "rdfs:label": N_("name"),
    "rdfs:comment": N_("comment"),
    "rdfs:seeAlso": N_("see also"),
    "rdfs:isDefinedBy": N_("defined by"),
    "rdfs:subClassOf": N_("subclass of"),
    "rdfs:subPropertyOf": N_("subproperty of"),
    "rdfs:domain": N_("domain"),
    "rdfs:range": N_("range"),
    "owl:sameAs": N_("same as"),
    "skos:prefLabel": N_("preferred name"),
    "skos:altLabel": N_("also known as"),
    "skos:definition": N_("definition"),
    "skos:editorialNote": N_("editorial note"),
    "skos:broader": N_("broader"),
    "skos:narrower": N_("narrower"),
    "skos:inScheme": N_("in scheme"),
    "skos:topConceptOf": N_("top concept of"),
    "skos:hasTopConcept": N_("top concept"),
    "skos:exactMatch": N_("exact match"),
    "skos:closeMatch": N_("close match"),
    "dcterms:description": N_("description"),
    "dcterms:source": N_("source"),
    "dcterms:title": N_("title"),
    "dcterms:license": N_("licence"),
    "dcterms:type": N_("kind"),
    "dcterms:created": N_("created"),
    "dcterms:language": N_("language"),
    "org:member": N_("member"),
    "org:organization": N_("organisation"),
    "org:role": N_("role"),
    "prov:wasAttributedTo": N_("made by"),
    "prov:wasDerivedFrom": N_("derived from"),
    "schema:value": N_("value"),
    "schema:minValue": N_("at least"),
    "schema:maxValue": N_("at most"),
    "schema:startDate": N_("since"),
    "schema:foundingDate": N_("founded"),
    "schema:location": N_("location"),
    "schema:containedInPlace": N_("contained in"),
}


def predicate_name(p: str, desc: Description, lang: str = DEFAULT_LANGUAGE) -> Markup:
    """The name of predicate `p` on a page in `lang`: its label in the store (the ontology's, in
    English and Polish), else the page's message for a standard predicate, else its CURIE."""
    label = label_in(desc.labels.get(p), lang)
    if label is not None:
        return label
    name = curie(p) or p
    if name in _NAMES:
        return escape(translator(lang).gettext(_NAMES[name]))
    return escape(name)


def capitalized(text: Markup) -> Markup:
    """`text` with its first letter in capitals (a label used as a heading), markup kept."""
    plain = str(text)
    if plain.startswith("<span"):
        cut = plain.index(">") + 1
        return Markup(plain[:cut] + plain[cut : cut + 1].upper() + plain[cut + 1 :])
    return Markup(plain[:1].upper() + plain[1:])


def node_title(node: str, desc: Description, lang: str = DEFAULT_LANGUAGE) -> Markup:
    """The heading of a hash node (`…#members`, `…#coordinator`) on a page in `lang`: the
    wording of a count, "Coordinator: …" for a role, "… since …" for a status, else its label."""
    _ = translator(lang).gettext
    values: dict[str, list[Node]] = defaultdict(list)
    for s, p, o in desc.triples:
        if str(s) == node:
            values[str(p)].append(o)

    def label_of(*predicates: str) -> Markup | None:
        for predicate in predicates:
            found = values.get(predicate)
            if found:
                return label_in(desc.labels.get(str(found[0])), lang)
        return None

    stated = [o for o in values.get(str(KC.statedAs), []) if isinstance(o, Literal)]
    if stated:
        literal = pick_literal(stated, lang)
        return in_language(str(literal), other_language(literal, lang))
    role = label_of(str(KC.roleType), str(ORG.role))
    member = label_of(str(KC.heldBy), str(ORG.member))
    if role and member:
        return Markup(_("%(role)s: %(member)s")) % {"role": capitalized(role), "member": member}
    status = label_of(str(KC.statusType))
    if status:
        since = values.get(str(SDO.startDate))
        if since:
            date = format_day(since[0], lang)
            return Markup(_("%(status)s since %(date)s")) % {"status": status, "date": date}
        return status
    label = label_in(desc.labels.get(node), lang)
    if label:
        return label
    types = [o for s, p, o in desc.triples if str(s) == node and p == RDF.type]
    kind = label_in(desc.labels.get(str(types[0])), lang) if types else None
    fragment = node.rsplit("#", 1)[1]
    return Markup("{}: {}").format(kind, fragment) if kind else escape(fragment)


def resource_view(desc: Description, lang: str = DEFAULT_LANGUAGE) -> dict:
    """The statements of a page in `lang`: the resource's, its hash nodes', those that point to
    it, its sources."""
    iri = desc.iri
    hash_nodes = sorted(
        {str(s) for s, _p, _o in desc.triples if str(s).startswith(iri + "#")},
    )
    nodes = {
        n: {"anchor": n.rsplit("#", 1)[1], "title": node_title(n, desc, lang)} for n in hash_nodes
    }
    for n in hash_nodes:
        nodes[n]["properties"] = _properties(n, desc, nodes, lang)
    labels = [o for s, p, o in desc.triples if str(s) == iri and p == RDFS.label]
    if not labels:
        labels = desc.labels.get(iri, [])
    literal = pick_literal(labels, lang)
    title = str(literal) if literal is not None else curie(iri) or iri
    others = sorted(
        {
            (x.language, str(x))
            for x in labels
            if isinstance(x, Literal) and x.language and x.language != lang and str(x) != title
        }
    )
    incoming = []
    for s, p, o in desc.triples:
        if str(o) == iri and not str(s).startswith(iri + "#") and str(s) != iri:
            incoming.append(
                {
                    "subject": value_view(s, desc, {}, lang),
                    "predicate": predicate_name(str(p), desc, lang),
                    "curie": curie(str(p)) or str(p),
                }
            )
    incoming.sort(key=lambda r: (str(r["predicate"]), r["subject"]["label"]))
    sources = sorted(
        {
            str(o)
            for s, p, o in desc.triples
            if str(p) == str(DCTERMS.source) and isinstance(o, URIRef)
        }
    )
    return {
        "iri": iri,
        "title": title,
        "title_lang": other_language(literal, lang) if isinstance(literal, Literal) else None,
        # Its names in the other languages: (language, name).
        "other_names": [{"lang": code, "text": text} for code, text in others],
        "polish": [text for code, text in others if code == "pl"],
        "properties": _properties(iri, desc, nodes, lang),
        "nodes": [nodes[n] for n in hash_nodes],
        "incoming": incoming,
        "sources": [
            iri_view(s, pick_label(desc.labels.get(s), lang) or s, local=False) for s in sources
        ],
    }


def alternates(path: str) -> list[dict]:
    """The links of a page to its RDF documents: `path` with each format's extension."""
    names = {".ttl": "Turtle", ".jsonld": "JSON-LD", ".nt": "N-Triples", ".rdf": "RDF/XML"}
    return [{"href": path + ext, "label": label} for ext, label in names.items()]


# The kinds of resource under /id/ (the first segment of the path): a heading and a count, in
# English msgids (ngettext calls written out so that the catalog's extraction finds them).
KINDS: dict[str, tuple[str, Callable[[Any, int], str]]] = {
    "cluster": (N_("Clusters"), lambda t, n: t.ngettext("%(num)d cluster", "%(num)d clusters", n)),
    "organization": (
        N_("Organisations"),
        lambda t, n: t.ngettext("%(num)d organisation", "%(num)d organisations", n),
    ),
    "sector": (N_("Sectors"), lambda t, n: t.ngettext("%(num)d sector", "%(num)d sectors", n)),
    "member-type": (
        N_("Member types"),
        lambda t, n: t.ngettext("%(num)d member type", "%(num)d member types", n),
    ),
    "helix": (N_("Helices"), lambda t, n: t.ngettext("%(num)d helix", "%(num)d helices", n)),
    "place": (N_("Places"), lambda t, n: t.ngettext("%(num)d place", "%(num)d places", n)),
    "role": (N_("Roles"), lambda t, n: t.ngettext("%(num)d role", "%(num)d roles", n)),
    "status": (N_("Statuses"), lambda t, n: t.ngettext("%(num)d status", "%(num)d statuses", n)),
    "legal-form": (
        N_("Legal forms"),
        lambda t, n: t.ngettext("%(num)d legal form", "%(num)d legal forms", n),
    ),
    "count-qualifier": (
        N_("Count qualifiers"),
        lambda t, n: t.ngettext("%(num)d count qualifier", "%(num)d count qualifiers", n),
    ),
    "scheme": (
        N_("Concept schemes"),
        lambda t, n: t.ngettext("%(num)d concept scheme", "%(num)d concept schemes", n),
    ),
    "link": (
        N_("Links to Wikidata"),
        lambda t, n: t.ngettext("%(num)d link", "%(num)d links", n),
    ),
    "link-method": (
        N_("Link methods"),
        lambda t, n: t.ngettext("%(num)d link method", "%(num)d link methods", n),
    ),
    "source": (N_("Sources"), lambda t, n: t.ngettext("%(num)d source", "%(num)d sources", n)),
    "agent": (N_("Agents"), lambda t, n: t.ngettext("%(num)d agent", "%(num)d agents", n)),
    "editorial-work": (
        N_("Kinds of editorial work"),
        lambda t, n: t.ngettext("%(num)d kind of work", "%(num)d kinds of work", n),
    ),
}


def _other_kind(t: Any, n: int) -> str:
    return t.ngettext("%(num)d resource", "%(num)d resources", n)


def kind_name(kind: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The heading of a kind of resource (`cluster`: "Clusters") in `lang`; an unknown kind is
    named by its path segment."""
    known = KINDS.get(kind)
    return translator(lang).gettext(known[0]) if known else kind


def kind_count(kind: str, n: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """ "8 clusters" in `lang`, with its plural form."""
    count = KINDS[kind][1] if kind in KINDS else _other_kind
    return count(translator(lang), n) % {"num": n}


def index_view(store: GraphStore) -> dict[str, list[dict]]:
    """Every resource under /id/ in each language: grouped by kind (clusters, organisations,
    sectors first), each named in the language (`text_lang` where it falls back), by name."""
    answer = store.query(INDEX.replace("$ID", Literal(ID_BASE).n3()))
    names: dict[str, list[tuple[int, Literal]]] = defaultdict(list)
    for s, p, label in answer.rows:
        ranked = names[str(s)]  # every resource, named or not
        if p is not None and isinstance(label, Literal):
            ranked.append((LABEL_PROPERTIES.index(str(p)), label))
    order = list(KINDS)
    views: dict[str, list[dict]] = {}
    for lang in LANGUAGES:
        kinds: dict[str, list[dict]] = defaultdict(list)
        for iri, ranked in names.items():
            kind = iri[len(ID_BASE) :].split("/", 1)[0]
            literal = pick_literal([label for _rank, label in sorted(ranked)], lang)
            kinds[kind].append(
                {
                    "href": local_href(iri),
                    "label": str(literal) if literal is not None else curie(iri) or iri,
                    "text_lang": other_language(literal, lang),
                }
            )
        views[lang] = [
            {
                "kind": k,
                "name": kind_name(k, lang),
                "count": kind_count(k, len(v), lang),
                "items": sorted(v, key=lambda i: (i["label"].lower(), i["href"], i["label"])),
            }
            for k, v in sorted(
                kinds.items(),
                key=lambda item: (
                    order.index(item[0]) if item[0] in order else len(order),
                    item[0],
                ),
            )
        ]
    return views


def dataset_view(graph: Iterable[Triple], lang: str = DEFAULT_LANGUAGE) -> list[dict]:
    """The sections of the dataset page (void.ttl) in `lang`: catalogue and dataset first, then
    their distributions, then everything else."""
    triples = sorted(graph)
    kinds = ("Catalog", "Dataset", "Distribution", "DataService")
    rank: dict[str, int] = {}
    for s, p, o in triples:
        if p == RDF.type:
            for i, kind in enumerate(kinds):
                if str(o).endswith(("#" + kind, "/" + kind)):
                    rank[str(s)] = min(rank.get(str(s), 9), i)
    subjects = sorted({str(s) for s, _p, _o in triples}, key=lambda s: (rank.get(s, 9), s))
    desc = Description("", triples, {})
    for s, p, o in triples:
        if p in (RDFS.label, DCTERMS.title) and isinstance(o, Literal):
            desc.labels.setdefault(str(s), []).append(o)
    return [
        {
            "iri": subject,
            # void.ttl's own nodes (<base>void#dataset …) are sections of its page: links to
            # /void#dataset land on them.
            "anchor": subject.partition("#")[2] if subject.startswith(BASE_IRI + "void#") else None,
            "title": label_in(desc.labels.get(subject), lang) or curie(subject) or subject,
            "properties": _properties(subject, desc, {}, lang),
        }
        for subject in subjects
    ]


DCAT = Namespace(NAMESPACES["dcat"])
IANA_MEDIA = "http://www.iana.org/assignments/media-types/"


def dataset_page(graph: rdflib.Graph, lang: str = "en") -> dict | None:
    """What the dataset page tells a person, from void.ttl alone: the dataset's title,
    description, version and dates, publisher, licence, sources, SPARQL endpoint, its files
    (format, media type, size, link) and how to cite it. None when the graph describes no
    dcat:Dataset (the page then shows the graph only)."""
    datasets = sorted(graph.subjects(RDF.type, DCAT.Dataset))
    if not datasets:
        return None
    ds = datasets[0]

    def text(subject: Node, prop: URIRef) -> tuple[str | None, str | None]:
        return _picked([o for o in graph.objects(subject, prop) if isinstance(o, Literal)], lang)

    def first(subject: Node, prop: URIRef) -> Node | None:
        values = sorted(graph.objects(subject, prop))
        return values[0] if values else None

    def label_of(node: Node) -> tuple[str, str | None]:
        labels = [
            o
            for prop in (RDFS.label, DCTERMS.title, FOAF.name)
            for o in graph.objects(node, prop)
            if isinstance(o, Literal)
        ]
        label, language = _picked(labels, lang)
        return (label, language) if label is not None else (str(node), None)

    def source(node: Node) -> dict:
        label, language = label_of(node)
        return {**iri_view(str(node), label), "lang": language}

    catalogs = sorted(graph.subjects(DCAT.dataset, ds))
    publisher = first(ds, DCTERMS.publisher)
    license = first(ds, DCTERMS.license) or (
        first(catalogs[0], DCTERMS.license) if catalogs else None
    )
    endpoint = first(ds, VOID.sparqlEndpoint)
    dumps = set(graph.objects(ds, VOID.dataDump))
    issued, modified, version = (
        first(ds, p) for p in (DCTERMS.issued, DCTERMS.modified, DCAT.version)
    )
    title, title_lang = text(ds, DCTERMS.title)
    description, description_lang = text(ds, DCTERMS.description)
    page = {
        "iri": str(ds),
        # Each text with its language, which the page marks where it is not the page's own.
        "title": title or str(ds),
        "title_lang": title_lang,
        "description": description,
        "description_lang": description_lang,
        "keywords": sorted(
            str(k) for k in graph.objects(ds, DCAT.keyword) if getattr(k, "language", None) == lang
        ),
        "version": str(version) if version is not None else None,
        "issued": str(issued) if issued is not None else None,
        "modified": str(modified) if modified is not None else None,
        "publisher": (
            {
                "name": label_of(publisher)[0],
                "href": str(h) if (h := first(publisher, FOAF.homepage)) is not None else None,
            }
            if publisher is not None
            else None
        ),
        "license": iri_view(str(license), str(license), local=False) if license else None,
        "sources": [source(s) for s in sorted(graph.objects(ds, PROV.wasDerivedFrom))],
        "sparql": iri_view(str(endpoint), str(endpoint)) if endpoint is not None else None,
        # The dumps of the dataset first, then its other files, then the ontology's.
        "downloads": sorted(
            (_download(graph, d, lang) for d in graph.objects(ds, DCAT.distribution)),
            key=lambda d: ("/ontology/" in d["url"], URIRef(d["url"]) not in dumps, d["url"]),
        ),
    }
    page["year"] = page["issued"][:4] if page["issued"] else None
    page["bibtex"] = _bibtex(page)
    return page


def _download(graph: rdflib.Graph, dist: Node, lang: str) -> dict:
    url = graph.value(dist, DCAT.downloadURL) or graph.value(dist, DCAT.accessURL)
    media_iri = str(graph.value(dist, DCAT.mediaType) or "")
    media = media_iri.removeprefix(IANA_MEDIA) if media_iri.startswith(IANA_MEDIA) else None
    size = graph.value(dist, DCAT.byteSize)
    size = int(size) if size is not None else None
    title, title_lang = _picked(
        [o for o in graph.objects(dist, DCTERMS.title) if isinstance(o, Literal)], lang
    )
    url = str(url) if url is not None else ""
    return {
        "title": title or url,
        "title_lang": title_lang if title else None,
        "url": url,
        "link": iri_view(url, url) if url else None,
        "format": F.FORMAT_NAMES.get(media or "", media or ""),
        "media": media,
        "bytes": _grouped(size, lang) if size is not None else None,
        "size": human_size(size, lang) if size is not None else None,
    }


def _picked(literals: list[Literal], lang: str) -> tuple[str | None, str | None]:
    """(the text pick_literal chooses for `lang`, its language tag or None)."""
    chosen = pick_literal(literals, lang)
    return (None, None) if chosen is None else (str(chosen), chosen.language)


def _grouped(number: int, lang: str) -> str:
    """A whole number with its thousands grouped as `lang` writes them: 70,481 / 70 481."""
    grouped = f"{number:,}"
    return grouped.replace(",", "\u00a0") if lang == "pl" else grouped


def human_size(size: int, lang: str = "en") -> str:
    """A size in bytes as a person reads it (decimal units, one decimal): 70.5 kB, 1.2 MB."""
    if size < 1000:
        return f"{size} B"
    value, unit = (size / 1000, "kB") if size < 1_000_000 else (size / 1_000_000, "MB")
    figure = f"{value:.1f}"
    return (figure.replace(".", ",") if lang == "pl" else figure) + "\u00a0" + unit


def _bibtex_text(value: str) -> str:
    """A value inside a BibTeX field's braces: TeX's special characters escaped."""
    out = value.replace("\\", "\\textbackslash{}")
    for char in "{}&%$#_":
        out = out.replace(char, "\\" + char)
    return out.replace("\\textbackslash\\{\\}", "\\textbackslash{}")


def _bibtex(page: dict) -> str:
    """A BibTeX entry of the dataset with only what void.ttl states: no author is invented (the
    publisher is the publisher); the URL is the dataset's IRI."""
    # A key is a bare word: letters, digits, dots and hyphens only.
    version = re.sub(r"[^A-Za-z0-9.-]", "", page["version"] or "")
    key = "krakow-clusters" + (f"-{version}" if version else "")
    fields = [("title", "{" + _bibtex_text(page["title"]) + "}")]
    if page["publisher"]:
        fields.append(("publisher", _bibtex_text(page["publisher"]["name"])))
    if page["year"]:
        fields.append(("year", _bibtex_text(page["year"])))
    if page["issued"]:
        fields.append(("date", _bibtex_text(page["issued"])))
    if page["version"]:
        fields.append(("version", _bibtex_text(page["version"])))
    fields.append(("url", page["iri"]))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def table_view(result: QueryResult) -> dict:
    """The answer of a SELECT or ASK query as a table: its columns and rows of cells (an empty
    cell, a link with the IRI's prefixed name, or a literal with its language)."""
    if result.kind == "ask":
        return {
            "columns": ["answer"],
            "rows": [[{"kind": "literal", "text": str(result.boolean), "lang": None}]],
        }
    rows = []
    for row in result.rows:
        cells = []
        for term in row:
            if term is None:
                cells.append({"kind": "empty"})
            elif isinstance(term, URIRef):
                iri = str(term)
                cells.append(iri_view(iri, curie(iri) or iri))
            else:
                lang = getattr(term, "language", None)
                cells.append({"kind": "literal", "text": str(term), "lang": lang})
        rows.append(cells)
    return {"columns": result.variables, "rows": rows}


def choices_view(result: QueryResult, current: str | None, lang: str = "en") -> list[dict]:
    """The options of a picker for an iri parameter, from the answer of `Choices.query()` (rows
    of ?value ?label): each with its value as people write it (the prefixed name where there is
    one, else the IRI), its label, and whether it is `current` (an IRI, already expanded). A
    current value that is none of the choices comes first, so that the form shows what was
    asked."""
    labels: dict[str, list[Literal]] = {}
    for value, label in result.rows:
        if isinstance(value, URIRef):
            found = labels.setdefault(str(value), [])  # a choice without a label is still one
            if isinstance(label, Literal):
                found.append(label)
    options = []
    for iri, found in labels.items():
        written = curie(iri) or iri
        label = pick_label(found, lang) or written
        options.append({"value": written, "label": label, "selected": iri == current})
    options.sort(key=lambda o: (o["label"].casefold(), o["value"]))
    if current is not None and current not in labels:
        written = curie(current) or current
        options.insert(0, {"value": written, "label": written, "selected": True})
    return options


def license_of(store: GraphStore) -> str | None:
    """The licence of the dataset (the ontology's dcterms:license), shown on every page."""
    answer = store.query(LICENSE)
    return str(answer.rows[0][0]) if answer.rows else None


# --- rendering -----------------------------------------------------------------------------------

# The link function of the page being rendered (None: links stay the server's paths), and the
# language its page links carry as a prefix (None: the page's language was negotiated, so its links
# negotiate again).
_LINK: ContextVar[Callable[[str], str] | None] = ContextVar("link", default=None)
_PREFIX: ContextVar[str | None] = ContextVar("prefix", default=None)


def _finish(href: str, lang: str | None) -> str:
    # The views give only linkable hrefs; this is the last guard, for a template that forgets.
    if not linkable(href):
        return "#"
    if lang is not None:
        href = with_language(href, lang)
    link = _LINK.get()
    return href if link is None else link(href)


@jinja2.pass_context  # never folded into a constant at compile time: the link changes per page
def _url(_context: Any, href: str) -> str:
    return _finish(href, _PREFIX.get())


@jinja2.pass_context
def _url_in(_context: Any, href: str, lang: str | None) -> str:
    """`href` in language `lang` (None: the unprefixed, negotiated page)."""
    return _finish(href, lang)


class Pages:
    """The templates of pages/templates/, rendered to text in either language."""

    def __init__(self) -> None:
        self.envs = {lang: self._environment(lang) for lang in LANGUAGES}

    @staticmethod
    def _environment(lang: str) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.PackageLoader("krakow_clusters.pages", "templates"),
            autoescape=jinja2.select_autoescape(["html"]),
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
        )
        env.install_gettext_translations(translator(lang), newstyle=True)  # type: ignore[attr-defined]
        env.filters["url"] = _url
        env.filters["url_in"] = _url_in
        env.globals["LANGUAGES"] = LANGUAGES
        env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
        env.globals["asset_url"] = asset_url
        return env

    def render(
        self,
        name: str,
        link: Callable[[str], str] | None = None,
        lang: str = DEFAULT_LANGUAGE,
        explicit: bool = False,
        page_path: str | None = None,
        **context: Any,
    ) -> str:
        """Render template `name` in `lang`. With `link`, the page is one of the static site: every
        link goes through `link`, and what only a server can answer (SPARQL, saved queries) is
        left out. `explicit`: the language was chosen (a path prefix, or the static site's
        folder), so the page's links keep it. `page_path`: the server path of the page, for the
        language switch, the alternates and the canonical link."""
        context.setdefault("license", None)
        if context["license"] is not None and not linkable(context["license"]):
            context["license"] = None  # shown only as a link, so only when it can be one
        context.setdefault("source", SOURCE_ARTICLE)
        context.setdefault("alternates", [])
        context.setdefault("remote", None)
        context["static"] = link is not None
        context["lang"] = lang
        if page_path is not None and not is_page(page_path.partition("?")[0]):
            page_path = None  # a file or a listing: one version for every language
        context["page_path"] = page_path
        link_token = _LINK.set(link)
        prefix_token = _PREFIX.set(lang if explicit else None)
        try:
            return self.envs[lang].get_template(name).render(**context)
        finally:
            _PREFIX.reset(prefix_token)
            _LINK.reset(link_token)

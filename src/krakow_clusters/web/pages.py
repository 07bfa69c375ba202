"""The HTML pages of the dataset, shared by `serve` (rendered on request) and `build` (the static
site in dist/site/): the queries that describe a resource, the views built from their answers, and
the Jinja templates (web/templates/) that render them.

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
from rdflib import RDF, RDFS, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, SDO, SKOS
from rdflib.term import Node

from ..project import BASE_IRI, ID_BASE, ONTOLOGY_IRI, ONTOLOGY_NS, SOURCE_ARTICLE, curie
from ..store.results import GraphStore, QueryResult
from ..store.terms import Triple
from .i18n import DEFAULT as DEFAULT_LANGUAGE
from .i18n import LANGUAGES, is_page, translator, with_language
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

INDEX = """
SELECT DISTINCT ?s ?label WHERE {
  ?s ?p ?o .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), $ID) && !CONTAINS(STR(?s), "#"))
  OPTIONAL { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label . FILTER(LANG(?label) = "en") }
}
"""

CLUSTERS = """
PREFIX kc: <https://w3id.org/krakow-clusters/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?cluster ?name ?name_pl ?stated WHERE {
  ?cluster a kc:ClusterInitiative ; rdfs:label ?name . FILTER(LANG(?name) = "en")
  OPTIONAL { ?cluster rdfs:label ?name_pl . FILTER(LANG(?name_pl) = "pl") }
  OPTIONAL { ?cluster kc:memberCount/kc:statedAs ?stated }
} ORDER BY ?name
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
    # Where each statement about the resource comes from: the names of the graphs it sits in
    # (none from a store without named graphs). Shown on pages, not part of the RDF answer.
    origins: dict[Triple, list[str]] = field(default_factory=dict)


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
        return {"kind": "link", "href": href, "label": label, "iri": iri}
    return {"kind": "literal", "text": iri, "lang": None, "datatype": None}


def pick_label(labels: list[Literal] | None, lang: str = "en") -> str | None:
    if not labels:
        return None
    for literal in labels:
        if literal.language == lang:
            return str(literal)
    for literal in labels:
        if not literal.language:
            return str(literal)
    return str(labels[0])


def _label_index(label_triples: list[Triple]) -> dict[str, list[Literal]]:
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
SELECT DISTINCT ?s ?p ?o ?g ?name WHERE {
  VALUES ?s { $SUBJECTS }
  GRAPH ?g { ?s ?p ?o }
  OPTIONAL { ?g <http://www.w3.org/2000/01/rdf-schema#label> ?name FILTER (LANG(?name) = "en") }
}
"""


def origins_of(store: GraphStore, iri: str, nodes: Iterable[str] = ()) -> dict[Triple, list[str]]:
    """For each statement about `iri` and its hash IRIs `nodes` (see `hash_nodes`), the names of
    the graphs it sits in."""
    found: dict[Triple, list[str]] = defaultdict(list)
    query = ORIGINS.replace("$SUBJECTS", _values([iri, *nodes]))
    for s, p, o, g, name in store.query(query).rows:
        found[(s, p, o)].append(str(name) if name is not None else curie(str(g)) or str(g))
    return {t: sorted(names) for t, names in found.items()}


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
    return Description(iri, sorted(triples), _label_index(found), origins)


def describes_something(desc: Description) -> bool:
    """Whether the store states anything about the resource itself (else: 404)."""
    iri = desc.iri
    return any(str(s) == iri or str(s).startswith(iri + "#") for s, _p, _o in desc.triples)


# --- views ---------------------------------------------------------------------------------------


def _value_view(term: Node, desc: Description, nodes: dict[str, dict]) -> dict:
    if isinstance(term, URIRef):
        iri = str(term)
        if iri in nodes:
            return {"kind": "node", "anchor": nodes[iri]["anchor"], "label": nodes[iri]["title"]}
        label = pick_label(desc.labels.get(iri))
        if label is None and "#" in iri and iri.startswith(BASE_IRI):
            document, fragment = iri.split("#", 1)
            document_label = pick_label(desc.labels.get(document)) or curie(document) or document
            label = f"{document_label} › {fragment}"
        return iri_view(iri, label or curie(iri) or iri)
    if isinstance(term, Literal):
        datatype = None
        if term.datatype is not None:
            datatype = curie(str(term.datatype)) or str(term.datatype)
        return {"kind": "literal", "text": str(term), "lang": term.language, "datatype": datatype}
    return {"kind": "literal", "text": str(term), "lang": None, "datatype": None}


_FIRST = [str(RDF.type), str(RDFS.label), str(SKOS.altLabel), str(DCTERMS.description)]


def _properties(subject: str, desc: Description, nodes: dict[str, dict]) -> list[dict]:
    grouped: dict[str, list[Node]] = defaultdict(list)
    subject_term = None
    for s, p, o in desc.triples:
        if str(s) == subject:
            grouped[str(p)].append(o)
            subject_term = s

    def order(p: str) -> tuple:
        return (_FIRST.index(p) if p in _FIRST else len(_FIRST), _predicate_label(p, desc))

    rows = []
    for p in sorted(grouped, key=order):
        values = sorted(grouped[p], key=lambda t: (getattr(t, "language", None) != "en", str(t)))
        rows.append(
            {
                "label": _predicate_label(p, desc),
                "curie": curie(p) or p,
                "href": local_href(p) if linkable(local_href(p)) else None,
                "values": [
                    _value_view(v, desc, nodes)
                    | {"origin": ", ".join(desc.origins.get((subject_term, URIRef(p), v), []))}
                    for v in values
                ],
            }
        )
    return rows


# English names for the standard predicates, whose vocabularies are not loaded in the store.
_NAMES = {
    "rdf:type": "type",
    "rdfs:label": "name",
    "rdfs:comment": "comment",
    "rdfs:seeAlso": "see also",
    "rdfs:isDefinedBy": "defined by",
    "rdfs:subClassOf": "subclass of",
    "rdfs:domain": "domain",
    "rdfs:range": "range",
    "owl:sameAs": "same as",
    "skos:prefLabel": "preferred name",
    "skos:altLabel": "also known as",
    "skos:definition": "definition",
    "skos:broader": "broader",
    "skos:narrower": "narrower",
    "skos:inScheme": "in scheme",
    "skos:topConceptOf": "top concept of",
    "skos:hasTopConcept": "top concept",
    "skos:exactMatch": "exact match",
    "skos:closeMatch": "close match",
    "dcterms:description": "description",
    "dcterms:source": "source",
    "dcterms:title": "title",
    "dcterms:license": "licence",
    "org:member": "member",
    "org:organization": "organisation",
    "org:role": "role",
    "schema:value": "value",
    "schema:startDate": "since",
    "schema:foundingDate": "founded",
    "schema:location": "location",
    "schema:containedInPlace": "contained in",
}


def _predicate_label(p: str, desc: Description) -> str:
    name = curie(p) or p
    return pick_label(desc.labels.get(p)) or _NAMES.get(name) or name


def _node_title(node: str, desc: Description) -> str:
    values: dict[str, list[Node]] = defaultdict(list)
    for s, p, o in desc.triples:
        if str(s) == node:
            values[str(p)].append(o)

    def label_of(predicate: str) -> str | None:
        found = values.get(predicate)
        return pick_label(desc.labels.get(str(found[0]))) if found else None

    if values.get(str(KC.statedAs)):
        return pick_label(values[str(KC.statedAs)])
    role, member = label_of(str(ORG.role)), label_of(str(ORG.member))
    if role and member:
        return f"{role[0].upper()}{role[1:]}: {member}"
    status = label_of(str(KC.statusType))
    if status:
        since = values.get(str(SDO.startDate))
        return f"{status} since {since[0]}" if since else status
    label = pick_label(desc.labels.get(node))
    if label:
        return label
    types = [o for s, p, o in desc.triples if str(s) == node and p == RDF.type]
    kind = pick_label(desc.labels.get(str(types[0]))) if types else None
    fragment = node.rsplit("#", 1)[1]
    return f"{kind}: {fragment}" if kind else fragment


def resource_view(desc: Description) -> dict:
    iri = desc.iri
    hash_nodes = sorted(
        {str(s) for s, _p, _o in desc.triples if str(s).startswith(iri + "#")},
    )
    nodes = {n: {"anchor": n.rsplit("#", 1)[1], "title": _node_title(n, desc)} for n in hash_nodes}
    for n in hash_nodes:
        nodes[n]["properties"] = _properties(n, desc, nodes)
    labels = [o for s, p, o in desc.triples if str(s) == iri and p == RDFS.label]
    if not labels:
        labels = desc.labels.get(iri, [])
    title = pick_label(labels, "en") or curie(iri) or iri
    polish = sorted({str(x) for x in labels if isinstance(x, Literal) and x.language == "pl"})
    incoming = []
    for s, p, o in desc.triples:
        if str(o) == iri and not str(s).startswith(iri + "#") and str(s) != iri:
            incoming.append(
                {
                    "subject": _value_view(s, desc, {}),
                    "predicate": _predicate_label(str(p), desc),
                    "curie": curie(str(p)) or str(p),
                }
            )
    incoming.sort(key=lambda r: (r["predicate"], r["subject"]["label"]))
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
        "polish": polish,
        "properties": _properties(iri, desc, nodes),
        "nodes": [nodes[n] for n in hash_nodes],
        "incoming": incoming,
        "sources": [iri_view(s, pick_label(desc.labels.get(s)) or s, local=False) for s in sources],
    }


def alternates(path: str) -> list[dict]:
    """The links of a page to its RDF documents: `path` with each format's extension."""
    names = {".ttl": "Turtle", ".jsonld": "JSON-LD", ".nt": "N-Triples", ".rdf": "RDF/XML"}
    return [{"href": path + ext, "label": label} for ext, label in names.items()]


def home_view(store: GraphStore) -> list[dict]:
    """The clusters of the home page: name, Polish name, member count as stated."""
    clusters = [
        {
            "href": local_href(str(row[0])),
            "name": str(row[1]),
            "name_pl": str(row[2]) if row[2] else None,
            "stated": str(row[3]) if row[3] else None,
        }
        for row in store.query(CLUSTERS).rows
    ]
    # The query orders by name; ties (a cluster with two stated counts) in a fixed order too.
    return sorted(
        clusters, key=lambda c: (c["name"], c["href"], c["name_pl"] or "", c["stated"] or "")
    )


def index_view(store: GraphStore) -> list[dict]:
    """Every resource under /id/, grouped by kind, by label."""
    answer = store.query(INDEX.replace("$ID", Literal(ID_BASE).n3()))
    kinds: dict[str, list[dict]] = defaultdict(list)
    for s, label in answer.rows:
        kind = str(s)[len(ID_BASE) :].split("/", 1)[0]
        kinds[kind].append({"href": local_href(str(s)), "label": str(label) if label else str(s)})
    return [
        {"kind": k, "items": sorted(v, key=lambda i: (i["label"].lower(), i["href"], i["label"]))}
        for k, v in sorted(kinds.items())
    ]


def dataset_view(graph: Iterable[Triple]) -> list[dict]:
    """The sections of the dataset page (void.ttl): catalogue and dataset first, then their
    distributions, then everything else."""
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
            "title": pick_label(desc.labels.get(subject)) or curie(subject) or subject,
            "properties": _properties(subject, desc, {}),
        }
        for subject in subjects
    ]


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
    """The templates of web/templates/, rendered to text in either language."""

    def __init__(self) -> None:
        self.envs = {lang: self._environment(lang) for lang in LANGUAGES}

    @staticmethod
    def _environment(lang: str) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.PackageLoader("krakow_clusters.web", "templates"),
            autoescape=jinja2.select_autoescape(["html"]),
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
        )
        env.install_gettext_translations(translator(lang), newstyle=True)  # type: ignore[attr-defined]
        env.filters["url"] = _url
        env.filters["url_in"] = _url_in
        env.globals["LANGUAGES"] = LANGUAGES
        env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
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

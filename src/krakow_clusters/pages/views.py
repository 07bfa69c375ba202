"""The views of a resource's page that the templates render: each value with its label in the
page's language, the statements grouped by property with their origins, a hash node's title, the
kinds of resources under /id/ and their names."""

from collections import defaultdict
from collections.abc import Callable, Set
from typing import Any

import rdflib
from markupsafe import Markup, escape
from rdflib import OWL, RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, SDO, SKOS
from rdflib.term import Node

from ..formats import media as F
from ..rdf.labels import LABEL_PROPERTIES, pick_label, pick_literal
from ..rdf.results import GraphStore
from ..rdf.sparqltext import fill
from ..rdf.terms import Triple
from .describe import (
    INDEX,
    Description,
    Site,
    format_day,
    in_language,
    label_in,
    linkable,
    origin_name,
    other_language,
)
from .i18n import N_, translator


def value_view(term: Node, desc: Description, nodes: dict[str, dict] | None, lang: str) -> dict:
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
        site = desc.the_site
        if label is None and "#" in iri and iri.startswith(site.settings.base_iri):
            document, fragment = iri.split("#", 1)
            literal = pick_literal(desc.labels.get(document), lang)
            text_lang = other_language(literal, lang)
            document_label = str(literal) if literal else site.curie(document) or document
            label = f"{document_label} › {fragment}"
        return site.iri_view(iri, label or site.curie(iri) or iri) | {"text_lang": text_lang}
    if isinstance(term, Literal):
        datatype = None
        if term.datatype is not None:
            datatype = desc.the_site.curie(str(term.datatype)) or str(term.datatype)
        return {
            "kind": "literal",
            "text": str(term),
            "lang": term.language,
            "datatype": datatype,
            "text_lang": other_language(term, lang),
        }
    return {"kind": "literal", "text": str(term), "lang": None, "datatype": None, "text_lang": None}


_FIRST = [str(RDF.type), str(RDFS.label), str(SKOS.altLabel), str(DCTERMS.description)]


def properties_view(
    subject: str,
    desc: Description,
    nodes: dict[str, dict],
    lang: str,
    shown: Set[Triple] = frozenset(),
) -> list[dict]:
    """The statements of `subject` grouped by property, each value with its origin; those in
    `shown` (the facts for people above the table state them) left out."""
    grouped: dict[str, list[Node]] = defaultdict(list)
    subject_term = None
    for s, p, o in desc.triples:
        if str(s) == subject and (s, p, o) not in shown:
            grouped[str(p)].append(o)
            subject_term = s

    def order(p: str) -> tuple:
        return (_FIRST.index(p) if p in _FIRST else len(_FIRST), str(predicate_name(p, desc, lang)))

    def origin(triple: Triple) -> Markup:
        names = [origin_name(g, desc, lang) for g in desc.origins.get(triple, [])]
        return Markup(", ").join(names)

    rows = []
    for p in sorted(grouped, key=order):
        # The page's language first, then the project's default, then the rest.
        values = sorted(
            grouped[p],
            key=lambda t: (
                getattr(t, "language", None) != lang,
                getattr(t, "language", None) != desc.the_site.default_language,
                str(t),
            ),
        )
        rows.append(
            {
                "label": predicate_name(p, desc, lang),
                "curie": desc.the_site.curie(p) or p,
                "href": href if linkable(href := desc.the_site.local_href(p)) else None,
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


def predicate_name(p: str, desc: Description, lang: str) -> Markup:
    """The name of predicate `p` on a page in `lang`: its label in the store (the ontology's, in
    English and Polish), else the page's message for a standard predicate, else its CURIE."""
    label = label_in(desc.labels.get(p), lang)
    if label is not None:
        return label
    name = desc.the_site.curie(p) or p
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


def node_title(node: str, desc: Description, lang: str) -> Markup:
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

    kc = desc.the_site.kc
    stated = [o for o in values.get(str(kc.statedAs), []) if isinstance(o, Literal)]
    if stated:
        literal = pick_literal(stated, lang)
        return in_language(str(literal), other_language(literal, lang))
    role = label_of(str(kc.roleType), str(ORG.role))
    member = label_of(str(kc.heldBy), str(ORG.member))
    if role and member:
        return Markup(_("%(role)s: %(member)s")) % {"role": capitalized(role), "member": member}
    status = label_of(str(kc.statusType))
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


def resource_view(desc: Description, lang: str, shown: Set[Triple] = frozenset()) -> dict:
    """The statements of a page in `lang`: the resource's, its hash nodes', those that point to
    it, its sources. Those in `shown` (stated by the page's facts for people, with their
    sources) are left out, and so is a hash node with nothing left to say that nothing left
    points to: each statement is on the page once."""
    iri = desc.iri
    hash_nodes = sorted(
        {str(s) for s, _p, _o in desc.triples if str(s).startswith(iri + "#")},
    )
    nodes = {
        n: {"anchor": n.rsplit("#", 1)[1], "title": node_title(n, desc, lang)} for n in hash_nodes
    }
    for n in hash_nodes:
        nodes[n]["properties"] = properties_view(n, desc, nodes, lang, shown)
    pointed = {str(o) for triple in desc.triples if triple not in shown for o in triple[2:]}
    hash_nodes = [n for n in hash_nodes if nodes[n]["properties"] or n in pointed]
    labels = [o for s, p, o in desc.triples if str(s) == iri and p == RDFS.label]
    if not labels:
        labels = desc.labels.get(iri, [])
    literal = pick_literal(labels, lang)
    site = desc.the_site
    title = str(literal) if literal is not None else site.curie(iri) or iri
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
                    "curie": site.curie(str(p)) or str(p),
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
        "properties": properties_view(iri, desc, nodes, lang, shown),
        "nodes": [nodes[n] for n in hash_nodes],
        "left_out": bool(shown),
        "incoming": incoming,
        "sources": [
            site.iri_view(s, pick_label(desc.labels.get(s), lang) or s, local=False)
            for s in sources
        ],
    }


def alternates(path: str) -> list[dict]:
    """The links of a page to its RDF documents: `path` with the extension of each RDF format a
    resource answers in (media.EXTENSIONS, named by media.FORMAT_NAMES), with its media type."""
    return [
        {"href": path + ext, "label": F.FORMAT_NAMES[media], "type": media}
        for ext, media in F.EXTENSIONS.items()
        if media != F.HTML
    ]


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


def kind_name(kind: str, lang: str) -> str:
    """The heading of a kind of resource (`cluster`: "Clusters") in `lang`; an unknown kind is
    named by its path segment."""
    known = KINDS.get(kind)
    return translator(lang).gettext(known[0]) if known else kind


def kind_count(kind: str, n: int, lang: str) -> str:
    """ "8 clusters" in `lang`, with its plural form."""
    count = KINDS[kind][1] if kind in KINDS else _other_kind
    return count(translator(lang), n) % {"num": n}


def index_view(store: GraphStore, site: Site) -> dict[str, list[dict]]:
    """Every resource under /id/ in each language: grouped by kind (clusters, organisations,
    sectors first), each named in the language (`text_lang` where it falls back), by name."""
    id_base = site.settings.id_base
    answer = store.query(fill(INDEX, ID=Literal(id_base)))
    names: dict[str, list[tuple[int, Literal]]] = defaultdict(list)
    for s, p, label in answer.rows:
        ranked = names[str(s)]  # every resource, named or not
        if p is not None and isinstance(label, Literal):
            ranked.append((LABEL_PROPERTIES.index(str(p)), label))
    order = list(KINDS)
    views: dict[str, list[dict]] = {}
    for lang in site.languages:
        kinds: dict[str, list[dict]] = defaultdict(list)
        for iri, ranked in names.items():
            kind = iri[len(id_base) :].split("/", 1)[0]
            literal = pick_literal([label for _rank, label in sorted(ranked)], lang)
            kinds[kind].append(
                {
                    "href": site.local_href(iri),
                    "label": str(literal) if literal is not None else site.curie(iri) or iri,
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


# --- the ontology's documentation ---------------------------------------------------------------


def _texts(graph: rdflib.Graph, node: Node, prop: URIRef) -> dict[str, str]:
    """The texts of `node`'s `prop` by language ("" for none), several joined with " / "."""
    values: dict[str, list[str]] = {}
    for value in graph.objects(node, prop):
        if isinstance(value, Literal):
            values.setdefault(value.language or "", []).append(str(value))
    return {lang: " / ".join(sorted(texts)) for lang, texts in sorted(values.items())}


def _anchor(iri: str, kc: str) -> str:
    """A term by its local name (as in the ontology's own IRIs); a concept as kind-slug."""
    if iri.startswith(kc):
        return iri.split("#", 1)[1]
    return "-".join(iri.rstrip("/").rsplit("/", 2)[-2:])


class _Terms:
    """The terms of the ontology's documentation in `lang`, each with its label in the page's
    language and the next one of the project, its definitions and its links."""

    def __init__(self, graph: rdflib.Graph, lang: str, site: Site) -> None:
        self.graph, self.lang, self.site = graph, lang, site
        languages = list(site.languages)
        self.other = languages[(languages.index(lang) + 1) % len(languages)]
        self.kc = site.namespaces.table["kc"]

    def name(self, node: Node) -> dict:
        """A linked term: its label in the page's language, to its section or its IRI."""
        iri = str(node)
        labels = _texts(self.graph, node, RDFS.label) or _texts(self.graph, node, SKOS.prefLabel)
        text = labels.get(self.lang) or labels.get(self.site.default_language)
        text = text or self.site.curie(iri) or iri
        inside = (node, RDF.type, None) in self.graph
        href = "#" + _anchor(iri, self.kc) if inside else iri
        return {"label": text, "href": href if linkable(href) else None}

    def term(self, node: Node, label_prop: URIRef, relations: list[tuple[str, URIRef]]) -> dict:
        _ = translator(self.lang).gettext
        labels = _texts(self.graph, node, label_prop)
        definitions = _texts(self.graph, node, SKOS.definition)
        links = []
        for message, prop in relations:
            targets = sorted(self.graph.objects(node, prop), key=str)
            if targets:
                links.append({"name": _(message), "targets": [self.name(t) for t in targets]})
        return {
            "iri": str(node),
            "anchor": _anchor(str(node), self.kc),
            "label": labels.get(self.lang) or labels.get("") or _anchor(str(node), self.kc),
            "other_label": labels.get(self.other) if self.other != self.lang else None,
            "definitions": [
                {"lang": code, "text": definitions[code]}
                for code in dict.fromkeys((self.lang, self.other))
                if definitions.get(code)
            ],
            "links": links,
        }

    def of_type(self, cls: URIRef) -> list[Node]:
        return sorted(self.graph.subjects(RDF.type, cls), key=str)


_CLASS_LINKS = [(N_("Subclass of"), RDFS.subClassOf), (N_("See also"), RDFS.seeAlso)]
_PROPERTY_LINKS = [
    (N_("Domain"), RDFS.domain),
    (N_("Range"), RDFS.range),
    (N_("Subproperty of"), RDFS.subPropertyOf),
    (N_("See also"), RDFS.seeAlso),
]
_VANN = "http://purl.org/vocab/vann/"


def ontology_view(graph: rdflib.Graph, lang: str, site: Site) -> dict:
    """The documentation of the ontology and its SKOS schemes in `graph` for a page in `lang`
    (template ontology.html, in the site's frame, served and in the release alike): its
    metadata, classes, properties and schemes with their concepts, each with its label in `lang`
    and the next language of the project, its definitions and its links."""
    terms = _Terms(graph, lang, site)
    node = URIRef(str(site.kc).rstrip("#"))
    helix = [(N_("Broader"), SKOS.broader), (N_("Helix"), site.kc.helix)]
    schemes = [
        {
            "scheme": terms.term(scheme, SKOS.prefLabel, []),
            "concepts": [
                terms.term(c, SKOS.prefLabel, helix)
                for c in sorted(graph.subjects(SKOS.inScheme, scheme), key=str)
            ],
        }
        for scheme in terms.of_type(SKOS.ConceptScheme)
    ]
    titles = _texts(graph, node, DCTERMS.title)
    licence = str(graph.value(node, DCTERMS.license) or "")

    def value(prop: URIRef) -> str:
        return str(graph.value(node, prop) or "")

    return {
        "iri": str(node),
        "title": titles.get(lang) or titles.get(site.default_language) or str(node),
        "other": terms.other if terms.other != lang else None,
        "other_title": titles.get(terms.other) if terms.other != lang else None,
        "description": _texts(graph, node, DCTERMS.description).get(lang, ""),
        "version": value(OWL.versionInfo) or site.settings.version,
        "version_iri": value(OWL.versionIRI),
        "licence": licence if linkable(licence) else None,
        "created": value(DCTERMS.created),
        "modified": value(DCTERMS.modified),
        "prefix": value(URIRef(_VANN + "preferredNamespacePrefix")),
        "namespace": value(URIRef(_VANN + "preferredNamespaceUri")),
        "classes": [terms.term(c, RDFS.label, _CLASS_LINKS) for c in terms.of_type(OWL.Class)],
        "object_properties": [
            terms.term(p, RDFS.label, _PROPERTY_LINKS) for p in terms.of_type(OWL.ObjectProperty)
        ],
        "datatype_properties": [
            terms.term(p, RDFS.label, _PROPERTY_LINKS) for p in terms.of_type(OWL.DatatypeProperty)
        ],
        "schemes": schemes,
    }

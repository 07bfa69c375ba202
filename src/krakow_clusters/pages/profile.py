"""A resource's page for people, above its statements: what it is, in the page's language, each
fact with its origin as a footnote.

For a cluster: its names, description, sectors, size as the source words it (the wording and
the qualifier, never a number the source does not give), breakdown by member type, the
organisations that coordinate, host or partner it, statuses with their dates, regions, founding
year and identity links (Wikidata). For an organisation: the clusters it coordinates, hosts or
partners, by role. For a concept of a scheme (a sector, a member type …): its place in the
hierarchy and the clusters of it and of its narrower concepts. Only what the data states is
shown; a fact the data lacks is left out, not shown empty.

`gather` asks the store for what the description of the resource does not hold (the roles an
organisation holds, a concept's hierarchy and clusters); `profile_view` builds the view.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from markupsafe import Markup, escape
from rdflib import OWL, RDF, RDFS, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SDO, SKOS
from rdflib.term import Node

from ..rdf.results import GraphStore
from ..rdf.terms import Triple
from .describe import (
    Description,
    format_day,
    in_language,
    label_in,
    origin_name,
    other_language,
    pick_literal,
)
from .facets import composition_of
from .i18n import N_, language_name_in, translator
from .schemaorg import schema_org, script_json
from .views import capitalized, predicate_name, resource_view, value_view

WIKIDATA = "http://www.wikidata.org/entity/"


# The order of the roles on a cluster's page and an organisation's.
ROLE_ORDER = ["coordinator", "host-institution", "partner", "member"]

# Facts shown as they are (one value each, linked where an IRI), in this order, after the
# names, description, sectors, size and roles: the ontology's terms by local name (the project's
# kc: namespace), the others in full.
PLAIN_FACTS = [
    "memberType",
    "memberRegion",
    str(SDO.location),
    "legalForm",
    str(SDO.foundingDate),
    str(SDO.containedInPlace),
    "terytCode",
    "helix",
    str(SKOS.inScheme),
    str(SKOS.editorialNote),
    # A link's record (data/links/wikidata.ttl): what it links, how and on what evidence.
    str(RDF.subject),
    str(RDF.predicate),
    str(RDF.object),
    str(DCTERMS.type),
    "evidence",
    str(PROV.wasDerivedFrom),
]


def _plain_facts(kc: Namespace) -> list[str]:
    return [p if ":" in p else str(kc[p]) for p in PLAIN_FACTS]


IDENTITY = (str(OWL.sameAs), str(SKOS.exactMatch))


class Footnotes:
    """The origins of a page's facts, numbered in the order they are first cited."""

    def __init__(self, desc: Description, lang: str) -> None:
        self.desc, self.lang = desc, lang
        self.numbers: dict[str, int] = {}
        # Every statement a fact above shows: the statements' table leaves them out.
        self.shown: set[Triple] = set()

    def cite(self, triples: Iterable[Triple]) -> list[int]:
        """The numbers of the graphs `triples` sit in (numbering new ones)."""
        cited = set()
        for triple in triples:
            self.shown.add(triple)
            for graph in self.desc.origins.get(triple, []):
                cited.add(self.numbers.setdefault(graph, len(self.numbers) + 1))
        return sorted(cited)

    def view(self) -> list[dict]:
        desc, lang = self.desc, self.lang
        notes = []
        for graph, number in sorted(self.numbers.items(), key=lambda item: item[1]):
            about = desc.graphs.get(graph, {})
            sources = [
                value_view(o, desc, {}, lang)
                for o in about.get(str(DCTERMS.source), [])
                if isinstance(o, URIRef)
            ]
            agents = [
                label_in(desc.labels.get(str(o)), lang) or escape(str(o))
                for o in about.get(str(PROV.wasAttributedTo), [])
            ]
            created = [format_day(o, lang) for o in about.get(str(DCTERMS.created), [])]
            notes.append(
                {
                    "number": number,
                    "graph": graph,
                    "name": origin_name(graph, desc, lang),
                    "sources": sources,
                    "by": Markup(", ").join(agents) if agents else None,
                    "created": ", ".join(created) or None,
                }
            )
        return notes


def _slug(iri: str | None) -> str:
    """The last segment of an IRI (after its last `/`, `#` or `:`), for an element's id."""
    return re.split(r"[/#:]", (iri or "").rstrip("/"))[-1]


def profile_view(desc: Description, lang: str) -> dict:
    """What the page of `desc` shows people first, in `lang` (see the module's docstring)."""
    profile = _Profile(desc, lang)
    for section in (
        profile.description,
        profile.names,
        profile.sectors,
        profile.sizes,
        profile.roles,
        profile.statuses,
        profile.plain,
        profile.identity,
        profile.roles_held,
    ):
        section()
    footnotes = profile.notes.view()  # numbered as the facts above cite them
    # The resource's own dcterms:source is shown where a footnote names that source.
    named = {str(s.get("iri")) for note in footnotes for s in note["sources"]}
    for source in profile.about.get(str(DCTERMS.source), []):
        if str(source) in named:
            profile.notes.shown.add((profile.subject, DCTERMS.source, source))
    return {
        "cluster": str(profile.kc.ClusterInitiative) in profile.types,
        "description": profile.described,
        "facts": profile.facts,
        "named": any(row["key"] == "name" for row in profile.facts),
        "roles_held": profile.held,
        **_hierarchy(desc, lang),
        "footnotes": footnotes,
        "shown": profile.notes.shown,
    }


class _Profile:
    """A page's facts for people being gathered, a section (a method) at a time, into `facts`
    (and `described`, `held`), each fact citing its statements (`notes`)."""

    def __init__(self, desc: Description, lang: str) -> None:
        self.desc, self.lang = desc, lang
        self.kc = desc.the_site.kc
        self._ = translator(lang).gettext
        self.iri, self.subject = desc.iri, URIRef(desc.iri)
        self.notes = Footnotes(desc, lang)
        self.about: dict[str, list[Node]] = defaultdict(list)
        self.of_node: dict[str, dict[str, list[Node]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in desc.triples:
            if s == self.subject:
                self.about[str(p)].append(o)
            elif str(s).startswith(self.iri + "#"):
                self.of_node[str(s)][str(p)].append(o)
        self.types = {str(t) for t in self.about.get(str(RDF.type), [])}
        self.facts: list[dict] = []
        self.described: dict | None = None
        self.held: list[dict] = []
        self.anchored: set[str] = set()

    def value(
        self, term: Node, cited: Iterable[Triple], extra: Markup | None = None, node: str = ""
    ) -> dict:
        """`term` as a fact's value, citing `cited`; the first value of a hash `node` carries
        its fragment as its id, so that the node's IRI still leads to where it is said."""
        view = value_view(term, self.desc, {}, self.lang)
        anchor = None
        if node.startswith(self.iri + "#") and node not in self.anchored:
            self.anchored.add(node)
            anchor = node[len(self.iri) + 1 :]
        return view | {"notes": self.notes.cite(cited), "extra": extra, "anchor": anchor}

    @staticmethod
    def literals(terms: list[Node]) -> list[Literal]:
        return [t for t in terms if isinstance(t, Literal)]

    @staticmethod
    def row(label: Markup, values: list[dict], key: str = "") -> dict:
        notes = sorted({n for v in values for n in v.get("notes", [])})
        return {"label": capitalized(label), "values": values, "key": key, "notes": notes}

    def description(self) -> None:
        """The resource's description in the page's language, else a concept's definition."""
        # The description: the resource's own in the page's language (the curators' summary or
        # translation), else a concept's definition.
        description = None
        for predicate in (DCTERMS.description, SKOS.definition):
            texts = self.literals(self.about.get(str(predicate), []))
            literal = pick_literal(texts, self.lang)
            if literal is not None:
                description = {
                    "text": str(literal),
                    "text_lang": other_language(literal, self.lang),
                    "notes": self.notes.cite([(self.subject, predicate, literal)]),
                }
                break
        self.described = description

    def names(self) -> None:
        """Names: every rdfs:label with its language, then the other names."""
        # Names: every rdfs:label, each with its language; then the other names.
        names = []
        name_of = RDFS.label if self.about.get(str(RDFS.label)) else SKOS.prefLabel
        labels = self.literals(self.about.get(str(name_of), []))
        for literal in sorted(
            labels, key=lambda t: (t.language != self.lang, t.language or "", str(t))
        ):
            language = language_name_in(literal.language, self.lang) if literal.language else None
            names.append(
                self.value(
                    literal,
                    [(self.subject, name_of, literal)],
                    escape(language) if language else None,
                )
            )
        if names:
            self.facts.append(self.row(escape(self._("Name")), names, "name"))
        also = self.literals(self.about.get(str(SKOS.altLabel), []))
        if also:
            also.sort(key=lambda t: (t.language != self.lang, str(t)))
            self.facts.append(
                self.row(
                    predicate_name(str(SKOS.altLabel), self.desc, self.lang),
                    [self.value(t, [(self.subject, SKOS.altLabel, t)]) for t in also],
                    "also",
                )
            )

    def sectors(self) -> None:
        """The sectors."""
        sectors = self.about.get(str(self.kc.sector), [])
        if sectors:
            self.facts.append(
                self.row(
                    predicate_name(str(self.kc.sector), self.desc, self.lang),
                    [
                        self.value(s, [(self.subject, self.kc.sector, s)])
                        for s in _sorted(sectors, self.desc, self.lang)
                    ],
                    "sector",
                )
            )

    def sizes(self) -> None:
        """Size: the source's wording and qualifier, a breakdown, partners apart."""
        # Size: the source's wording and qualifier, and a breakdown by member type.
        # A partner count is shown apart from the size: partners are not members.
        counted = (
            (self.kc.memberCount, "size"),
            (self.kc.memberTypeCount, "breakdown"),
            (self.kc.partnerCount, "partners"),
        )
        for predicate, key in counted:
            counts = []
            for node in sorted(
                self.about.get(str(predicate), []),
                key=lambda n: _count_order(n, self.of_node, self.kc),
            ):
                facts_of = self.of_node.get(str(node), {})
                stated = pick_literal(
                    self.literals(facts_of.get(str(self.kc.statedAs), [])), self.lang
                )
                if stated is None:
                    continue
                cited = [(self.subject, predicate, node)]
                cited += [(node, URIRef(p), o) for p, objects in facts_of.items() for o in objects]
                # A counted member type is the cluster's member type too: said here, once.
                typed = self.about.get(str(self.kc.memberType), [])
                counted_types = facts_of.get(str(self.kc.countedMemberType), [])
                cited += [
                    (self.subject, self.kc.memberType, t) for t in counted_types if t in typed
                ]
                extra = _count_detail(facts_of, self.desc, self.lang)
                counts.append(self.value(stated, cited, extra, str(node)) | {"quote": True})
            if counts:
                label = (
                    escape(self._("Size"))
                    if key == "size"
                    else predicate_name(str(predicate), self.desc, self.lang)
                )
                self.facts.append(self.row(label, counts, key))

    def roles(self) -> None:
        """Roles: the organisations coordinating, hosting or partnering the cluster."""
        # Roles: the organisations coordinating, hosting or partnering the cluster (role nodes).
        by_role: dict[str, list[dict]] = defaultdict(list)
        role_names: dict[str, Markup] = {}
        for node, facts_of in sorted(self.of_node.items()):
            if self.subject not in facts_of.get(str(self.kc.roleIn), []):
                continue
            kinds = facts_of.get(str(self.kc.roleType), [])
            kind = str(kinds[0]) if kinds else ""
            role_names[kind] = (
                label_in(self.desc.labels.get(kind), self.lang) if kind else None
            ) or escape(self._("role"))
            cited = [
                (URIRef(node), URIRef(p), o) for p, objects in facts_of.items() for o in objects
            ]
            texts = self.literals(facts_of.get(str(DCTERMS.description), []))
            literal = pick_literal(texts, self.lang)
            extra = (
                in_language(str(literal), other_language(literal, self.lang)) if literal else None
            )
            for holder in facts_of.get(str(self.kc.heldBy), []):
                by_role[kind].append(self.value(holder, cited, extra, node))
        for kind in sorted(by_role, key=lambda k: (_role_rank(k), k)):
            self.facts.append(self.row(role_names[kind], by_role[kind], "role-" + _slug(kind)))

    def statuses(self) -> None:
        """Statuses with their dates."""
        # Statuses with their dates.
        statuses = []
        for node in sorted(self.about.get(str(self.kc.status), []), key=str):
            facts_of = self.of_node.get(str(node), {})
            cited = [(self.subject, self.kc.status, node)]
            cited += [(node, URIRef(p), o) for p, objects in facts_of.items() for o in objects]
            since = facts_of.get(str(SDO.startDate), [])
            extra = (
                escape(self._("since %(date)s") % {"date": format_day(since[0], self.lang)})
                if since
                else None
            )
            for kind in facts_of.get(str(self.kc.statusType), []):
                statuses.append(self.value(kind, cited, extra, str(node)))
        if statuses:
            self.facts.append(
                self.row(
                    predicate_name(str(self.kc.status), self.desc, self.lang), statuses, "status"
                )
            )

    def plain(self) -> None:
        """Facts shown as they are, in the order of PLAIN_FACTS."""
        for predicate in _plain_facts(self.kc):
            # A value a fact above states already (a member type a breakdown counts) is not
            # repeated.
            objects = [
                o
                for o in self.about.get(predicate, [])
                if (self.subject, URIRef(predicate), o) not in self.notes.shown
            ]
            if objects:
                values = [
                    self.value(o, [(self.subject, URIRef(predicate), o)])
                    for o in _sorted(objects, self.desc, self.lang)
                ]
                self.facts.append(
                    self.row(
                        predicate_name(predicate, self.desc, self.lang), values, _slug(predicate)
                    )
                )

    def identity(self) -> None:
        """Identity links (Wikidata first); a close match is said to be one."""
        # Identity links (Wikidata first); a close match is said to be one.
        for predicates, label, key in (
            (IDENTITY, N_("Same as"), "same-as"),
            ((str(SKOS.closeMatch),), N_("Close match"), "close-match"),
        ):
            links = []
            for predicate in predicates:
                for o in self.about.get(predicate, []):
                    if isinstance(o, URIRef):
                        view = self.value(o, [(self.subject, URIRef(predicate), o)])
                        if str(o).startswith(WIKIDATA):
                            view["label"] = "Wikidata " + str(o)[len(WIKIDATA) :]
                        links.append(view)
            if links:
                links.sort(
                    key=lambda v: (
                        not v.get("label", "").startswith("Wikidata"),
                        v.get("label", ""),
                    )
                )
                self.facts.append(self.row(escape(self._(label)), links, key))

    def roles_held(self) -> None:
        """An organisation's clusters, by role."""
        # An organisation's clusters, by role.
        roles_held: dict[str, list[dict]] = defaultdict(list)
        for cluster, kind in self.desc.related.get("roles", []):
            roles_held[kind or ""].append(value_view(URIRef(cluster), self.desc, {}, self.lang))
        held = [
            {
                "role": capitalized(
                    label_in(self.desc.labels.get(kind), self.lang) or escape(self._("role"))
                ),
                "key": _slug(kind),
                "clusters": sorted(roles_held[kind], key=lambda v: v.get("label", "")),
            }
            for kind in sorted(roles_held, key=lambda k: (_role_rank(k), k))
        ]
        self.held = held


def _count_detail(facts_of: dict[str, list[Node]], desc: Description, lang: str) -> Markup:
    """The qualifier and the number a count states, and the member type a breakdown line counts
    ("qualifier: more than; number stated: 70")."""
    kc = desc.the_site.kc
    _ = translator(lang).gettext
    parts = []
    qualifiers = facts_of.get(str(kc.qualifier), [])
    numbers = facts_of.get(str(SDO.value)) or facts_of.get(str(kc.statedNumber), [])
    if qualifiers:
        qualifier = label_in(desc.labels.get(str(qualifiers[0])), lang) or escape(
            desc.the_site.curie(str(qualifiers[0])) or ""
        )
        parts.append(Markup(_("qualifier: %(qualifier)s")) % {"qualifier": qualifier})
    if numbers:
        parts.append(escape(_("number stated: %(number)s") % {"number": str(numbers[0])}))
    for kind in facts_of.get(str(kc.countedMemberType), []):
        name = label_in(desc.labels.get(str(kind)), lang) or escape(
            desc.the_site.curie(str(kind)) or str(kind)
        )
        parts.append(Markup(_("counts: %(type)s")) % {"type": name})
    return Markup("; ").join(parts)


def _count_order(node: Node, of_node: dict[str, dict[str, list[Node]]], kc: Namespace) -> tuple:
    """Counts by their stated number, largest first (the data gives them in no order)."""
    facts = of_node.get(str(node), {})
    numbers = facts.get(str(SDO.value)) or facts.get(str(kc.statedNumber), [])
    number = numbers[0].toPython() if numbers and isinstance(numbers[0], Literal) else 0
    return (-number if isinstance(number, int) else 0, str(node))


def _role_rank(kind: str | None) -> int:
    slug = _slug(kind)
    return ROLE_ORDER.index(slug) if slug in ROLE_ORDER else len(ROLE_ORDER)


def _sorted(terms: list[Node], desc: Description, lang: str) -> list[Node]:
    def key(term: Node) -> tuple:
        literal = (
            pick_literal(desc.labels.get(str(term)), lang) if isinstance(term, URIRef) else None
        )
        return (str(literal if literal is not None else term).lower(), str(term))

    return sorted(terms, key=key)


def _hierarchy(desc: Description, lang: str) -> dict:
    """A concept's broader chains (from the top down to its parent), its narrower concepts as a
    tree, and the clusters of it and of its narrower concepts, grouped by the predicate that
    links them (kc:sector, kc:memberType …)."""
    kc = desc.the_site.kc
    _ = translator(lang).gettext
    related = desc.related
    if "narrower" not in related:
        return {"broader": [], "narrower": [], "concept_clusters": []}
    iri = desc.iri

    def link(x: str) -> dict:
        return value_view(URIRef(x), desc, {}, lang)

    parents: dict[str, list[str]] = defaultdict(list)
    for a, b in related["broader"]:
        parents[a].append(b)
    chains: list[list[str]] = []

    def climb(node: str, below: list[str]) -> None:
        if len(chains) >= 20:
            return
        ups = [p for p in sorted(parents.get(node, [])) if p not in below and p != iri]
        if not ups:
            if below:
                chains.append(list(reversed(below)))
            return
        for up in ups:
            climb(up, [*below, up])

    climb(iri, [])
    children: dict[str, list[str]] = defaultdict(list)
    for a, b in related["narrower"]:
        children[a].append(b)

    def tree(node: str, path: tuple[str, ...]) -> list[dict]:
        kids = [k for k in children.get(node, []) if k not in path]
        return [
            {"value": link(k), "children": tree(k, (*path, k))}
            for k in sorted(kids, key=lambda k: str(link(k).get("label", k)).lower())
        ]

    groups: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for cluster, predicate, concept in related["clusters"]:
        groups[predicate][cluster].add(concept)
    concept_clusters = []
    for predicate in sorted(groups, key=lambda p: (p != str(kc.sector), p)):
        heading = {
            str(kc.sector): N_("Clusters in this sector or a narrower one"),
            str(kc.memberType): N_("Clusters with members of this type or a narrower one"),
        }.get(predicate)
        label = (
            escape(_(heading))
            if heading
            else Markup(_("Clusters linked to it (%(property)s)"))
            % {"property": predicate_name(predicate, desc, lang)}
        )
        rows = []
        for cluster, concepts in groups[predicate].items():
            via = [link(c) for c in sorted(concepts) if c != iri]
            rows.append({"cluster": link(cluster), "via": via, "direct": iri in concepts})
        rows.sort(key=lambda r: str(r["cluster"].get("label", "")).lower())
        concept_clusters.append({"heading": label, "clusters": rows, "key": _slug(predicate)})
    return {
        "broader": [[link(x) for x in chain] for chain in chains],
        "narrower": tree(iri, (iri,)),
        "concept_clusters": concept_clusters,
    }


def is_cluster(desc: Description) -> bool:
    """Whether `desc` is a cluster initiative's (its page has the cluster template)."""
    kc = desc.the_site.kc
    return (URIRef(desc.iri), RDF.type, kc.ClusterInitiative) in set(desc.triples)


def resource_page(
    desc: Description, lang: str, store: GraphStore | None = None
) -> tuple[str, dict]:
    """The template and context of the page of `desc` in `lang` (serve's and the static site's):
    a cluster's template for a cluster initiative, else the resource template; the view for
    people (`p`), the statements (`r`), the schema.org JSON-LD (`jsonld`) and, for a cluster
    whose members the source counts by type, the picture of its composition (`composition`,
    asked of `store`; see facets.composition_of). Call `gather` on `desc` first."""
    people = profile_view(desc, lang)
    # The statements' table ("As data") holds what the facts for people do not show.
    view = resource_view(desc, lang, shown=people["shown"])
    # A hash node with statements left keeps its section, and its id: no fact takes it too.
    kept = {node["anchor"] for node in view["nodes"]}
    for row in people["facts"]:
        for value in row["values"]:
            if value.get("anchor") in kept:
                value["anchor"] = None
    cluster = is_cluster(desc)
    context = {
        "title": view["title"],
        "r": view,
        "p": people,
        "jsonld": script_json(schema_org(desc)),
        "composition": (
            composition_of(store, desc.the_site, desc.iri, lang) if cluster and store else None
        ),
    }
    return ("cluster.html" if cluster else "resource.html"), context

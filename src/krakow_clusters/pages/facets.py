"""The index to explore: the clusters filtered by facets, as Datasette filters a table.

Five facets, each a query-string parameter whose values are the slugs of the dataset's IRIs:

- `sector` (`/id/sector/{slug}`): a cluster counts under the sectors it is tagged with and under
  every broader one (`kc:sector/skos:broader*`): "construction industry" holds the clusters of
  green building and of building automation;
- `member-type` (`/id/member-type/{slug}`): the kinds of member a cluster names, with the broader
  ones (a cluster of micro and large enterprises counts under "enterprises"), and the kinds its
  counted breakdown names (`kc:memberTypeCount/kc:countedMemberType`);
- `helix` (`/id/helix/{slug}`): the helix of those member types (`kc:helix`, the curators'
  quadruple-helix classification);
- `status` (`/id/status/{slug}`): the status a cluster holds (`kc:status/kc:statusType`);
- `region` (`/id/place/{slug}`): the regions a cluster draws members from, as named
  (`kc:memberRegion`; a place is not widened to the places that contain it).

`/?sector=clean-energy&status=national-key-cluster` keeps the clusters that have every value
asked for (a repeated parameter asks for both values); each value shows how many of the clusters
left have it, and links to the same page with it added or removed. `sort=members` orders by the
stated member count, largest first (the number as stated: "more than 70" sorts at 70; a cluster
with no stated total goes last); `sort=name` (the default) by name.

A value the dataset does not have, or a parameter that is none of these, is refused with one line
(`FilterError`, a 400 on `serve`): a misspelt sector must not look like a sector without clusters.

Everything is asked of the store in SPARQL (`GraphStore.query`): the filters are triple patterns
of the query, the counts its GROUP BY, so the same code runs on the embedded store and on a remote
endpoint. The static site has no query strings: it has a page per facet value,
`facet/{facet}/{slug}.html`, the same page as `serve`'s `/facet/{facet}/{slug}` (which is
`/?{facet}={slug}`), and its facet links lead from one such page to another.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from rdflib import Literal, URIRef

from ..rdf.labels import pick_label, pick_literal
from ..rdf.results import GraphStore
from ..rdf.sparqltext import Fragment, fill
from .describe import SLUG, Site, definition_of, other_language
from .i18n import N_, translator
from .pictures import HELIX_ORDER, composition_svg, helix_mix_svg, member_counts_svg, network_svg

# An IRI that can be written as <…> in a query (what the store gave back may be anything).
_IRI = re.compile(r'[^\x00-\x20<>"{}|\\^`]+')


class FilterError(ValueError):
    """A filter of the query string names no facet or no value of the dataset (one line); for a
    value its facet lacks, `choices`: the facet's (href, names) for a page with a way on."""

    def __init__(self, message: str, choices: Iterable[tuple[str, list]] = ()) -> None:
        super().__init__(message)
        self.choices = list(choices)


@dataclass(frozen=True)
class Facet:
    name: str  # the query-string parameter
    title: str  # an English msgid
    kind: str  # the IRIs of its values: the project's id base + kind + "/" + slug
    pattern: str  # ?c has value ?v


FACETS: tuple[Facet, ...] = (
    Facet("sector", N_("Sector"), "sector", "?c kc:sector/skos:broader* ?v ."),
    Facet(
        "helix",
        N_("Helix"),
        "helix",
        "{ ?c kc:memberType/kc:helix ?v } UNION"
        " { ?c kc:memberTypeCount/kc:countedMemberType/kc:helix ?v }",
    ),
    Facet(
        "member-type",
        N_("Member type"),
        "member-type",
        "{ ?c kc:memberType/skos:broader* ?v } UNION"
        " { ?c kc:memberTypeCount/kc:countedMemberType/skos:broader* ?v }",
    ),
    Facet("status", N_("Status"), "status", "?c kc:status/kc:statusType ?v ."),
    Facet("region", N_("Region"), "place", "?c kc:memberRegion ?v ."),
)
BY_NAME = {f.name: f for f in FACETS}
SORTS = ("name", "members")
DEFAULT_SORT = "name"

# The standard prefixes of the queries below; the project's own (kc:) is added when a query is
# asked (_query), from its settings.
PREFIXES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
"""


def _facet_union() -> str:
    return "\n  UNION ".join(f'{{ {f.pattern} BIND("{f.name}" AS ?facet) }}' for f in FACETS)


# Every value of every facet that some cluster has, with its labels: the values a filter may name.
VALUES = fill(
    PREFIXES
    + """SELECT DISTINCT ?facet ?v ?label WHERE {
  ?c a kc:ClusterInitiative .
  $UNION
  OPTIONAL { ?v skos:prefLabel|rdfs:label ?label }
}""",
    UNION=Fragment(_facet_union()),  # the package's own patterns (FACETS), made once
)

# How many of the clusters that pass the filters (MATCHING's answer, given as VALUES) have each
# value. Not the filters' patterns joined here: Virtuoso 7 drops such a join of a transitive path
# with a constant (`?c kc:sector/skos:broader* <…>`) and the union's paths, and counts every
# cluster.
COUNTS = fill(
    PREFIXES
    + """SELECT ?facet ?v (COUNT(DISTINCT ?c) AS ?n) WHERE {
  VALUES ?c { $CLUSTERS }
  $UNION
} GROUP BY ?facet ?v""",
    UNION=Fragment(_facet_union()),
)

# The clusters that pass the filters, with their names. `$ONLY`, here and in the next two
# queries: nothing, or VALUES naming the one cluster asked about (cluster_facts' `only`).
MATCHING = (
    PREFIXES
    + """SELECT ?c ?name WHERE {
  $ONLY
  ?c a kc:ClusterInitiative .
  $FILTERS
  OPTIONAL { ?c rdfs:label ?name }
}"""
)

# What the index and the pictures show of every cluster: its member counts (a total, or the
# counts of a breakdown by member type), with the qualifier's labels.
MEMBER_COUNTS = (
    PREFIXES
    + """SELECT ?c ?part ?node ?value ?qualifier ?qlabel ?stated ?min ?max ?mtype ?mlabel WHERE {
  $ONLY
  ?c a kc:ClusterInitiative .
  { ?c kc:memberCount ?node BIND("total" AS ?part) }
  UNION { ?c kc:memberTypeCount ?node BIND("breakdown" AS ?part) }
  OPTIONAL { ?node schema:value|kc:statedNumber ?value }
  OPTIONAL { ?node kc:qualifier ?qualifier OPTIONAL { ?qualifier skos:prefLabel ?qlabel } }
  OPTIONAL { ?node kc:statedAs ?stated }
  OPTIONAL { ?node schema:minValue ?min }
  OPTIONAL { ?node schema:maxValue ?max }
  OPTIONAL { ?node kc:countedMemberType ?mtype OPTIONAL { ?mtype skos:prefLabel ?mlabel } }
}"""
)

# The cluster's own (direct) sectors and member types, and the organisations with a role in it,
# with their labels: the rows of the table and the network picture.
LINKS = (
    PREFIXES
    + """SELECT ?c ?what ?x ?label ?role ?rlabel WHERE {
  $ONLY
  ?c a kc:ClusterInitiative .
  { ?c kc:sector ?x BIND("sector" AS ?what) }
  UNION { ?c kc:memberType ?x BIND("member-type" AS ?what) }
  UNION { ?r kc:roleIn ?c ; kc:heldBy ?x ; kc:roleType ?role BIND("role" AS ?what)
          OPTIONAL { ?role skos:prefLabel ?rlabel } }
  OPTIONAL { ?x skos:prefLabel|rdfs:label ?label }
}"""
)

HELICES = PREFIXES + """SELECT ?mt ?helix WHERE { ?mt kc:helix ?helix }"""


def _labels(found: dict[str, list[Literal]], key: str, lang: str) -> dict:
    """{"text": …, "lang": the language of the text when it is not the page's}."""
    # The picked literal's own language: a name written alike in two languages (a Polish company's
    # "Sp. z o.o." name in en and pl) must not take the other's tag by its text.
    literal = pick_literal(found.get(key), lang)
    text = key.rsplit("/", 1)[-1] if literal is None else str(literal)
    return {"text": text, "lang": other_language(literal, lang)}


@dataclass
class Selection:
    """The filters asked for, as (facet name, slug) pairs in a canonical order, and the sort."""

    filters: tuple[tuple[str, str], ...] = ()
    sort: str = DEFAULT_SORT

    def query_string(self) -> str:
        pairs = list(self.filters)
        if self.sort != DEFAULT_SORT:
            pairs.append(("sort", self.sort))
        return urlencode(pairs)

    def with_filter(self, name: str, slug: str) -> Selection:
        wanted = set(self.filters) ^ {(name, slug)}
        return Selection(_ordered(wanted), self.sort)


def _ordered(filters: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    order = [f.name for f in FACETS]
    return tuple(sorted(set(filters), key=lambda f: (order.index(f[0]), f[1])))


def value_iri(site: Site, name: str, slug: str) -> str:
    return f"{site.settings.id_base}{BY_NAME[name].kind}/{slug}"


def _query(store: GraphStore, site: Site, text: str):
    """The answer of one of the queries above, with the project's ontology prefix."""
    return store.query(site.namespaces.prologue("kc") + text)


def _shown(text: str) -> str:
    """A visitor's text in a one-line message: quoted, escaped, at most 60 characters."""
    return repr(text if len(text) <= 60 else text[:57] + "...")


def parse_selection(params: Iterable[tuple[str, str]]) -> Selection:
    """The selection of a query string's (name, value) pairs, checked for form (FilterError):
    known facet names, slugs as values, one known sort. Whether a value exists is checked
    against the data by `explore`."""
    filters = []
    sort = DEFAULT_SORT
    for name, value in params:
        if name == "sort":
            if value not in SORTS:
                raise FilterError(
                    f"unknown sort {_shown(value)}; sort is one of: {', '.join(SORTS)}"
                )
            sort = value
        elif name in BY_NAME:
            if not SLUG.fullmatch(value):
                raise FilterError(f"{name}={_shown(value)} is not a value of the dataset")
            filters.append((name, value))
        else:
            names = ", ".join([f.name for f in FACETS] + ["sort"])
            raise FilterError(f"unknown parameter {_shown(name)}; the filters are: {names}")
    return Selection(_ordered(filters), sort)


def _filter_patterns(selection: Selection, site: Site) -> str:
    patterns = []
    for name, slug in selection.filters:
        # The slug matched SLUG, so the IRI is safe as an N3 term.
        iri = URIRef(value_iri(site, name, slug)).n3()
        patterns.append("{ " + BY_NAME[name].pattern.replace("?v", iri) + " }")
    return "\n  ".join(patterns)


def _number(term) -> int | None:
    try:
        return int(term.toPython()) if term is not None else None
    except (TypeError, ValueError):
        return None


def cluster_facts(store: GraphStore, site: Site, only: str | None = None) -> dict[str, dict]:
    """Everything the index shows of each cluster, by IRI (in both languages: labels are lists
    of literals): names, member counts, direct sectors and member types, roles, helices.
    `only`: the IRI of one cluster, the only one asked about."""
    if only is not None and not _IRI.fullmatch(only):
        return {}
    restrict = Fragment(fill("VALUES ?c { $C }", C=URIRef(only)) if only is not None else "")

    def ask(template: str):
        more = {"FILTERS": Fragment("")} if "$FILTERS" in template else {}  # MATCHING's: none
        return _query(store, site, fill(template, ONLY=restrict, **more)).rows

    clusters: dict[str, dict] = defaultdict(
        lambda: {
            "names": [],
            "totals": {},
            "breakdown": {},
            "sectors": {},
            "member_types": {},
            "roles": {},
        }
    )
    for c, name in ask(MATCHING):
        entry = clusters[str(c)]
        if isinstance(name, Literal) and name not in entry["names"]:
            entry["names"].append(name)
    for row in ask(MEMBER_COUNTS):
        c, part, node, value, qualifier, qlabel, stated, low, high, mtype, mlabel = row
        if str(c) not in clusters:
            continue
        key = str(node)
        entry = clusters[str(c)]
        table = "totals" if part is not None and str(part) == "total" else "breakdown"
        count = entry[table].setdefault(
            key, {"iri": key, "qlabels": [], "types": set(), "type_labels": defaultdict(list)}
        )
        count["value"] = _number(value)
        count["qualifier"] = str(qualifier).rsplit("/", 1)[-1] if qualifier is not None else None
        if isinstance(qlabel, Literal) and qlabel not in count["qlabels"]:
            count["qlabels"].append(qlabel)
        count["stated"] = str(stated) if stated is not None else None
        count["min"], count["max"] = _number(low), _number(high)
        if mtype is not None:
            count["types"].add(str(mtype))
            found = count["type_labels"][str(mtype)]
            if isinstance(mlabel, Literal) and mlabel not in found:
                found.append(mlabel)
    helix_of = {str(mt): str(h) for mt, h in _query(store, site, HELICES).rows}
    for c, what, x, label, role, rlabel in ask(LINKS):
        if str(c) not in clusters:
            continue
        entry = clusters[str(c)]
        table = {"sector": "sectors", "member-type": "member_types", "role": "roles"}[str(what)]
        item = entry[table].setdefault(str(x), {"labels": [], "roles": {}})
        if isinstance(label, Literal) and label not in item["labels"]:
            item["labels"].append(label)
        if role is not None:
            labels = item["roles"].setdefault(str(role), [])
            if isinstance(rlabel, Literal) and rlabel not in labels:
                labels.append(rlabel)
    for entry in clusters.values():
        # Two stated totals would be two sources' claims: the index shows one (the first by
        # IRI, so every build shows the same); the cluster's page shows both.
        totals = entry.pop("totals")
        entry["total"] = totals[min(totals)] if totals else None
        types = set(entry["member_types"])
        for count in entry["breakdown"].values():
            types |= count["types"]
        entry["helices"] = sorted({helix_of[t] for t in types if t in helix_of})
    return dict(clusters)


def count_view(count: dict | None, lang: str) -> dict | None:
    """A member count as the page shows it: the number with its qualifier in the page's language
    ("more than 70", "ponad 70"), the source's wording (English), the bound it implies."""
    if count is None:
        return None
    value = count.get("value")
    qualifier = count.get("qualifier")
    qlabel = pick_label(count.get("qlabels"), lang)
    if value is None:
        short = count.get("stated") or ""
    elif qualifier in ("more-than", "almost", "about") and qlabel:
        short = f"{qlabel} {value}"
    else:
        short = str(value)
    return {
        "iri": count.get("iri"),
        "value": value,
        "qualifier": qualifier,
        "short": short,
        "stated": count.get("stated"),
        "min": count.get("min"),
        "max": count.get("max"),
    }


def cluster_view(iri: str, facts: dict, lang: str, type_labels: dict, site: Site) -> dict:
    """One cluster of the index, in `lang`: its name (the other language's beside it), its size
    as stated, the parts of a breakdown, its sectors."""
    names = facts["names"]
    name = _labels({iri: names}, iri, lang)
    other = next(
        (str(n) for n in names if other_language(n, lang) and str(n) != name["text"]),
        None,
    )
    other_lang = next((n.language for n in names if str(n) == other), None)
    breakdown = []
    for key in sorted(facts["breakdown"]):
        count = facts["breakdown"][key]
        part = count_view(count, lang) or {}
        types = sorted(count["types"])
        part["type"] = types[0] if types else None
        # The labels the count's query gave, else those the caller has (the facets' values).
        found = count.get("type_labels") or type_labels
        part["type_label"] = _labels(found, types[0], lang) if types else {"text": "", "lang": None}
        breakdown.append(part)
    # The largest part first, as the source lists it; ties by wording.
    breakdown.sort(key=lambda p: (-(p.get("value") or 0), p.get("stated") or ""))
    sectors = [
        {"slug": s.rsplit("/", 1)[-1], "label": _labels({s: v["labels"]}, s, lang)}
        for s, v in facts["sectors"].items()
    ]
    sectors.sort(key=lambda s: s["label"]["text"].casefold())
    return {
        "iri": iri,
        "href": site.local_href(iri),
        "slug": iri.rsplit("/", 1)[-1],
        "name": name,
        "other_name": {"text": other, "lang": other_lang} if other else None,
        "total": count_view(facts["total"], lang),
        "breakdown": breakdown,
        "sectors": sectors,
        "helices": facts["helices"],
        "member_types": sorted(facts["member_types"]),
        "roles": [
            {
                "iri": o,
                "href": site.local_href(o),
                "label": _labels({o: v["labels"]}, o, lang),
                "roles": sorted(
                    (
                        {
                            "kind": r.rsplit("/", 1)[-1],
                            "label": pick_label(labels, lang) or r.rsplit("/", 1)[-1],
                        }
                        for r, labels in v["roles"].items()
                    ),
                    key=lambda held: held["kind"],
                ),
            }
            for o, v in sorted(facts["roles"].items())
        ],
    }


def _sort_key(sort: str):
    def by_name(c: dict) -> tuple:
        return (c["name"]["text"].casefold(), c["iri"])

    def by_members(c: dict) -> tuple:
        value = c["total"]["value"] if c["total"] and c["total"]["value"] is not None else None
        return (value is None, -(value or 0), *by_name(c))

    return by_members if sort == "members" else by_name


def explore(
    store: GraphStore,
    site: Site,
    params: Iterable[tuple[str, str]],
    lang: str,
    static: bool = False,
    facts: dict[str, dict] | None = None,
) -> dict:
    """The view of the index for the query string's `params` in `lang`: the facets with their
    values (label, count among the clusters that pass, whether selected, the link that adds or
    removes it), the clusters that pass, sorted. FilterError for a filter the dataset cannot
    answer. `static`: the links are the static site's facet pages (one filter per page). `facts`:
    `cluster_facts(store)`, when the caller has it already (the static site, for every page)."""
    _ = translator(lang).gettext
    selection = parse_selection(params)
    labels: dict[str, list[Literal]] = defaultdict(list)
    known: dict[str, set[str]] = defaultdict(set)
    for facet, v, label in _query(store, site, VALUES).rows:
        if facet is None or v is None:
            continue
        known[str(facet)].add(str(v))
        if isinstance(label, Literal) and label not in labels[str(v)]:
            labels[str(v)].append(label)
    for name, slug in selection.filters:
        if value_iri(site, name, slug) not in known[name]:
            slugs = sorted(i.rsplit("/", 1)[-1] for i in known[name])
            listed = ", ".join(slugs[:20]) + (", …" if len(slugs) > 20 else "")
            raise FilterError(
                f"{name}={_shown(slug)} is not a value of the dataset; one of: {listed}",
                [(f"/facet/{name}/{i.rsplit('/', 1)[-1]}", labels[i]) for i in known[name]],
            )
    filters = _filter_patterns(selection, site)
    matching = {
        str(c)
        for c, _name in _query(
            store, site, fill(MATCHING, FILTERS=Fragment(filters), ONLY=Fragment(""))
        ).rows
        if isinstance(c, URIRef) and _IRI.fullmatch(str(c))  # safe to write back into a query
    }
    # The count beside a value is that of the page its link leads to: among the clusters left on
    # serve (the link adds a filter), among all clusters in the static site (one filter a page).
    counted = matching
    if static and selection.filters:
        every = _query(store, site, fill(MATCHING, FILTERS=Fragment(""), ONLY=Fragment(""))).rows
        counted = {str(c) for c, _name in every if isinstance(c, URIRef) and _IRI.fullmatch(str(c))}
    counts: dict[tuple[str, str], int] = {}
    if counted:
        clusters = [URIRef(c) for c in sorted(counted)]
        for facet, v, n in _query(store, site, fill(COUNTS, CLUSTERS=clusters)).rows:
            if facet is not None and v is not None:
                counts[(str(facet), str(v))] = _number(n) or 0

    facts = facts if facts is not None else cluster_facts(store, site)
    type_labels = {**labels}
    for entry in facts.values():
        for t, v in entry["member_types"].items():
            type_labels.setdefault(t, v["labels"])
    clusters = [
        cluster_view(iri, facts[iri], lang, type_labels, site) for iri in matching if iri in facts
    ]
    clusters.sort(key=_sort_key(selection.sort))
    for cluster in clusters:
        for sector in cluster["sectors"]:
            slug = sector["slug"]
            sector["href"] = f"/facet/sector/{slug}" if static else f"/?sector={slug}"

    selected = set(selection.filters)
    facets = []
    for facet in FACETS:
        values = []
        for iri in known[facet.name]:
            slug = iri.rsplit("/", 1)[-1]
            if value_iri(site, facet.name, slug) != iri:
                continue  # not an IRI of the dataset's own: no slug names it
            is_selected = (facet.name, slug) in selected
            n = counts.get((facet.name, iri), 0)
            if not n and not is_selected:
                continue  # no cluster left has it: a link to an empty page helps no one
            if static:
                href = "/" if is_selected else f"/facet/{facet.name}/{slug}"
            else:
                query = selection.with_filter(facet.name, slug).query_string()
                href = "/?" + query if query else "/"
            values.append(
                {
                    "slug": slug,
                    "iri": iri,
                    "label": _labels(labels, iri, lang),
                    "count": n,
                    "selected": is_selected,
                    "href": href,
                }
            )
        values.sort(key=lambda v: (-v["count"], v["label"]["text"].casefold(), v["slug"]))
        facets.append({"name": facet.name, "title": _(facet.title), "values": values})

    chosen = [
        {
            "facet": _(BY_NAME[name].title),
            "label": _labels(labels, value_iri(site, name, slug), lang),
            "href": (
                "/"
                if static
                else ("/?" + q if (q := selection.with_filter(name, slug).query_string()) else "/")
            ),
        }
        for name, slug in selection.filters
    ]
    sorts = []
    if not static:
        for sort, title in (("name", N_("name")), ("members", N_("stated member count"))):
            query = Selection(selection.filters, sort).query_string()
            sorts.append(
                {
                    "title": _(title),
                    "href": "/?" + query if query else "/",
                    "selected": sort == selection.sort,
                }
            )
    return {
        "facets": facets,
        "clusters": clusters,
        "chosen": chosen,
        "sorts": sorts,
        "sort": selection.sort,
        "total": len(facts),
        "labels": labels,
        "facts": facts,
    }


def facet_pages(store: GraphStore, site: Site) -> list[tuple[str, str]]:
    """Every (facet, slug) the static site writes a page for: each value some cluster has."""
    found = set()
    for facet, v, _label in _query(store, site, VALUES).rows:
        if facet is not None and v is not None and str(facet) in BY_NAME:
            slug = str(v).rsplit("/", 1)[-1]
            if SLUG.fullmatch(slug) and value_iri(site, str(facet), slug) == str(v):
                found.add((str(facet), slug))
    return sorted(found)


# The most clusters the pictures are drawn for: beyond it (a large graph), a network or a chart of
# hundreds of rows says nothing a reader can see, and costs a page of megabytes; the page asks
# for filters instead.
PICTURE_LIMIT = 40


def index_page(
    store: GraphStore,
    site: Site,
    params: Iterable[tuple[str, str]],
    lang: str,
    static: bool = False,
    facts: dict[str, dict] | None = None,
) -> dict:
    """The context of the home page (template home.html): `explore`'s view, what a cluster
    initiative is (the ontology's definition) and the pictures of the clusters it keeps
    (pages/pictures.py), each with the facts of its table alternative."""
    view = explore(store, site, params, lang, static, facts)
    view["definition"] = definition_of(store, str(site.kc.ClusterInitiative), lang)
    clusters = view["clusters"]
    view["picture_limit"] = PICTURE_LIMIT
    if len(clusters) > PICTURE_LIMIT:
        view["pictures"] = None
        del view["labels"], view["facts"]
        return view
    helices = [
        {"iri": iri, "label": _labels(view["labels"], iri, lang)}
        for iri in {i for c in clusters for i in c["helices"]}
    ]
    order = {slug: n for n, slug in enumerate(HELIX_ORDER)}
    helices.sort(key=lambda h: (order.get(h["iri"].rsplit("/", 1)[-1], 99), h["iri"]))
    for cluster in clusters:
        cluster["helix_cells"] = [h["iri"] in cluster["helices"] for h in helices]
    compositions = []
    for cluster in clusters:
        picture = composition_svg(cluster, lang, pid=f"composition-{cluster['slug']}")
        if picture is not None:
            compositions.append({"cluster": cluster, "svg": picture})
    view["pictures"] = {
        "members": member_counts_svg(clusters, lang) if clusters else None,
        "compositions": compositions,
        "helices": helix_mix_svg(clusters, helices, lang) if clusters and helices else None,
        "helix_columns": helices,
        "network": network_svg(clusters, lang) if clusters else None,
    }
    del view["labels"], view["facts"]
    return view


def composition_of(
    store: GraphStore, site: Site, iri: str, lang: str, pid: str = "composition"
) -> dict | None:
    """The composition picture of ONE cluster (`iri`), for its own page: `{"cluster": its view
    (see cluster_view; `breakdown` holds the facts of the table alternative), "svg": the picture}`,
    the shape the `composition` macro of templates/pictures.html renders; None when the source
    gives no breakdown by member type (or nothing about `iri`)."""
    facts = cluster_facts(store, site, only=iri)
    if iri not in facts:
        return None
    view = cluster_view(iri, facts[iri], lang, {}, site)
    picture = composition_svg(view, lang, pid=pid)
    return None if picture is None else {"cluster": view, "svg": picture}

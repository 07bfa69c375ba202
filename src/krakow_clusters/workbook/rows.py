"""The way back: the statements of data/ that the sheets manage, as rows, and exactly which
statements each file gave (`Taken`). Import replaces those statements of each file with the
rows' and keeps every other statement, so an unchanged workbook gives the same files.

A row is a dict of column -> text (None when empty). Whatever a row cannot say (a node whose IRI
does not follow the sheets' rules, a name in a language the project does not have) is not taken
and stays in its file as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from .sheets import LIST_SEPARATOR, Sheet
from .vocab import GRAPHS_FILE, SLUG, Context, DataFile

Row = dict[str, str | None]


class Taken:
    """The rows of each sheet and the statements of each file they were read from."""

    def __init__(self) -> None:
        self.rows: dict[str, list[Row]] = defaultdict(list)
        self.triples: dict[str, set[tuple]] = defaultdict(set)

    def add(self, sheet: str, row: Row, file: str, triples: Iterable[tuple]) -> None:
        self.rows[sheet].append(row)
        self.triples[file].update(triples)


def _joined(values: Iterable[object]) -> str | None:
    texts = sorted(str(v) for v in values)
    return f" {LIST_SEPARATOR} ".join(texts) if texts else None


def _origin_cell(ctx: Context, origin: tuple[str, str]) -> str:
    return ctx.terms.shown(origin[1]) if origin[0] == "source" else origin[1]


def _described(
    ctx: Context, graph: Graph, subject: URIRef, file: DataFile, types: tuple, row: Row
) -> set[tuple]:
    """The statements of a cluster's or an organisation's row (its names, places, legal form,
    founding, note, and for a source its types and source) filled into `row`."""
    t, taken = ctx.terms, set()
    for lang in ctx.languages:
        for column, prop in ((f"name_{lang}", RDFS.label), (f"alt_names_{lang}", SKOS.altLabel)):
            values = [
                o for o in graph.objects(subject, prop) if getattr(o, "language", None) == lang
            ]
            if column in row:
                row[column] = _joined(values)
                taken |= {(subject, prop, o) for o in values}
    for column, prop in (
        ("location", t.schema("location")),
        ("member_regions", t.kc("memberRegion")),
        ("main_member_regions", t.kc("mainMemberRegion")),
        ("within", t.schema("containedInPlace")),
    ):
        if column in row:
            places = [o for o in graph.objects(subject, prop) if t.slug("place", o)]
            row[column] = _joined(t.slug("place", o) for o in places)
            taken |= {(subject, prop, o) for o in places}
    forms = [o for o in graph.objects(subject, t.kc("legalForm")) if t.slug("lf", o)]
    if "legal_form" in row and len(forms) == 1:
        row["legal_form"] = t.slug("lf", forms[0])
        taken.add((subject, t.kc("legalForm"), forms[0]))
    years = [o for o in graph.objects(subject, t.schema("foundingDate")) if o.datatype == XSD.gYear]
    if "founded" in row and len(years) == 1:
        row["founded"] = str(years[0])
        taken.add((subject, t.schema("foundingDate"), years[0]))
    default = ctx.languages[0]
    notes = [o for o in graph.objects(subject, SKOS.editorialNote) if o.language == default]
    if len(notes) == 1:
        row["note"] = str(notes[0])
        taken.add((subject, SKOS.editorialNote, notes[0]))
    if file.origin[0] == "source" and taken:
        source = URIRef(file.origin[1])
        if (subject, DCTERMS.source, source) in graph:
            taken.add((subject, DCTERMS.source, source))
        if any(row.get(f"name_{lang}") for lang in ctx.languages):
            taken |= {(subject, RDF.type, k) for k in types if (subject, RDF.type, k) in graph}
    return taken


def _agents(ctx: Context, file: DataFile, taken: Taken, sheet: str, prefix: str, types) -> None:
    graph, t = file.graph, ctx.terms
    key = {"clusters": "cluster", "organisations": "organisation", "places": "place"}[sheet]
    columns = [c.name for c in _sheet(ctx, sheet).columns]
    for subject in sorted({s for s in graph.subjects() if t.slug(prefix, s)}):
        if not any(ctx.is_a(subject, k) for k in types[:1]):
            continue
        row: Row = dict.fromkeys(columns)
        row[key], row["origin"] = t.slug(prefix, subject), _origin_cell(ctx, file.origin)
        triples = _described(ctx, graph, subject, file, types, row)
        if triples:
            taken.add(sheet, row, file.name, triples)


def _sheet(ctx: Context, name: str) -> Sheet:
    return next(s for s in ctx.sheets if s.name == name)


def role_node(ctx: Context, cluster: str, role: str, organisation: str) -> URIRef:
    """A role's node: `cluster#coordinator`, `cluster#host-institution`, or
    `cluster#partner-organisation` for a role a cluster may give to several."""
    fragment = role if role in ("coordinator", "host-institution") else f"{role}-{organisation}"
    return URIRef(f"{ctx.terms.of('cluster', cluster)}#{fragment}")


def count_node(ctx: Context, cluster: str, count: str, part: str | None) -> URIRef:
    """A count's node: `cluster#members`, `cluster#partners`, `cluster#members-part`."""
    return URIRef(f"{ctx.terms.of('cluster', cluster)}#{count}{'-' + part if part else ''}")


def _one(graph: Graph, subject, prop):
    values = list(graph.objects(subject, prop))
    return values[0] if len(values) == 1 else None


def _roles(ctx: Context, file: DataFile, taken: Taken) -> None:
    graph, t = file.graph, ctx.terms
    source = URIRef(file.origin[1])
    for node in sorted(graph.subjects(RDF.type, t.kc("ClusterRole"))):
        c, o, r = (_one(graph, node, t.kc(p)) for p in ("roleIn", "heldBy", "roleType"))
        cluster, org, role = t.slug("cluster", c), t.slug("orgn", o), t.slug("role", r)
        if not (cluster and org and role) or node != role_node(ctx, cluster, role, org):
            continue
        triples = {(node, RDF.type, t.kc("ClusterRole"))}
        triples |= {
            (node, t.kc("roleIn"), c),
            (node, t.kc("heldBy"), o),
            (node, t.kc("roleType"), r),
        }
        triples |= {(node, DCTERMS.source, source)} & set(
            graph.triples((node, DCTERMS.source, None))
        )
        row = {"cluster": cluster, "role": role, "organisation": org}
        taken.add("roles", row | {"origin": _origin_cell(ctx, file.origin)}, file.name, triples)


COUNT_NUMBERS = ("value", "statedNumber", "minValue", "maxValue")


def _counts(ctx: Context, file: DataFile, taken: Taken) -> None:
    graph, t = file.graph, ctx.terms
    links = {"members": t.kc("memberCount"), "partners": t.kc("partnerCount")}
    for kind in ("MemberCount", "PartnerCount"):
        for node in sorted(graph.subjects(RDF.type, t.kc(kind))):
            cluster_iri, _, fragment = str(node).partition("#")
            cluster = t.slug("cluster", URIRef(cluster_iri))
            count, _, part = fragment.partition("-")
            wording = _one(graph, node, t.kc("statedAs"))
            if not cluster or count not in links or wording is None:
                continue
            if (part and count == "partners") or node != count_node(ctx, cluster, count, part):
                continue
            link = t.kc("memberTypeCount") if part else links[count]
            triples = {(node, RDF.type, t.kc(kind)), (URIRef(cluster_iri), link, node)}
            triples &= set(graph)
            triples |= set(graph.triples((node, DCTERMS.source, URIRef(file.origin[1]))))
            triples |= {(node, t.kc("statedAs"), wording)}
            triples |= set(graph.triples((node, t.kc("qualifier"), None)))
            for prop in COUNT_NUMBERS:
                ns = t.schema(prop) if prop != "statedNumber" else t.kc(prop)
                triples |= set(graph.triples((node, ns, None)))
            row = {
                "cluster": cluster,
                "count": count,
                "part": part or None,
                "wording": str(wording),
                "language": wording.language,
                "origin": _origin_cell(ctx, file.origin),
            }
            taken.add("counts", row, file.name, triples)


def _statuses(ctx: Context, file: DataFile, taken: Taken) -> None:
    graph, t = file.graph, ctx.terms
    for node in sorted(graph.subjects(RDF.type, t.kc("StatusAssignment"))):
        cluster_iri, _, fragment = str(node).partition("#")
        cluster, status = (
            t.slug("cluster", URIRef(cluster_iri)),
            _one(graph, node, t.kc("statusType")),
        )
        if not cluster or t.slug("status", status) != fragment:
            continue
        triples = {(node, RDF.type, t.kc("StatusAssignment")), (node, t.kc("statusType"), status)}
        triples |= set(graph.triples((URIRef(cluster_iri), t.kc("status"), node)))
        triples |= set(graph.triples((node, DCTERMS.source, URIRef(file.origin[1]))))
        dates = [d for d in graph.objects(node, t.schema("startDate")) if d.datatype == XSD.date]
        since = None
        if len(dates) == 1:
            since = str(dates[0])
            triples.add((node, t.schema("startDate"), dates[0]))
        row = {"cluster": cluster, "status": fragment, "since": since}
        taken.add("statuses", row | {"origin": _origin_cell(ctx, file.origin)}, file.name, triples)


def _classifications(ctx: Context, file: DataFile, taken: Taken) -> None:
    graph, t = file.graph, ctx.terms
    for subject in sorted(set(graph.subjects())):
        cluster_iri, hash_, fragment = str(subject).partition("#")
        cluster = t.slug("cluster", URIRef(cluster_iri))
        if not cluster:
            continue
        props = (
            (("member_types", t.kc("countedMemberType"), "mt"),)
            if hash_
            else (("sectors", t.kc("sector"), "sector"), ("member_types", t.kc("memberType"), "mt"))
        )
        row: Row = {"resource": cluster + hash_ + fragment, "sectors": None, "member_types": None}
        triples = set()
        for column, prop, prefix in props:
            values = [o for o in graph.objects(subject, prop) if t.slug(prefix, o)]
            row[column] = _joined(t.slug(prefix, o) for o in values)
            triples |= {(subject, prop, o) for o in values}
        if triples:
            taken.add("classifications", row | {"origin": file.origin[1]}, file.name, triples)


TEXT_FIELDS = (
    ("name", RDFS.label),
    ("alt_name", SKOS.altLabel),
    ("description", DCTERMS.description),
)


def _texts(ctx: Context, file: DataFile, taken: Taken) -> None:
    for field, prop in TEXT_FIELDS:
        for s, _p, o in sorted(file.graph.triples((None, prop, None))):
            if isinstance(s, URIRef) and isinstance(o, Literal) and o.language in ctx.languages:
                row = {"resource": ctx.terms.shown(s), "field": field, "language": o.language}
                row |= {"text": str(o), "origin": file.origin[1]}
                taken.add("texts", row, file.name, {(s, prop, o)})


def _sources(ctx: Context, file: DataFile, taken: Taken) -> None:
    graph, t = file.graph, ctx.terms
    base = ctx.settings.graph_base
    for g in sorted(graph.subjects(RDF.type, t.kc("SourceGraph"))):
        source, name = _one(graph, g, DCTERMS.source), str(g)[len(base) :]
        language = _one(graph, source, DCTERMS.language) if source is not None else None
        if not str(g).startswith(base) or not SLUG.fullmatch(name) or language is None:
            continue
        titles = [o for o in graph.objects(source, DCTERMS.title) if o.language == str(language)]
        if len(titles) != 1:
            continue
        triples = {(g, RDF.type, t.kc("SourceGraph")), (g, DCTERMS.source, source)}
        triples |= set(graph.triples((g, PROV.wasDerivedFrom, source)))
        triples |= {(source, DCTERMS.language, language), (source, DCTERMS.title, titles[0])}
        triples |= set(graph.triples((source, RDF.type, DCTERMS.BibliographicResource)))
        triples |= set(graph.triples((source, RDFS.label, titles[0])))
        row = {"source": t.shown(source), "graph": name, "title": str(titles[0])}
        for lang in ctx.languages:
            names = [o for o in graph.objects(g, RDFS.label) if o.language == lang]
            row[f"graph_name_{lang}"] = str(names[0]) if len(names) == 1 else None
            triples |= {(g, RDFS.label, o) for o in names[:1] if len(names) == 1}
        taken.add("sources", row | {"language": str(language)}, file.name, triples)


def read_rows(ctx: Context, files: list[DataFile]) -> Taken:
    """The rows of every sheet that the data files state, and the statements they took."""
    taken = Taken()
    t = ctx.terms
    for file in files:
        if file.name == GRAPHS_FILE:
            _sources(ctx, file, taken)
        if file.origin is None:
            continue
        kind, what = file.origin
        if kind == "source" or what == "interpretation":
            _agents(ctx, file, taken, "clusters", "cluster", t.cluster_types())
            _agents(ctx, file, taken, "organisations", "orgn", t.organisation_types())
            _agents(ctx, file, taken, "places", "place", t.place_types())
        if kind == "source":
            _roles(ctx, file, taken)
            _counts(ctx, file, taken)
            _statuses(ctx, file, taken)
        elif what == "classification":
            _classifications(ctx, file, taken)
        elif what in ("translation", "summary"):
            _texts(ctx, file, taken)
    return taken

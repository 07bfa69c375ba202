"""Rows as statements: each row of the workbook checked (every problem one line naming the sheet,
row and column) and turned into the statements it says, in the origin file of its origin.

The statements mirror what `rows.read_rows` takes from the data, so that an unchanged workbook
gives back exactly the statements it was read from.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from .counts import UnknownLanguage, read_count
from .reader import Row
from .rows import TEXT_FIELDS, count_node, role_node
from .sheets import LIST_SEPARATOR, WORK_KINDS, Sheet
from .vocab import SLUG, Context

_NAMES = {"clusters": "cluster", "organisations": "organisation", "places": "place"}


class Statements:
    """The statements of the rows, by origin file, with the cell each came from."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.files: dict[str, set[tuple]] = defaultdict(set)
        self.where: dict[str, str] = {}  # "subject predicate" or "subject" -> sheet!C7
        self.problems: list[str] = []
        self.sources: dict[str, tuple[str, str]] = {}  # source IRI -> (file name, language)
        self.known: dict[str, set[str]] = {"cluster": set(), "organisation": set(), "place": set()}

    def add(self, file: str, triple: tuple, row: Row, column: str | None) -> None:
        self.files[file].add(triple)
        self.where.setdefault(f"{triple[0]} {triple[1]}", row.where(column))
        self.where.setdefault(str(triple[0]), row.where())

    def problem(self, row: Row, column: str | None, message: str) -> None:
        self.problems.append(f"{row.where(column)}: {message}")

    # --- cells --------------------------------------------------------------------------------

    def slug(self, row: Row, column: str, what: str) -> str | None:
        value = row.get(column)
        if value is not None and not SLUG.fullmatch(value):
            self.problem(
                row, column, f'"{value}" is not a {what} slug (a-z, 0-9, words joined by -)'
            )
            return None
        return value

    def concept(self, row: Row, column: str, prefix: str, what: str, value: str) -> URIRef | None:
        iri = self.ctx.terms.of(prefix, value) if SLUG.fullmatch(value) else None
        if iri is None or str(iri) not in self.ctx.concepts:
            self.problem(row, column, f'"{value}" is not a known {what} (ontology/schemes/)')
            return None
        return iri

    def values(self, row: Row, column: str) -> list[str]:
        text = row.get(column)
        return [v.strip() for v in text.split(LIST_SEPARATOR) if v.strip()] if text else []

    def place(self, row: Row, column: str, value: str) -> URIRef | None:
        if value not in self.known["place"]:
            self.problem(row, column, f'"{value}" is no place of the places sheet')
            return None
        return self.ctx.terms.of("place", value)

    def origin(self, row: Row, sheet: str, allowed: tuple[str, ...]) -> tuple[str, URIRef | None]:
        """(the origin file, the source or None) of a row; ("", None) after a problem."""
        text = row.get("origin")
        kinds = [k for k in allowed if k != "source"]
        wanted = ("a source of the sources sheet" if "source" in allowed else "") + (
            (" or " if "source" in allowed and kinds else "") + " or ".join(kinds)
        )
        if text is None:
            self.problem(row, "origin", f"no origin: name {wanted}")
            return "", None
        if text in WORK_KINDS:
            if text not in allowed:
                self.problem(
                    row, "origin", f'"{text}" cannot be the origin of {sheet}: name {wanted}'
                )
                return "", None
            return self.ctx.work_files.get(text, text), None
        iri = self.ctx.iri(text)
        if iri is None or str(iri) not in self.sources:
            self.problem(row, "origin", f'"{text}" is not a source of the sources sheet')
            return "", None
        if "source" not in allowed:
            self.problem(
                row, "origin", f"a row of {sheet} comes from the curators' work: name {wanted}"
            )
            return "", None
        return self.sources[str(iri)][0], iri

    def reference(self, row: Row, column: str, kind: str) -> str | None:
        slug = self.slug(row, column, kind)
        if slug is not None and slug not in self.known[kind]:
            sheet = {"cluster": "clusters", "organisation": "organisations"}.get(kind, "places")
            self.problem(row, column, f'"{slug}" is no {kind} of the {sheet} sheet')
            return None
        return slug

    def complete(self, sheet: Sheet, row: Row) -> bool:
        """Whether a row has every cell its sheet requires (a refused cell was said already;
        a missing origin is said by `origin`)."""
        if row.bad:
            return False
        missing = [c.name for c in sheet.columns if c.required and row.get(c.name) is None]
        for name in missing:
            if name != "origin":
                self.problem(row, name, f"empty: {sheet.name} needs a {name} in every row")
        return not [name for name in missing if name != "origin"]

    def check_duplicates(self, sheet: str, key: tuple[str, ...], rows: Iterable[Row]) -> None:
        seen: dict[tuple, Row] = {}
        for row in rows:
            value = tuple(row.get(c) for c in key)
            if value in seen:
                shown = ", ".join(f"{c} {v}" for c, v in zip(key, value, strict=True) if v)
                self.problem(row, key[0], f"duplicate row ({shown}): as row {seen[value].number}")
            seen.setdefault(value, row)

    # --- sheets -------------------------------------------------------------------------------

    def sources_sheet(self, rows: list[Row]) -> None:
        t = self.ctx.terms
        base = self.ctx.settings.graph_base
        for row in rows:
            iri = self.ctx.iri(row.get("source") or "")
            name = self.slug(row, "graph", "file")
            language = row.get("language")
            if iri is None:
                self.problem(row, "source", f'"{row.get("source")}" is not an IRI')
                continue
            if language is not None and not SLUG.fullmatch(language.lower()):
                self.problem(row, "language", f'"{language}" is not a language tag')
                continue
            if name in self.ctx.work_files.values() or name == "graphs":
                self.problem(row, "graph", f'"{name}" is the file of the curators\' work')
                continue
            if not (name and language and row.get("title")):
                continue
            self.sources[str(iri)] = (name, language)
            g, title = URIRef(base + name), Literal(row.get("title"), lang=language)
            for triple, column in (
                ((g, RDF.type, t.kc("SourceGraph")), "graph"),
                ((g, DCTERMS.source, iri), "source"),
                ((g, PROV.wasDerivedFrom, iri), "source"),
                ((iri, RDF.type, DCTERMS.BibliographicResource), "source"),
                ((iri, DCTERMS.language, Literal(language)), "language"),
                ((iri, DCTERMS.title, title), "title"),
                ((iri, RDFS.label, title), "title"),
            ):
                self.add("graphs", triple, row, column)
            for lang in self.ctx.languages:
                label = row.get(f"graph_name_{lang}")
                if label:
                    triple = (g, RDFS.label, Literal(label, lang=lang))
                    self.add("graphs", triple, row, f"graph_name_{lang}")

    def agents_sheet(self, sheet: str, rows: list[Row]) -> None:
        ctx, t = self.ctx, self.ctx.terms
        key = _NAMES[sheet]
        prefix, types = {
            "clusters": ("cluster", t.cluster_types()),
            "organisations": ("orgn", t.organisation_types()),
            "places": ("place", t.place_types()),
        }[sheet]
        for row in rows:
            slug = self.slug(row, key, key)
            file, source = self.origin(row, sheet, ("source", "interpretation"))
            if not slug or not file:
                continue
            subject = t.of(prefix, slug)
            named = False
            for lang in ctx.languages:
                for column, prop in (
                    (f"name_{lang}", RDFS.label),
                    (f"alt_names_{lang}", SKOS.altLabel),
                ):
                    values = [row.get(column)] if prop == RDFS.label else self.values(row, column)
                    for value in filter(None, values):
                        self.add(file, (subject, prop, Literal(value, lang=lang)), row, column)
                        named = named or prop == RDFS.label
            for column, prop in (
                ("location", t.schema("location")),
                ("member_regions", t.kc("memberRegion")),
                ("main_member_regions", t.kc("mainMemberRegion")),
                ("within", t.schema("containedInPlace")),
            ):
                for value in self.values(row, column):
                    place = self.place(row, column, value)
                    if place is not None:
                        self.add(file, (subject, prop, place), row, column)
            if row.get("legal_form"):
                form = self.concept(row, "legal_form", "lf", "legal form", row.get("legal_form"))
                if form is not None:
                    self.add(file, (subject, t.kc("legalForm"), form), row, "legal_form")
            founded = row.get("founded")
            if founded and not (founded.isdigit() and len(founded) == 4):
                self.problem(row, "founded", f'"{founded}" is not a year (such as 2006)')
            elif founded:
                year = Literal(founded, datatype=XSD.gYear)
                self.add(file, (subject, t.schema("foundingDate"), year), row, "founded")
            if row.get("note"):
                note = Literal(row.get("note"), lang=ctx.languages[0])
                self.add(file, (subject, SKOS.editorialNote, note), row, "note")
            if source is not None:
                self.add(file, (subject, DCTERMS.source, source), row, "origin")
                if named:
                    for kind in types:
                        self.add(file, (subject, RDF.type, kind), row, key)

    def roles_sheet(self, rows: list[Row]) -> None:
        t = self.ctx.terms
        for row in rows:
            cluster = self.reference(row, "cluster", "cluster")
            org = self.reference(row, "organisation", "organisation")
            role = self.slug(row, "role", "role")
            role_iri = role and self.concept(row, "role", "role", "role", role)
            file, source = self.origin(row, "roles", ("source",))
            if not (cluster and org and role_iri and file):
                continue
            if role == "member":
                self.problem(row, "role", "membership is no role of this sheet")
                continue
            node = role_node(self.ctx, cluster, role, org)
            for triple, column in (
                ((node, RDF.type, t.kc("ClusterRole")), "role"),
                ((node, t.kc("roleIn"), t.of("cluster", cluster)), "cluster"),
                ((node, t.kc("heldBy"), t.of("orgn", org)), "organisation"),
                ((node, t.kc("roleType"), role_iri), "role"),
                ((node, DCTERMS.source, source), "origin"),
            ):
                self.add(file, triple, row, column)

    def counts_sheet(self, rows: list[Row]) -> None:
        t = self.ctx.terms
        for row in rows:
            cluster = self.reference(row, "cluster", "cluster")
            count, part = row.get("count"), self.slug(row, "part", "part")
            file, source = self.origin(row, "counts", ("source",))
            if count not in ("members", "partners"):
                self.problem(row, "count", f'"{count}" is not members or partners')
                continue
            if count == "partners" and part:
                self.problem(row, "part", "a breakdown by member type counts members, not partners")
                continue
            if not (cluster and file and source is not None):
                continue
            language = row.get("language") or self.sources[str(source)][1]
            try:
                stated = read_count(row.get("wording"), language, self.ctx.languages)
            except UnknownLanguage as exc:
                self.problem(
                    row, "wording" if row.get("language") is None else "language", str(exc)
                )
                continue
            except ValueError as exc:  # the wording itself: no rule knows it
                self.problem(row, "wording", str(exc))
                continue
            node = count_node(self.ctx, cluster, count, part)
            kind = "PartnerCount" if count == "partners" else "MemberCount"
            link = (
                "memberTypeCount" if part else {"members": "memberCount"}.get(count, "partnerCount")
            )
            number = t.kc if stated.number_property == "statedNumber" else t.schema
            triples = [
                ((node, RDF.type, t.kc(kind)), "count"),
                ((t.of("cluster", cluster), t.kc(link), node), "cluster"),
                ((node, DCTERMS.source, source), "origin"),
                ((node, t.kc("statedAs"), Literal(row.get("wording"), lang=language)), "wording"),
                ((node, t.kc("qualifier"), t.of("cq", stated.qualifier)), "wording"),
                ((node, number(stated.number_property), Literal(stated.number)), "wording"),
            ]
            if stated.bound_property:
                bound = (node, t.schema(stated.bound_property), Literal(stated.bound))
                triples.append((bound, "wording"))
            for triple, column in triples:
                self.add(file, triple, row, column)

    def statuses_sheet(self, rows: list[Row]) -> None:
        t = self.ctx.terms
        for row in rows:
            cluster = self.reference(row, "cluster", "cluster")
            status = self.slug(row, "status", "status")
            status_iri = status and self.concept(row, "status", "status", "status", status)
            file, source = self.origin(row, "statuses", ("source",))
            since = row.get("since")
            if since is not None and not _is_day(since):
                self.problem(row, "since", f'"{since}" is not a day (YYYY-MM-DD)')
                continue
            if not (cluster and status_iri and file):
                continue
            node = URIRef(f"{t.of('cluster', cluster)}#{status}")
            triples = [
                ((node, RDF.type, t.kc("StatusAssignment")), "status"),
                ((node, t.kc("statusType"), status_iri), "status"),
                ((t.of("cluster", cluster), t.kc("status"), node), "cluster"),
                ((node, DCTERMS.source, source), "origin"),
            ]
            if since:
                day = Literal(since, datatype=XSD.date)
                triples.append(((node, t.schema("startDate"), day), "since"))
            for triple, column in triples:
                self.add(file, triple, row, column)

    def classifications_sheet(self, rows: list[Row], counts: set[str]) -> None:
        t = self.ctx.terms
        for row in rows:
            resource = row.get("resource") or ""
            cluster, hash_, fragment = resource.partition("#")
            file, _source = self.origin(row, "classifications", ("classification",))
            if cluster not in self.known["cluster"]:
                self.problem(row, "resource", f'"{cluster}" is no cluster of the clusters sheet')
                continue
            if hash_ and resource not in counts:
                self.problem(row, "resource", f'"{resource}" is no count of the counts sheet')
                continue
            if not file:
                continue
            subject = URIRef(t.of("cluster", cluster) + hash_ + fragment)
            columns = (("sectors", "sector", "sector", "sector"),)
            if hash_ and self.values(row, "sectors"):
                self.problem(row, "sectors", "a count is classified by member type only")
            member = "countedMemberType" if hash_ else "memberType"
            columns = () if hash_ else columns
            columns += (("member_types", member, "mt", "member type"),)
            for column, prop, prefix, what in columns:
                for value in self.values(row, column):
                    iri = self.concept(row, column, prefix, what, value)
                    if iri is not None:
                        self.add(file, (subject, t.kc(prop), iri), row, column)

    def texts_sheet(self, rows: list[Row], produced: set[str]) -> None:
        fields = dict(TEXT_FIELDS)
        for row in rows:
            file, _source = self.origin(row, "texts", ("translation", "summary"))
            subject = self.ctx.iri(row.get("resource") or "")
            field, language = row.get("field"), row.get("language")
            if subject is None or str(subject) not in produced | self.ctx.subjects:
                self.problem(row, "resource", f'"{row.get("resource")}" is no resource of the data')
                continue
            if field not in fields:
                self.problem(row, "field", f'"{field}" is not name, alt_name or description')
                continue
            if language not in self.ctx.languages:
                shown = ", ".join(self.ctx.languages)
                self.problem(
                    row, "language", f'"{language}" is not a language of the project ({shown})'
                )
                continue
            if file:
                text = Literal(row.get("text"), lang=language)
                self.add(file, (subject, fields[field], text), row, "text")


def _is_day(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def statements(ctx: Context, tables: dict[str, list[Row]]) -> Statements:
    """The statements of every sheet, by file, and the problems of the rows."""
    result = Statements(ctx)
    for kind, sheet in (
        ("place", "places"),
        ("cluster", "clusters"),
        ("organisation", "organisations"),
    ):
        slugs = {r.get(kind) for r in tables.get(sheet, [])}
        result.known[kind] = {s for s in slugs if s and SLUG.fullmatch(s)}
    complete: dict[str, list[Row]] = {}
    for sheet in ctx.sheets:
        result.check_duplicates(sheet.name, sheet.key, tables.get(sheet.name, []))
        complete[sheet.name] = [r for r in tables.get(sheet.name, []) if result.complete(sheet, r)]
    tables = complete
    result.sources_sheet(tables.get("sources", []))
    result.agents_sheet("places", tables.get("places", []))
    result.agents_sheet("clusters", tables.get("clusters", []))
    result.agents_sheet("organisations", tables.get("organisations", []))
    result.roles_sheet(tables.get("roles", []))
    result.counts_sheet(tables.get("counts", []))
    result.statuses_sheet(tables.get("statuses", []))
    counts = {
        f"{r.get('cluster')}#{r.get('count')}{'-' + r.get('part') if r.get('part') else ''}"
        for r in tables.get("counts", [])
    }
    result.classifications_sheet(tables.get("classifications", []), counts)
    produced = {str(s) for triples in result.files.values() for s, _p, _o in triples}
    result.texts_sheet(tables.get("texts", []), produced)
    return result

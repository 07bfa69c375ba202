"""The workbook's sheets and their columns, each with the note the README sheet (and
docs/workbook.md) shows. Columns with a language (`name_en`, `alt_names_pl` …) come from the
project's languages, so another region's workbook has its own.

A list cell holds several values separated by ` | `. An origin is a source (its IRI, or a
prefixed name such as `src:…`, a row of the sources sheet) or one of the curators' kinds of work
that the sheet allows.
"""

from __future__ import annotations

from dataclasses import dataclass

LIST_SEPARATOR = "|"
WORK_KINDS = ("translation", "summary", "classification", "interpretation")


@dataclass(frozen=True)
class Column:
    name: str
    note: str
    required: bool = False
    kind: str = "text"  # text, list, date (a date cell or YYYY-MM-DD), year


@dataclass(frozen=True)
class Sheet:
    name: str
    note: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the columns that tell rows apart (a duplicate is refused)
    origins: tuple[str, ...]  # "source" and/or kinds of the curators' work; () for sources

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _origin(allowed: tuple[str, ...]) -> Column:
    words = [f"`{kind}`" for kind in allowed if kind != "source"]
    if "source" in allowed:
        words.insert(0, "a source of the sources sheet (its IRI or prefixed name)")
    return Column("origin", "Where the row's statements come from: " + " or ".join(words), True)


def _names(languages: tuple[str, ...], what: str) -> tuple[Column, ...]:
    columns: list[Column] = []
    for lang in languages:
        columns.append(
            Column(f"name_{lang}", f"The {what}'s name in `{lang}`, as the origin gives it")
        )
        columns.append(
            Column(
                f"alt_names_{lang}", f"Other names in `{lang}` (` | ` between them)", kind="list"
            )
        )
    return tuple(columns)


ROLES = Sheet(
    "roles",
    "Who holds which role in a cluster, as a source states it",
    (
        Column("cluster", "The cluster's slug (a row of the clusters sheet)", True),
        Column("role", "`coordinator`, `partner` or `host-institution`", True),
        Column("organisation", "The organisation's slug (of the organisations sheet)", True),
        _origin(("source",)),
    ),
    ("cluster", "role", "organisation"),
    ("source",),
)

COUNTS = Sheet(
    "counts",
    "Member and partner counts in the source's own words; the wording gives the "
    "qualifier and the bound (docs/workbook.md has the table)",
    (
        Column("cluster", "The cluster's slug", True),
        Column("count", "`members` or `partners`", True),
        Column("part", "For a line of a breakdown by member type: its slug (`rd-units`)"),
        Column("wording", "The source's wording, quoted (`more than 70 entities`)", True),
        Column("language", "The wording's language; empty: the source's language"),
        _origin(("source",)),
    ),
    ("cluster", "count", "part"),
    ("source",),
)

STATUSES = Sheet(
    "statuses",
    "Statuses and recognitions of a cluster with the date they hold from",
    (
        Column("cluster", "The cluster's slug", True),
        Column("status", "A status's slug (`national-key-cluster`)", True),
        Column("since", "The day it holds from (a date cell, or YYYY-MM-DD)", kind="date"),
        _origin(("source",)),
    ),
    ("cluster", "status"),
    ("source",),
)

CLASSIFICATIONS = Sheet(
    "classifications",
    "The curators' mapping of a cluster to sectors and member types, and of a line of a "
    "breakdown (`cluster#members-part`) to the member type it counts",
    (
        Column("resource", "A cluster's slug, or `slug#members-part` for a count", True),
        Column("sectors", "Sector slugs of ontology/schemes/ (` | ` between them)", kind="list"),
        Column("member_types", "Member type slugs of ontology/schemes/", kind="list"),
        _origin(("classification",)),
    ),
    ("resource", "origin"),
    ("classification",),
)

TEXTS = Sheet(
    "texts",
    "The curators' texts: translations (names and descriptions in another language) and "
    "summaries (a description in their own words), of any resource",
    (
        Column("resource", "A prefixed name (`cluster:bim`, `place:krakow`) or an IRI", True),
        Column("field", "`name`, `alt_name` or `description`", True),
        Column("language", "The text's language (one of the project's)", True),
        Column("text", "The text", True),
        _origin(("translation", "summary")),
    ),
    ("resource", "field", "language", "text"),
    ("translation", "summary"),
)


def sheets(languages: tuple[str, ...]) -> tuple[Sheet, ...]:
    """The sheets of a project with these languages, in the workbook's order."""
    note = Column("note", f"An editorial note (in `{languages[0]}`): why, for an interpretation")
    place = "slugs of places of the places sheet (` | ` between them)"
    graph_names = tuple(
        Column(f"graph_name_{lang}", f"The name of its graph in `{lang}`: what it holds")
        for lang in languages
    )
    return (
        Sheet(
            "sources",
            "The documents the statements come from: one row per source, each stated in a file "
            "data/GRAPH.ttl of its own",
            (
                Column("source", "The source's IRI (its address), or a prefixed name", True),
                Column("graph", "The name of its file in data/ (and of its named graph)", True),
                Column("title", "The source's title, in its language", True),
                Column("language", "The language the source is written in (`en`)", True),
                *graph_names,
            ),
            ("source",),
            (),
        ),
        Sheet(
            "clusters",
            "The clusters: one row per cluster and origin (what a source states; what the "
            "curators read from a name)",
            (
                Column(
                    "cluster", "The cluster's slug: ASCII, lower case, words joined by `-`", True
                ),
                _origin(("source", "interpretation")),
                *_names(languages, "cluster"),
                Column("location", "Where the cluster operates: " + place, kind="list"),
                Column("member_regions", "Where its members come from: " + place, kind="list"),
                Column(
                    "main_member_regions",
                    "Where its members come from mainly (also give them in member_regions)",
                    kind="list",
                ),
                Column("legal_form", "A legal form's slug (`registered-association`)"),
                Column("founded", "The year it was founded (`2006`)", kind="year"),
                note,
            ),
            ("cluster", "origin"),
            ("source", "interpretation"),
        ),
        Sheet(
            "organisations",
            "Coordinators, partners, host institutions: one row per organisation and origin",
            (
                Column("organisation", "The organisation's slug", True),
                _origin(("source", "interpretation")),
                *_names(languages, "organisation"),
                Column("location", "Where it is: " + place, kind="list"),
                Column("legal_form", "A legal form's slug (`foundation`)"),
                note,
            ),
            ("organisation", "origin"),
            ("source", "interpretation"),
        ),
        Sheet(
            "places",
            "The places clusters and organisations are in or draw members from: one row per "
            "place and origin",
            (
                Column("place", "The place's slug (`malopolskie`)", True),
                _origin(("source", "interpretation")),
                *_names(languages, "place"),
                Column("within", "The places it lies in: " + place, kind="list"),
                note,
            ),
            ("place", "origin"),
            ("source", "interpretation"),
        ),
        ROLES,
        COUNTS,
        STATUSES,
        CLASSIFICATIONS,
        TEXTS,
    )

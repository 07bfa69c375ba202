"""An answer as a table for a page (a saved query's, the SPARQL page's) and the options of a
picker for a query's parameter."""

from collections.abc import Sequence
from decimal import Decimal

from babel.numbers import format_decimal
from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from ..rdf.labels import pick_label, pick_literal
from ..rdf.results import GraphStore, QueryResult
from ..sparql.library import LIST_SEPARATOR, Column
from .describe import LabelSource, Site, format_day, label_index, label_triples, other_language
from .i18n import N_, translator

# The suffix of a column that names the IRI in the column of the same name without it
# (?cluster_label beside ?cluster): see sparql/library.py.
NAME_SUFFIX = "_label"


def table_view(
    result: QueryResult,
    site: Site,
    lang: str | None = None,
    columns: Sequence[Column] = (),
    labels: LabelSource | None = None,
) -> dict:
    """The answer of a SELECT or ASK query as a table for people in `lang`: its columns (a
    heading from the query's `#+ column:` lines, translated, else the variable's name) and rows
    of cells. An IRI is a link named by its label in `lang` (from `labels`, the store's names of
    the answer's IRIs; else the answer's own ?X_label column, which then has no column of its
    own; else its prefixed name), the IRI itself in `iri`; a number or a day is written for
    `lang`; a list column's value is a list; a text in another language carries it in
    `text_lang`."""
    lang = lang or site.default_language
    _ = translator(lang).gettext
    if result.kind == "ask":
        answer = {"kind": "literal", "text": _("yes") if result.boolean else _("no")}
        return {"columns": [_(N_("Answer"))], "rows": [[answer | {"text_lang": None}]]}
    variables = list(result.variables)
    declared = {c.name: c for c in columns}
    named = {v: variables.index(v + NAME_SUFFIX) for v in variables if v + NAME_SUFFIX in variables}
    hidden = {variables.index(v + NAME_SUFFIX) for v in named}
    iris = {str(t) for row in result.rows for t in row if isinstance(t, URIRef)}
    names = label_index(labels(iris)) if labels is not None and iris else {}
    shown = [i for i in range(len(variables)) if i not in hidden]
    rows = []
    for row in result.rows:
        cells = []
        for i in shown:
            term, variable = row[i], variables[i]
            own_name = row[named[variable]] if variable in named else None
            column = declared.get(variable)
            cells.append(_cell(term, own_name, names, site, lang, column))
        rows.append(cells)
    headings = [_heading(variables[i], declared.get(variables[i]), lang) for i in shown]
    return {"columns": headings, "rows": rows}


def _heading(variable: str, column: Column | None, lang: str) -> str:
    if column is not None:
        return translator(lang).gettext(column.label)
    return variable  # a query of the visitor's own: its names are the ones it chose


def _cell(
    term: Node | None,
    own_name: Node | None,
    names: dict[str, list[Literal]],
    site: Site,
    lang: str,
    column: Column | None,
) -> dict:
    if term is None:
        return {"kind": "empty", "text_lang": None}
    if isinstance(term, URIRef):
        iri = str(term)
        literal = pick_literal(names.get(iri), lang)
        if literal is None and isinstance(own_name, Literal):
            literal = own_name
        label = str(literal) if literal is not None else site.curie(iri) or iri
        text_lang = other_language(literal, lang) if isinstance(literal, Literal) else None
        return site.iri_view(iri, label) | {"text_lang": text_lang}
    text_lang = other_language(term, lang) if isinstance(term, Literal) else None
    if column is not None and column.is_list:
        items = [item for item in str(term).split(LIST_SEPARATOR) if item]
        return {"kind": "list", "items": items, "text_lang": text_lang}
    return {"kind": "literal", "text": _written(term, lang), "text_lang": text_lang}


_NUMBERS = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long, XSD.short}
_NUMBERS |= {XSD.nonNegativeInteger, XSD.positiveInteger, XSD.negativeInteger}
_NUMBERS |= {XSD.nonPositiveInteger, XSD.unsignedInt, XSD.unsignedLong, XSD.byte}


def _written(term: Node, lang: str) -> str:
    """A literal as a person reads it in `lang`: a number with the language's separators, a day
    in words, true and false as yes and no; anything else as it is."""
    if not isinstance(term, Literal):
        return str(term)
    if term.datatype in _NUMBERS:
        value = term.toPython()
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return format_decimal(value, locale=lang.replace("-", "_"))
    if term.datatype == XSD.boolean and str(term) in ("true", "false", "1", "0"):
        _ = translator(lang).gettext
        return _("yes") if str(term) in ("true", "1") else _("no")
    return format_day(term, lang)


def store_labels(store: GraphStore) -> LabelSource:
    """The names of an answer's IRIs, asked of `store` (one query a table)."""
    return lambda iris: label_triples(store, iris)


def choices_view(result: QueryResult, current: str | None, lang: str, site: Site) -> list[dict]:
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
        written = site.curie(iri) or iri
        label = pick_label(found, lang) or written
        options.append({"value": written, "label": label, "selected": iri == current})
    options.sort(key=lambda o: (o["label"].casefold(), o["value"]))
    if current is not None and current not in labels:
        written = site.curie(current) or current
        options.insert(0, {"value": written, "label": written, "selected": True})
    return options

"""An answer as a table for a page (a saved query's, the SPARQL page's) and the options of a
picker for a query's parameter."""

from rdflib import Literal, URIRef

from ..rdf.labels import pick_label
from ..rdf.results import QueryResult
from .describe import Site


def table_view(result: QueryResult, site: Site) -> dict:
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
                cells.append(site.iri_view(iri, site.curie(iri) or iri))
            else:
                lang = getattr(term, "language", None)
                cells.append({"kind": "literal", "text": str(term), "lang": lang})
        rows.append(cells)
    return {"columns": result.variables, "rows": rows}


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

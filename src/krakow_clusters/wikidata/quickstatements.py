"""`link quickstatements`: QuickStatements v1 that create a Wikidata item for each cluster that
has no link, each statement citing the cluster's source and the retrieval date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rdflib import SDO, SKOS, XSD, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from ..errors import CouldNotRun
from ..project import Project
from ..rdf.namespaces import Namespaces
from .resources import country_qid, is_item, load_resources, qid, qid_of

QS_LINE = re.compile(
    r"^(CREATE"
    r"|(LAST|Q[1-9]\d*)\t[LDA][a-z]{2,3}(-[a-z]+)?\t\"[^\"\t\n]*\""
    r"|(LAST|Q[1-9]\d*)\tP[1-9]\d*\t(?P<value>Q[1-9]\d*|\"[^\"\t\n]*\"|[+-]?\d+(\.\d+)?"
    r"|[+-]\d{4,}-\d\d-\d\dT00:00:00Z/(9|10|11))"
    r"(\t[SQ][1-9]\d*\t(Q[1-9]\d*|\"[^\"\t\n]*\"|[+-]?\d+(\.\d+)?"
    r"|[+-]\d{4,}-\d\d-\d\dT00:00:00Z/(9|10|11)))*)$"
)


@dataclass
class QuickStatements:
    """The statement lines, notes on what was left out, and the clusters they are for."""

    lines: list[str]
    notes: list[str]
    clusters: list[URIRef]

    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)


def _qs_string(text: str) -> str:
    if any(c in text for c in '"\t\n\r'):
        raise CouldNotRun(f"cannot write {text!r} in QuickStatements v1 (quote, tab or newline)")
    return f'"{text}"'


def quickstatements(project: Project, retrieved: date) -> QuickStatements:
    """QuickStatements v1 that create an item for each cluster without a Wikidata link.

    Each statement cites the cluster's source (S854) and the retrieval date (S813).
    """
    graph, resources = load_resources(project)
    settings = project.settings
    kc = Namespace(Namespaces.of(settings).table["kc"])
    cq = Namespaces.of(settings).table["cq"]
    country = country_qid(graph)
    day = f"+{retrieved.isoformat()}T00:00:00Z/11"
    notes = [
        "P31 (instance of) is left out: there is no evidence-backed QID for 'business cluster' "
        "(data/links/identifiers-evidence.md); add it by hand once one is confirmed.",
        "P131 is the nearest containing place with a Wikidata link: a place of ours without an "
        "item is passed over for the one that contains it.",
        "P2124 (member count) only for exact counts, without P585 (point in time): the source "
        "gives no date for the count.",
    ]
    lines: list[str] = []
    done: list[URIRef] = []
    for resource in resources.values():
        if resource.kind != "cluster" or resource.links:
            continue
        done.append(resource.iri)
        sources = sorted(str(s) for s in graph.objects(resource.iri, DCTERMS.source))
        if not sources:
            notes.append(f"{resource.short}: no dcterms:source, no statement written")
            continue
        ref = f"S854\t{_qs_string(sources[0])}\tS813\t{day}"
        lines.append("CREATE")
        for lang in settings.languages:
            if lang in resource.pref:
                lines.append(f"LAST\tL{lang}\t{_qs_string(resource.pref[lang])}")
        for lang in settings.languages:
            if lang in settings.wikidata_description:
                description = settings.wikidata_description[lang]
                lines.append(f"LAST\tD{lang}\t{_qs_string(description)}")
        for alias in sorted(graph.objects(resource.iri, SKOS.altLabel)):
            if isinstance(alias, Literal) and alias.language in settings.languages:
                lines.append(f"LAST\tA{alias.language}\t{_qs_string(str(alias))}")
        if country is not None:
            lines.append(f"LAST\tP17\t{qid(country)}\t{ref}")
        admin = next(
            (q for p in resource.parents if (q := qid_of(graph, p)) is not None and q != country),
            None,
        )
        if admin is not None:
            lines.append(f"LAST\tP131\t{qid(admin)}\t{ref}")
        for sector in sorted(graph.objects(resource.iri, kc.sector)):
            for prop in (SKOS.exactMatch, SKOS.closeMatch):
                for target in sorted(graph.objects(sector, prop)):
                    if is_item(target):
                        lines.append(f"LAST\tP452\t{qid(target)}\t{ref}")
        for count in sorted(graph.objects(resource.iri, kc.memberCount)):
            qualifier = graph.value(count, kc.qualifier)
            value = graph.value(count, SDO.value)
            # A bare number (as stated) or an exact one: never "more than" or "almost".
            exact = (cq + "exactly", cq + "stated")
            if str(qualifier) in exact and value is not None:
                lines.append(f"LAST\tP2124\t{int(value)}\t{ref}")
        for founded in sorted(graph.objects(resource.iri, SDO.foundingDate)):
            if isinstance(founded, Literal) and founded.datatype == XSD.gYear:
                lines.append(f"LAST\tP571\t+{int(str(founded)):04d}-00-00T00:00:00Z/9\t{ref}")
    for line in lines:
        if not QS_LINE.match(line):
            raise CouldNotRun(f"internal error: not a QuickStatements v1 line: {line!r}")
    return QuickStatements(lines, notes, done)

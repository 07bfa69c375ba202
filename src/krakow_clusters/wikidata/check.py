"""`link check`: is every link in the data still right? Missing or redirected items, names that
match none of ours, implausible classes, the wrong country; and recording the links that proved
right as verified against the endpoint."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import rdflib
from rdflib import RDF, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS

from ..errors import CouldNotRun
from ..files import write_atomic
from ..project import ID_BASE, Project
from ..rdf.namespaces import curie
from .client import WikidataClient
from .entities import fetch_entities
from .matching import class_verdict, label_similarity, show_label
from .resources import (
    Resource,
    country_qid,
    links_file,
    load_resources,
    qid,
    with_xsd_prefix,
)


@dataclass
class LinkCheck:
    """One link of the data, and what the endpoint's answer says of it."""

    resource: Resource
    predicate: URIRef
    target: URIRef
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def wrong(self) -> bool:
        return bool(self.problems)


@dataclass
class CheckReport:
    """Every link checked against one endpoint; exit code 1 when any is wrong."""

    endpoint: str
    checks: list[LinkCheck]
    requests: int = 0
    cache_hits: int = 0

    @property
    def wrong(self) -> list[LinkCheck]:
        return [c for c in self.checks if c.wrong]

    @property
    def exit_code(self) -> int:
        return 1 if self.wrong else 0


def check_links(project: Project, client: WikidataClient) -> CheckReport:
    """Ask the endpoint about every link in the data and say which are wrong, and why."""
    graph, resources = load_resources(project)
    links = [(r, p, t) for r in resources.values() for p, t in r.links]
    entities = fetch_entities(client, [t for _, _, t in links])
    country = country_qid(graph)
    checks = []
    for resource, predicate, target in links:
        entity = entities[target]
        check = LinkCheck(resource, predicate, target)
        checks.append(check)
        if entity.redirect is not None:
            check.problems.append(f"redirected: {entity.qid} is now {qid(entity.redirect)}")
            continue
        if not entity.exists:
            check.problems.append(f"missing: {entity.qid} does not exist (deleted or never made)")
            continue
        score, ours, theirs = label_similarity(resource.labels, entity.labels)
        theirs_all = ", ".join(show_label(label) for label in entity.labels) or "none"
        if score >= 0.9:
            check.notes.append(f"label {theirs} matches ours ({ours})")
        elif predicate == SKOS.closeMatch:
            check.notes.append(f"close match: labels differ as expected ({theirs_all})")
        else:
            check.problems.append(f"label matches none of ours: Wikidata has {theirs_all}")
        plausible, classes = class_verdict(resource.kind, entity)
        if plausible is False:
            check.problems.append(f"class implausible for a {resource.kind}: {classes}")
        elif plausible is None:
            check.notes.append("no class (P31) to check")
        else:
            check.notes.append(f"class {classes}")
        if resource.kind == "place" and country is not None:
            if entity.countries and country not in entity.countries:
                shown = ", ".join(qid(c) for c in entity.countries)
                check.problems.append(f"country (P17) is {shown}, not {qid(country)}")
            elif entity.countries:
                check.notes.append(f"country (P17) {qid(country)}")
            if entity.located_in:
                check.notes.append(
                    "located in (P131) " + ", ".join(qid(p) for p in entity.located_in)
                )
    return CheckReport(client.endpoint, checks, client.requests_sent, client.cache_hits)


def record_verified(project: Project, report: CheckReport, today: date) -> list[URIRef]:
    """Mark the records of the links found correct as verified against the endpoint on a date.

    Only records taken from the evidence list (lm:evidence-list) change: their method becomes
    lm:verified-live, a second kc:evidence says what the endpoint confirmed, dcterms:date is the
    day, and the endpoint joins prov:wasDerivedFrom beside the evidence list. The file is edited
    in place, keeping its layout and comments, and written atomically after it parses.
    """
    path = links_file(project)
    text = path.read_text(encoding="utf-8")
    graph = rdflib.Graph().parse(data=text, format="turtle")
    evidence_list = URIRef(ID_BASE + "link-method/evidence-list")
    stamp = today.isoformat()
    changed: list[URIRef] = []
    for check in report.checks:
        if check.wrong:
            continue
        for record in sorted(graph.subjects(RDF.subject, check.resource.iri)):
            if (
                graph.value(record, RDF.predicate) != check.predicate
                or graph.value(record, RDF.object) != check.target
                or graph.value(record, DCTERMS.type) != evidence_list
                or not str(record).startswith(ID_BASE + "link/")
            ):
                continue
            local = re.escape(str(record)[len(ID_BASE + "link/") :])
            block = re.search(rf"(?ms)^link:{local}\n.*?\s\.\n", text)
            if block is None or "lm:evidence-list ;" not in block.group(0):
                continue
            confirmed = "; ".join(check.notes)
            new = block.group(0).replace("lm:evidence-list ;", "lm:verified-live ;")
            tail = re.search(r"\n(\s+)prov:wasDerivedFrom (<[^>]+>) \.\n$", new)
            if tail is None:
                continue
            indent = tail.group(1)
            evidence = Literal(f"verified against {report.endpoint} on {stamp}: {confirmed}")
            new = (
                new[: tail.start()]
                + f"\n{indent}kc:evidence {evidence.n3()} ;"
                + f'\n{indent}dcterms:date "{stamp}"^^xsd:date ;'
                + f"\n{indent}prov:wasDerivedFrom {tail.group(2)} , <{report.endpoint}> .\n"
            )
            if new == block.group(0) or "lm:verified-live" not in new:
                continue
            text = text.replace(block.group(0), new)
            changed.append(record)
    if not changed:
        return changed
    text = with_xsd_prefix(text)
    try:
        after = rdflib.Graph().parse(data=text, format="turtle")
    except Exception as exc:
        raise CouldNotRun(f"{path}: the updated records would not parse: {exc}") from None
    for check in report.checks:
        if (check.resource.iri, check.predicate, check.target) not in after:
            raise CouldNotRun(f"{path}: a link went missing while recording; nothing written")
    write_atomic(path, text)
    return changed


def render_check(report: CheckReport) -> str:
    """The report for people: wrong links first, each with its problems and notes."""
    lines = [
        f"Checked {len(report.checks)} links against {report.endpoint} "
        f"(requests sent: {report.requests}, answers from the cache: {report.cache_hits}).",
        "",
    ]
    ordered = sorted(report.checks, key=lambda c: (not c.wrong, c.resource.short, str(c.target)))
    for check in ordered:
        verdict = "WRONG" if check.wrong else "ok"
        lines.append(
            f"{verdict:<5} {check.resource.short} {curie(check.predicate)} "
            f"wd:{qid(check.target)}  ({check.resource.name})"
        )
        for problem in check.problems:
            lines.append(f"        problem: {problem}")
        for note in check.notes:
            lines.append(f"        {note}")
    lines.append("")
    wrong = len(report.wrong)
    lines.append(
        f"{wrong} of {len(report.checks)} links {'is' if wrong == 1 else 'are'} wrong."
        if wrong
        else f"All {len(report.checks)} links are correct."
    )
    return "\n".join(lines) + "\n"

"""`link propose`: candidates for the resources without a link, scored, written to a review file
(data/links/proposals.csv) that is never loaded as data; and moving the proposals a curator
accepted into data/links/wikidata.ttl, each with its link record."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import rdflib
from rdflib import Literal, URIRef

from ..errors import CouldNotRun
from ..files import write_atomic
from ..project import ID_BASE, Project
from ..rdf.namespaces import curie
from .client import WikidataClient, is_public_wikidata
from .entities import Entity, fetch_entities
from .matching import class_verdict, label_similarity
from .queries import contains_search_query, exact_label_query, mwapi_search_query
from .resources import (
    KINDS,
    LINK_PREDICATES,
    Resource,
    country_qid,
    is_item,
    item_iri,
    links_file,
    load_resources,
    qid,
    qid_of,
    with_xsd_prefix,
)

REVIEW_COLUMNS = (
    "accept", "resource", "kind", "our_label", "predicate", "candidate", "candidate_label",
    "candidate_description", "score", "verdict", "label_score", "class_score", "location_score",
    "evidence", "endpoint", "proposed",
)  # fmt: skip

REVIEW_HEADER = """\
# Proposed links to Wikidata, written by `krakow-clusters link propose`. NOT data: never loaded.
# Review each row: to accept one, put "yes" in the accept column and run
#   krakow-clusters link propose --accept-marked
# or accept by candidate without editing: krakow-clusters link propose --accept CANDIDATE_IRI
# You may change the predicate (owl:sameAs, skos:exactMatch, skos:closeMatch) before accepting.
# Accepted rows move to data/links/wikidata.ttl with a link record (lm:reviewed-proposal);
# every other row of the same resource leaves this file. A new `propose` run rewrites it.
"""


@dataclass
class Proposal:
    """A candidate item for one of our resources, with its scores and evidence: a review row."""

    resource: Resource
    predicate: str
    candidate: Entity
    score: float
    label_score: float
    class_score: float
    location_score: float | None
    verdict: str
    evidence: str
    endpoint: str
    proposed: str
    accept: str = ""

    def row(self) -> dict[str, str]:
        return {
            "accept": self.accept,
            "resource": str(self.resource.iri),
            "kind": self.resource.kind,
            "our_label": self.resource.name,
            "predicate": self.predicate,
            "candidate": str(self.candidate.iri),
            "candidate_label": self.candidate.label(),
            "candidate_description": self.candidate.description(),
            "score": f"{self.score:.2f}",
            "verdict": self.verdict,
            "label_score": f"{self.label_score:.2f}",
            "class_score": f"{self.class_score:.2f}",
            "location_score": "" if self.location_score is None else f"{self.location_score:.2f}",
            "evidence": self.evidence,
            "endpoint": self.endpoint,
            "proposed": self.proposed,
        }


def search_mode_for(endpoint: str, mode: str) -> str:
    """mwapi or contains: `auto` picks Wikidata's entity search on the public endpoint only."""
    if mode == "auto":
        return "mwapi" if is_public_wikidata(endpoint) else "contains"
    return mode


def propose_links(
    project: Project,
    client: WikidataClient,
    *,
    search: str = "auto",
    today: date | None = None,
    kinds: Sequence[str] = KINDS,
) -> list[Proposal]:
    """Search candidates for every resource without a link, fetch their facts and score them."""
    graph, resources = load_resources(project)
    country = country_qid(graph)
    mode = search_mode_for(client.endpoint, search)
    unlinked = [r for r in resources.values() if not r.links and r.kind in kinds]
    all_labels = sorted({lit for r in unlinked for lit in r.labels if lit.language in ("en", "pl")})
    found: dict[URIRef, set[URIRef]] = {r.iri: set() for r in unlinked}
    by_label: dict[Literal, list[Resource]] = {}
    for resource in unlinked:
        for label in resource.labels:
            by_label.setdefault(label, []).append(resource)
    for start in range(0, len(all_labels), 40):
        answer = client.query(exact_label_query(all_labels[start : start + 40]))
        for row in answer.dicts():
            for resource in by_label.get(row["label"], []):
                found[resource.iri].add(row["item"])
    for label in all_labels:
        query = (mwapi_search_query if mode == "mwapi" else contains_search_query)(
            str(label), label.language
        )
        for row in client.query(query).dicts():
            if row["item"] is not None and is_item(row["item"]):
                for resource in by_label[label]:
                    found[resource.iri].add(row["item"])
    entities = fetch_entities(client, {i for items in found.values() for i in items})
    targets = {e.redirect for e in entities.values() if e.redirect is not None}
    entities.update(fetch_entities(client, targets - set(entities)))
    stamp = (today or date.today()).isoformat()
    proposals = []
    for resource in unlinked:
        chosen: dict[URIRef, list[str]] = {}
        for item in sorted(found[resource.iri]):
            entity = entities[item]
            if entity.redirect is not None:
                chosen.setdefault(entity.redirect, []).append(
                    f"found as {entity.qid}, which redirects here"
                )
            elif entity.exists:
                chosen.setdefault(item, [])
        for item, extra in chosen.items():
            entity = entities.get(item)
            if entity is None or not entity.exists or entity.redirect is not None:
                continue
            proposals.append(
                score_candidate(resource, entity, country, graph, client.endpoint, stamp, extra)
            )
    proposals.sort(key=lambda p: (p.resource.short, -p.score, str(p.candidate.iri)))
    return proposals


def score_candidate(
    resource: Resource,
    entity: Entity,
    country: URIRef | None,
    graph: rdflib.Graph,
    endpoint: str,
    stamp: str,
    extra: Sequence[str] = (),
) -> Proposal:
    """Score = 0.5 label + 0.3 class + 0.2 location; sectors: label and class only, rescaled."""
    label_score, ours, theirs = label_similarity(resource.labels, entity.labels)
    plausible, classes = class_verdict(resource.kind, entity)
    class_score = {True: 1.0, None: 0.5, False: 0.0}[plausible]
    evidence = [f"label {theirs} ~ {ours} ({label_score:.2f})"]
    evidence.append(
        {
            True: f"class {classes} plausible for a {resource.kind}",
            None: "no class (P31)",
            False: f"class {classes} implausible for a {resource.kind}",
        }[plausible]
    )
    location: float | None = None
    if resource.kind != "sector":
        parent_qids = {q for p in resource.parents if (q := qid_of(graph, p)) is not None}
        if parent_qids & set(entity.located_in):
            location = 1.0
            evidence.append(
                "located in (P131) "
                + ", ".join(qid(q) for q in sorted(parent_qids & set(entity.located_in)))
            )
        elif country is not None and country in entity.countries:
            location = 1.0
            evidence.append(f"country (P17) {qid(country)}")
        elif entity.countries:
            location = 0.0
            evidence.append("country (P17) " + ", ".join(qid(c) for c in entity.countries))
        else:
            location = 0.5
            evidence.append("no country (P17)")
    if location is None:
        score = (0.5 * label_score + 0.3 * class_score) / 0.8
    else:
        score = 0.5 * label_score + 0.3 * class_score + 0.2 * location
    if plausible is False:
        verdict = "unlikely: implausible class"
    elif score >= 0.8:
        verdict = "likely"
    elif score >= 0.5:
        verdict = "possible"
    else:
        verdict = "unlikely"
    evidence += list(extra)
    predicate = "skos:exactMatch" if resource.kind == "sector" else "owl:sameAs"
    return Proposal(
        resource=resource,
        predicate=predicate,
        candidate=entity,
        score=round(score, 2),
        label_score=label_score,
        class_score=class_score,
        location_score=location,
        verdict=verdict,
        evidence="; ".join(evidence),
        endpoint=endpoint,
        proposed=stamp,
    )


def review_file(project: Project) -> Path:
    """Where proposals wait for review: data/links/proposals.csv (never loaded as data)."""
    return project.data_dir / "links" / "proposals.csv"


def render_review(proposals: Sequence[Proposal]) -> str:
    """The review file's text: its header of instructions, then one CSV row per proposal."""
    return _review_text(proposal.row() for proposal in proposals)


def _review_text(rows: Iterable[dict[str, str]]) -> str:
    out = io.StringIO()
    out.write(REVIEW_HEADER)
    writer = csv.DictWriter(out, fieldnames=REVIEW_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in REVIEW_COLUMNS})
    return out.getvalue()


def write_review(project: Project, proposals: Sequence[Proposal]) -> Path:
    """Replace the review file with these proposals; its path."""
    path = review_file(project)
    write_atomic(path, render_review(proposals))
    return path


def read_review(path: Path) -> list[dict[str, str]]:
    """The review file's rows; CouldNotRun when it is missing or lacks a column."""
    if not path.is_file():
        raise CouldNotRun(f"{path}: no review file; run `krakow-clusters link propose` first")
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    body = [line for line in lines if not line.startswith("#")]
    rows = list(csv.DictReader(body))
    if rows and set(REVIEW_COLUMNS) - set(rows[0]):
        missing = ", ".join(sorted(set(REVIEW_COLUMNS) - set(rows[0])))
        raise CouldNotRun(f"{path}: the review file lacks columns {missing}")
    return rows


_ACCEPTED = {"yes", "y", "x", "1", "true", "accept", "accepted"}
_PREDICATES_BY_NAME = {curie(p): p for p in LINK_PREDICATES}


@dataclass
class Accepted:
    """A link moved into the links file, with its record."""

    resource: URIRef
    predicate: URIRef
    target: URIRef
    record: URIRef


def accept_proposals(
    project: Project,
    candidates: Sequence[str] = (),
    marked: bool = False,
    today: date | None = None,
) -> list[Accepted]:
    """Move accepted proposals from the review file into data/links/wikidata.ttl.

    A proposal is accepted when its candidate IRI (or QID) is among `candidates`, or, with
    `marked`, when its accept column says yes. Each becomes a link triple plus an rdf:Statement
    link record (lm:reviewed-proposal, the evidence, dcterms:date, prov:wasDerivedFrom the
    endpoint). Both files are written atomically; the links file is checked to parse first.
    """
    path = review_file(project)
    rows = read_review(path)
    wanted = {item_iri(c) for c in candidates}
    chosen = [
        row
        for row in rows
        if row["candidate"] in wanted or (marked and row["accept"].strip().lower() in _ACCEPTED)
    ]
    unknown = wanted - {row["candidate"] for row in rows}
    if unknown:
        raise CouldNotRun(f"not in {path.name}: {', '.join(sorted(unknown))}")
    if not chosen:
        raise CouldNotRun(f"{path.name}: no proposal is accepted (accept column or --accept)")
    per_resource: dict[str, dict[str, str]] = {}
    for row in chosen:
        if row["resource"] in per_resource:
            raise CouldNotRun(f"two proposals accepted for {row['resource']}: accept one")
        per_resource[row["resource"]] = row
    _graph, resources = load_resources(project)
    target_file = links_file(project)
    text = target_file.read_text(encoding="utf-8")
    existing = rdflib.Graph().parse(data=text, format="turtle")
    stamp = (today or date.today()).isoformat()
    accepted: list[Accepted] = []
    blocks = []
    for resource_iri, row in sorted(per_resource.items()):
        resource = resources.get(URIRef(resource_iri))
        if resource is None:
            raise CouldNotRun(f"{resource_iri}: not a resource of the data")
        if resource.links:
            raise CouldNotRun(f"{resource.short} already has a link: {resource.links[0][1]}")
        predicate = _PREDICATES_BY_NAME.get(row["predicate"].strip())
        if predicate is None:
            raise CouldNotRun(
                f"{resource.short}: predicate {row['predicate']!r} is not one of "
                + ", ".join(_PREDICATES_BY_NAME)
            )
        target = URIRef(row["candidate"])
        if not is_item(target):
            raise CouldNotRun(f"{resource.short}: {target} is not a Wikidata item IRI")
        record = URIRef(f"{ID_BASE}link/{resource.kind}-{resource.slug}-wikidata")
        if (record, None, None) in existing:
            raise CouldNotRun(f"{record} already exists in {target_file.name}")
        evidence = (
            f"proposed by krakow-clusters link propose against {row['endpoint']} on "
            f"{row['proposed']} with score {row['score']} ({row['evidence']}); "
            f"accepted by a curator on {stamp}"
        )
        blocks.append(_record_text(resource, predicate, target, record, evidence, stamp, row))
        accepted.append(Accepted(resource.iri, predicate, target, record))
    new_text = with_xsd_prefix(text).rstrip("\n") + "\n" + "".join(blocks)
    try:
        check = rdflib.Graph().parse(data=new_text, format="turtle")
    except Exception as exc:
        raise CouldNotRun(f"{target_file}: the updated links would not parse: {exc}") from None
    for item in accepted:
        if (item.resource, item.predicate, item.target) not in check:
            raise CouldNotRun(f"{target_file}: the link for {item.resource} did not land")
    write_atomic(target_file, new_text)
    done = set(per_resource)
    remaining = [row for row in rows if row["resource"] not in done]
    write_atomic(path, _review_text(remaining))
    return accepted


def _record_text(
    resource: Resource,
    predicate: URIRef,
    target: URIRef,
    record: URIRef,
    evidence: str,
    stamp: str,
    row: dict[str, str],
) -> str:
    name = curie(predicate)
    item = qid(target)
    local = str(record).rsplit("/", 1)[-1]
    return f"""
<{resource.iri}> {name} wd:{item} .

link:{local}
    a rdf:Statement ;
    rdf:subject <{resource.iri}> ;
    rdf:predicate {name} ;
    rdf:object wd:{item} ;
    dcterms:type lm:reviewed-proposal ;
    kc:evidence {Literal(evidence).n3()} ;
    dcterms:date "{stamp}"^^xsd:date ;
    prov:wasDerivedFrom <{row["endpoint"]}> .
"""

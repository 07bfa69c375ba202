"""Links to Wikidata: check the reviewed links, propose new ones for review, write QuickStatements.

Links are data, reviewed like any other data. `check_links` asks the endpoint about every link in
data/ and says which are wrong; `propose_links` searches candidates for the resources without a
link and writes them, scored, to a review file (data/links/proposals.csv) that is never loaded as
data; `accept_proposals` moves the proposals a curator accepted into data/links/wikidata.ttl, each
with its link record; `quickstatements` writes QuickStatements v1 for the clusters Wikidata lacks.

Which classes are plausible for each kind of resource is decided from the English labels of the
item's classes (P31) and of their direct superclasses (P31/P279), with the keyword table
`EXPECTED_CLASSES` below. Labels rather than QIDs: the project has no evidence for the QIDs of
classes such as "city" or "company", and adds no QID from memory.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, XSD

from .errors import CouldNotRun
from .project import ID_BASE, Project
from .store.embedded import load_dataset
from .wikidata import WikidataClient, is_public_wikidata, sparql_string, write_atomic

WD = Namespace("http://www.wikidata.org/entity/")
SCHEMA = Namespace("https://schema.org/")
KC = Namespace("https://w3id.org/krakow-clusters/ontology#")
LINK_PREDICATES = (OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch)
KINDS = ("cluster", "organization", "place", "sector")
_QID = re.compile(r"^http://www\.wikidata\.org/entity/(Q[1-9][0-9]*)$")

# Plausible classes per kind of resource: keywords, matched as whole words in the English labels
# of the item's classes (P31) and their direct superclasses (P31/P279). An item with classes of
# which none matches is implausible (a place linked to a company: "business", "enterprise").
EXPECTED_CLASSES: dict[str, tuple[str, ...]] = {
    "place": (
        "city", "town", "village", "human settlement", "municipality", "gmina", "county",
        "powiat", "voivodeship", "province", "region", "country", "state", "metropolitan area",
        "metropolis", "administrative territorial entity", "administrative unit", "urban area",
        "capital", "territory",
    ),
    "organization": (
        "organization", "organisation", "university", "college", "school", "institute",
        "foundation", "association", "company", "business", "enterprise", "government",
        "local government", "municipality", "authority", "office", "public body", "academy",
        "agency", "society", "nonprofit", "institution", "cluster",
    ),
    "cluster": (
        "organization", "organisation", "association", "foundation", "cluster", "network",
        "consortium", "initiative", "partnership", "nonprofit", "collaboration",
    ),
    "sector": (
        "industry", "sector", "economic activity", "branch", "field", "discipline", "science",
        "technology", "technique", "engineering", "energy", "study", "profession", "occupation",
        "activity",
    ),
}  # fmt: skip


# --- the project's side ------------------------------------------------------------------------


@dataclass
class Resource:
    """A cluster, organisation, place or sector of ours, with its names and links."""

    iri: URIRef
    kind: str
    labels: list[Literal] = field(default_factory=list)
    pref: dict[str, str] = field(default_factory=dict)
    links: list[tuple[URIRef, URIRef]] = field(default_factory=list)
    parents: list[URIRef] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return str(self.iri).rsplit("/", 1)[-1]

    @property
    def name(self) -> str:
        return self.pref.get("en") or self.pref.get("pl") or self.slug

    @property
    def short(self) -> str:
        return f"{self.kind}:{self.slug}"


def kind_of(iri: URIRef) -> str | None:
    text = str(iri)
    if not text.startswith(ID_BASE) or "#" in text:
        return None
    kind = text[len(ID_BASE) :].split("/", 1)[0]
    return kind if kind in KINDS else None


def load_resources(project: Project) -> tuple[rdflib.Graph, dict[URIRef, Resource]]:
    graph = load_dataset(project.dataset_files()).to_rdflib()
    resources: dict[URIRef, Resource] = {}
    for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
        for subject, label in graph.subject_objects(prop):
            kind = kind_of(subject)
            if kind is None or not isinstance(label, Literal):
                continue
            resource = resources.setdefault(subject, Resource(subject, kind))
            if label not in resource.labels:
                resource.labels.append(label)
            if prop != SKOS.altLabel and label.language and label.language not in resource.pref:
                resource.pref[label.language] = str(label)
    for resource in resources.values():
        resource.labels.sort(key=lambda lit: (lit.language or "", str(lit)))
        for prop in LINK_PREDICATES:
            for target in sorted(graph.objects(resource.iri, prop)):
                if _QID.match(str(target)):
                    resource.links.append((prop, target))
        resource.parents = _containing_places(graph, resource.iri)
    return graph, dict(sorted(resources.items()))


def _containing_places(graph: rdflib.Graph, iri: URIRef) -> list[URIRef]:
    """Places that contain this resource or its location, nearest first."""
    start = list(graph.objects(iri, SCHEMA.containedInPlace)) + list(
        graph.objects(iri, SCHEMA.location)
    )
    seen: list[URIRef] = []
    frontier = sorted(start)
    while frontier:
        following = []
        for place in frontier:
            if place in seen:
                continue
            seen.append(place)
            following += sorted(graph.objects(place, SCHEMA.containedInPlace))
        frontier = following
    return seen


def qid_of(graph: rdflib.Graph, iri: URIRef) -> URIRef | None:
    for target in sorted(graph.objects(iri, OWL.sameAs)):
        if _QID.match(str(target)):
            return target
    return None


def country_qid(graph: rdflib.Graph) -> URIRef | None:
    """The QID linked to the one place typed schema:Country in the data (Poland)."""
    for country in sorted(graph.subjects(RDF.type, SCHEMA.Country)):
        found = qid_of(graph, country)
        if found is not None:
            return found
    return None


# --- Wikidata's side ---------------------------------------------------------------------------


@dataclass
class Entity:
    """What the endpoint says about one item."""

    iri: URIRef
    exists: bool = False
    redirect: URIRef | None = None
    labels: list[Literal] = field(default_factory=list)
    descriptions: list[Literal] = field(default_factory=list)
    classes: dict[URIRef, str] = field(default_factory=dict)
    superclasses: dict[URIRef, str] = field(default_factory=dict)
    countries: list[URIRef] = field(default_factory=list)
    located_in: list[URIRef] = field(default_factory=list)

    @property
    def qid(self) -> str:
        return str(self.iri).rsplit("/", 1)[-1]

    def label(self, lang: str = "en") -> str:
        for wanted in (lang, "en", "pl"):
            for label in self.labels:
                if label.language == wanted:
                    return str(label)
        return self.qid

    def description(self, lang: str = "en") -> str:
        for label in self.descriptions:
            if label.language == lang:
                return str(label)
        return ""


PREFIXES = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX schema: <http://schema.org/>
"""


def facts_query(items: Sequence[URIRef]) -> str:
    """One query for the labels, descriptions, classes, country and location of some items.

    Every Wikidata item has schema:version; a redirected item has only owl:sameAs to its target.
    """
    values = " ".join(f"wd:{str(i).rsplit('/', 1)[-1]}" for i in items)
    return (
        PREFIXES
        + f"""SELECT ?item ?prop ?value ?valueLabel WHERE {{
  VALUES ?item {{ {values} }}
  {{ ?item schema:version ?value . BIND("version" AS ?prop) }}
  UNION {{ ?item owl:sameAs ?value . BIND("redirect" AS ?prop) }}
  UNION {{ ?item rdfs:label ?value . FILTER(LANG(?value) IN ("en", "pl")) BIND("label" AS ?prop) }}
  UNION {{ ?item schema:description ?value . FILTER(LANG(?value) IN ("en", "pl"))
           BIND("description" AS ?prop) }}
  UNION {{ ?item wdt:P31 ?value . BIND("P31" AS ?prop)
           OPTIONAL {{ ?value rdfs:label ?valueLabel . FILTER(LANG(?valueLabel) = "en") }} }}
  UNION {{ ?item wdt:P31/wdt:P279 ?value . BIND("P279" AS ?prop)
           OPTIONAL {{ ?value rdfs:label ?valueLabel . FILTER(LANG(?valueLabel) = "en") }} }}
  UNION {{ ?item wdt:P17 ?value . BIND("P17" AS ?prop) }}
  UNION {{ ?item wdt:P131 ?value . BIND("P131" AS ?prop) }}
}}"""
    )


def fetch_entities(client: WikidataClient, items: Iterable[URIRef]) -> dict[URIRef, Entity]:
    wanted = sorted(set(items))
    entities = {iri: Entity(iri) for iri in wanted}
    for start in range(0, len(wanted), 50):
        for row in client.query(facts_query(wanted[start : start + 50])).dicts():
            entity = entities.get(row["item"])
            if entity is None:
                continue
            prop, value, value_label = str(row["prop"]), row["value"], row.get("valueLabel")
            entity.exists = True
            if prop == "redirect":
                entity.redirect = value
            elif prop == "label" and value not in entity.labels:
                entity.labels.append(value)
            elif prop == "description" and value not in entity.descriptions:
                entity.descriptions.append(value)
            elif prop == "P31":
                entity.classes[value] = str(value_label or entity.classes.get(value) or "")
            elif prop == "P279":
                entity.superclasses[value] = str(value_label or "")
            elif prop == "P17" and value not in entity.countries:
                entity.countries.append(value)
            elif prop == "P131" and value not in entity.located_in:
                entity.located_in.append(value)
    for entity in entities.values():
        entity.labels.sort(key=lambda lit: (lit.language or "", str(lit)))
        entity.descriptions.sort(key=lambda lit: (lit.language or "", str(lit)))
        entity.countries.sort()
        entity.located_in.sort()
    return entities


# --- comparing names and classes ---------------------------------------------------------------


def normalize(text: str) -> str:
    """Case, accents and punctuation folded: "Kraków" and "krakow" compare equal."""
    text = text.casefold().replace("ł", "l")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def label_similarity(ours: Iterable[Literal], theirs: Iterable[Literal]) -> tuple[float, str, str]:
    """The best similarity (0..1) between two sets of names, with the two names that gave it."""
    best = (0.0, "", "")
    for a in ours:
        for b in theirs:
            score = difflib.SequenceMatcher(None, normalize(a), normalize(b)).ratio()
            if score > best[0]:
                best = (score, _show(a), _show(b))
    return best


def _show(label: Literal) -> str:
    return f'"{label}"@{label.language}' if label.language else f'"{label}"'


def class_verdict(kind: str, entity: Entity) -> tuple[bool | None, str]:
    """(True plausible / False implausible / None unknown, the class names that decided it)."""
    names = {**entity.classes, **entity.superclasses}
    if not entity.classes:
        return None, "no class (P31)"
    keywords = EXPECTED_CLASSES[kind]
    for iri, name in sorted(names.items()):
        lowered = name.lower()
        for word in keywords:
            if re.search(rf"\b{re.escape(word)}\b", lowered):
                return True, f"{name or _qid(iri)} ({_qid(iri)})"
    shown = ", ".join(f"{n or '?'} ({_qid(i)})" for i, n in sorted(entity.classes.items()))
    return False, shown


def _qid(iri: URIRef) -> str:
    return str(iri).rsplit("/", 1)[-1]


# --- check -------------------------------------------------------------------------------------


@dataclass
class LinkCheck:
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
            check.problems.append(f"redirected: {entity.qid} is now {_qid(entity.redirect)}")
            continue
        if not entity.exists:
            check.problems.append(f"missing: {entity.qid} does not exist (deleted or never made)")
            continue
        score, ours, theirs = label_similarity(resource.labels, entity.labels)
        theirs_all = ", ".join(_show(label) for label in entity.labels) or "none"
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
                shown = ", ".join(_qid(c) for c in entity.countries)
                check.problems.append(f"country (P17) is {shown}, not {_qid(country)}")
            elif entity.countries:
                check.notes.append(f"country (P17) {_qid(country)}")
            if entity.located_in:
                check.notes.append(
                    "located in (P131) " + ", ".join(_qid(p) for p in entity.located_in)
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
    text = _with_xsd_prefix(text)
    try:
        after = rdflib.Graph().parse(data=text, format="turtle")
    except Exception as exc:
        raise CouldNotRun(f"{path}: the updated records would not parse: {exc}") from None
    for check in report.checks:
        if (check.resource.iri, check.predicate, check.target) not in after:
            raise CouldNotRun(f"{path}: a link went missing while recording; nothing written")
    write_atomic(path, text)
    return changed


_PREDICATE_NAMES = {OWL.sameAs: "owl:sameAs", SKOS.exactMatch: "skos:exactMatch"}
_PREDICATE_NAMES[SKOS.closeMatch] = "skos:closeMatch"


def render_check(report: CheckReport) -> str:
    lines = [
        f"Checked {len(report.checks)} links against {report.endpoint} "
        f"(requests sent: {report.requests}, answers from the cache: {report.cache_hits}).",
        "",
    ]
    ordered = sorted(report.checks, key=lambda c: (not c.wrong, c.resource.short, str(c.target)))
    for check in ordered:
        verdict = "WRONG" if check.wrong else "ok"
        lines.append(
            f"{verdict:<5} {check.resource.short} {_PREDICATE_NAMES[check.predicate]} "
            f"wd:{_qid(check.target)}  ({check.resource.name})"
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


# --- propose -----------------------------------------------------------------------------------

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


def exact_label_query(labels: Sequence[Literal]) -> str:
    values = " ".join(sparql_string(str(lit), lit.language) for lit in labels)
    return (
        PREFIXES
        + f"SELECT DISTINCT ?item ?label WHERE {{\n  VALUES ?label {{ {values} }}\n"
        + ("  ?item rdfs:label ?label .\n}")
    )


def mwapi_search_query(text: str, lang: str, limit: int = 10) -> str:
    """Wikidata's entity search through the MediaWiki API service of its query service."""
    return f"""PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX mwapi: <https://www.mediawiki.org/ontology#API/>
PREFIX bd: <http://www.bigdata.com/rdf#>
SELECT ?item WHERE {{
  SERVICE wikibase:mwapi {{
    bd:serviceParam wikibase:endpoint "www.wikidata.org" ;
                    wikibase:api "EntitySearch" ;
                    mwapi:search {sparql_string(text)} ;
                    mwapi:language "{lang}" .
    ?item wikibase:apiOutputItem mwapi:item .
  }}
}} LIMIT {limit}"""


def contains_search_query(text: str, lang: str, limit: int = 10) -> str:
    """The stand-in for entity search on any SPARQL store: labels that contain the text.

    Fine on a small store such as the test fixture, far too slow on the whole of Wikidata.
    """
    return (
        PREFIXES
        + f"""SELECT DISTINCT ?item WHERE {{
  ?item rdfs:label ?label .
  FILTER(LANG(?label) = "{lang}" && CONTAINS(LCASE(STR(?label)), {sparql_string(text.lower())}))
}} ORDER BY ?item LIMIT {limit}"""
    )


def search_mode_for(endpoint: str, mode: str) -> str:
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
            if row["item"] is not None and _QID.match(str(row["item"])):
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
                + ", ".join(_qid(q) for q in sorted(parent_qids & set(entity.located_in)))
            )
        elif country is not None and country in entity.countries:
            location = 1.0
            evidence.append(f"country (P17) {_qid(country)}")
        elif entity.countries:
            location = 0.0
            evidence.append("country (P17) " + ", ".join(_qid(c) for c in entity.countries))
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
    return project.data_dir / "links" / "proposals.csv"


def links_file(project: Project) -> Path:
    return project.data_dir / "links" / "wikidata.ttl"


def render_review(proposals: Sequence[Proposal]) -> str:
    out = io.StringIO()
    out.write(REVIEW_HEADER)
    writer = csv.DictWriter(out, fieldnames=REVIEW_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for proposal in proposals:
        writer.writerow(proposal.row())
    return out.getvalue()


def write_review(project: Project, proposals: Sequence[Proposal]) -> Path:
    path = review_file(project)
    write_atomic(path, render_review(proposals))
    return path


def read_review(path: Path) -> list[dict[str, str]]:
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
_PREDICATES_BY_NAME = {"owl:sameAs": OWL.sameAs, "skos:exactMatch": SKOS.exactMatch}
_PREDICATES_BY_NAME["skos:closeMatch"] = SKOS.closeMatch


@dataclass
class Accepted:
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
    wanted = {_full_qid(c) for c in candidates}
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
        if not _QID.match(str(target)):
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
    new_text = _with_xsd_prefix(text).rstrip("\n") + "\n" + "".join(blocks)
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
    out = io.StringIO()
    out.write(REVIEW_HEADER)
    writer = csv.DictWriter(out, fieldnames=REVIEW_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in remaining:
        writer.writerow({k: row.get(k, "") for k in REVIEW_COLUMNS})
    write_atomic(path, out.getvalue())
    return accepted


def _full_qid(text: str) -> str:
    text = text.strip()
    if re.fullmatch(r"Q[1-9][0-9]*", text):
        return str(WD[text])
    if text.startswith("wd:"):
        return str(WD[text[3:]])
    return text


def _with_xsd_prefix(text: str) -> str:
    if re.search(r"^@prefix\s+xsd:", text, flags=re.MULTILINE):
        return text
    lines = text.split("\n")
    last = max((i for i, line in enumerate(lines) if line.startswith("@prefix")), default=-1)
    lines.insert(last + 1, "@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .")
    return "\n".join(lines)


def _record_text(
    resource: Resource,
    predicate: URIRef,
    target: URIRef,
    record: URIRef,
    evidence: str,
    stamp: str,
    row: dict[str, str],
) -> str:
    name = {OWL.sameAs: "owl:sameAs", SKOS.exactMatch: "skos:exactMatch"}.get(
        predicate, "skos:closeMatch"
    )
    qid = _qid(target)
    local = str(record).rsplit("/", 1)[-1]
    return f"""
<{resource.iri}> {name} wd:{qid} .

link:{local}
    a rdf:Statement ;
    rdf:subject <{resource.iri}> ;
    rdf:predicate {name} ;
    rdf:object wd:{qid} ;
    dcterms:type lm:reviewed-proposal ;
    kc:evidence {Literal(evidence).n3()} ;
    dcterms:date "{stamp}"^^xsd:date ;
    prov:wasDerivedFrom <{row["endpoint"]}> .
"""


# --- QuickStatements ---------------------------------------------------------------------------

# Short descriptions in Wikidata's style, by the place the cluster is located in. Polish needs the
# locative case, which cannot be derived from the place's name, hence a table.
DESCRIPTIONS = {
    ID_BASE + "place/krakow-metropolitan-area": {
        "en": "cluster initiative in the Kraków Metropolitan Area, Poland",
        "pl": "inicjatywa klastrowa w Krakowskim Obszarze Metropolitalnym",
    },
}
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
    country = country_qid(graph)
    day = f"+{retrieved.isoformat()}T00:00:00Z/11"
    notes = [
        "P31 (instance of) is left out: there is no evidence-backed QID for 'business cluster' "
        "(data/links/identifiers-evidence.md); add it by hand once one is confirmed.",
        "P131 is the nearest containing place with a Wikidata link: the Kraków Metropolitan Area "
        "has no item, so it is the voivodeship that contains it.",
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
        for lang in ("en", "pl"):
            if lang in resource.pref:
                lines.append(f"LAST\tL{lang}\t{_qs_string(resource.pref[lang])}")
        location = next(iter(sorted(graph.objects(resource.iri, SCHEMA.location))), None)
        descriptions = DESCRIPTIONS.get(str(location), {})
        for lang in ("en", "pl"):
            if lang in descriptions:
                lines.append(f"LAST\tD{lang}\t{_qs_string(descriptions[lang])}")
        for alias in sorted(graph.objects(resource.iri, SKOS.altLabel)):
            if isinstance(alias, Literal) and alias.language in ("en", "pl"):
                lines.append(f"LAST\tA{alias.language}\t{_qs_string(str(alias))}")
        if country is not None:
            lines.append(f"LAST\tP17\t{_qid(country)}\t{ref}")
        admin = next(
            (q for p in resource.parents if (q := qid_of(graph, p)) is not None and q != country),
            None,
        )
        if admin is not None:
            lines.append(f"LAST\tP131\t{_qid(admin)}\t{ref}")
        for sector in sorted(graph.objects(resource.iri, KC.sector)):
            for prop in (SKOS.exactMatch, SKOS.closeMatch):
                for target in sorted(graph.objects(sector, prop)):
                    if _QID.match(str(target)):
                        lines.append(f"LAST\tP452\t{_qid(target)}\t{ref}")
        for count in sorted(graph.objects(resource.iri, KC.memberCount)):
            qualifier = graph.value(count, KC.qualifier)
            value = graph.value(count, SCHEMA.value)
            if qualifier == URIRef(ID_BASE + "count-qualifier/exactly") and value is not None:
                lines.append(f"LAST\tP2124\t{int(value)}\t{ref}")
        for founded in sorted(graph.objects(resource.iri, SCHEMA.foundingDate)):
            if isinstance(founded, Literal) and founded.datatype == XSD.gYear:
                lines.append(f"LAST\tP571\t+{int(str(founded)):04d}-00-00T00:00:00Z/9\t{ref}")
    for line in lines:
        if not QS_LINE.match(line):
            raise CouldNotRun(f"internal error: not a QuickStatements v1 line: {line!r}")
    return QuickStatements(lines, notes, done)


# Names used by the CLI, imported lazily there.
__all__ = [
    "EXPECTED_CLASSES",
    "accept_proposals",
    "check_links",
    "propose_links",
    "quickstatements",
    "render_check",
    "render_review",
    "write_review",
]

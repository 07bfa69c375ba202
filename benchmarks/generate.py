"""Synthetic graphs that follow the project's ontology and shapes, for benchmarks and scale tests.

    python benchmarks/generate.py --triples 100000 --out benchmarks/data/100k.ttl [--broken]

The graph is deterministic for a given size and seed: clusters with English and Polish names and
descriptions, sectors and member types from the project's schemes, a member count with a qualifier
and its wording, a coordinator, member organisations with their memberships, places, sources,
statuses and Wikidata-style links with their link records. A valid graph conforms to the shapes; the
broken variant carries a known list of injected violations, written next to it as
`<name>.expected.tsv` (focus, path, rule), the form the validator's results are compared in.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import SKOS, URIRef

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/krakow-clusters/id/"
TRIPLES_PER_CLUSTER = 340  # measured: the size of one generated cluster with its members
MEMBERS_PER_CLUSTER = 24

PREFIXES = """@prefix kc:      <https://w3id.org/krakow-clusters/ontology#> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix schema:  <https://schema.org/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix wd:      <http://www.wikidata.org/entity/> .
@prefix cluster: <https://w3id.org/krakow-clusters/id/cluster/> .
@prefix orgn:    <https://w3id.org/krakow-clusters/id/organization/> .
@prefix place:   <https://w3id.org/krakow-clusters/id/place/> .
@prefix role:    <https://w3id.org/krakow-clusters/id/role/> .
@prefix lf:      <https://w3id.org/krakow-clusters/id/legal-form/> .
@prefix status:  <https://w3id.org/krakow-clusters/id/status/> .
@prefix cq:      <https://w3id.org/krakow-clusters/id/count-qualifier/> .
@prefix lm:      <https://w3id.org/krakow-clusters/id/link-method/> .
@prefix link:    <https://w3id.org/krakow-clusters/id/link/> .
@prefix source:  <https://w3id.org/krakow-clusters/id/source/> .
"""

QUALIFIERS = [
    ("exactly", "{n} members"),
    ("more-than", "more than {n} members"),
    ("almost", "almost {n} members"),
]
LEGAL_FORMS = ["foundation", "limited-liability-company", "registered-association"]
DEFECTS = ("label", "negative", "words", "link", "coordinator", "future")
REGIONS = 16
SOURCES = 20


def concepts(scheme: str) -> list[str]:
    """The concepts of one of the project's schemes, sorted, as full IRIs."""
    graph = rdflib.Graph()
    for path in sorted((ROOT / "ontology" / "schemes").glob("*.ttl")):
        graph.parse(path)
    found = graph.subjects(SKOS.inScheme, URIRef(ID + "scheme/" + scheme))
    return sorted(str(c) for c in found)


@dataclass
class Generated:
    text: str
    clusters: int
    injected: set[tuple[str, str, str]] = field(default_factory=set)


def generate(triples: int, seed: int = 7, broken: bool = False) -> Generated:
    """A graph of about `triples` triples; with `broken`, one defect in every 50th cluster."""
    rng = random.Random(seed)
    sectors = concepts("sectors")
    member_types = concepts("member-types")
    n_clusters = max(8, round(triples / TRIPLES_PER_CLUSTER))
    # Defects go to every `step`-th cluster: at least two of each kind in a small graph, one cluster
    # in fifty in a large one.
    step = max(2, min(50, n_clusters // (2 * len(DEFECTS))))
    out = [PREFIXES]
    injected: set[tuple[str, str, str]] = set()

    out.append(
        "place:poland a schema:Place , schema:AdministrativeArea , schema:Country , "
        'dcterms:Location ;\n    rdfs:label "Poland"@en , "Polska"@pl .\n'
    )
    for r in range(1, REGIONS + 1):
        out.append(
            f"place:gen-region-{r:02d} a schema:Place , schema:AdministrativeArea , "
            f'dcterms:Location ;\n    rdfs:label "Region {r}"@en , "Region {r}"@pl ;\n'
            f'    kc:terytCode "{2 * r:02d}" ;\n    schema:containedInPlace place:poland .\n'
        )
    for s in range(1, SOURCES + 1):
        out.append(
            f"source:gen-{s:02d} a dcterms:BibliographicResource ;\n"
            f'    rdfs:label "Source {s}"@en ;\n    dcterms:title "Source {s}"@en .\n'
        )
    out.append(
        "source:identifier-evidence-list a dcterms:BibliographicResource ;\n"
        '    dcterms:title "Evidence list"@en .\n'
    )

    for i in range(1, n_clusters + 1):
        slug = f"gen-{i:05d}"
        iri = f"{ID}cluster/{slug}"
        src = f"source:gen-{rng.randint(1, SOURCES):02d}"
        region = f"place:gen-region-{rng.randint(1, REGIONS):02d}"
        defect = broken and i % step == step // 2 and DEFECTS[(i // step) % len(DEFECTS)]
        names = (
            [f'"Cluster {i}"@pl']
            if defect == "label"
            else [f'"Cluster {i}"@en', f'"Klaster {i}"@pl']
        )
        if defect == "label":
            injected.add((iri, "rdfs:label", "sh:QualifiedMinCountConstraintComponent"))
        its_sectors = rng.sample(sectors, 2)
        its_types = rng.sample(member_types, 3)
        qualifier, wording = rng.choice(QUALIFIERS)
        count = rng.randint(10, 200)
        founded = str(rng.randint(1990, 2020))
        if defect == "future":
            founded = "2999"
            injected.add((iri, "schema:foundingDate", "sh:SPARQLConstraintComponent"))
        qid = 100_000_000 + i
        target = f"wd:Q{qid}"
        lines = [
            f"cluster:{slug} a kc:ClusterInitiative , org:OrganizationalCollaboration , "
            "org:Organization , schema:Organization ;",
            f"    rdfs:label {' , '.join(names)} ;",
            f'    dcterms:description "Synthetic cluster {i} for benchmarks."@en , '
            f'"Syntetyczny klaster {i} do testów wydajności."@pl ;',
            f"    kc:sector {' , '.join(f'<{s}>' for s in its_sectors)} ;",
            f"    kc:memberType {' , '.join(f'<{t}>' for t in its_types)} ;",
            f"    kc:memberCount <{iri}#members> ;",
            f"    kc:memberRegion {region} ;",
            f"    schema:location {region} ;",
            f'    schema:foundingDate "{founded}"^^xsd:gYear ;',
        ]
        if i % 10 == 0:
            lines.append(f"    kc:status <{iri}#national-key-cluster> ;")
        if defect == "link":
            lines.append("    owl:sameAs wd:X12 ;")
            injected.add((iri, "owl:sameAs", "sh:PatternConstraintComponent"))
            injected.add((iri, "owl:sameAs", "check:link-without-record-violation"))
            if i % 2 == 0:  # the record of the link that was replaced is left behind
                injected.add(
                    (f"{ID}link/{slug}", "rdf:object", "check:record-without-link-violation")
                )
        elif i % 2 == 0:
            lines.append(f"    owl:sameAs {target} ;")
        lines.append(f"    dcterms:source {src} .")
        out.append("\n".join(lines) + "\n")

        value = str(count)
        # schema:value only for a bare or exact number; the number of "more than" / "almost" is
        # kc:statedNumber (issue 23).
        number = "schema:value" if qualifier in ("stated", "exactly") else "kc:statedNumber"
        if defect == "negative":
            value = "-1"
            injected.add((iri + "#members", number, "sh:MinInclusiveConstraintComponent"))
        elif defect == "words":
            value = '"many"'
            injected.add((iri + "#members", number, "sh:DatatypeConstraintComponent"))
            injected.add((iri + "#members", number, "sh:MinInclusiveConstraintComponent"))
        # The bound a qualifier implies, as the shapes require (no random draw: same graph).
        bound = {
            "more-than": f" schema:minValue {count + 1} ;",
            "almost": f" schema:maxValue {count - 1} ;",
        }
        out.append(
            f"<{iri}#members> a kc:MemberCount ; {number} {value} ;{bound.get(qualifier, '')}"
            f" kc:qualifier cq:{qualifier} ;"
            f' kc:statedAs "{wording.format(n=count)}"@en ; dcterms:source {src} .\n'
        )
        if i % 10 == 0:
            out.append(
                f"<{iri}#national-key-cluster> a kc:StatusAssignment ; "
                "kc:statusType status:national-key-cluster ; "
                f'schema:startDate "{rng.randint(2015, 2024)}-10-21"^^xsd:date ; '
                f"dcterms:source {src} .\n"
            )
        if i % 2 == 0:
            out.append(
                f"link:{slug} a rdf:Statement ; rdf:subject cluster:{slug} ;"
                f" rdf:predicate owl:sameAs ; rdf:object {target} ; dcterms:type lm:evidence-list ;"
                ' kc:evidence "synthetic" ; prov:wasDerivedFrom source:identifier-evidence-list .\n'
            )
            # The evidence list's record the link rests on, as validate requires (issue 23).
            out.append(
                f"<{ID}source/identifier-evidence-list#Q{qid}> a kc:EvidenceRecord ;"
                f" dcterms:references {target} ; dcterms:subject cluster:{slug} ;"
                ' dcterms:description "synthetic" ;'
                " dcterms:source source:identifier-evidence-list .\n"
            )
        coordinator = f"orgn:{slug}-coordinator"
        member_value = '"Coordinator as a string"' if defect == "coordinator" else coordinator
        if defect == "coordinator":
            injected.add((iri + "#coordinator", "org:member", "sh:ClassConstraintComponent"))
        out.append(
            f"<{iri}#coordinator> a org:Membership ; org:organization cluster:{slug} ;"
            f" org:member {member_value} ; org:role role:coordinator ; dcterms:source {src} .\n"
        )
        for m in range(MEMBERS_PER_CLUSTER + 1):
            who = coordinator if m == 0 else f"orgn:{slug}-m{m:03d}"
            out.append(
                f"{who} a org:FormalOrganization , org:Organization , schema:Organization ;"
                f' rdfs:label "Organisation {i}-{m}"@en , "Organizacja {i}-{m}"@pl ;'
                f" kc:legalForm lf:{rng.choice(LEGAL_FORMS)} ; schema:location {region} ;"
                f" dcterms:source {src} .\n"
            )
            if m:
                out.append(
                    f"<{iri}#member-{m:03d}> a org:Membership ; org:organization cluster:{slug} ;"
                    f" org:member {who} ; org:role role:member ; dcterms:source {src} .\n"
                )
    return Generated("".join(out), n_clusters, injected)


def write(triples: int, out: Path, seed: int = 7, broken: bool = False) -> Generated:
    """Write the graph (and, when broken, its expected violations) next to each other."""
    generated = generate(triples, seed, broken)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(generated.text, encoding="utf-8")
    if broken:
        expected = out.with_suffix(".expected.tsv")
        rows = sorted("\t".join(row) for row in generated.injected)
        expected.write_text("focus\tpath\trule\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return generated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=10_000, help="approximate size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--broken", action="store_true", help="inject known violations")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    generated = write(args.triples, args.out, args.seed, args.broken)
    print(
        f"{args.out}: {generated.clusters} clusters, {len(generated.injected)} injected violations"
    )


if __name__ == "__main__":
    main()

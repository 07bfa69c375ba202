"""Every fact of the source article, checked by SPARQL against the curated data, in the graph of
its origin.

The source is ../shared/source/innovative-clusters-krakow-metropolitan-area.txt. Each row names the
fact in words, the named graph it must sit in (`article` for what the article states; the
curators' graphs for what they mapped or read from it; None for a fact about the whole dataset,
whose query says where to look) and a group graph pattern that must match there.
"""

from __future__ import annotations

import pytest

from .identity import GRAPH_BASE

PREFIXES = """
PREFIX kc:      <https://w3id.org/krakow-clusters/ontology#>
PREFIX rdfs:    <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd:     <http://www.w3.org/2001/XMLSchema#>
PREFIX owl:     <http://www.w3.org/2002/07/owl#>
PREFIX skos:    <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org:     <http://www.w3.org/ns/org#>
PREFIX schema:  <https://schema.org/>
PREFIX cluster: <https://w3id.org/krakow-clusters/id/cluster/>
PREFIX orgn:    <https://w3id.org/krakow-clusters/id/organization/>
PREFIX place:   <https://w3id.org/krakow-clusters/id/place/>
PREFIX sector:  <https://w3id.org/krakow-clusters/id/sector/>
PREFIX mt:      <https://w3id.org/krakow-clusters/id/member-type/>
PREFIX role:    <https://w3id.org/krakow-clusters/id/role/>
PREFIX lf:      <https://w3id.org/krakow-clusters/id/legal-form/>
PREFIX status:  <https://w3id.org/krakow-clusters/id/status/>
PREFIX cq:      <https://w3id.org/krakow-clusters/id/count-qualifier/>
PREFIX helix:   <https://w3id.org/krakow-clusters/id/helix/>
PREFIX wd:      <http://www.wikidata.org/entity/>
PREFIX prov:    <http://www.w3.org/ns/prov#>
PREFIX graph:   <https://w3id.org/krakow-clusters/graph/>
"""

ARTICLE = (
    "https://kma4business.metropoliakrakowska.pl/aktualnosci/"
    "innovative-clusters-in-the-krakow-metropolitan-area"
)


def count(
    cluster: str, value: int, qualifier: str, wording: str, link: str = "kc:memberCount"
) -> str:
    # schema:value only for a bare or exact number: a qualified one is kc:statedNumber.
    number = "schema:value" if qualifier in ("stated", "exactly") else "kc:statedNumber"
    return f"""{{ {cluster} {link} ?c . ?c {number} {value} ;
        kc:qualifier cq:{qualifier} ; kc:statedAs "{wording}"@en ; dcterms:source <{ARTICLE}> .
        FILTER (DATATYPE(?c2v) = xsd:integer) ?c {number} ?c2v
        FILTER NOT EXISTS {{ ?c {"kc:statedNumber" if number == "schema:value" else "schema:value"} ?other }} }}"""


def breakdown(value: int, wording: str) -> str:
    return f"""{{ cluster:intelligent-lighting kc:memberTypeCount ?c . ?c schema:value {value} ;
        kc:qualifier cq:stated ; kc:statedAs "{wording}"@en ; dcterms:source <{ARTICLE}> . }}"""


def counted_type(node: str, member_type: str) -> str:
    """The member type a breakdown counts, by the count node's fragment."""
    lighting = "https://w3id.org/krakow-clusters/id/cluster/intelligent-lighting"
    return f"{{ <{lighting}#{node}> kc:countedMemberType mt:{member_type} }}"


def name(cluster: str, text: str, lang: str = "en") -> str:
    return f'{{ {cluster} rdfs:label "{text}"@{lang} }}'


def role(cluster: str, organisation: str, role_name: str) -> str:
    return f"""{{ ?m a kc:ClusterRole ; kc:roleIn {cluster} ; kc:heldBy {organisation} ;
        kc:roleType role:{role_name} ; dcterms:source <{ARTICLE}> . }}"""


def has(cluster: str, prop: str, *values: str) -> str:
    return "{ " + " ".join(f"{cluster} {prop} {v} ." for v in values) + " }"


A = "clusters"  # what the article states (data/clusters.ttl)
EVIDENCE = "identifier-evidence"  # what the identifier evidence list states
CLASSIFIED = "classifications"  # the article's words mapped by the curators to scheme concepts
INTERPRETED = "interpretations"  # read by the curators from a name
LINKS = "wikidata"

FACTS: list[tuple[str, str | None, str]] = [
    # names: the curators' Polish names, and a short name read from a company's name
    (
        "The Municipality of Kraków in Polish, translated by the curators",
        "translations",
        '{ orgn:municipality-of-krakow rdfs:label "Gmina Miejska Kraków"@pl }',
    ),
    (
        "Sustainable Infrastructure in Polish, translated by the curators",
        "translations",
        name("cluster:sustainable-infrastructure", "Klaster Zrównoważonej Infrastruktury", "pl"),
    ),
    (
        "Modern Cast as a short name is the curators' reading",
        INTERPRETED,
        '{ orgn:modern-cast skos:altLabel "Modern Cast"@en }',
    ),
    # names
    (
        "LifeScience Kraków Cluster is named",
        A,
        name("cluster:lifescience-krakow", "LifeScience Kraków Cluster"),
    ),
    (
        "Sustainable Infrastructure Cluster is named",
        A,
        name("cluster:sustainable-infrastructure", "Sustainable Infrastructure Cluster"),
    ),
    (
        "the Cluster of Information Technologies in Construction is named",
        A,
        name("cluster:bim", "Cluster of Information Technologies in Construction"),
    ),
    ("…and is also called the BIM Cluster", A, '{ cluster:bim skos:altLabel "BIM Cluster"@en }'),
    (
        "South Poland Cleantech Cluster is named",
        A,
        name("cluster:south-poland-cleantech", "South Poland Cleantech Cluster"),
    ),
    (
        "Innovative Foundry Cluster is named",
        A,
        name("cluster:innovative-foundry", "Innovative Foundry Cluster"),
    ),
    ("Cracov Movies Cluster is named", A, name("cluster:cracov-movies", "Cracov Movies Cluster")),
    (
        "…in Polish Krakowski Klaster Filmowy",
        A,
        name("cluster:cracov-movies", "Krakowski Klaster Filmowy", "pl"),
    ),
    (
        "Intelligent Lighting Cluster is named",
        A,
        name("cluster:intelligent-lighting", "Intelligent Lighting Cluster"),
    ),
    (
        "the Clean Energy Cluster is named in English",
        A,
        name(
            "cluster:malopolsko-podkarpacki-clean-energy",
            "Małopolsko-Podkarpackie Clean Energy Cluster",
        ),
    ),
    (
        "…in Polish Małopolsko-Podkarpacki Klaster Czystej Energii",
        A,
        name(
            "cluster:malopolsko-podkarpacki-clean-energy",
            "Małopolsko-Podkarpacki Klaster Czystej Energii",
            "pl",
        ),
    ),
    (
        "…and also Clean Energy Cluster / Klaster Czystej Energii",
        A,
        '{ cluster:malopolsko-podkarpacki-clean-energy skos:altLabel "Clean Energy Cluster"@en , "Klaster Czystej Energii"@pl }',
    ),
    # counts, with qualifier and wording
    (
        "LifeScience: more than 70 entities",
        A,
        count(
            "cluster:lifescience-krakow",
            70,
            "more-than",
            "more than 70 private and public entities",
        ),
    ),
    (
        "Sustainable Infrastructure: more than 130 partners",
        A,
        count(
            "cluster:sustainable-infrastructure",
            130,
            "more-than",
            "More than 130 partners",
            link="kc:partnerCount",
        ),
    ),
    ("BIM: almost 50 members", A, count("cluster:bim", 50, "almost", "almost 50 members in total")),
    (
        "Cleantech: 80 companies and institutions",
        A,
        count("cluster:south-poland-cleantech", 80, "stated", "80 companies and institutions"),
    ),
    (
        "Clean Energy: 42 institutions",
        A,
        count("cluster:malopolsko-podkarpacki-clean-energy", 42, "stated", "42 institutions"),
    ),
    (
        "LifeScience: more than 70 is at least 71 for a client reading schema.org only",
        A,
        "{ cluster:lifescience-krakow kc:memberCount ?c . ?c schema:minValue 71 "
        "FILTER NOT EXISTS { ?c schema:maxValue ?m } }",
    ),
    (
        "Sustainable Infrastructure: more than 130 is at least 131",
        A,
        "{ cluster:sustainable-infrastructure kc:partnerCount ?c . ?c a kc:PartnerCount ; schema:minValue 131 FILTER NOT EXISTS { cluster:sustainable-infrastructure kc:memberCount ?m } }",
    ),
    (
        "BIM: almost 50 is at most 49",
        A,
        "{ cluster:bim kc:memberCount ?c . ?c schema:maxValue 49 "
        "FILTER NOT EXISTS { ?c schema:minValue ?m } }",
    ),
    (
        "no count claims exactness the source does not state",
        None,
        "{ FILTER NOT EXISTS { ?c kc:qualifier cq:exactly } }",
    ),
    ("Lighting: 31 lighting companies", A, breakdown(31, "31 lighting companies")),
    (
        "…counted as enterprises",
        CLASSIFIED,
        counted_type("members-lighting-companies", "enterprise"),
    ),
    (
        "Lighting: 19 associated companies",
        A,
        breakdown(19, "19 companies associated with the lighting industry"),
    ),
    (
        "…counted as enterprises",
        CLASSIFIED,
        counted_type("members-associated-companies", "enterprise"),
    ),
    ("Lighting: 6 R&D units", A, breakdown(6, "6 R&D units")),
    ("…counted as R&D units", CLASSIFIED, counted_type("members-rd-units", "rd-unit")),
    (
        "Lighting: 7 business support institutions",
        A,
        breakdown(7, "7 business support institutions"),
    ),
    (
        "…counted as business support institutions",
        CLASSIFIED,
        counted_type("members-business-support-institutions", "business-support-institution"),
    ),
    (
        "Lighting: the source states no total, so none is published",
        None,
        "{ FILTER NOT EXISTS { cluster:intelligent-lighting kc:memberCount ?c } }",
    ),
    (
        "Foundry and Cracov Movies: no count is stated, none is published",
        None,
        "{ FILTER NOT EXISTS { VALUES ?c { cluster:innovative-foundry cluster:cracov-movies } ?c kc:memberCount|kc:memberTypeCount ?n } }",
    ),
    # status, legal form, founding
    (
        "LifeScience: National Key Cluster since 21 October 2016",
        A,
        f"""{{ cluster:lifescience-krakow kc:status ?s . ?s kc:statusType status:national-key-cluster ;
        schema:startDate "2016-10-21"^^xsd:date ; dcterms:source <{ARTICLE}> . }}""",
    ),
    (
        "only LifeScience holds a status",
        None,
        "{ FILTER NOT EXISTS { ?c kc:status ?s FILTER (?c != cluster:lifescience-krakow) } }",
    ),
    (
        "BIM: a registered association",
        A,
        has("cluster:bim", "kc:legalForm", "lf:registered-association"),
    ),
    (
        "Clean Energy: established in 2006",
        A,
        '{ cluster:malopolsko-podkarpacki-clean-energy schema:foundingDate "2006"^^xsd:gYear }',
    ),
    # roles
    (
        "LifeScience: coordinated by the LifeScience Kraków Cluster Foundation",
        A,
        role(
            "cluster:lifescience-krakow",
            "orgn:lifescience-krakow-cluster-foundation",
            "coordinator",
        ),
    ),
    (
        "…which is a foundation (read from its name)",
        INTERPRETED,
        has("orgn:lifescience-krakow-cluster-foundation", "kc:legalForm", "lf:foundation"),
    ),
    (
        "LifeScience: the Municipality of Kraków is a partner",
        A,
        role("cluster:lifescience-krakow", "orgn:municipality-of-krakow", "partner"),
    ),
    (
        "Foundry: coordinated by Modern Cast Sp. z o.o.",
        A,
        role("cluster:innovative-foundry", "orgn:modern-cast", "coordinator"),
    ),
    (
        "…a limited liability company (read from “Sp. z o.o.” in its name)",
        INTERPRETED,
        has("orgn:modern-cast", "kc:legalForm", "lf:limited-liability-company"),
    ),
    (
        "…named as in the source",
        A,
        '{ orgn:modern-cast rdfs:label "Technology Foundry Cluster Modern Cast Sp. z o.o."@en }',
    ),
    (
        "Clean Energy: established at AGH University",
        A,
        role(
            "cluster:malopolsko-podkarpacki-clean-energy", "orgn:agh-university", "host-institution"
        ),
    ),
    (
        "no coordinator, partner or host institution is said to be a member",
        None,
        "{ FILTER NOT EXISTS { ?m a org:Membership } "
        "FILTER NOT EXISTS { ?m org:member ?o } FILTER NOT EXISTS { ?m org:role ?r } }",
    ),
    ("AGH is in Kraków", A, "{ orgn:agh-university schema:location place:krakow }"),
    (
        "…and closely matched to its Wikidata item until the ROR ID confirms it",
        LINKS,
        "{ orgn:agh-university skos:closeMatch wd:Q1132271 "
        "FILTER NOT EXISTS { orgn:agh-university owl:sameAs ?any } }",
    ),
    # sectors: the article names them in words; the concepts are the curators' mapping
    (
        "LifeScience: biotechnology and life sciences",
        CLASSIFIED,
        has(
            "cluster:lifescience-krakow",
            "kc:sector",
            "sector:biotechnology",
            "sector:life-sciences",
        ),
    ),
    (
        "Sustainable Infrastructure: construction automation and green building",
        CLASSIFIED,
        has(
            "cluster:sustainable-infrastructure",
            "kc:sector",
            "sector:building-automation",
            "sector:green-building",
        ),
    ),
    (
        "BIM: construction and ICT",
        CLASSIFIED,
        has("cluster:bim", "kc:sector", "sector:construction", "sector:ict"),
    ),
    (
        "Cleantech: clean technologies",
        CLASSIFIED,
        has("cluster:south-poland-cleantech", "kc:sector", "sector:cleantech"),
    ),
    (
        "Foundry: foundry, heavy industry",
        CLASSIFIED,
        has("cluster:innovative-foundry", "kc:sector", "sector:foundry", "sector:heavy-industry"),
    ),
    (
        "Cracov Movies: film industry",
        CLASSIFIED,
        has("cluster:cracov-movies", "kc:sector", "sector:film-industry"),
    ),
    (
        "Lighting: lighting",
        CLASSIFIED,
        has("cluster:intelligent-lighting", "kc:sector", "sector:lighting"),
    ),
    (
        "Clean Energy: clean energy",
        CLASSIFIED,
        has("cluster:malopolsko-podkarpacki-clean-energy", "kc:sector", "sector:clean-energy"),
    ),
    (
        "green building is narrower than construction",
        "sectors",
        "{ sector:green-building skos:broader+ sector:construction }",
    ),
    # member types: likewise the curators' mapping of the article's words
    (
        "LifeScience members: companies, universities, institutes, hospitals, support, government",
        CLASSIFIED,
        has(
            "cluster:lifescience-krakow",
            "kc:memberType",
            "mt:enterprise",
            "mt:higher-education-institution",
            "mt:research-institute",
            "mt:healthcare-provider",
            "mt:business-support-institution",
            "mt:public-administration",
        ),
    ),
    (
        "BIM members: micro, small, medium and large enterprises",
        CLASSIFIED,
        has(
            "cluster:bim",
            "kc:memberType",
            "mt:micro-enterprise",
            "mt:small-enterprise",
            "mt:medium-enterprise",
            "mt:large-enterprise",
        ),
    ),
    (
        "Cracov Movies members include artists",
        CLASSIFIED,
        has("cluster:cracov-movies", "kc:memberType", "mt:artist"),
    ),
    (
        "Clean Energy members include Marshal Offices",
        CLASSIFIED,
        has(
            "cluster:malopolsko-podkarpacki-clean-energy",
            "kc:memberType",
            "mt:marshal-office",
            "mt:higher-education-institution",
        ),
    ),
    (
        "every member type is classed into a helix (a classification of the scheme's)",
        None,
        "{ FILTER NOT EXISTS { ?t skos:inScheme <https://w3id.org/krakow-clusters/id/scheme/member-types> FILTER NOT EXISTS { GRAPH graph:member-types { ?t kc:helix ?h } } } }",
    ),
    # geography
    (
        "Cleantech members mainly from Małopolska, also from other Polish regions",
        A,
        has(
            "cluster:south-poland-cleantech",
            "kc:mainMemberRegion",
            "place:malopolskie",
        )[:-1]
        + has(
            "cluster:south-poland-cleantech", "kc:memberRegion", "place:malopolskie", "place:poland"
        )[1:],
    ),
    (
        "Cleantech members also from Silesia, read as the Silesian Voivodeship",
        INTERPRETED,
        has("cluster:south-poland-cleantech", "kc:memberRegion", "place:slaskie"),
    ),
    ("BIM members from all over Poland", A, has("cluster:bim", "kc:memberRegion", "place:poland")),
    (
        "Cracov Movies: film production from Małopolska, read as its members' region",
        INTERPRETED,
        has("cluster:cracov-movies", "kc:memberRegion", "place:malopolskie"),
    ),
    (
        "Clean Energy: members from Małopolska and Podkarpackie, read from its name",
        INTERPRETED,
        has(
            "cluster:malopolsko-podkarpacki-clean-energy",
            "kc:memberRegion",
            "place:malopolskie",
            "place:podkarpackie",
        ),
    ),
    (
        "every cluster operates in the Kraków Metropolitan Area",
        None,
        "{ FILTER NOT EXISTS { ?c a kc:ClusterInitiative FILTER NOT EXISTS { GRAPH graph:clusters { ?c schema:location place:krakow-metropolitan-area } } } }",
    ),
    (
        "voivodeships carry TERYT codes",
        EVIDENCE,
        '{ place:malopolskie kc:terytCode "12" . place:slaskie kc:terytCode "24" . place:podkarpackie kc:terytCode "18" . }',
    ),
    (
        "…and Wikidata links",
        LINKS,
        "{ place:malopolskie owl:sameAs wd:Q54159 . place:slaskie owl:sameAs wd:Q54181 . place:podkarpackie owl:sameAs wd:Q54175 . }",
    ),
    ("Kraków: TERC 1261011", EVIDENCE, '{ place:krakow kc:terytCode "1261011" }'),
    ("…Wikidata Q31487", LINKS, "{ place:krakow owl:sameAs wd:Q31487 }"),
    # provenance
    (
        "every cluster, count, status and role cites the article, in the article's graph",
        None,
        f"""{{ FILTER NOT EXISTS {{
        {{ ?x a kc:ClusterInitiative }} UNION {{ ?x a kc:MemberCount }} UNION {{ ?x a kc:StatusAssignment }} UNION {{ ?x a kc:ClusterRole }}
        FILTER NOT EXISTS {{ GRAPH graph:clusters {{ ?x dcterms:source <{ARTICLE}> }} }} }} }}""",
    ),
    (
        "the article is described with its title",
        "graphs",
        f'{{ <{ARTICLE}> dcterms:title "Innovative Clusters in the Kraków Metropolitan Area"@en }}',
    ),
    (
        "the article's graph names the article as its source",
        "graphs",
        f"{{ graph:clusters a kc:SourceGraph ; dcterms:source <{ARTICLE}> ; prov:wasDerivedFrom <{ARTICLE}> }}",
    ),
    (
        "every cluster has an English summary and a Polish translation by the curators",
        None,
        """{ FILTER NOT EXISTS { ?c a kc:ClusterInitiative FILTER NOT EXISTS {
        GRAPH graph:summaries { ?c dcterms:description ?en FILTER (LANG(?en) = 'en') }
        GRAPH graph:translations { ?c dcterms:description ?pl FILTER (LANG(?pl) = 'pl') } } } }""",
    ),
]


def ask(graph: str | None, pattern: str) -> str:
    """The ASK of a row: the pattern inside the row's graph, or as it is (on the union)."""
    if graph is None:
        return f"{PREFIXES}ASK {pattern}"
    return f"{PREFIXES}ASK {{ GRAPH graph:{graph} {pattern} }}"


def test_the_table_has_facts():
    assert len(FACTS) >= 50
    assert sum(graph == A for _, graph, _ in FACTS) >= 30


@pytest.mark.parametrize(("fact", "graph", "pattern"), FACTS, ids=[f for f, _, _ in FACTS])
def test_fact_holds_in_its_graph(dataset, fact, graph, pattern):
    result = dataset.query(ask(graph, pattern))
    assert result.kind == "ask"
    assert result.boolean, f"{fact} (graph {graph})"
    # and a client of the union (the default graph) sees it too
    assert dataset.query(ask(None, pattern)).boolean, fact


def test_a_fact_is_not_found_in_a_graph_it_does_not_sit_in(dataset):
    """The graph restriction is real: the article's count is not in the translations graph."""
    pattern = count("cluster:bim", 50, "almost", "almost 50 members in total")
    assert dataset.query(ask(A, pattern)).boolean
    assert not dataset.query(ask("translations", pattern)).boolean


def test_every_polish_description_sits_in_an_editorial_graph(dataset):
    found = dataset.query(
        PREFIXES
        + """SELECT ?s ?g ?kind WHERE { GRAPH ?g { ?s dcterms:description ?d FILTER (LANG(?d) = 'pl') }
        OPTIONAL { ?g a ?kind } }"""
    )
    assert len(found.rows) >= 8, "the eight clusters at least have a Polish description"
    editorial = "https://w3id.org/krakow-clusters/ontology#EditorialGraph"
    assert {str(kind) for _, _, kind in found.rows} == {editorial}, found.rows
    # and none in the graph of a source: the article is in English only
    assert not dataset.query(
        PREFIXES
        + "ASK { GRAPH ?g { ?s dcterms:description ?d FILTER (LANG(?d) = 'pl') } ?g a kc:SourceGraph }"
    ).boolean


GENERIC_CLUSTERS = "SELECT ?c { ?c a <http://www.w3.org/ns/org#OrganizationalCollaboration> }"


def test_generic_client_finds_exactly_the_eight_clusters(project):
    from krakow_clusters.store.embedded import EmbeddedStore

    data_only = EmbeddedStore.from_files(
        project.data_files(), GRAPH_BASE
    )  # no ontology, no inference
    clusters = {str(row[0]) for row in data_only.query(GENERIC_CLUSTERS).rows}
    assert clusters == {
        f"https://w3id.org/krakow-clusters/id/cluster/{slug}"
        for slug in (
            "lifescience-krakow",
            "sustainable-infrastructure",
            "bim",
            "south-poland-cleantech",
            "innovative-foundry",
            "cracov-movies",
            "intelligent-lighting",
            "malopolsko-podkarpacki-clean-energy",
        )
    }
    schema_orgs = {
        str(row[0])
        for row in data_only.query("SELECT ?o { ?o a <https://schema.org/Organization> }").rows
    }
    assert clusters < schema_orgs, "every cluster is a schema:Organization, and so are the others"
    assert len(schema_orgs - clusters) == 4  # coordinators, partner, host institution


def test_link_evidence_says_what_the_evidence_list_says(project, dataset):
    """Each link taken from the evidence list quotes the list's evidence cell, no more."""
    import re

    table = (project.data_dir / "links" / "identifiers-evidence.md").read_text(encoding="utf-8")
    cells = {
        m[2]: m[3].strip()
        for m in re.finditer(r"^\| ([^|]+) \| (Q\d+) \| ([^|]+) \|$", table, re.MULTILINE)
    }
    assert len(cells) >= 12
    rows = dataset.query(
        PREFIXES
        + """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?object ?evidence WHERE { ?r a rdf:Statement ; rdf:object ?object ;
        dcterms:type <https://w3id.org/krakow-clusters/id/link-method/evidence-list> ;
        kc:evidence ?evidence }"""
    ).rows
    assert len(rows) == 12
    for item, evidence in rows:
        qid = str(item).rsplit("/", 1)[1]
        assert str(evidence).split("; listed as: ")[0] == cells[qid], qid

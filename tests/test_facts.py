"""Every fact of the source article, checked by SPARQL against the curated data.

The source is ../shared/source/innovative-clusters-krakow-metropolitan-area.txt. Each row names the
fact in words and the ASK query that must hold on data/clusters.ttl with the ontology and schemes.
"""

from __future__ import annotations

import pytest

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
"""

ARTICLE = (
    "https://kma4business.metropoliakrakowska.pl/aktualnosci/"
    "innovative-clusters-in-the-krakow-metropolitan-area"
)


def count(cluster: str, value: int, qualifier: str, wording: str) -> str:
    return f"""ASK {{ {cluster} kc:memberCount ?c . ?c schema:value {value} ;
        kc:qualifier cq:{qualifier} ; kc:statedAs "{wording}"@en ; dcterms:source <{ARTICLE}> .
        FILTER (DATATYPE(?c2v) = xsd:integer) ?c schema:value ?c2v }}"""


def breakdown(value: int, member_type: str, wording: str) -> str:
    return f"""ASK {{ cluster:intelligent-lighting kc:memberTypeCount ?c . ?c schema:value {value} ;
        kc:qualifier cq:exactly ; kc:countedMemberType mt:{member_type} ;
        kc:statedAs "{wording}"@en ; dcterms:source <{ARTICLE}> . }}"""


def name(cluster: str, text: str, lang: str = "en") -> str:
    return f'ASK {{ {cluster} rdfs:label "{text}"@{lang} }}'


def role(cluster: str, organisation: str, role_name: str) -> str:
    return f"""ASK {{ ?m a org:Membership ; org:organization {cluster} ; org:member {organisation} ;
        org:role role:{role_name} ; dcterms:source <{ARTICLE}> . }}"""


def has(cluster: str, prop: str, *values: str) -> str:
    return "ASK { " + " ".join(f"{cluster} {prop} {v} ." for v in values) + " }"


FACTS: list[tuple[str, str]] = [
    # names
    (
        "LifeScience Kraków Cluster is named",
        name("cluster:lifescience-krakow", "LifeScience Kraków Cluster"),
    ),
    (
        "Sustainable Infrastructure Cluster is named",
        name("cluster:sustainable-infrastructure", "Sustainable Infrastructure Cluster"),
    ),
    (
        "the Cluster of Information Technologies in Construction is named",
        name("cluster:bim", "Cluster of Information Technologies in Construction"),
    ),
    ("…and is also called the BIM Cluster", 'ASK { cluster:bim skos:altLabel "BIM Cluster"@en }'),
    (
        "South Poland Cleantech Cluster is named",
        name("cluster:south-poland-cleantech", "South Poland Cleantech Cluster"),
    ),
    (
        "Innovative Foundry Cluster is named",
        name("cluster:innovative-foundry", "Innovative Foundry Cluster"),
    ),
    ("Cracov Movies Cluster is named", name("cluster:cracov-movies", "Cracov Movies Cluster")),
    (
        "…in Polish Krakowski Klaster Filmowy",
        name("cluster:cracov-movies", "Krakowski Klaster Filmowy", "pl"),
    ),
    (
        "Intelligent Lighting Cluster is named",
        name("cluster:intelligent-lighting", "Intelligent Lighting Cluster"),
    ),
    (
        "the Clean Energy Cluster is named in English",
        name(
            "cluster:malopolsko-podkarpacki-clean-energy",
            "Małopolsko-Podkarpackie Clean Energy Cluster",
        ),
    ),
    (
        "…in Polish Małopolsko-Podkarpacki Klaster Czystej Energii",
        name(
            "cluster:malopolsko-podkarpacki-clean-energy",
            "Małopolsko-Podkarpacki Klaster Czystej Energii",
            "pl",
        ),
    ),
    (
        "…and also Clean Energy Cluster / Klaster Czystej Energii",
        'ASK { cluster:malopolsko-podkarpacki-clean-energy skos:altLabel "Clean Energy Cluster"@en , "Klaster Czystej Energii"@pl }',
    ),
    # counts, with qualifier and wording
    (
        "LifeScience: more than 70 entities",
        count(
            "cluster:lifescience-krakow",
            70,
            "more-than",
            "more than 70 private and public entities",
        ),
    ),
    (
        "Sustainable Infrastructure: more than 130 partners",
        count("cluster:sustainable-infrastructure", 130, "more-than", "More than 130 partners"),
    ),
    ("BIM: almost 50 members", count("cluster:bim", 50, "almost", "almost 50 members in total")),
    (
        "Cleantech: 80 companies and institutions",
        count("cluster:south-poland-cleantech", 80, "exactly", "80 companies and institutions"),
    ),
    (
        "Clean Energy: 42 institutions",
        count("cluster:malopolsko-podkarpacki-clean-energy", 42, "exactly", "42 institutions"),
    ),
    ("Lighting: 31 lighting companies", breakdown(31, "enterprise", "31 lighting companies")),
    (
        "Lighting: 19 associated companies",
        breakdown(19, "enterprise", "19 companies associated with the lighting industry"),
    ),
    ("Lighting: 6 R&D units", breakdown(6, "rd-unit", "6 R&D units")),
    (
        "Lighting: 7 business support institutions",
        breakdown(7, "business-support-institution", "7 business support institutions"),
    ),
    (
        "Lighting: the source states no total, so none is published",
        "ASK { FILTER NOT EXISTS { cluster:intelligent-lighting kc:memberCount ?c } }",
    ),
    (
        "Foundry and Cracov Movies: no count is stated, none is published",
        "ASK { FILTER NOT EXISTS { VALUES ?c { cluster:innovative-foundry cluster:cracov-movies } ?c kc:memberCount|kc:memberTypeCount ?n } }",
    ),
    # status, legal form, founding
    (
        "LifeScience: National Key Cluster since 21 October 2016",
        f"""ASK {{ cluster:lifescience-krakow kc:status ?s . ?s kc:statusType status:national-key-cluster ;
        schema:startDate "2016-10-21"^^xsd:date ; dcterms:source <{ARTICLE}> . }}""",
    ),
    (
        "only LifeScience holds a status",
        "ASK { FILTER NOT EXISTS { ?c kc:status ?s FILTER (?c != cluster:lifescience-krakow) } }",
    ),
    (
        "BIM: a registered association",
        has("cluster:bim", "kc:legalForm", "lf:registered-association"),
    ),
    (
        "Clean Energy: established in 2006",
        'ASK { cluster:malopolsko-podkarpacki-clean-energy schema:foundingDate "2006"^^xsd:gYear }',
    ),
    # roles
    (
        "LifeScience: coordinated by the LifeScience Kraków Cluster Foundation",
        role(
            "cluster:lifescience-krakow",
            "orgn:lifescience-krakow-cluster-foundation",
            "coordinator",
        ),
    ),
    (
        "…which is a foundation",
        has("orgn:lifescience-krakow-cluster-foundation", "kc:legalForm", "lf:foundation"),
    ),
    (
        "LifeScience: the Municipality of Kraków is a partner",
        role("cluster:lifescience-krakow", "orgn:municipality-of-krakow", "partner"),
    ),
    (
        "Foundry: coordinated by Modern Cast Sp. z o.o.",
        role("cluster:innovative-foundry", "orgn:modern-cast", "coordinator"),
    ),
    (
        "…a limited liability company",
        has("orgn:modern-cast", "kc:legalForm", "lf:limited-liability-company"),
    ),
    (
        "…named as in the source",
        'ASK { orgn:modern-cast rdfs:label "Technology Foundry Cluster Modern Cast Sp. z o.o."@en }',
    ),
    (
        "Clean Energy: established at AGH University",
        role(
            "cluster:malopolsko-podkarpacki-clean-energy", "orgn:agh-university", "host-institution"
        ),
    ),
    (
        "AGH is in Kraków and linked to its Wikidata item",
        "ASK { orgn:agh-university schema:location place:krakow ; owl:sameAs wd:Q1132271 }",
    ),
    # sectors
    (
        "LifeScience: biotechnology and life sciences",
        has(
            "cluster:lifescience-krakow",
            "kc:sector",
            "sector:biotechnology",
            "sector:life-sciences",
        ),
    ),
    (
        "Sustainable Infrastructure: construction automation and green building",
        has(
            "cluster:sustainable-infrastructure",
            "kc:sector",
            "sector:building-automation",
            "sector:green-building",
        ),
    ),
    (
        "BIM: construction and ICT",
        has("cluster:bim", "kc:sector", "sector:construction", "sector:ict"),
    ),
    (
        "Cleantech: clean technologies",
        has("cluster:south-poland-cleantech", "kc:sector", "sector:cleantech"),
    ),
    (
        "Foundry: foundry, heavy industry",
        has("cluster:innovative-foundry", "kc:sector", "sector:foundry", "sector:heavy-industry"),
    ),
    (
        "Cracov Movies: film industry",
        has("cluster:cracov-movies", "kc:sector", "sector:film-industry"),
    ),
    ("Lighting: lighting", has("cluster:intelligent-lighting", "kc:sector", "sector:lighting")),
    (
        "Clean Energy: clean energy",
        has("cluster:malopolsko-podkarpacki-clean-energy", "kc:sector", "sector:clean-energy"),
    ),
    (
        "green building is narrower than construction",
        "ASK { sector:green-building skos:broader+ sector:construction }",
    ),
    # member types
    (
        "LifeScience members: companies, universities, institutes, hospitals, support, government",
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
        has("cluster:cracov-movies", "kc:memberType", "mt:artist"),
    ),
    (
        "Clean Energy members include Marshal Offices",
        has(
            "cluster:malopolsko-podkarpacki-clean-energy",
            "kc:memberType",
            "mt:marshal-office",
            "mt:higher-education-institution",
        ),
    ),
    (
        "every member type is classed into a helix",
        "ASK { FILTER NOT EXISTS { ?t skos:inScheme <https://w3id.org/krakow-clusters/id/scheme/member-types> FILTER NOT EXISTS { ?t kc:helix ?h } } }",
    ),
    # geography
    (
        "Cleantech members from Małopolska, Silesia and other Polish regions",
        has(
            "cluster:south-poland-cleantech",
            "kc:memberRegion",
            "place:malopolskie",
            "place:slaskie",
            "place:poland",
        ),
    ),
    ("BIM members from all over Poland", has("cluster:bim", "kc:memberRegion", "place:poland")),
    (
        "Cracov Movies: film production from Małopolska",
        has("cluster:cracov-movies", "kc:memberRegion", "place:malopolskie"),
    ),
    (
        "every cluster operates in the Kraków Metropolitan Area",
        "ASK { FILTER NOT EXISTS { ?c a kc:ClusterInitiative FILTER NOT EXISTS { ?c schema:location place:krakow-metropolitan-area } } }",
    ),
    (
        "voivodeships carry TERYT codes and Wikidata links",
        'ASK { place:malopolskie kc:terytCode "12" ; owl:sameAs wd:Q54159 . place:slaskie kc:terytCode "24" ; owl:sameAs wd:Q54181 . place:podkarpackie kc:terytCode "18" ; owl:sameAs wd:Q54175 . }',
    ),
    (
        "Kraków: TERC 1261011, Wikidata Q31487",
        'ASK { place:krakow kc:terytCode "1261011" ; owl:sameAs wd:Q31487 }',
    ),
    # provenance
    (
        "every cluster, count, status and role cites the article",
        f"""ASK {{ FILTER NOT EXISTS {{
        {{ ?x a kc:ClusterInitiative }} UNION {{ ?x a kc:MemberCount }} UNION {{ ?x a kc:StatusAssignment }} UNION {{ ?x a org:Membership }}
        FILTER NOT EXISTS {{ ?x dcterms:source <{ARTICLE}> }} }} }}""",
    ),
    (
        "the article is described with its title",
        f'ASK {{ <{ARTICLE}> dcterms:title "Innovative Clusters in the Kraków Metropolitan Area"@en }}',
    ),
    (
        "every cluster has an English and a Polish description",
        "ASK { FILTER NOT EXISTS { ?c a kc:ClusterInitiative FILTER NOT EXISTS { ?c dcterms:description ?en , ?pl FILTER (LANG(?en) = 'en' && LANG(?pl) = 'pl') } } }",
    ),
]


def test_the_table_has_facts():
    assert len(FACTS) >= 50


@pytest.mark.parametrize(("fact", "ask"), FACTS, ids=[f for f, _ in FACTS])
def test_fact_holds(dataset, fact, ask):
    result = dataset.query(PREFIXES + ask)
    assert result.kind == "ask"
    assert result.boolean, fact


GENERIC_CLUSTERS = "SELECT ?c { ?c a <http://www.w3.org/ns/org#OrganizationalCollaboration> }"


def test_generic_client_finds_exactly_the_eight_clusters(project):
    from krakow_clusters.store.embedded import EmbeddedStore

    data_only = EmbeddedStore.from_files(project.data_files())  # no ontology, no inference
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

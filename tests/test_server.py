"""`krakow-clusters serve` over real HTTP: dereferenceable IRIs, content negotiation, dataset."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Literal, Namespace, URIRef

from .appserver import get

KC = Namespace("https://w3id.org/krakow-clusters/ontology#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
ID = "https://w3id.org/krakow-clusters/id/"
BIM = URIRef(ID + "cluster/bim")
LIFESCIENCE = URIRef(ID + "cluster/lifescience-krakow")

RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


def parse(body: bytes, media: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=body, format=RDF_FORMATS[media])
    return graph


def media_of(headers) -> str:
    return headers["Content-Type"].split(";")[0]


@pytest.mark.parametrize("media", list(RDF_FORMATS))
def test_each_rdf_type_is_negotiated_and_parses(app, media):
    status, headers, body = get(app.base + "/id/cluster/bim", media)
    assert status == 200
    assert media_of(headers) == media
    assert "Accept" in headers["Vary"]
    graph = parse(body, media)
    assert (BIM, RDF.type, KC.ClusterInitiative) in graph
    assert (
        BIM,
        RDFS.label,
        Literal("Cluster of Information Technologies in Construction", lang="en"),
    ) in graph


def test_html_is_negotiated_for_browsers(app):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    status, headers, body = get(app.base + "/id/cluster/bim", accept)
    assert status == 200
    assert media_of(headers) == "text/html"
    assert "Accept" in headers["Vary"]
    page = body.decode()
    assert "<h1>Cluster of Information Technologies in Construction</h1>" in page
    assert "almost 50 members in total" in page
    assert "creativecommons.org/licenses/by/4.0" in page, "licence on every page"
    assert "kma4business.metropoliakrakowska.pl" in page, "source on every page"
    assert 'href="/id/sector/construction"' in page, "links point at this server"
    assert 'href="/id/cluster/bim.ttl"' in page, "links to the data formats"


def test_a_page_shows_where_each_statement_comes_from(app):
    status, _headers, body = get(app.base + "/id/cluster/bim", "text/html")
    assert status == 200
    page = body.decode()
    # A fact for people cites its source as a footnote; the hash IRI of the count leads to it.
    main = page.split('<main id="main"', 1)[1]
    facts, data = main.split('<section class="data" id="as-data">', 1)
    size = next(line for line in facts.splitlines() if "“almost 50 members in total”" in line)
    assert '<span class="value" id="members">' in size
    note = size.split('href="#note-', 1)[1].split('"', 1)[0]
    assert f'<li id="note-{note}">What the article states: ' in facts
    sector = next(line for line in facts.splitlines() if "construction industry</a>" in line)
    note = sector.split('href="#note-', 1)[1].split('"', 1)[0]
    assert f'<li id="note-{note}">Classifications by the curators' in facts
    # The statements that no fact shows, in the table "As data" (the page's head holds them all,
    # as JSON-LD), each with its origin; none of those above again.
    origin = '<span class="origin" title="where this statement comes from">({})</span>'
    polish = next(line for line in data.splitlines() if "Sieć powiązań kooperacyjnych" in line)
    assert origin.format("Translations by the curators") in polish
    assert "almost 50 members in total" not in data and "construction industry" not in data
    # The RDF answer is the data only: the origins are the graphs', not extra triples.
    _status, _headers, turtle = get(app.base + "/id/cluster/bim", "text/turtle")
    assert b"What the article states" not in turtle


def test_polish_label_shown_where_present(app):
    status, _headers, body = get(app.base + "/id/cluster/lifescience-krakow", "text/html")
    assert status == 200
    page = body.decode()
    labels = parse(
        get(app.base + "/id/cluster/lifescience-krakow", "text/turtle")[2], "text/turtle"
    )
    polish = [str(o) for o in labels.objects(LIFESCIENCE, RDFS.label) if o.language == "pl"]
    for name in polish:
        assert name in page


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
        ("text/html;q=0.1, */*;q=0.8", "text/turtle"),
        ("text/html;q=0, text/turtle", "text/turtle"),
        ("application/rdf+xml;q=1.0, text/turtle;q=0.99", "application/rdf+xml"),
        ("text/*;q=0.5, application/n-triples;q=0.4", "text/html"),
        ("application/*", "application/ld+json"),
        ("*/*", "text/html"),
        (None, "text/html"),
    ],
)
def test_q_values_decide(app, accept, expected):
    status, headers, _body = get(app.base + "/id/cluster/bim", accept)
    assert status == 200
    assert media_of(headers) == expected


def test_nothing_acceptable_is_406_listing_offered_types(app):
    status, headers, body = get(app.base + "/id/cluster/bim", "image/png, application/pdf;q=0.5")
    assert status == 406
    assert "Accept" in headers["Vary"]
    for media in ["text/html", *RDF_FORMATS]:
        assert media in body.decode()


@pytest.mark.parametrize(
    ("suffix", "expected"),
    [
        ("?format=ttl", "text/turtle"),
        ("?format=jsonld", "application/ld+json"),
        ("?format=nt", "application/n-triples"),
        ("?format=rdf", "application/rdf+xml"),
        ("?format=html", "text/html"),
        (".ttl", "text/turtle"),
        (".jsonld", "application/ld+json"),
        (".nt", "application/n-triples"),
        (".rdf", "application/rdf+xml"),
        (".html", "text/html"),
    ],
)
def test_format_parameter_and_extension_override_accept(app, suffix, expected):
    accept = "application/n-triples" if expected == "text/html" else "text/html"
    status, headers, body = get(app.base + "/id/cluster/bim" + suffix, accept)
    assert status == 200
    assert media_of(headers) == expected
    if expected != "text/html":
        assert (BIM, RDF.type, KC.ClusterInitiative) in parse(body, expected)


@pytest.mark.parametrize("media", list(RDF_FORMATS))
def test_unknown_iri_is_404_in_the_asked_format(app, media):
    status, headers, body = get(app.base + "/id/cluster/no-such-cluster", media)
    assert status == 404
    assert media_of(headers) == media
    assert len(parse(body, media)) == 0


@pytest.mark.parametrize(
    "path", ["/id/cluster/bim%0A", "/id/cluster%0A/bim", "/id/cluster/bim%0D%0A"]
)
def test_a_slug_with_a_line_break_is_refused_in_one_line_not_an_error(app, path):
    # Issue 12: a control character in a path is a malformed request (400, one line), not a
    # resource that could exist (it was 404 before the guard).
    status, _headers, body = get(app.base + path, "text/turtle")
    assert status == 400
    assert body.decode().count("\n") == 1 and "control character" in body.decode()


def test_an_ask_answer_is_shown_as_html(app):
    status, headers, body = get(app.base + "/sparql?query=ASK%7B%7D", "text/html")
    assert status == 200
    assert media_of(headers) == "text/html"
    # for people: "yes" under the heading "Answer" (the SPARQL JSON keeps the boolean)
    assert '<th scope="col">Answer</th>' in body.decode() and "<td>yes</td>" in body.decode()


def test_unknown_iri_html_404(app):
    status, headers, body = get(app.base + "/id/cluster/no-such-cluster", "text/html")
    assert status == 404
    assert media_of(headers) == "text/html"
    assert "no-such-cluster" in body.decode()


def test_cluster_turtle_holds_its_facts_with_canonical_iris(app):
    status, _headers, body = get(app.base + "/id/cluster/lifescience-krakow", "text/turtle")
    assert status == 200
    assert b"127.0.0.1" not in body, "RDF keeps the w3id IRIs"
    graph = parse(body, "text/turtle")
    count = URIRef(str(LIFESCIENCE) + "#members")
    assert (LIFESCIENCE, KC.memberCount, count) in graph
    assert (count, KC.statedNumber, Literal(70, datatype=XSD.integer)) in graph
    assert (count, SCHEMA.value, None) not in graph  # "more than 70" is not a value of 70
    assert (count, KC.qualifier, URIRef(ID + "count-qualifier/more-than")) in graph
    assert (
        count,
        KC.statedAs,
        Literal("more than 70 private and public entities", lang="en"),
    ) in graph
    # A hash node that points at the cluster (its coordinator role) belongs to its document.
    role = URIRef(str(LIFESCIENCE) + "#coordinator")
    assert (role, KC.roleIn, LIFESCIENCE) in graph
    assert (role, KC.roleType, URIRef(ID + "role/coordinator")) in graph
    # Labels of what it points to.
    assert (
        URIRef(ID + "count-qualifier/more-than"),
        SKOS.prefLabel,
        Literal("more than", lang="en"),
    ) in graph


def test_incoming_links_are_part_of_the_description(app):
    status, _headers, body = get(app.base + "/id/sector/biotechnology", "text/turtle")
    assert status == 200
    graph = parse(body, "text/turtle")
    assert (LIFESCIENCE, KC.sector, URIRef(ID + "sector/biotechnology")) in graph


def test_ontology_dereferences_to_its_data(app):
    for path in ("/ontology", "/ontology/0.1.0"):
        status, headers, body = get(app.base + path, "text/turtle")
        assert status == 200
        graph = parse(body, "text/turtle")
        assert (KC.ClusterInitiative, RDF.type, OWL.Class) in graph
    status, headers, body = get(app.base + "/ontology.jsonld")
    assert media_of(headers) == "application/ld+json"
    assert (KC.MemberCount, RDF.type, OWL.Class) in parse(body, "application/ld+json")


def test_ontology_html_is_the_documentation_in_the_sites_frame(app):
    # The release's documentation, rendered here (no redirect to the built file): the site's
    # navigation, every term by its anchor, in the language asked for.
    status, headers, body = get(app.base + "/ontology", "text/html")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert '<nav aria-label="Site">' in page and '<a href="/queries/">' in page
    assert 'id="memberCount"' in page and 'id="ClusterInitiative"' in page
    assert 'href="/ontology.ttl"' in page
    status, headers, body = get(app.base + "/ontology", "text/html", **{"Accept-Language": "pl"})
    assert status == 200 and '<html lang="pl">' in body.decode()
    assert "Klasy" in body.decode() and "Accept-Language" in headers["Vary"]


def test_ontology_html_without_build_lists_the_terms(strict_app):
    status, _headers, body = get(strict_app.base + "/ontology", "text/html")
    assert status == 200
    assert 'id="ClusterInitiative"' in body.decode(), "/ontology#ClusterInitiative lands on it"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_dataset_description_from_dist(app):
    for path in ("/dataset", "/.well-known/void", "/void"):
        status, _headers, body = get(app.base + path, "text/turtle")
        assert status == 200
        graph = parse(body, "text/turtle")
        dataset = URIRef("https://w3id.org/krakow-clusters/dataset")
        assert (dataset, RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")) in graph
    status, _headers, body = get(app.base + "/dataset", "application/ld+json")
    assert status == 200 and len(parse(body, "application/ld+json")) == 3
    status, _headers, body = get(app.base + "/dataset", "text/html")
    assert status == 200 and "Kraków innovation clusters" in body.decode()


def test_dumps_are_downloadable(app, dist_dir):
    status, _headers, body = get(app.base + "/dist/krakow-clusters.nt")
    assert status == 200
    assert body == (dist_dir / "krakow-clusters.nt").read_bytes()
    status, _headers, body = get(app.base + "/dist/")
    assert status == 200 and "krakow-clusters.nt" in body.decode()
    status, _headers, _body = get(app.base + "/dist/../pyproject.toml")
    assert status == 404
    # The paths of build's w3id rules for files.
    for path, name in (
        ("/context.jsonld", "context.jsonld"),
        ("/ontology/krakow-clusters.ttl", "ontology/krakow-clusters.ttl"),
    ):
        status, _headers, body = get(app.base + path)
        assert status == 200
        assert body == (dist_dir / name).read_bytes()


def test_dataset_without_build_is_404_with_a_hint(strict_app):
    hint = "nothing is built yet (krakow-clusters build)"
    status, _headers, body = get(strict_app.base + "/dataset", "text/turtle")
    assert status == 404
    assert hint in body.decode()
    assert len(parse(body, "text/turtle")) == 0
    status, _headers, body = get(strict_app.base + "/dist/anything.nt")
    assert status == 404 and body.decode() == hint + "\n"
    # The server's own paths (its dist folder is .../no-dist) are shown to no visitor.
    for path, accept in (("/dataset", "text/html"), ("/dataset", "text/turtle"), ("/dist/", None)):
        status, _headers, body = get(strict_app.base + path, accept)
        assert status == 404 and "no-dist" not in body.decode(), (path, body[:200])


def test_home_lists_the_eight_clusters(app):
    status, _headers, body = get(app.base + "/", "text/html")
    assert status == 200
    assert body.decode().count('href="/id/cluster/') == 8


def test_cors_headers(app):
    status, headers, _body = get(
        app.base + "/id/cluster/bim", "text/turtle", Origin="https://example.org"
    )
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_saved_queries_listed_and_run(app):
    status, headers, body = get(app.base + "/queries/", "application/json")
    assert status == 200
    names = [q["name"] for q in json.loads(body)["queries"]]
    assert "overview" in names
    status, headers, body = get(app.base + "/queries/", "text/html")
    assert status == 200 and 'href="/queries/overview"' in body.decode()

    status, headers, body = get(app.base + "/queries/overview.json")
    assert status == 200
    assert media_of(headers) == "application/sparql-results+json"
    rows = json.loads(body)["results"]["bindings"]
    assert sorted(r["cluster"]["value"].rsplit("/", 1)[1] for r in rows) == sorted(
        [
            "bim",
            "cracov-movies",
            "innovative-foundry",
            "intelligent-lighting",
            "lifescience-krakow",
            "malopolsko-podkarpacki-clean-energy",
            "south-poland-cleantech",
            "sustainable-infrastructure",
        ]
    )
    status, headers, body = get(app.base + "/queries/overview", "text/csv")
    assert status == 200 and media_of(headers) == "text/csv"
    assert len(body.decode().strip().splitlines()) == 9
    status, headers, body = get(app.base + "/queries/overview", "text/html")
    assert status == 200 and "LifeScience Kraków Cluster" in body.decode()


def test_a_paged_saved_query_answers_the_page_asked_for(app):
    def rows(query: str) -> list[str]:
        status, _headers, body = get(app.base + "/queries/unlinked.json" + query)
        assert status == 200
        return [r["resource"]["value"] for r in json.loads(body)["results"]["bindings"]]

    whole = rows("")
    assert len(whole) > 6
    assert rows("?limit=4") + rows("?limit=4&offset=4") == whole[:8]
    status, _headers, body = get(app.base + "/queries/unlinked.json?limit=0")
    assert status == 400 and "limit must be 1 to 100000 and offset 0 or more" in body.decode()


def test_saved_query_errors(app):
    status, _headers, body = get(app.base + "/queries/overveiw.json")
    assert status == 404 and "overview" in body.decode(), "close matches suggested"
    status, _headers, body = get(app.base + "/queries/overview.json?sector=x")
    assert status == 400 and "unknown parameter" in body.decode()


def test_the_query_list_names_a_federated_query_without_linking_a_refusal(app):
    status, _headers, body = get(app.base + "/queries/", "text/html")
    assert status == 200
    page = body.decode()
    assert "<h2>wikidata-places</h2>" in page, "shown, not linked: federation is off"
    assert 'href="/queries/wikidata-places"' not in page
    assert "sends no request on a visitor" in page
    assert 'href="/queries/overview"' in page, "the others are links"
    status, _headers, body = get(app.base + "/queries.json")
    listed = {q["name"]: q for q in json.loads(body)["queries"]}
    assert listed["wikidata-places"]["federated"] and not listed["wikidata-places"]["runs_here"]
    assert listed["overview"]["runs_here"]

"""`link check` against a real Oxigraph server loaded with the Wikidata-shaped fixture."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import OWL, SKOS, URIRef

from krakow_clusters.cli import cli
from krakow_clusters.project import Project
from krakow_clusters.wikidata.check import check_links
from krakow_clusters.wikidata.entities import Entity
from krakow_clusters.wikidata.matching import EXPECTED_CLASSES, class_verdict

from .linking import ID, WD, WIKIDATA_FIXTURE, client, copy_project


@pytest.fixture
def wikidata(oxigraph):
    """A real Oxigraph server holding the Wikidata-shaped fixture."""
    return oxigraph([WIKIDATA_FIXTURE], read_only=True)


def add_link(project: Project, subject: str, predicate: str, qid: str, name: str) -> None:
    """Append a link with its record, as a curator would, to the copy's links file."""
    links = project.data_dir / "links" / "wikidata.ttl"
    links.write_text(
        links.read_text()
        + f"""
<{ID}{subject}> {predicate} wd:{qid} .

link:{name}
    a rdf:Statement ;
    rdf:subject <{ID}{subject}> ;
    rdf:predicate {predicate} ;
    rdf:object wd:{qid} ;
    dcterms:type lm:evidence-list ;
    kc:evidence "a test link" ;
    prov:wasDerivedFrom <https://w3id.org/krakow-clusters/id/source/identifier-evidence-list> .
"""
    )


@pytest.fixture
def bad_project(project, tmp_path) -> Project:
    """The project with a decoy, a redirect, a deleted item and a wrong label among its links."""
    copy = copy_project(project, tmp_path / "project")
    links = copy.data_dir / "links" / "wikidata.ttl"
    # Kraków (the place) now points at a company called "Kraków": the decoy.
    links.write_text(links.read_text().replace("wd:Q31487", "wd:Q99000005"))
    add_link(copy, "cluster/cracov-movies", "owl:sameAs", "Q99000003", "cluster-cracov-movies-wd")
    add_link(copy, "organization/modern-cast", "owl:sameAs", "Q99000004", "organization-mc-wd")
    add_link(copy, "sector/foundry", "skos:exactMatch", "Q99000002", "sector-foundry-wd")
    return copy


def by_target(report):
    return {(str(c.resource.iri), str(c.target)): c for c in report.checks}


def test_the_real_links_are_all_correct_on_the_fixture(project, wikidata):
    report = check_links(project, client(wikidata.query_url))
    assert len(report.checks) == 12
    assert report.wrong == []
    assert report.exit_code == 0


def test_check_classifies_decoy_redirect_deleted_and_wrong_label(bad_project, wikidata):
    report = check_links(bad_project, client(wikidata.query_url))
    checks = by_target(report)
    decoy = checks[(ID + "place/krakow", WD + "Q99000005")]
    assert decoy.problems == ["class implausible for a place: business (Q99000107)"]
    redirect = checks[(ID + "cluster/cracov-movies", WD + "Q99000003")]
    assert redirect.problems == ["redirected: Q99000003 is now Q99000001"]
    deleted = checks[(ID + "organization/modern-cast", WD + "Q99000004")]
    assert deleted.problems == ["missing: Q99000004 does not exist (deleted or never made)"]
    film = checks[(ID + "sector/foundry", WD + "Q99000002")]
    assert any(p.startswith("label matches none of ours") for p in film.problems)
    assert "class implausible for a sector: film (Q99000108)" in film.problems
    wrong = {(str(c.resource.iri), str(c.target)) for c in report.wrong}
    assert wrong == {
        (ID + "place/krakow", WD + "Q99000005"),
        (ID + "cluster/cracov-movies", WD + "Q99000003"),
        (ID + "organization/modern-cast", WD + "Q99000004"),
        (ID + "sector/foundry", WD + "Q99000002"),
    }
    assert len(report.checks) == 15
    assert report.exit_code == 1


def test_cli_check_reports_decoy_and_redirect_and_exits_1(bad_project, wikidata, monkeypatch):
    monkeypatch.setenv("KRAKOW_CLUSTERS_HOME", str(bad_project.root))
    result = CliRunner().invoke(cli, ["link", "check", "--endpoint", wikidata.query_url])
    assert result.exit_code == 1, result.output
    assert "WRONG place:krakow owl:sameAs wd:Q99000005" in result.output
    assert "class implausible for a place: business" in result.output
    assert "redirected: Q99000003 is now Q99000001" in result.output
    assert "4 of 15 links are wrong." in result.output
    # the answers were cached in the copy's .cache/wikidata/, so --offline now works
    assert list((bad_project.root / ".cache" / "wikidata").glob("*.json"))
    offline = CliRunner().invoke(
        cli, ["link", "check", "--offline", "--endpoint", wikidata.query_url]
    )
    assert offline.exit_code == 1
    assert "requests sent: 0" in offline.output


def test_cli_check_exits_0_on_the_real_data(project, wikidata, tmp_path, monkeypatch):
    monkeypatch.setenv("KRAKOW_CLUSTERS_CACHE", str(tmp_path / "cache"))
    result = CliRunner().invoke(cli, ["link", "check", "--endpoint", wikidata.query_url])
    assert result.exit_code == 0, result.output
    assert "All 12 links are correct." in result.output


def test_offline_without_cache_is_a_clear_error(project, tmp_path, monkeypatch):
    monkeypatch.setenv("KRAKOW_CLUSTERS_CACHE", str(tmp_path / "empty"))
    result = CliRunner().invoke(cli, ["link", "check", "--offline"])
    assert result.exit_code == 2
    assert result.output.startswith("error: offline: no cached answer from")


def test_unreachable_endpoint_exits_2(project, tmp_path, monkeypatch):
    monkeypatch.setenv("KRAKOW_CLUSTERS_CACHE", str(tmp_path / "cache"))
    result = CliRunner().invoke(
        cli,
        ["link", "check", "--endpoint", "http://127.0.0.1:9/sparql", "--retries", "0"],
    )
    assert result.exit_code == 2
    assert "did not answer after 1 attempts" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "kind, classes, expected",
    [
        ("place", {"Q1": "city"}, True),
        ("place", {"Q1": "business"}, False),
        ("place", {}, None),
        ("organization", {"Q1": "public university"}, True),
        ("organization", {"Q1": "film"}, False),
        ("cluster", {"Q1": "business"}, False),
        ("cluster", {"Q1": "cluster initiative"}, True),
        ("sector", {"Q1": "industry"}, True),
        ("sector", {"Q1": "human"}, False),
    ],
)
def test_expected_class_table(kind, classes, expected):
    entity = Entity(URIRef(WD + "Q5"), exists=True)
    entity.classes = {URIRef(WD + q): name for q, name in classes.items()}
    assert class_verdict(kind, entity)[0] is expected
    assert kind in EXPECTED_CLASSES


def test_superclass_makes_a_class_plausible():
    entity = Entity(URIRef(WD + "Q5"), exists=True)
    entity.classes = {URIRef(WD + "Q1"): "okręg"}
    assert class_verdict("place", entity)[0] is False
    entity.superclasses = {URIRef(WD + "Q2"): "administrative territorial entity"}
    assert class_verdict("place", entity)[0] is True


def test_link_predicates_in_data_are_known(project):
    from krakow_clusters.wikidata.resources import load_resources

    _graph, resources = load_resources(project)
    predicates = {p for r in resources.values() for p, _ in r.links}
    assert predicates and predicates <= {OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch}


@pytest.mark.network
def test_live_check_against_wikidata(project, tmp_path):
    """Runs `check` against the live Wikidata endpoint: off by default (`-m network`)."""
    # the default pause (1 s between requests on query.wikidata.org) and timeouts
    live = client("https://query.wikidata.org/sparql", tmp_path, pause=None, read_timeout=60)
    report = check_links(project, live)
    assert len(report.checks) == 12
    missing = [c for c in report.checks if any("missing" in p for p in c.problems)]
    assert missing == [], "every evidence-list QID should exist on Wikidata"


def test_record_verified_marks_only_the_correct_evidence_list_links(
    bad_project, wikidata, monkeypatch
):
    import rdflib
    from rdflib import RDF
    from rdflib.namespace import DCTERMS

    from krakow_clusters.validate import validate_project

    monkeypatch.setenv("KRAKOW_CLUSTERS_HOME", str(bad_project.root))
    args = ["link", "check", "--endpoint", wikidata.query_url, "--record-verified"]
    result = CliRunner().invoke(cli, [*args, "--date", "2026-11-24"])
    assert result.exit_code == 1, result.output
    assert "11 link record(s) marked verified-live" in result.output
    graph = rdflib.Graph().parse(bad_project.data_dir / "links" / "wikidata.ttl")
    lm = "https://w3id.org/krakow-clusters/id/link-method/"
    methods = {
        str(graph.value(r, RDF.object)): str(graph.value(r, DCTERMS.type))
        for r in graph.subjects(RDF.type, RDF.Statement)
    }
    # the wrong links keep their method; the correct ones are now verified against the endpoint
    for wrong in ("Q99000005", "Q99000003", "Q99000004", "Q99000002"):
        assert methods[WD + wrong] == lm + "evidence-list"
    assert methods[WD + "Q54159"] == lm + "verified-live"
    assert sum(m == lm + "verified-live" for m in methods.values()) == 11
    record = URIRef(ID + "link/place-malopolskie-wikidata")
    sources = set(graph.objects(record, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
    assert URIRef(wikidata.query_url) in sources and len(sources) == 2
    assert str(graph.value(record, DCTERMS.date)) == "2026-11-24"
    # Recording breaks nothing; validate still refuses the four wrong links, which claim the
    # evidence list but name identifiers it does not hold (issue 23), and only them.
    report = validate_project(bad_project)
    refused = {(str(f.focus), str(f.value)) for f in report.findings if f.severity == "Violation"}
    assert {value for _focus, value in refused} == {
        WD + wrong for wrong in ("Q99000005", "Q99000003", "Q99000004", "Q99000002")
    }
    again = CliRunner().invoke(cli, [*args, "--date", "2026-11-23"])
    assert "0 link record(s) marked verified-live" in again.output


def test_record_verified_refuses_offline(project):
    result = CliRunner().invoke(cli, ["link", "check", "--offline", "--record-verified"])
    assert result.exit_code == 2
    assert "--record-verified needs the endpoint itself" in result.output


def test_queries_sent_to_wikidata_are_standard_sparql():
    from rdflib import Literal
    from rdflib.plugins.sparql import prepareQuery

    from krakow_clusters.wikidata.queries import (
        contains_search_query,
        exact_label_query,
        facts_query,
    )

    prepareQuery(facts_query([URIRef(WD + "Q31487"), URIRef(WD + "Q36")], ("en", "pl")))
    prepareQuery(exact_label_query([Literal("Kraków", lang="pl"), Literal('a "b"', lang="en")]))
    prepareQuery(contains_search_query('Kraków "x"', "pl"))

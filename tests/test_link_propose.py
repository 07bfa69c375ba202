"""`link propose`: candidates from a real Oxigraph server, the review file, and accepting."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import OWL, RDF, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.plugins.sparql import prepareQuery

from krakow_clusters.cli import cli
from krakow_clusters.errors import CouldNotRun
from krakow_clusters.validate import validate_project
from krakow_clusters.wikidata.propose import (
    accept_proposals,
    propose_links,
    read_review,
    review_file,
    write_review,
)
from krakow_clusters.wikidata.queries import mwapi_search_query

from .identity import SITE
from .linking import ID, WD, WIKIDATA_FIXTURE, client, copy_project

KC = SITE.kc

LINK_METHOD = ID + "link-method/"
DAY = "2026-11-24"


def fingerprint(root: Path) -> dict[str, str]:
    """Hashes of every curated file (ontology/, data/ *.ttl), to see that none changed."""
    files = sorted((root / "ontology").rglob("*.ttl")) + sorted((root / "data").rglob("*.ttl"))
    assert files
    return {str(f.relative_to(root)): hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


@pytest.fixture
def wikidata(oxigraph):
    return oxigraph([WIKIDATA_FIXTURE], read_only=True)


@pytest.fixture
def copy(project, tmp_path):
    return copy_project(project, tmp_path / "project")


def test_propose_classifies_correct_decoy_redirect_and_deleted(copy, wikidata):
    from datetime import date

    proposals = propose_links(copy, client(wikidata.query_url), today=date(2026, 11, 24))
    movies = [p for p in proposals if p.resource.iri == URIRef(ID + "cluster/cracov-movies")]
    by_qid = {p.candidate.qid: p for p in movies}
    # the redirect is followed to its target, never proposed itself; the deleted item never shows
    assert set(by_qid) == {"Q99000001", "Q99000002"}
    correct, decoy = by_qid["Q99000001"], by_qid["Q99000002"]
    assert correct.verdict == "likely" and correct.score == 1.0
    assert "found as Q99000003, which redirects here" in correct.evidence
    assert decoy.verdict == "unlikely: implausible class"
    assert decoy.score < correct.score
    assert movies[0] is correct, "the best candidate comes first"
    area = [p for p in proposals if p.resource.iri == URIRef(ID + "place/krakow-metropolitan-area")]
    assert [p.candidate.qid for p in area] == ["Q99000006"]
    assert "located in (P131) Q54159" in area[0].evidence
    # linked resources are not searched again
    assert not [p for p in proposals if p.resource.links]
    assert {p.predicate for p in proposals} == {"owl:sameAs"}


def test_cli_propose_writes_review_file_and_changes_no_curated_file(copy, wikidata, monkeypatch):
    monkeypatch.setenv("KRAKOW_CLUSTERS_HOME", str(copy.root))
    before = fingerprint(copy.root)
    result = CliRunner().invoke(
        cli, ["link", "propose", "--endpoint", wikidata.query_url, "--date", DAY]
    )
    assert result.exit_code == 0, result.output
    assert "3 proposal(s) for 2 resource(s) written to data/links/proposals.csv" in result.output
    assert fingerprint(copy.root) == before
    rows = read_review(review_file(copy))
    assert [(r["candidate"].rsplit("/", 1)[1], r["verdict"]) for r in rows] == [
        ("Q99000001", "likely"),
        ("Q99000002", "unlikely: implausible class"),
        ("Q99000006", "likely"),
    ]
    assert review_file(copy).read_text().startswith("# Proposed links to Wikidata")
    # the review file is not data: the dataset does not load it
    assert review_file(copy) not in copy.dataset_files()


def test_accept_by_iri_moves_the_link_with_its_record(copy, wikidata, monkeypatch):
    from datetime import date

    write_review(copy, propose_links(copy, client(wikidata.query_url), today=date(2026, 11, 24)))
    monkeypatch.setenv("KRAKOW_CLUSTERS_HOME", str(copy.root))
    result = CliRunner().invoke(
        cli, ["link", "propose", "--accept", WD + "Q99000001", "--date", "2026-11-23"]
    )
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(copy.data_dir / "links" / "wikidata.ttl")
    subject, target = URIRef(ID + "cluster/cracov-movies"), URIRef(WD + "Q99000001")
    assert (subject, OWL.sameAs, target) in graph
    record = URIRef(ID + "link/cluster-cracov-movies-wikidata")
    assert graph.value(record, RDF.type) == RDF.Statement
    assert graph.value(record, RDF.subject) == subject
    assert graph.value(record, RDF.predicate) == OWL.sameAs
    assert graph.value(record, RDF.object) == target
    assert graph.value(record, DCTERMS.type) == URIRef(LINK_METHOD + "reviewed-proposal")
    assert graph.value(record, DCTERMS.date) == Literal(
        "2026-11-23", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")
    )
    assert graph.value(record, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) == URIRef(
        wikidata.query_url
    )
    evidence = str(graph.value(record, KC.evidence))
    assert "score 1.00" in evidence and wikidata.query_url in evidence
    # every other proposal of that resource leaves the review file; the others stay
    rows = read_review(review_file(copy))
    assert [r["candidate"] for r in rows] == [WD + "Q99000006"]
    # the data with the new link still validates (SHACL and the SPARQL checks)
    report = validate_project(copy)
    assert report.conforms, [f.message for f in report.findings if f.severity == "Violation"]


def test_accept_marked_rows_of_an_edited_review_file(copy, wikidata):
    from datetime import date

    write_review(copy, propose_links(copy, client(wikidata.query_url), today=date(2026, 11, 24)))
    path = review_file(copy)
    lines = path.read_text().splitlines()
    edited = [
        "yes" + line if "Q99000006" in line and not line.startswith("#") else line for line in lines
    ]
    path.write_text("\n".join(edited) + "\n")
    accepted = accept_proposals(copy, marked=True, today=date(2026, 11, 25))
    assert [(a.resource, a.target) for a in accepted] == [
        (URIRef(ID + "place/krakow-metropolitan-area"), URIRef(WD + "Q99000006"))
    ]
    graph = rdflib.Graph().parse(copy.data_dir / "links" / "wikidata.ttl")
    assert (
        URIRef(ID + "place/krakow-metropolitan-area"),
        OWL.sameAs,
        URIRef(WD + "Q99000006"),
    ) in graph


def test_accept_refuses_unknown_candidates_and_nothing_marked(copy, wikidata):
    from datetime import date

    write_review(copy, propose_links(copy, client(wikidata.query_url), today=date(2026, 11, 24)))
    before = fingerprint(copy.root)
    with pytest.raises(CouldNotRun, match=r"not in proposals\.csv"):
        accept_proposals(copy, ["Q42"])
    with pytest.raises(CouldNotRun, match="no proposal is accepted"):
        accept_proposals(copy, marked=True)
    with pytest.raises(CouldNotRun, match="two proposals accepted"):
        accept_proposals(copy, ["Q99000001", "Q99000002"])
    assert fingerprint(copy.root) == before


def test_accept_without_review_file(copy):
    with pytest.raises(CouldNotRun, match="no review file"):
        accept_proposals(copy, ["Q1"])


def test_mwapi_query_is_valid_sparql_and_oxigraph_error_is_detected(copy, wikidata, tmp_path):
    text = mwapi_search_query('Cracov "Movies"', "en")
    prepareQuery(text)  # parses: the same text goes to Wikidata
    # Oxigraph cannot reach the MediaWiki API: it answers 200 and writes the error into the
    # body mid-stream. The client reports it instead of taking it for "no candidate".
    with pytest.raises(CouldNotRun, match="answered 200 with an error"):
        client(wikidata.query_url, tmp_path / "cache").query(text)
    with pytest.raises(CouldNotRun, match="answered 200 with an error"):
        propose_links(copy, client(wikidata.query_url), search="mwapi")

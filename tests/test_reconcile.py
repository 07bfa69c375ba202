"""Reconciliation: the matching on the real data, the W3C Reconciliation Service API 0.2 answers
of `serve` (validated against the specification's JSON schemas) and the `reconcile` command."""

from __future__ import annotations

import csv
import json
import urllib.parse
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from krakow_clusters.cli import cli
from krakow_clusters.rdf.matcher import MIN_SCORE, fold
from krakow_clusters.reconcile.service import (
    MAX_CONSTRAINTS,
    MAX_QUERIES,
    MAX_VALUES,
    BadRequest,
    Reconciler,
)

from .appserver import get, post
from .conftest import FIXTURES
from .identity import SETTINGS

SCHEMAS = FIXTURES / "reconciliation-0.2"
MESSY = list(csv.DictReader((FIXTURES / "reconcile" / "messy-names.csv").open(encoding="utf-8")))
ID = "https://w3id.org/krakow-clusters/id/"


def _schemas() -> tuple[dict[str, dict], Registry]:
    # The schemas name no draft ("http://json-schema.org/schema#") and use draft-7 keywords
    # (contains); they refer to each other by their $id.
    found = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT7))
        for schema in found.values()
    )
    return found, registry


SCHEMA_FILES, REGISTRY = _schemas()


def check(kind: str, answer: object) -> None:
    """Fail with the first error when `answer` does not validate against schema `kind`."""
    validator = Draft7Validator(SCHEMA_FILES[f"{kind}.json"], registry=REGISTRY)
    errors = sorted(validator.iter_errors(answer), key=lambda e: list(e.path))
    assert not errors, f"{kind}: {errors[0].message} at {list(errors[0].path)}"


@pytest.fixture(scope="module")
def reconciler(dataset) -> Reconciler:
    return Reconciler.from_store(dataset, SETTINGS)


def test_the_schemas_are_the_unchanged_copies_the_readme_lists():
    readme = (SCHEMAS / "README.md").read_text(encoding="utf-8")
    assert len(SCHEMA_FILES) == 9
    import hashlib

    for name in SCHEMA_FILES:
        digest = hashlib.sha256((SCHEMAS / name).read_bytes()).hexdigest()
        assert f"{digest}  {name}" in readme


# -- matching on the real data


def test_the_messy_batch_has_rows_of_every_kind():
    assert len(MESSY) >= 30
    assert sum(1 for row in MESSY if not row["expected"]) >= 5
    assert {row["match"] for row in MESSY if row["expected"]} == {"true", "false"}


@pytest.mark.parametrize("row", MESSY, ids=[row["name"] for row in MESSY])
def test_messy_name_finds_the_expected_first_candidate(reconciler, row):
    types = (row["type"],) if row["type"] else ()
    found = reconciler.matcher.candidates(row["name"], types, None, 5)
    if not row["expected"]:
        assert found == [], f"{row['name']!r} should match nothing ({row['why']})"
        return
    assert found, f"{row['name']!r} found nothing ({row['why']})"
    first = found[0]
    assert first.entity.id == row["expected"], row["why"]
    assert first.match is (row["match"] == "true"), row["why"]
    assert MIN_SCORE <= first.score <= 100
    assert (first.score == 100) is first.features["exact_name"]
    if len(found) > 1:
        assert found[1].score <= first.score


def test_an_exact_name_of_two_resources_is_not_a_match(reconciler):
    # "BIM" is an alternative name of the sector and the acronym of the cluster's names (a word in
    # capitals): both exact, so neither is a match.
    found = reconciler.matcher.candidates("BIM", (), None, 5)
    assert {c.entity.id for c in found[:2]} == {"sector/it-in-construction", "cluster/bim"}
    assert [(c.score, c.match) for c in found[:2]] == [(100.0, False), (100.0, False)]
    # Kraków is the name of the city in English and in Polish: one resource, so a match.
    krakow = reconciler.matcher.candidates("krakow", ("place",), None, 5)
    assert krakow[0].match and krakow[0].entity.id == "place/krakow"


def test_common_words_weigh_less_than_rare_ones(reconciler):
    matcher = reconciler.matcher
    assert matcher.weight("cluster") < matcher.weight("krakow") < matcher.weight("lifescience")


def test_matching_is_deterministic(reconciler, dataset):
    again = Reconciler.from_store(dataset, SETTINGS)
    for row in MESSY:
        first = reconciler.matcher.candidates(row["name"], (), None, 5)
        second = again.matcher.candidates(row["name"], (), None, 5)
        assert [(c.entity.id, c.score, c.features) for c in first] == [
            (c.entity.id, c.score, c.features) for c in second
        ]


def test_property_constraints_raise_the_candidates_that_meet_them(reconciler):
    def first(sector: str | None) -> dict:
        query = {"query": "Clean Energy Cluster", "type": "cluster"}
        if sector is not None:
            query["properties"] = [{"pid": "sector", "v": sector}]
        return reconciler.query(query)["result"][0]

    plain, met, unmet = first(None), first("clean energy"), first("sector/foundry")
    assert plain["id"] == met["id"] == unmet["id"]
    assert plain["id"] == "cluster/malopolsko-podkarpacki-clean-energy"
    assert {"id": "property_sector", "value": True} in met["features"]
    assert {"id": "property_sector", "value": False} in unmet["features"]
    assert unmet["score"] < met["score"] == plain["score"] == 100
    assert plain["match"] and met["match"] and not unmet["match"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"query": 3}, "query string"),
        ({"query": "x", "limit": -1}, "limit"),
        ({"query": "x", "limit": "ten"}, "limit"),
        ({"query": "x", "type": "person"}, "unknown type"),
        ({"query": "x", "properties": [{"pid": "colour", "v": "red"}]}, "unknown property"),
        ({"query": "x", "properties": {"pid": "sector"}}, "list"),
        ({"query": "x" * 2000}, "at most"),
    ],
)
def test_malformed_queries_are_refused_in_one_line(reconciler, query, message):
    with pytest.raises(BadRequest, match=message) as caught:
        reconciler.batch({"q0": query})
    assert "\n" not in str(caught.value)


# -- the service, served


def _batch(app, queries: dict, method: str = "POST") -> tuple[int, object]:
    encoded = urllib.parse.urlencode({"queries": json.dumps(queries)})
    if method == "POST":
        status, _headers, body = post(
            app.base + "/reconcile", encoded.encode(), "application/x-www-form-urlencoded"
        )
    else:
        status, _headers, body = get(app.base + "/reconcile?" + encoded)
    return status, json.loads(body) if status == 200 else body.decode()


def test_the_manifest_validates_and_names_the_spaces(app):
    status, headers, body = get(app.base + "/reconcile")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    manifest = json.loads(body)
    check("manifest", manifest)
    assert "0.2" in manifest["versions"]
    assert manifest["identifierSpace"] == ID
    assert manifest["schemaSpace"] == "https://w3id.org/krakow-clusters/ontology#"
    assert {t["id"] for t in manifest["defaultTypes"]} == {
        "cluster",
        "organization",
        "sector",
        "place",
    }
    assert manifest["view"]["url"] == app.base + "/id/{{id}}"


def test_the_manifest_as_jsonp(app):
    status, headers, body = get(app.base + "/reconcile?callback=jQuery_123.cb")
    assert status == 200 and headers["Content-Type"].startswith("application/javascript")
    text = body.decode()
    assert text.startswith("jQuery_123.cb(") and text.rstrip().endswith(");")
    check("manifest", json.loads(text[len("jQuery_123.cb(") : text.rstrip().rindex(")")]))
    status, _headers, body = get(app.base + "/reconcile?callback=alert(1)//")
    assert status == 400 and body.decode().count("\n") == 1


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_batch_validates_and_answers_each_query(app, method):
    queries = {
        f"q{i}": {"query": row["name"], **({"type": row["type"]} if row["type"] else {})}
        for i, row in enumerate(MESSY)
    }
    check("reconciliation-query-batch", queries)
    status, answer = _batch(app, queries, method)
    assert status == 200
    check("reconciliation-result-batch", answer)
    assert set(answer) == set(queries)
    for i, row in enumerate(MESSY):
        results = answer[f"q{i}"]["result"]
        assert [r["id"] for r in results[:1]] == ([row["expected"]] if row["expected"] else [])
        for result in results:
            assert {f["id"] for f in result["features"]} >= {"name_similarity", "exact_name"}
            assert 0 <= result["score"] <= 100


def test_a_batch_with_limit_and_property_validates(app):
    queries = {
        "a": {"query": "cluster krakow", "limit": 1},
        "b": {
            "query": "Clean Energy Cluster",
            "type": "cluster",
            "type_strict": "should",
            "properties": [{"pid": "place", "v": {"id": "place/krakow-metropolitan-area"}}],
        },
    }
    check("reconciliation-query-batch", queries)
    status, answer = _batch(app, queries)
    assert status == 200
    check("reconciliation-result-batch", answer)
    assert len(answer["a"]["result"]) == 1
    assert answer["b"]["result"][0]["match"] is True


@pytest.mark.parametrize(
    "queries",
    ["{not json", '["a list"]', '{"q0": "text"}', '{"q0": {"query": "x", "type": "person"}}'],
)
def test_a_malformed_batch_gets_400_and_one_line(app, queries):
    encoded = urllib.parse.urlencode({"queries": queries}).encode()
    status, _headers, body = post(
        app.base + "/reconcile", encoded, "application/x-www-form-urlencoded"
    )
    assert status == 400
    assert body.decode().count("\n") == 1 and body.decode().startswith("400 Bad Request: ")


def _constraints(count: int, values: int) -> list[dict]:
    place = {"id": "place/krakow-metropolitan-area"}
    return [{"pid": "place", "v": [place] * values} for _ in range(count)]


@pytest.mark.parametrize(
    ("queries", "message"),
    [
        (
            {f"q{i}": {"query": "cluster"} for i in range(MAX_QUERIES + 1)},
            f"at most {MAX_QUERIES} queries in one batch",
        ),
        (
            {"q": {"query": "cluster", "properties": _constraints(MAX_CONSTRAINTS + 1, 1)}},
            f"at most {MAX_CONSTRAINTS} property constraints in one query",
        ),
        (
            {"q": {"query": "cluster", "properties": _constraints(1, MAX_VALUES + 1)}},
            f"at most {MAX_VALUES} values in one property constraint",
        ),
    ],
    ids=["queries", "constraints", "values"],
)
def test_a_batch_over_a_cap_gets_400_naming_the_limit(app, queries, message):
    status, body = _batch(app, queries)
    assert status == 400
    assert body == f"400 Bad Request: {message}\n"


def test_a_batch_at_the_caps_answers(app):
    queries = {f"q{i}": {"query": "cluster"} for i in range(MAX_QUERIES - 1)}
    properties = _constraints(MAX_CONSTRAINTS, MAX_VALUES)
    queries["full"] = {"query": "Clean Energy Cluster", "properties": properties}
    status, answer = _batch(app, queries)
    assert status == 200
    assert set(answer) == set(queries)
    assert answer["full"]["result"][0]["match"] is True


def test_an_extension_over_the_property_cap_gets_400(app):
    extend = {"ids": ["cluster/bim"], "properties": [{"id": "status"}] * (MAX_CONSTRAINTS + 1)}
    encoded = urllib.parse.urlencode({"extend": json.dumps(extend)}).encode()
    status, _headers, body = post(
        app.base + "/reconcile", encoded, "application/x-www-form-urlencoded"
    )
    assert status == 400
    message = f"at most {MAX_CONSTRAINTS} properties in one request"
    assert body.decode() == f"400 Bad Request: {message}\n"


def test_names_resolve_as_a_scan_of_the_entities_would(reconciler):
    # The folded-name index gives the IRI the first entity with that name has.
    for entity in reconciler.entities.values():
        for name, _alt in entity.names:
            first = next(
                e.iri
                for e in reconciler.entities.values()
                if any(fold(n) == fold(name) for n, _a in e.names)
            )
            assert reconciler.resolve(name.upper()) == first
    assert reconciler.resolve("no such name at all") == "no such name at all"


@pytest.mark.parametrize(
    ("kind", "prefix", "expected", "schema"),
    [
        ("entity", "lifescien", "cluster/lifescience-krakow", "suggest-entities-response"),
        ("type", "clu", "cluster", "suggest-types-response"),
        ("property", "sec", "sector", "suggest-properties-response"),
    ],
)
def test_suggest_services_validate(app, kind, prefix, expected, schema):
    status, _headers, body = get(f"{app.base}/reconcile/suggest/{kind}?prefix={prefix}")
    assert status == 200
    answer = json.loads(body)
    check(schema, answer)
    assert answer["result"][0]["id"] == expected


def test_suggest_entity_by_type_and_an_unknown_service(app):
    status, _headers, body = get(app.base + "/reconcile/suggest/entity?prefix=krak&type=place")
    answer = json.loads(body)
    assert status == 200 and answer["result"]
    assert all(item["notable"][0]["id"] == "place" for item in answer["result"])
    status, _headers, body = get(app.base + "/reconcile/suggest/colour?prefix=x")
    assert status == 404 and body.decode().count("\n") == 1


def test_the_preview_is_an_escaped_html_card(app):
    status, headers, body = get(app.base + "/reconcile/preview?id=cluster/intelligent-lighting")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    html = body.decode()
    assert "Intelligent Lighting Cluster" in html
    assert "6 R&amp;D units" in html and "6 R&D" not in html
    status, _headers, body = get(app.base + "/reconcile/preview?id=%3Cscript%3E")
    assert status == 404 and b"<script>" not in body


def test_data_extension_proposes_and_extends(app):
    status, _headers, body = get(app.base + "/reconcile/propose_properties?type=cluster")
    assert status == 200
    proposed = json.loads(body)
    ids = [p["id"] for p in proposed["properties"]]
    assert {"members", "sector", "coordinator", "status", "wikidata"} <= set(ids)
    request = {
        "ids": ["cluster/lifescience-krakow", "cluster/intelligent-lighting", "cluster/nowhere"],
        "properties": [{"id": pid} for pid in ids],
    }
    check("data-extension-query", request)
    encoded = urllib.parse.urlencode({"extend": json.dumps(request)}).encode()
    status, _headers, body = post(
        app.base + "/reconcile", encoded, "application/x-www-form-urlencoded"
    )
    assert status == 200
    answer = json.loads(body)
    check("data-extension-response", answer)
    life = answer["rows"]["cluster/lifescience-krakow"]
    assert life["members"] == [{"str": "more than 70 private and public entities"}]
    assert life["member_count"] == [{"int": 70}]
    assert life["member_count_qualifier"] == [{"str": "more than"}]
    assert life["status"] == [{"str": "National Key Cluster"}]
    assert life["coordinator"] == [
        {
            "id": "organization/lifescience-krakow-cluster-foundation",
            "name": "LifeScience Kraków Cluster Foundation",
        }
    ]
    assert {"id": "sector/biotechnology", "name": "biotechnology"} in life["sector"]
    # No total is stated for the Intelligent Lighting Cluster: none is made up.
    assert answer["rows"]["cluster/intelligent-lighting"]["members"] == []
    assert all(values == [] for values in answer["rows"]["cluster/nowhere"].values())


def test_wikidata_qids_come_from_the_links(app):
    # Kraków's link is owl:sameAs; AGH's is a close match "to be confirmed": no identity, no QID.
    request = {
        "ids": ["place/krakow", "organization/agh-university"],
        "properties": [{"id": "wikidata"}],
    }
    encoded = urllib.parse.urlencode({"extend": json.dumps(request)}).encode()
    status, _headers, body = post(
        app.base + "/reconcile", encoded, "application/x-www-form-urlencoded"
    )
    assert status == 200
    answer = json.loads(body)
    check("data-extension-response", answer)
    qids = [cell["str"] for cell in answer["rows"]["place/krakow"]["wikidata"]]
    links = (Path(__file__).resolve().parents[1] / "data/links/wikidata.ttl").read_text()
    assert qids == ["Q31487"] and "place/krakow> owl:sameAs wd:Q31487" in links
    assert answer["rows"]["organization/agh-university"]["wikidata"] == []


# -- the command


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_the_command_writes_the_csv_back(tmp_path, monkeypatch, project):
    monkeypatch.chdir(project.root)
    names = _write(tmp_path / "names.csv", "name,n\nKlaster Czystej Energii,1\nNo Such Thing,2\n")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        cli, ["reconcile", str(names), "--column", "name", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["n"] == "1"
    assert rows[0]["reconciled_iri"] == ID + "cluster/malopolsko-podkarpacki-clean-energy"
    assert rows[0]["reconciled_match"] == "true" and rows[0]["reconciled_score"] == "100"
    assert rows[1]["reconciled_iri"] == "" and rows[1]["reconciled_match"] == ""


def test_the_command_as_json_with_a_type(tmp_path, monkeypatch, project):
    monkeypatch.chdir(project.root)
    names = _write(tmp_path / "names.csv", "name\nAGH\n")
    args = ["reconcile", str(names), "--column", "name", "--format", "json"]
    result = CliRunner().invoke(cli, [*args, "--type", "organization"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert records[0]["candidates"][0]["iri"] == ID + "organization/agh-university"
    assert records[0]["candidates"][0]["qid"] is None  # its link is only a close match
    result = CliRunner().invoke(cli, [*args, "--type", "place"])
    assert json.loads(result.output)[0]["candidates"] == []
    names = _write(tmp_path / "places.csv", "name\nKrakow\n")
    args = ["reconcile", str(names), "--column", "name", "--format", "json", "--type", "place"]
    result = CliRunner().invoke(cli, args)
    assert json.loads(result.output)[0]["candidates"][0]["qid"] == "Q31487"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file"),
        ("title\nx\n", "no column 'name'"),
        ("name,x\nBIM,1,2\n", "3 fields where the header has 2"),
        ('name\n"BIM\n', "not valid CSV"),
        ("name,name\nx,y\n", "same name"),
        ("name,qid\nx,y\n", "already has a column 'qid'"),
        ("name\nBIM\0\n", "NUL"),
    ],
)
def test_bad_csv_gets_one_line_and_exit_2(tmp_path, monkeypatch, project, content, message):
    monkeypatch.chdir(project.root)
    names = _write(tmp_path / "names.csv", content)
    result = CliRunner().invoke(cli, ["reconcile", str(names), "--column", "name"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and message in result.output
    assert "Traceback" not in result.output


def test_not_utf8_and_a_missing_file_get_one_line_and_exit_2(tmp_path, monkeypatch, project):
    monkeypatch.chdir(project.root)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name\nKraków\n".encode("latin-1"))
    for path in (latin, tmp_path / "missing.csv"):
        result = CliRunner().invoke(cli, ["reconcile", str(path), "--column", "name"])
        assert result.exit_code == 2 and result.output.count("\n") == 1, result.output


def test_a_remote_store_gives_the_same_candidates(oxigraph, project, reconciler):
    from krakow_clusters.store.remote import RemoteStore

    server = oxigraph(project.dataset_files(), read_only=True)
    remote = Reconciler.from_store(RemoteStore(server.query_url, timeout=20), SETTINGS)
    assert remote.entities.keys() == reconciler.entities.keys()
    for row in MESSY:
        ours = reconciler.matcher.candidates(row["name"], (), None, 3)
        theirs = remote.matcher.candidates(row["name"], (), None, 3)
        assert [(c.entity.id, c.score, c.match) for c in theirs] == [
            (c.entity.id, c.score, c.match) for c in ours
        ]


def test_a_malformed_form_and_bad_parameters_get_4xx_in_one_line(app):
    status, _headers, body = post(
        app.base + "/reconcile", b"garbage", "multipart/form-data; boundary=x"
    )
    assert status == 400 and body.strip().count(b"\n") == 0
    for path in (
        "/reconcile?queries=",
        "/reconcile?extend=%7B%7D",
        "/reconcile/suggest/entity?prefix=kra&type=person",
        "/reconcile/propose_properties?limit=abc",
    ):
        status, _headers, body = get(app.base + path)
        assert status == 400, path
        assert body.decode().count("\n") == 1 and body.startswith(b"400 Bad Request: "), path

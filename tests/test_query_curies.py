"""Parameters as people write them (issue 14): a prefixed name (CURIE) wherever an IRI is taken,
in the command line's --param and in a saved query's URL; a value that names nothing in the dataset
gets a warning instead of a silent empty answer; an unknown prefix is an error; the saved-query
pages offer the values a parameter declares (`#+ enumerate:`) in a picker."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest
from click.testing import CliRunner

from krakow_clusters.cli import cli
from krakow_clusters.errors import CouldNotRun
from krakow_clusters.rdf.namespaces import NAMESPACES, curie, expand_curie
from krakow_clusters.sparql.library import Choices, find_query, library, read_query

from .appserver import get

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
SECTOR = "https://w3id.org/krakow-clusters/id/sector/"
CLEAN_ENERGY_CLUSTER = "Małopolsko-Podkarpackie Clean Energy Cluster"


def invoke(*args: str):
    return CliRunner().invoke(cli, ["query", *args], env={"KRAKOW_CLUSTERS_HOME": str(ROOT)})


# --- one function, the inverse of curie -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iri"),
    [
        ("sector:clean-energy", SECTOR + "clean-energy"),
        ("cluster:bim", "https://w3id.org/krakow-clusters/id/cluster/bim"),
        ("cluster:bim#members", "https://w3id.org/krakow-clusters/id/cluster/bim#members"),
        ("kc:ClusterInitiative", "https://w3id.org/krakow-clusters/ontology#ClusterInitiative"),
        ("wd:Q31487", "http://www.wikidata.org/entity/Q31487"),
        # IRIs stay as they are
        (SECTOR + "ict", SECTOR + "ict"),
        ("urn:x", "urn:x"),
        ("mailto:a@example.org", "mailto:a@example.org"),
        ("ftp://example.org/x", "ftp://example.org/x"),
        ("unknownscheme://host/x", "unknownscheme://host/x"),
        # what is no prefixed name is left for the IRI check to refuse
        ("not an iri", "not an iri"),
        ("1a:b", "1a:b"),
        (":x", ":x"),
    ],
)
def test_expand_curie(text, iri):
    assert expand_curie(text) == iri


def test_expand_curie_is_the_inverse_of_curie_over_the_whole_table():
    checked = 0
    for prefix, namespace in NAMESPACES.items():
        iri = namespace + "x-1"
        assert curie(iri) == f"{prefix}:x-1"
        assert expand_curie(curie(iri)) == iri
        checked += 1
    assert checked == len(NAMESPACES) > 30


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("secto:ict", "unknown prefix 'secto' in 'secto:ict'; did you mean sector?"),
        ("zzz:ict", "unknown prefix 'zzz' in 'zzz:ict'; prefixes: kc, kcsh, check, cluster,"),
    ],
)
def test_an_unknown_prefix_is_an_error(text, message):
    with pytest.raises(CouldNotRun) as info:
        expand_curie(text)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


# --- the command line ------------------------------------------------------------------------


def test_cli_takes_a_curie_as_the_iri_it_stands_for():
    by_curie = invoke("clusters-in-sector", "--param", "sector=sector:clean-energy")
    by_iri = invoke("clusters-in-sector", "--param", f"sector={SECTOR}clean-energy")
    assert by_curie.exit_code == 0, by_curie.output
    assert CLEAN_ENERGY_CLUSTER in by_curie.stdout and "(1 row)" in by_curie.stdout
    assert by_curie.stdout == by_iri.stdout
    assert by_curie.stderr == ""


def test_cli_warns_about_an_iri_that_names_nothing_and_exits_0():
    result = invoke("clusters-in-sector", "--param", "sector=sector:clean-enrgy")
    assert result.exit_code == 0
    assert "(0 rows)" in result.stdout
    assert result.stderr == (
        "warning: parameter sector: sector:clean-enrgy names nothing in the dataset\n"
    )
    full = invoke("clusters-in-sector", "--param", "sector=https://example.org/nothing")
    assert full.exit_code == 0
    assert full.stderr == (
        "warning: parameter sector: <https://example.org/nothing> names nothing in the dataset\n"
    )


def test_cli_warns_about_a_value_of_the_wrong_kind():
    result = invoke("cluster-facts", "--param", "cluster=sector:ict", "--format", "csv")
    assert result.exit_code == 0
    assert result.stderr == "warning: parameter cluster: sector:ict is not a kc:ClusterInitiative\n"
    in_sector = invoke("clusters-in-sector", "--param", "sector=cluster:bim")
    assert in_sector.stderr == (
        "warning: parameter sector: cluster:bim is not a skos:Concept in scheme:sectors\n"
    )


def test_cli_says_nothing_more_for_a_value_that_names_something():
    result = invoke("cluster-facts", "--param", "cluster=cluster:bim", "--format", "csv")
    assert result.exit_code == 0 and result.stderr == ""
    assert "almost 50 members in total" in result.stdout


def test_cli_refuses_an_unknown_prefix_in_one_line():
    result = invoke("clusters-in-sector", "--param", "sector=secto:clean-energy")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: parameter sector: unknown prefix 'secto' in 'secto:clean-energy'; "
        "did you mean sector? (or give the full IRI)\n"
    )


def test_a_service_endpoint_parameter_is_not_looked_up_in_the_dataset(dataset):
    from krakow_clusters.sparql.run import param_warnings

    query = find_query(QUERIES, "wikidata-places")
    bindings = query.bindings({"endpoint": "http://127.0.0.1:9/sparql"})
    assert param_warnings(dataset, query, bindings) == []


# --- the enumerate header --------------------------------------------------------------------


def test_the_library_declares_the_values_of_its_resource_parameters():
    declared = {
        (q.name, p.name): str(p.choices) for q in library(QUERIES) for p in q.params if p.choices
    }
    assert declared == {
        ("article-facts", "cluster"): "kc:ClusterInitiative",
        ("cluster-description", "cluster"): "kc:ClusterInitiative",
        ("cluster-facts", "cluster"): "kc:ClusterInitiative",
        ("clusters-in-sector", "sector"): "skos:Concept in scheme:sectors",
    }
    sector = find_query(QUERIES, "clusters-in-sector").params[0].choices
    assert sector == Choices(
        "http://www.w3.org/2004/02/skos/core#Concept",
        "https://w3id.org/krakow-clusters/id/scheme/sectors",
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("#+ enumerate: x kc:ClusterInitiative", "names no iri parameter"),
        ("#+ enumerate: n kc:ClusterInitiative", "names no iri parameter"),
        ("#+ enumerate: x", "expected NAME CLASS [in SCHEME]"),
        ("#+ enumerate: x skos:Concept of scheme:sectors", "expected NAME CLASS [in SCHEME]"),
        ("#+ enumerate: x nope:Concept", "unknown prefix 'nope'"),
    ],
)
def test_a_bad_enumerate_line_is_refused_with_the_file_named(tmp_path, line, message):
    path = tmp_path / "q.rq"
    path.write_text(
        f"#+ param: n integer 1 | A number.\n{line}\nSELECT ?n WHERE {{ }}\n", encoding="utf-8"
    )
    with pytest.raises(CouldNotRun, match=re.escape(message)):
        read_query(path)


# --- the saved-query pages ---------------------------------------------------------------------


def test_url_takes_a_curie_as_the_iri_it_stands_for(app):
    path = "/queries/clusters-in-sector.csv?sector=sector:clean-energy"
    status, _h, by_curie = get(app.base + path)
    assert status == 200
    _status, _h, by_iri = get(
        app.base
        + "/queries/clusters-in-sector.csv?"
        + urllib.parse.urlencode({"sector": SECTOR + "clean-energy"})
    )
    assert by_curie == by_iri and CLEAN_ENERGY_CLUSTER.encode() in by_curie
    status, _h, page = get(app.base + "/queries/clusters-in-sector?sector=sector:clean-energy")
    assert status == 200 and CLEAN_ENERGY_CLUSTER in page.decode()
    assert 'role="status"' not in page.decode()


def test_url_with_an_unknown_prefix_is_400_in_one_line(app):
    status, headers, body = get(app.base + "/queries/clusters-in-sector?sector=secto:ict")
    assert status == 400
    assert headers["Content-Type"].startswith("text/plain")
    assert body.decode() == (
        "parameter sector: unknown prefix 'secto' in 'secto:ict'; did you mean sector? "
        "(or give the full IRI)\n"
    )


def test_page_shows_a_notice_for_an_iri_that_names_nothing(app):
    status, _h, body = get(app.base + "/queries/clusters-in-sector?sector=sector:clean-enrgy")
    page = body.decode()
    assert status == 200
    assert (
        '<p role="status"><strong>Warning:</strong> parameter sector: sector:clean-enrgy names '
        "nothing in the dataset</p>"
    ) in page
    assert "<p>0 rows.</p>" in page
    _status, _h, body = get(app.base + "/queries/cluster-facts?cluster=sector:ict")
    assert "parameter cluster: sector:ict is not a kc:ClusterInitiative" in body.decode()


def _options(page: str, name: str) -> list[tuple[str, str, bool]]:
    select = re.search(rf'<select id="param-{name}" name="{name}">(.*?)</select>', page, re.S)
    assert select, f"no picker for {name}"
    return [
        (value, label, bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1)
        )
    ]


def test_the_sector_picker_offers_the_concepts_of_the_sector_scheme(app, dataset):
    _status, _h, body = get(app.base + "/queries/clusters-in-sector")
    options = _options(body.decode(), "sector")
    expected = {
        str(row[0])
        for row in dataset.query(
            "SELECT ?s WHERE { ?s a <http://www.w3.org/2004/02/skos/core#Concept> ; "
            "<http://www.w3.org/2004/02/skos/core#inScheme> "
            "<https://w3id.org/krakow-clusters/id/scheme/sectors> }"
        ).rows
    }
    assert len(expected) >= 10
    assert {expand_curie(value) for value, _label, _sel in options} == expected
    assert all(value.startswith("sector:") for value, _label, _sel in options)
    # labelled for people, in alphabetical order, the default selected
    assert ("sector:clean-energy", "clean energy (sector:clean-energy)", False) in options
    labels = [label for _value, label, _sel in options]
    assert labels == sorted(labels, key=str.casefold)
    assert [value for value, _label, sel in options if sel] == ["sector:construction"]


def test_the_cluster_picker_offers_the_eight_clusters_and_keeps_the_asked_value(app):
    _status, _h, body = get(app.base + "/queries/cluster-facts?cluster=cluster:bim")
    options = _options(body.decode(), "cluster")
    assert len(options) == 8
    assert [value for value, _label, sel in options if sel] == ["cluster:bim"]
    assert ("cluster:bim", "Cluster of Information Technologies in Construction (cluster:bim)",
            True) in options  # fmt: skip
    # a value that is none of the choices is shown as asked, first, selected
    _status, _h, body = get(app.base + "/queries/cluster-facts?cluster=sector:ict")
    options = _options(body.decode(), "cluster")
    assert options[0] == ("sector:ict", "sector:ict (sector:ict)", True) and len(options) == 9


def test_a_parameter_without_declared_values_keeps_its_text_field(app):
    _status, _h, body = get(app.base + "/queries/search")
    page = body.decode()
    assert '<input id="param-text" name="text" value="Kraków">' in page
    assert "<select" not in page


def test_the_polish_page_labels_the_choices_and_warns_in_polish(app):
    _status, _h, body = get(app.base + "/pl/queries/clusters-in-sector?sector=sector:clean-enrgy")
    page = body.decode()
    assert ("sector:construction", "budownictwo (sector:construction)", False) in _options(
        page, "sector"
    )
    assert (
        '<p role="status"><strong>Uwaga:</strong> parametr sector: sector:clean-enrgy nie wskazuje '
        "żadnego zasobu zbioru danych</p>"
    ) in page

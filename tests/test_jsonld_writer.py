"""The direct JSON-LD writer (jsonld_writer) gives pyld's bytes, or declines and pyld writes.

pyld is the reference implementation of JSON-LD 1.1; the direct writer follows its compaction and
framing algorithms for the contexts and frame the build makes, in linear time. Each case writes
the same graph both ways and compares the bytes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.generate import write

from krakow_clusters.formats import jsonld_writer
from krakow_clusters.formats.rdf import serialize_jsonld
from krakow_clusters.release.jsonld import CONTEXT_FILE, clusters_frame, make_context
from krakow_clusters.store.embedded import EmbeddedStore

from .identity import BASE_IRI, GRAPH_BASE, NS

FIXTURE = Path(__file__).parent / "fixtures" / "jsonld" / "corners.ttl"
CONTEXT_URL = BASE_IRI + CONTEXT_FILE


def both_ways(triples: list, context: dict, frame: dict | None, direct: str = "direct"):
    ours = serialize_jsonld(triples, context, CONTEXT_URL, frame, writer=direct)
    reference = serialize_jsonld(triples, context, CONTEXT_URL, frame, writer="pyld")
    return ours, reference


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list:
    path = tmp_path_factory.mktemp("jsonld") / "10k.ttl"
    write(10_000, path)
    return list(EmbeddedStore.from_files([path], GRAPH_BASE).triples())


@pytest.fixture(scope="module")
def corners() -> list:
    return list(EmbeddedStore.from_files([FIXTURE], GRAPH_BASE).triples())


@pytest.mark.parametrize("framed", [False, True], ids=["compacted", "framed"])
def test_real_data(dataset, framed):
    triples = list(dataset.triples())
    context = make_context(triples, NS)
    ours, reference = both_ways(
        triples, context, clusters_frame(CONTEXT_URL, NS) if framed else None
    )
    assert ours == reference
    assert '"ClusterInitiative"' in ours


@pytest.mark.parametrize("framed", [False, True], ids=["compacted", "framed"])
def test_generated_graph(generated, framed):
    context = make_context(generated, NS)
    ours, reference = both_ways(
        generated, context, clusters_frame(CONTEXT_URL, NS) if framed else None
    )
    assert ours == reference
    assert ours.count('"ClusterInitiative"') >= 20


@pytest.mark.parametrize("framed", [False, True], ids=["compacted", "framed"])
def test_corners(corners, framed):
    ours, reference = both_ways(
        corners, make_context(corners, NS), clusters_frame(CONTEXT_URL, NS) if framed else None
    )
    assert ours == reference
    # The corners are reached: a lone role is a scalar, the odd role and the unlabelled sector
    # are left out of the frame, the extra reference is embedded, the language tag lowercased.
    if framed:
        assert '"roles": {' in ours
        assert "unlabelled" not in ours and "no member" not in ours
        assert '"a thing"' in ours
    assert '"en-gb"' in ours


def test_a_context_that_does_not_fit_the_values(dataset, corners):
    """The real data's context on other data: terms whose type or container do not fit."""
    context = make_context(list(dataset.triples()), NS)
    ours, reference = both_ways(corners, context, None)
    assert ours == reference
    assert '"label": {' in ours


def test_blank_nodes_are_compacted_directly_and_framed_by_pyld(corners):
    import rdflib

    with_blank = [
        *corners,
        (
            rdflib.URIRef(BASE_IRI + "id/cluster/one"),
            rdflib.URIRef("http://example.org/vocab#note"),
            rdflib.BNode("n"),
        ),
    ]
    with_blank.append((rdflib.BNode("n"), rdflib.RDFS.label, rdflib.Literal("note", lang="en")))
    context = make_context(with_blank, NS)
    ours, reference = both_ways(with_blank, context, None)
    assert ours == reference and '"_:' in ours
    frame = clusters_frame(CONTEXT_URL, NS)
    with pytest.raises(jsonld_writer.Unsupported, match="blank nodes"):
        serialize_jsonld(with_blank, context, CONTEXT_URL, frame, writer="direct")
    ours, reference = both_ways(with_blank, context, frame, direct="auto")
    assert ours == reference


def test_what_it_does_not_implement_is_declined(corners):
    context = make_context(corners, NS)
    frame = clusters_frame(CONTEXT_URL, NS)
    frame["label"] = {"@default": "none"}
    with pytest.raises(jsonld_writer.Unsupported):
        serialize_jsonld(corners, context, CONTEXT_URL, frame, writer="direct")
    ours, reference = both_ways(corners, context, frame, direct="auto")
    assert ours == reference
    vocab = {"@context": {**context["@context"], "@vocab": "http://example.org/vocab#"}}
    with pytest.raises(jsonld_writer.Unsupported, match="@vocab"):
        serialize_jsonld(corners, vocab, CONTEXT_URL, writer="direct")
    assert (
        both_ways(corners, vocab, None, direct="auto")[0]
        == both_ways(corners, vocab, None, "pyld")[1]
    )


def test_json_is_written_as_json_dumps_writes_it(dataset):
    import json

    from krakow_clusters.formats.jsonld_writer import dump_json, json_order

    tricky = ["plain", 'quote " and \\ backslash', "tab\tnew\nline\x01\x7f\u2028", "zażółć", 2**70]
    document = {"b": tricky, "a": {"z": [], "y": {}, "x": [True, None, 3, {"k": tricky}]}}
    assert dump_json(document) == json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True)
    small = {k: v for k, v in document.items()} | {"b": tricky[:-1]}  # orjson writes this one
    assert dump_json(small) == json.dumps(small, indent=2, ensure_ascii=False, sort_keys=True)
    for value in [*tricky, {"@value": "x"}, [1, "a"], True]:
        assert json_order(value) == (1, json.dumps(value, sort_keys=True, ensure_ascii=False))


@pytest.mark.parametrize("framed", [False, True], ids=["compacted", "framed"])
@pytest.mark.parametrize("subjects", [0, 1, 2], ids=["empty", "one node", "two nodes"])
def test_tiny_graphs(subjects, framed):
    import rdflib

    kc = rdflib.Namespace("https://w3id.org/krakow-clusters/ontology#")
    triples = [
        (rdflib.URIRef(f"{BASE_IRI}id/cluster/c{i}"), rdflib.RDF.type, kc.ClusterInitiative)
        for i in range(subjects)
    ]
    context = make_context(triples, NS)
    frame = clusters_frame(CONTEXT_URL, NS) if framed else None
    ours, reference = both_ways(triples, context, frame)
    assert ours == reference

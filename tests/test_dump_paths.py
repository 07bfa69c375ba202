"""The build's fast paths give the bytes of the general writers they stand in for."""

from __future__ import annotations

from pathlib import Path

from krakow_clusters.formats.rdf import serialize_ntriples
from krakow_clusters.store.embedded import EmbeddedStore

from .identity import GRAPH_BASE

ODD = """\
@prefix ex: <http://example.org/> .
ex:b ex:label "zażółć"@pl, "line one\\nline two", "tab\\there" ; ex:n 7 .
ex:a ex:label "Ärger"@de, "apple" ; ex:see <http://example.org/ż> .
<http://example.org/ż> ex:label "ż" .
"""


def store_of(tmp_path: Path, text: str) -> EmbeddedStore:
    path = tmp_path / "odd.ttl"
    path.write_text(text, encoding="utf-8")
    return EmbeddedStore.from_files([path], GRAPH_BASE)


def test_sorted_ntriples_of_the_store_equal_the_writer(dataset: EmbeddedStore, tmp_path: Path):
    stores = {"real data": dataset, "odd terms": store_of(tmp_path, ODD)}
    assert len(stores) == 2
    for name, store in stores.items():
        assert not store.has_blank_nodes(), name
        expected = serialize_ntriples(store.iter_native_triples()).encode()
        assert store.sorted_ntriples() == expected, name
        assert len(expected.splitlines()) == len(store)


def test_blank_nodes_get_their_canonical_labels_either_way(tmp_path: Path):
    text = ODD + 'ex:a ex:note [ ex:label "blank" ] .\n'
    first, second = store_of(tmp_path, text), store_of(tmp_path, text)
    assert first.has_blank_nodes()
    assert first.sorted_ntriples() == second.sorted_ntriples()
    assert first.sorted_ntriples() == serialize_ntriples(first.iter_native_triples()).encode()
    assert b"_:c14n0" in first.sorted_ntriples()

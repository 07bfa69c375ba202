"""The one name folding (rdf/names.py), shared by reconciliation and the Wikidata matching: a
table of names and what people type that must and must not fold alike, checked against the
function and against both of its callers."""

from __future__ import annotations

import pytest
from rdflib import Literal

from krakow_clusters.rdf import matcher as reconcile_matching
from krakow_clusters.rdf.names import fold
from krakow_clusters.wikidata.matching import label_similarity

# (a name, what a person types): the same once folded.
ALIKE = [
    ("Kraków", "KRAKOW"),
    ("Kraków", "krakow"),
    ("Małopolska", "malopolska"),
    ("Małopolsko-Podkarpackie", "malopolsko podkarpackie"),
    ("Śląsk", "slask"),
    ("Gmina Miejska Kraków", "gmina miejska krakow"),
    ("Sp. z o.o.", "sp z o o"),
    ("Łódź", "lodz"),
    ("Ørsted", "orsted"),
    ("Æsir", "aesir"),
    ("Straße", "strasse"),
    ("Cracov  Movies\tCluster", "cracov movies cluster"),
    ("LifeScience Kraków", "lifescience-krakow"),
]
# Different once folded: words are not merged, letters of other scripts are kept.
APART = [
    ("Kraków", "Krakowski"),
    ("BIM", "BIM Cluster"),
    ("Київ", "Kyiv"),
    ("Clean Energy", "Clean-Energy Cluster"),
    ("Sp. z o.o.", "spzoo"),
]


def test_the_tables_have_cases():
    assert len(ALIKE) >= 10 and len(APART) >= 5


@pytest.mark.parametrize(("name", "typed"), ALIKE)
def test_alike(name: str, typed: str):
    assert fold(name) == fold(typed)
    # Reconciliation folds with it (and reads "klaster" as "cluster" on top of it).
    assert reconcile_matching.fold(name) == reconcile_matching.fold(typed)
    # The Wikidata matching compares folded names: alike is a perfect score.
    assert label_similarity([Literal(name)], [Literal(typed)])[0] == 1.0


@pytest.mark.parametrize(("name", "typed"), APART)
def test_apart(name: str, typed: str):
    assert fold(name) != fold(typed)
    assert reconcile_matching.fold(name) != reconcile_matching.fold(typed)
    assert label_similarity([Literal(name)], [Literal(typed)])[0] < 1.0


def test_reconciliation_reads_the_polish_word_for_cluster_as_the_english():
    assert reconcile_matching.fold("Klaster Czystej Energii") == "cluster czystej energii"
    assert fold("Klaster Czystej Energii") == "klaster czystej energii"

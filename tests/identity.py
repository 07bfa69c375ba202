"""The real project's identity as its settings file gives it, for the tests that are about the
real data (the package itself writes none of these out: see tests/test_settings.py)."""

from __future__ import annotations

from pathlib import Path

from krakow_clusters.pages.describe import Site
from krakow_clusters.project import Project
from krakow_clusters.rdf.namespaces import Namespaces

ROOT = Path(__file__).resolve().parents[1]
PROJECT = Project(ROOT)
SETTINGS = PROJECT.settings
SITE = Site(SETTINGS)
NS = Namespaces.of(SETTINGS)
NAMESPACES = NS.table
DUMP_NAMESPACES = NS.dump
BASE_IRI = SETTINGS.base_iri
ID_BASE = SETTINGS.id_base
GRAPH_BASE = SETTINGS.graph_base
ONTOLOGY_IRI = SETTINGS.ontology
ONTOLOGY_NS = SETTINGS.ontology_ns
curie = NS.curie
expand_curie = NS.expand
graph_for_file = SETTINGS.graph_for_file

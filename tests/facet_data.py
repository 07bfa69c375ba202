"""What the facets of the index must say, computed with rdflib from the Turtle files (not with the
package's SPARQL): for each (facet, value IRI), the clusters that have it."""

from __future__ import annotations

from collections import defaultdict

import rdflib
from rdflib import RDF, SKOS

from krakow_clusters.project import Project

from .identity import ONTOLOGY_NS

KC = rdflib.Namespace(ONTOLOGY_NS)


def source_graph(project: Project) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in project.dataset_files():
        graph.parse(path, format="turtle")
    return graph


def expected_members(graph: rdflib.Graph) -> dict[tuple[str, str], set[str]]:
    """(facet, value IRI) -> the IRIs of the clusters with that value. A sector or member type
    counts its narrower ones (skos:broader, transitively); the helix is that of a member type
    the cluster names or counts; status through its assignment; regions as named."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)

    def add(facet: str, value, cluster) -> None:
        found[(facet, str(value))].add(str(cluster))

    for cluster in set(graph.subjects(RDF.type, KC.ClusterInitiative)):
        for sector in graph.objects(cluster, KC.sector):
            for broader in graph.transitive_objects(sector, SKOS.broader):
                add("sector", broader, cluster)
        types = set(graph.objects(cluster, KC.memberType))
        for count in graph.objects(cluster, KC.memberTypeCount):
            types |= set(graph.objects(count, KC.countedMemberType))
        for member_type in types:
            for broader in graph.transitive_objects(member_type, SKOS.broader):
                add("member-type", broader, cluster)
            for helix in graph.objects(member_type, KC.helix):
                add("helix", helix, cluster)
        for assignment in graph.objects(cluster, KC.status):
            for status in graph.objects(assignment, KC.statusType):
                add("status", status, cluster)
        for region in graph.objects(cluster, KC.memberRegion):
            add("region", region, cluster)
    return dict(found)

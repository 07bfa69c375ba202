"""Shared by the query tests and scripts/regen_goldens.py: the frozen fixture, and results in a
comparable form (sorted rows of N-Triples terms; graphs for CONSTRUCT)."""

from __future__ import annotations

import json
from pathlib import Path

import rdflib
from rdflib.term import BNode, Node, URIRef

from krakow_clusters.rdf.results import GraphStore, QueryResult
from krakow_clusters.sparql.library import QueryFile
from krakow_clusters.sparql.run import run

HERE = Path(__file__).resolve().parent
FIXTURE_DIR = HERE / "fixtures" / "queries"
GOLDEN_DIR = HERE / "golden" / "queries"
# The dataset of the goldens; wikidata.ttl is not in it: it is loaded into a second server.
FIXTURE_FILES = [
    FIXTURE_DIR / name
    for name in (
        "article.ttl",  # loaded, like data/article.ttl, into graph:article
        "links.ttl",
        "sectors.ttl",
        "member-types.ttl",
        "controlled-values.ttl",
    )
]
WIKIDATA_FIXTURE = FIXTURE_DIR / "wikidata.ttl"
# A test endpoint has a random port; in results it is replaced by this placeholder.
ENDPOINT_PLACEHOLDER = URIRef("urn:test:wikidata-endpoint")


def params_for(query: QueryFile, wikidata_endpoint: str) -> dict[str, str]:
    """The parameters the goldens use: defaults, but the SERVICE endpoint is the local server."""
    return {p.name: wikidata_endpoint for p in query.params if p.name == "endpoint"}


def comparable(result: QueryResult, wikidata_endpoint: str) -> dict | rdflib.Graph:
    """Rows as sorted lists of N-Triples terms (None for unbound), or the graph itself."""
    endpoint = URIRef(wikidata_endpoint)

    def term(node: Node | None) -> str | None:
        if node is None:
            return None
        if node == endpoint:
            node = ENDPOINT_PLACEHOLDER
        if isinstance(node, BNode):
            return "_:b"
        return node.n3()

    if result.kind == "graph":
        return result.graph()
    if result.kind == "ask":
        return {"boolean": result.boolean}
    rows = sorted(
        ([term(t) for t in row] for row in result.rows),
        key=lambda r: [("" if c is None else c) for c in r],
    )
    return {"variables": list(result.variables), "rows": rows}


def run_comparable(store: GraphStore, query: QueryFile, wikidata_endpoint: str):
    return comparable(run(store, query, params_for(query, wikidata_endpoint)), wikidata_endpoint)


def golden_path(query: QueryFile) -> Path:
    suffix = ".nt" if _is_construct(query) else ".json"
    return GOLDEN_DIR / f"{query.name}{suffix}"


def _is_construct(query: QueryFile) -> bool:
    body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    return "CONSTRUCT" in body.upper()


def write_golden(query: QueryFile, value: dict | rdflib.Graph) -> Path:
    path = golden_path(query)
    if isinstance(value, rdflib.Graph):
        path.write_text(_sorted_nt(value), encoding="utf-8")
    else:
        path.write_text(_json_lines(value), encoding="utf-8")
    return path


def _json_lines(value: dict) -> str:
    """JSON with one row per line, so that a changed golden reads as a changed row."""
    if "rows" not in value:
        return json.dumps(value, ensure_ascii=False) + "\n"
    rows = ",\n".join("  " + json.dumps(row, ensure_ascii=False) for row in value["rows"])
    head = json.dumps(value["variables"], ensure_ascii=False)
    return f'{{"variables": {head},\n "rows": [\n{rows}\n ]}}\n'


def _sorted_nt(graph: rdflib.Graph) -> str:
    lines = graph.serialize(format="nt").splitlines()
    return "\n".join(sorted(line for line in lines if line.strip())) + "\n"


def read_golden(query: QueryFile) -> dict | rdflib.Graph:
    path = golden_path(query)
    if path.suffix == ".nt":
        graph = rdflib.Graph()
        graph.parse(path, format="nt")
        return graph
    return json.loads(path.read_text(encoding="utf-8"))

"""The SHACL part of validation: the shapes run on the store, the findings read from the report.

The engines (pySHACL, the reference, and pyshacl-turbo, which reads the Oxigraph store itself)
are chosen by the store (`EmbeddedStore.validate_shacl`, `store.engines.SHACL_ENGINES`).
"""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib import RDF, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from ..rdf.namespaces import curie
from ..store import open_embedded
from ..store.embedded import EmbeddedStore
from .names import Namer
from .report import Finding


def run_shapes(
    store: EmbeddedStore, shapes_file: Path, namer: Namer, engine: str = "auto"
) -> tuple[rdflib.Graph, list[Finding], str]:
    """The standard SHACL report graph, its findings, and the engine that made it."""
    shapes = open_embedded([shapes_file]).to_rdflib()
    results_graph, used = store.validate_shacl(shapes, engine)
    return results_graph, shacl_findings(results_graph, namer), used


def shacl_findings(results: rdflib.Graph, namer: Namer) -> list[Finding]:
    """One finding per result of the report (nested sh:detail results explain a parent, they are
    not extra)."""
    findings = []
    for result in results.objects(None, SH.result):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        severity = results.value(result, SH.resultSeverity)
        component = results.value(result, SH.sourceConstraintComponent)
        rule = curie(str(component)) or f"<{component}>"
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        resource, label = namer.describe(focus)
        findings.append(
            Finding(
                resource=resource,
                resource_label=label,
                focus=focus,
                path=render_path(results, path) if path is not None else None,
                message=messages[0] if messages else rule,
                severity=str(severity).rsplit("#", 1)[-1],
                rule=rule,
                value=results.value(result, SH.value),
            )
        )
    return findings


def render_path(graph: rdflib.Graph, path: Node) -> str:
    """A SHACL property path in SPARQL notation: `^kc:status`, `(a|b)`, `a/b`."""
    if isinstance(path, URIRef):
        return curie(str(path)) or f"<{path}>"
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + render_path(graph, inverse)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(render_path(graph, p) for p in Collection(graph, alternatives)) + ")"
    for op, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, op)
        if inner is not None:
            return render_path(graph, inner) + mark
    if graph.value(path, RDF.first) is not None:
        return "/".join(render_path(graph, p) for p in Collection(graph, path))
    return str(path)

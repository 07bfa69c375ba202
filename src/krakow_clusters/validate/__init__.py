"""Validation: the SHACL shapes of ontology/shapes.ttl plus the SPARQL checks of queries/checks/,
run on the dataset, and the report of what they found, for people and for programs.

- `shacl`: the shapes, run by the store's SHACL engine (pySHACL or pyshacl-turbo), and the
  findings read from the standard report graph;
- `checks`: the SPARQL checks (`*-violation.rq`), each row a violation;
- `names`: how a finding names the resource it is about (its label, or the resource it belongs to);
- `report`: `Finding`, `Report` and the renderers (text, JSON, Turtle).

This module runs the whole: `validate_project` for a checkout, `validate_files` for given files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rdflib import RDF, Literal
from rdflib.namespace import SH

from ..errors import CouldNotRun
from ..project import Project
from ..store import open_embedded
from ..store.embedded import EmbeddedStore
from ..workers import Background
from .checks import answer_check, check_findings
from .names import Namer
from .report import (
    RENDERERS,
    Finding,
    Report,
    bind_prefixes,
    expected_triples,
    render_json,
    render_text,
    render_turtle,
    sort_key,
    summary_line,
)
from .shacl import run_shapes

__all__ = [
    "RENDERERS",
    "Finding",
    "Report",
    "expected_triples",
    "render_json",
    "render_text",
    "render_turtle",
    "summary_line",
    "validate_files",
    "validate_project",
]


def validate_project(project: Project, extra: Sequence[Path] = (), engine: str = "auto") -> Report:
    """Validate the project's dataset (ontology, schemes, data, links) plus any extra files."""
    files = project.dataset_files() + [Path(p) for p in extra]
    for path in files:
        # A FIFO, a device or a link loop is refused by the loader, which says what it is.
        if not path.exists() and not path.is_symlink():
            raise CouldNotRun(f"{path}: no such file")
    checks = project.check_queries()
    return validate_files(files, project.shapes_file, checks, root=project.root, engine=engine)


def validate_files(
    files: Sequence[Path],
    shapes_file: Path,
    checks: Sequence[Path],
    root: Path | None = None,
    engine: str = "auto",
    store: EmbeddedStore | None = None,
) -> Report:
    """Validate the union of `files` against the shapes and the SPARQL checks.

    `store`, when given, already holds exactly those files (a caller that goes on to use the
    graph, such as build, loads it once).
    """
    if store is None:
        store = open_embedded(files)
    namer = Namer(store)
    # The checks' queries run in a thread while the SHACL engine runs: turbo and Oxigraph leave
    # the GIL while they work, so on two cores the checks cost next to nothing (pySHACL, pure
    # Python, gains nothing and loses nothing). Their findings are made after, in order.
    answers = Background(
        lambda: [answer_check(store, check, root) for check in checks], "validation-checks"
    )
    results_graph, findings, used = run_shapes(store, shapes_file, namer, engine)
    for answer in answers.result():
        findings.extend(check_findings(namer, results_graph, answer))
    findings.sort(key=sort_key)
    report_node = next(results_graph.subjects(RDF.type, SH.ValidationReport))
    conforms = not any(f.severity == "Violation" for f in findings)
    results_graph.set((report_node, SH.conforms, Literal(conforms)))
    bind_prefixes(results_graph)
    return Report(findings, results_graph, list(files), list(checks), root, shapes_file, used)

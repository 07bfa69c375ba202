"""Validation: pySHACL against ontology/shapes.ttl, plus the SPARQL checks in queries/checks/.

A check is a SELECT query named `*-violation.rq`: every row it returns is a violation. It returns
?focus (the resource at fault) and may return ?path, ?value and ?message; without ?message the
query's `#+ summary:` line is the message.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib import RDF, RDFS, SKOS, BNode, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from .errors import CouldNotRun
from .project import BASE_IRI, NAMESPACES, Project
from .sparql.library import read_query
from .store.embedded import EmbeddedStore

SH = Namespace("http://www.w3.org/ns/shacl#")
CHECKS = Namespace(BASE_IRI + "checks/")

PREFIXES = NAMESPACES


def qname(term: Node) -> str:
    """A short name for an IRI with the project's prefixes; the full <IRI> otherwise."""
    text = str(term)
    best = ""
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace) and len(namespace) > len(best):
            best, chosen = namespace, prefix
    if best:
        local = text[len(best) :]
        if local and all(c.isalnum() or c in "-_." for c in local):
            return f"{chosen}:{local}"
    return f"<{text}>"


@dataclass(frozen=True)
class Finding:
    """One validation result, with the labelled resource it is about."""

    resource: Node
    resource_label: str
    focus: Node
    path: str | None
    message: str
    severity: str
    rule: str
    value: Node | None = None
    source: str = "shacl"

    def as_dict(self) -> dict[str, object]:
        return {
            "resource": str(self.resource),
            "resource_label": self.resource_label,
            "focus": str(self.focus),
            "path": self.path,
            "message": self.message,
            "severity": self.severity,
            "rule": self.rule,
            "value": None if self.value is None else str(self.value),
            "source": self.source,
        }


@dataclass
class Report:
    """The outcome of a validation run."""

    findings: list[Finding]
    graph: rdflib.Graph
    files: list[Path]
    checks: list[Path]
    root: Path | None = None
    shapes: Path | None = None
    engine: str = "pyshacl"

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def conforms(self) -> bool:
        return self.count("Violation") == 0

    @property
    def exit_code(self) -> int:
        return 0 if self.conforms else 1


# --- running -------------------------------------------------------------------------------------


def validate_project(project: Project, extra: Sequence[Path] = (), engine: str = "auto") -> Report:
    """Validate the project's dataset (ontology, schemes, data, links) plus any extra files."""
    files = project.dataset_files() + [Path(p) for p in extra]
    for path in files:
        if not path.is_file():
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
        store = EmbeddedStore.from_files(files)
    shapes = EmbeddedStore.from_files([shapes_file]).to_rdflib()
    results_graph, used = store.validate_shacl(shapes, engine)
    namer = _Namer(store)
    findings = _shacl_findings(results_graph, namer)
    for check in checks:
        findings.extend(_run_check(store, namer, results_graph, check, root))
    findings.sort(key=_sort_key)
    report_node = next(results_graph.subjects(RDF.type, SH.ValidationReport))
    results_graph.set(
        (report_node, SH.conforms, Literal(not any(_is_violation(f) for f in findings)))
    )
    for prefix, namespace in PREFIXES.items():
        results_graph.bind(prefix, namespace, replace=True)
    return Report(findings, results_graph, list(files), list(checks), root, shapes_file, used)


def _is_violation(finding: Finding) -> bool:
    return finding.severity == "Violation"


def _sort_key(f: Finding) -> tuple:
    has_violation = f.severity != "Violation"
    return (f.resource_label.lower(), str(f.resource), has_violation, f.path or "", f.message)


def _shacl_findings(results: rdflib.Graph, namer: _Namer) -> list[Finding]:
    findings = []
    # Only the report's own results: nested sh:detail results explain a parent, they are not extra.
    for result in results.objects(None, SH.result):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        severity = results.value(result, SH.resultSeverity)
        component = results.value(result, SH.sourceConstraintComponent)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        resource, label = namer.describe(focus)
        findings.append(
            Finding(
                resource=resource,
                resource_label=label,
                focus=focus,
                path=render_path(results, path) if path is not None else None,
                message=messages[0] if messages else qname(component),
                severity=str(severity).rsplit("#", 1)[-1],
                rule=qname(component),
                value=results.value(result, SH.value),
            )
        )
    return findings


def _run_check(
    store: EmbeddedStore, namer: _Namer, results: rdflib.Graph, path: Path, root: Path | None
) -> list[Finding]:
    query = read_query(path)
    shown = path.relative_to(root) if root and path.is_relative_to(root) else path
    try:
        answer = store.query(query.text)
    except CouldNotRun as exc:
        raise CouldNotRun(f"{shown}: {exc}") from None
    if answer.kind != "select" or "focus" not in answer.variables:
        raise CouldNotRun(f"{shown}: a check must be a SELECT query that returns ?focus")
    rule = f"check:{query.name}"
    report_node = next(results.subjects(RDF.type, SH.ValidationReport))
    findings = []
    for row in answer.dicts():
        focus = row["focus"]
        if focus is None:
            continue
        message = str(row.get("message") or query.summary or query.name)
        resource, label = namer.describe(focus)
        rpath = row.get("path")
        findings.append(
            Finding(
                resource=resource,
                resource_label=label,
                focus=focus,
                path=qname(rpath) if rpath is not None else None,
                message=message,
                severity="Violation",
                rule=rule,
                value=row.get("value"),
                source=str(shown),
            )
        )
        # The same result in the standard report graph, so --format turtle shows it too.
        node = BNode()
        results.add((report_node, SH.result, node))
        results.add((node, RDF.type, SH.ValidationResult))
        results.add((node, SH.focusNode, focus))
        results.add((node, SH.resultSeverity, SH.Violation))
        results.add((node, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        results.add((node, SH.sourceConstraint, CHECKS[query.name]))
        results.add((node, SH.resultMessage, Literal(message)))
        if rpath is not None:
            results.add((node, SH.resultPath, rpath))
        if row.get("value") is not None:
            results.add((node, SH.value, row["value"]))
    return findings


# --- naming resources for people -----------------------------------------------------------------

_LABELS = (RDFS.label, SKOS.prefLabel, DCTERMS.title)
_LABEL_QUERY = """
SELECT ?node ?property ?label WHERE {
  VALUES ?property { <http://www.w3.org/2000/01/rdf-schema#label>
                     <http://www.w3.org/2004/02/skos/core#prefLabel>
                     <http://purl.org/dc/terms/title> }
  ?node ?property ?label .
}"""


class _Namer:
    """Names resources for people, asking the store (no copy of the graph is needed)."""

    def __init__(self, store: EmbeddedStore):
        self.store = store
        self._labels: dict[Node, str | None] = {}

    def label(self, node: Node) -> str | None:
        """The English label of a node, else any label, else None."""
        if node not in self._labels:
            # Oxigraph binds a variable only where the query projects it, so ?node is selected.
            rows = [r[1:] for r in self.store.query(_LABEL_QUERY, {"node": node}).rows]
            ranked = sorted(
                rows,
                key=lambda r: (
                    _LABELS.index(r[0]),
                    getattr(r[1], "language", None) != "en",
                    str(r[1]),
                ),
            )
            english = [r for r in ranked if getattr(r[1], "language", None) == "en"]
            best = english[0] if english else (ranked[0] if ranked else None)
            self._labels[node] = str(best[1]) if best else None
        return self._labels[node]

    def describe(self, focus: Node) -> tuple[Node, str]:
        """The labelled resource a result is about, and how to name it.

        A count or a role (`…/cluster/bim#members`, or a blank node) is reported under the resource
        it belongs to, so that a curator reads the cluster's name on the line that says what is
        wrong.
        """
        label = self.label(focus)
        if label:
            return focus, label
        if isinstance(focus, URIRef) and "#" in focus:
            base = URIRef(focus.split("#", 1)[0])
            base_label = self.label(base)
            described = self.store.query("ASK { ?node ?p ?o }", {"node": base}).boolean
            if base_label or described:
                return base, base_label or f"(no name) {qname(base)}"
        if isinstance(focus, BNode):
            rows = self.store.query("SELECT ?s ?node WHERE { ?s ?p ?node }", {"node": focus}).rows
            for subject, _ in sorted(rows, key=lambda r: str(r[0])):
                subject_label = self.label(subject)
                if subject_label:
                    return subject, subject_label
        return focus, f"(no name) {qname(focus)}" if isinstance(focus, URIRef) else "(blank node)"


def render_path(graph: rdflib.Graph, path: Node) -> str:
    """A SHACL property path in SPARQL notation: `^kc:status`, `(a|b)`, `a/b`."""
    if isinstance(path, URIRef):
        return qname(path)
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


# --- rendering -----------------------------------------------------------------------------------


def _shown(path: Path, root: Path | None) -> str:
    path = Path(path).resolve()
    if root and path.is_relative_to(root):
        return str(path.relative_to(root))
    return str(path)


def summary_line(report: Report) -> str:
    v, w = report.count("Violation"), report.count("Warning")
    verdict = "Conforms" if report.conforms else "Does not conform"
    return f"{verdict}: {v} violation{'s' * (v != 1)}, {w} warning{'s' * (w != 1)}."


def render_text(report: Report) -> str:
    """One line per result: severity, the resource's name and IRI, the property, the rule in words.

    Results are grouped by resource (a blank line between groups), resources with violations first,
    so that what fails is on the first screen and `grep` on a name finds every line about it.
    """
    lines = [
        f"Validated {len(report.files)} files against "
        f"{_shown(report.shapes, report.root) if report.shapes else 'the shapes'} "
        f"and {len(report.checks)} SPARQL checks.",
    ]
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in report.findings:
        groups.setdefault((finding.resource_label, str(finding.resource)), []).append(finding)
    ordered = sorted(
        groups.items(),
        key=lambda item: (all(f.severity != "Violation" for f in item[1]), item[0][0].lower()),
    )
    for _, findings in ordered:
        lines.append("")
        for f in findings:
            iri = f.focus if isinstance(f.focus, URIRef) else f.resource
            where = f.path or "(no property)"
            line = f"{f.severity.lower():<9} {f.resource_label} <{iri}> {where}: {f.message}"
            if f.value is not None:
                line += f" Value: {_show_value(f.value)}."
            lines.append(f"{line} [{f.rule}]")
    lines.append("")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _show_value(value: Node) -> str:
    if isinstance(value, Literal):
        return f'"{value}"' if not _is_number(value) else str(value)
    return qname(value)


def _is_number(value: Literal) -> bool:
    # An ill-typed literal ("many"^^xsd:integer) has no value: show it quoted, as written.
    return (
        value.datatype is not None
        and str(value.datatype).endswith(("integer", "decimal"))
        and value.value is not None
    )


def render_json(report: Report) -> str:
    payload = {
        "conforms": report.conforms,
        "violations": report.count("Violation"),
        "warnings": report.count("Warning"),
        "files": [_shown(p, report.root) for p in report.files],
        "checks": [_shown(p, report.root) for p in report.checks],
        "results": [f.as_dict() for f in report.findings],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def render_turtle(report: Report) -> str:
    return report.graph.serialize(format="turtle")


RENDERERS = {"text": render_text, "json": render_json, "turtle": render_turtle}


def expected_triples(findings: Iterable[Finding]) -> set[tuple[str, str | None, str]]:
    """(focus, path, rule) of each violation: how invalid fixtures state what they expect."""
    return {(str(f.focus), f.path, f.rule) for f in findings if f.severity == "Violation"}

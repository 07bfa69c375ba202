"""The report of a validation run: its findings, the standard SHACL report graph, and the
renderers for people (text) and for programs (JSON, Turtle)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib import Literal, URIRef
from rdflib.term import Node

from ..rdf.namespaces import NAMESPACES, curie


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


def bind_prefixes(graph: rdflib.Graph) -> None:
    """Bind the one namespace table in a report graph, so its Turtle reads with the project's
    prefixes, whichever process made it."""
    for prefix, namespace in NAMESPACES.items():
        graph.bind(prefix, namespace, replace=True)


def sort_key(f: Finding) -> tuple:
    """The order of findings: by the resource's name, its violations first, then path, message."""
    has_violation = f.severity != "Violation"
    return (f.resource_label.lower(), str(f.resource), has_violation, f.path or "", f.message)


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
    return curie(str(value)) or f"<{value}>"


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

"""The SPARQL checks: queries/checks/*-violation.rq, each a SELECT whose every row is a violation.

A check returns ?focus (the resource at fault) and may return ?path, ?value and ?message; without
?message the query's `#+ summary:` line is the message. Each row becomes a finding and, so that
`--format turtle` shows it too, a result in the standard SHACL report graph.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import rdflib
from rdflib import RDF, BNode, Literal, Namespace
from rdflib.namespace import SH

from ..errors import CouldNotRun
from ..rdf.namespaces import NAMESPACES, curie
from ..rdf.results import QueryResult
from ..sparql.library import QueryFile, read_query
from ..store.embedded import EmbeddedStore
from .names import Namer
from .report import Finding

CHECKS = Namespace(NAMESPACES["check"])


class CheckAnswer(NamedTuple):
    query: QueryFile
    shown: Path
    answer: QueryResult


def answer_check(store: EmbeddedStore, path: Path, root: Path | None) -> CheckAnswer:
    """The check's query answered on the store (what may run beside the SHACL engine: it touches
    neither the namer nor the report graph)."""
    query = read_query(path)
    shown = path.relative_to(root) if root and path.is_relative_to(root) else path
    try:
        answer = store.query(query.text)
    except CouldNotRun as exc:
        raise CouldNotRun(f"{shown}: {exc}") from None
    if answer.kind != "select" or "focus" not in answer.variables:
        raise CouldNotRun(f"{shown}: a check must be a SELECT query that returns ?focus")
    return CheckAnswer(query, shown, answer)


def check_findings(namer: Namer, results: rdflib.Graph, checked: CheckAnswer) -> list[Finding]:
    """The findings of an answered check, also added to the report graph `results`."""
    query, shown, answer = checked
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
                path=(curie(str(rpath)) or f"<{rpath}>") if rpath is not None else None,
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

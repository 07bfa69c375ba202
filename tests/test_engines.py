"""pySHACL is the reference; any faster SHACL engine must report exactly the same results."""

from __future__ import annotations

from pathlib import Path

import pytest

from krakow_clusters.validate import Finding, validate_files

from .conftest import FIXTURES, validate_with_ontology

FILES = sorted((FIXTURES / "shapes").glob("*/*.ttl"))


def signature(findings: list[Finding]) -> set[tuple]:
    return {
        (
            str(f.focus),
            f.path,
            f.rule,
            f.severity,
            f.message,
            None if f.value is None else str(f.value),
        )
        for f in findings
    }


def results(project, path: Path, engine: str):
    report = validate_with_ontology(project, path, engine)
    assert report.engine == engine
    return report


def test_fixtures_were_found():
    assert len(FILES) >= 12


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_turbo_reports_what_pyshacl_reports(project, path):
    reference = results(project, path, "pyshacl")
    fast = results(project, path, "turbo")
    assert signature(fast.findings) == signature(reference.findings)
    assert fast.conforms == reference.conforms


def test_the_real_data_gives_the_same_report_on_both_engines(project):
    files = project.dataset_files()
    reports = [
        validate_files(
            project.settings, files, project.shapes_file, project.check_queries(), engine=engine
        )
        for engine in ("pyshacl", "turbo")
    ]
    assert signature(reports[0].findings) == signature(reports[1].findings)
    assert reports[0].count("Warning") == 0  # every name has its Polish form (issue 23)

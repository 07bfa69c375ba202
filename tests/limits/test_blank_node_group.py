"""Found while bounding the causes of issue 22: the dumps label blank nodes by RDF canonicalization
(RDFC-1.0), whose work grows with the cube of a group of blank nodes linked to each other when
they look alike (a chain of 1,000 took 142 s, of 500 12 s); `[ … ]` nested in `[ … ]` makes such a
chain in a few kilobytes. A group larger than the limit is refused once the file is parsed: one
line naming the file and the limit, exit 2, from `validate` and from `build`."""

from __future__ import annotations

import pytest

from .commandline import build_refuses, one_line, run_cli, validated

LIMIT = "over the limit of 500 blank nodes (KRAKOW_CLUSTERS_MAX_BLANK_GROUP changes it)"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def nested(depth: int) -> str:
    inner = f'[ <{SKOS}note> "x" ; <{SKOS}related> ' * depth + "[]" + " ]" * depth
    return f"<https://example.org/s> <{SKOS}related> {inner} .\n"


@pytest.mark.timeout(150)
def test_validate_refuses_blank_nodes_nested_1000_deep(tmp_path):
    path = tmp_path / "nested.ttl"
    path.write_text(nested(1000), encoding="utf-8")
    found = f"{path}: a group of 1001 blank nodes linked to each other"
    one_line(run_cli("validate", str(path)), found, LIMIT)


@pytest.mark.timeout(150)
def test_build_refuses_them_in_data(project, tmp_path):
    found = "nested.ttl: a group of 1001 blank nodes linked to each other"
    build_refuses(project, tmp_path, "nested.ttl", nested(1000), found, LIMIT)


@pytest.mark.timeout(150)
def test_a_group_within_the_limit_is_validated(tmp_path):
    path = tmp_path / "nested.ttl"
    path.write_text(nested(100), encoding="utf-8")
    done = run_cli("validate", str(path))
    validated(done)

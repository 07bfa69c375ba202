"""Issue 22: a 458 KB Turtle list of 60,000 items took `validate` 41 s and 1.5 GB (each item is
two triples about a blank node that the shapes visit). A collection longer than the limit is
refused once the file is parsed, before validation: one line naming the file and the limit,
exit 2, from `validate`, and from `build` when the file lies in data/."""

from __future__ import annotations

import pytest

from .commandline import build_refuses, one_line, run_cli, validated

LIMIT = "over the limit of 500 items (KRAKOW_CLUSTERS_MAX_LIST_ITEMS changes it)"


def draft(items: int) -> str:
    values = " ".join(f'"item {i}"' for i in range(items))
    return f"<https://example.org/s> <https://example.org/p> ( {values} ) .\n"


@pytest.mark.timeout(150)
def test_validate_refuses_a_list_of_60000_items(tmp_path):
    path = tmp_path / "list.ttl"
    path.write_text(draft(60_000), encoding="utf-8")
    one_line(
        run_cli("validate", str(path)), f"{path}: an RDF collection (list) of 60000 items", LIMIT
    )


@pytest.mark.timeout(150)
def test_a_list_at_the_limit_is_validated(tmp_path):
    path = tmp_path / "list.ttl"
    path.write_text(draft(500), encoding="utf-8")
    done = run_cli("validate", str(path))
    validated(done)


@pytest.mark.timeout(150)
def test_the_limit_is_a_setting(tmp_path):
    path = tmp_path / "list.ttl"
    path.write_text(draft(20), encoding="utf-8")
    done = run_cli("validate", str(path), env={"KRAKOW_CLUSTERS_MAX_LIST_ITEMS": "10"})
    one_line(done, "(list) of 20 items, over the limit of 10 items")


@pytest.mark.timeout(150)
def test_a_list_in_trig_is_counted_too(tmp_path):
    path = tmp_path / "list.trig"
    path.write_text("<https://example.org/g> { " + draft(1500).rstrip() + " }\n", encoding="utf-8")
    one_line(run_cli("validate", str(path)), f"{path}: an RDF collection (list) of 1500 items")


@pytest.mark.timeout(150)
def test_build_refuses_a_long_list_in_data(project, tmp_path):
    found = "draft.ttl: an RDF collection (list) of 60000 items"
    build_refuses(project, tmp_path, "draft.ttl", draft(60_000), found, LIMIT)

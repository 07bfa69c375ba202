"""Issue 22: `validate` of a 146 KB JSON-LD draft nested 3,000 deep took 1.8 GB, and of a 1 MB one
aborted with a Rust backtrace (exit 134). The nesting is checked on the bytes before the parser
sees them: one line naming the file, line and column, and the limit; exit 2."""

from __future__ import annotations

import pytest

from .commandline import one_line, run_cli, validated

LIMIT = "over the limit of 100 levels (KRAKOW_CLUSTERS_MAX_JSON_DEPTH changes it)"
NODE = '{"@id": "https://example.org/n", "https://example.org/p": '


def nested(depth: int) -> str:
    return NODE * depth + '"x"' + "}" * depth + "\n"


@pytest.mark.timeout(150)
@pytest.mark.parametrize("depth", [3000, 20_000])
def test_a_deeply_nested_draft_is_refused_before_it_is_parsed(tmp_path, depth):
    draft = tmp_path / "draft.jsonld"
    draft.write_text(nested(depth), encoding="utf-8")
    column = len(NODE) * 100 + 1  # the object that opens level 101
    one_line(run_cli("validate", str(draft)), f"{draft}:1:{column}: ", LIMIT)


@pytest.mark.timeout(150)
def test_arrays_count_as_levels_and_brackets_in_strings_do_not(tmp_path):
    draft = tmp_path / "arrays.jsonld"
    text = '{"https://example.org/p": "[[[[ {{{{ ]]", "https://example.org/q":\n' + "[" * 5000
    draft.write_text(text + "]" * 5000 + "}\n", encoding="utf-8")
    one_line(run_cli("validate", str(draft)), f"{draft}:2:100: ", LIMIT)


@pytest.mark.timeout(150)
def test_a_draft_within_the_limit_is_validated(tmp_path):
    draft = tmp_path / "fine.jsonld"
    draft.write_text(nested(99), encoding="utf-8")
    done = run_cli("validate", str(draft))
    validated(done)


@pytest.mark.timeout(150)
def test_the_limit_is_a_setting(tmp_path):
    draft = tmp_path / "fine.jsonld"
    draft.write_text(nested(99), encoding="utf-8")
    done = run_cli("validate", str(draft), env={"KRAKOW_CLUSTERS_MAX_JSON_DEPTH": "50"})
    one_line(done, "over the limit of 50 levels")
    bad = run_cli("validate", str(draft), env={"KRAKOW_CLUSTERS_MAX_JSON_DEPTH": "deep"})
    one_line(bad, "KRAKOW_CLUSTERS_MAX_JSON_DEPTH='deep' is not a number of levels")

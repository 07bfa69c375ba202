"""The README tells the truth: every command is documented, and shown outputs are real."""

from __future__ import annotations

import re
import shlex

import click
import pytest
from click.testing import CliRunner

from krakow_clusters.cli import cli

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
# The pages of docs/ (docs/workbook.md …) show commands and their outputs too.
DOCS = {
    path.name: path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md"))
}
# `<!-- output: CMD -->`, then a ```text block whose first line is "$ CMD"
OUTPUT_BLOCK = re.compile(r"<!-- output: (?P<command>[^>]+?) -->\n```text\n(?P<body>.*?)```", re.S)
BLOCKS = [(m["command"], m["body"]) for m in OUTPUT_BLOCK.finditer(README)]
DOCS_BLOCKS = [
    (m["command"], m["body"]) for text in DOCS.values() for m in OUTPUT_BLOCK.finditer(text)
]


def commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))


def test_every_command_has_help_and_a_readme_mention():
    found = list(commands(cli))
    assert found, "the CLI has no commands"
    for path, command in found:
        assert (command.help or "").strip(), f"{' '.join(path)} has no help text"
        mention = f"krakow-clusters {' '.join(path)}"
        shown = mention in README or any(mention in text for text in DOCS.values())
        assert shown, f"neither README nor docs/*.md shows {path}"


def test_quick_start_commands_are_in_the_readme():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make serve" in quick_start and "make test" in quick_start


def test_the_readme_shows_real_outputs():
    assert len(BLOCKS) >= 3


def test_the_docs_show_real_outputs():
    assert "workbook.md" in DOCS, "docs/*.md were not found"
    assert len(DOCS_BLOCKS) >= 2


@pytest.mark.parametrize(
    ("command", "body"), BLOCKS + DOCS_BLOCKS, ids=[c for c, _ in BLOCKS + DOCS_BLOCKS]
)
def test_readme_output_block_is_what_the_command_prints(monkeypatch, command, body):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("KRAKOW_CLUSTERS_HOME", raising=False)
    words = shlex.split(command)
    assert words[0] == "krakow-clusters"
    first, _, shown = body.partition("\n")
    assert first == f"$ {command}", "the block starts with the command it shows"
    result = CliRunner().invoke(cli, words[1:])
    assert result.output == shown

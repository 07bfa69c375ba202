"""The documentation tells the truth: every command has help text, a row in the README's table of
commands and a reference page in docs/, and every output the README or a page of docs/ shows is
what the command prints."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from krakow_clusters.cli import cli

from .conftest import ROOT

README = ROOT / "README.md"
DOCS = ROOT / "docs"
# Every Markdown file of the documentation whose examples are run: the README and docs/*.md
# (a page added later is picked up by the glob).
PAGES = [README, *sorted(DOCS.glob("*.md"))]
# Pages that only link or explain, with no command to show.
WITHOUT_BLOCKS = {
    "docs/README.md",
    "docs/layout.md",
    "docs/testing.md",
    "docs/search.md",
    "docs/sparql-engines.md",
}

# `<!-- output: CMD -->` (or `<!-- output: CMD | exit N -->`), then a ```text block whose first
# line is "$ CMD" and whose rest is what CMD prints, standard error included.
OUTPUT_BLOCK = re.compile(
    r"<!-- output: (?P<command>[^>|]+?)(?: \| exit (?P<exit>\d+))? -->\n"
    r"```text\n(?P<body>.*?)```",
    re.S,
)


def _blocks(page: Path) -> list[tuple[str, str | None, str]]:
    text = page.read_text(encoding="utf-8")
    return [(m["command"], m["exit"], m["body"]) for m in OUTPUT_BLOCK.finditer(text)]


BLOCKS = [
    (page.relative_to(ROOT).as_posix(), command, code, body)
    for page in PAGES
    for command, code, body in _blocks(page)
]


def _name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))


def command_table() -> dict[str, str]:
    """The README's table of commands: a command's name (`link check`) -> the docs page its row
    links to (docs/link.md)."""
    section = README.read_text(encoding="utf-8").split("\n## Commands\n", 1)[1].split("\n## ", 1)
    rows = re.findall(
        r"^\| `([a-z -]+)` \|.*\| \[[^]]+\]\((docs/[\w-]+\.md)(?:#[\w-]+)?\) \|$", section[0], re.M
    )
    return dict(rows)


def test_every_command_has_help_a_row_in_the_readme_and_a_docs_page():
    found = list(commands(cli))
    table = command_table()
    assert found and table, "the CLI has no commands, or the README no table of commands"
    for path, command in found:
        name = " ".join(path)
        assert (command.help or "").strip(), f"{name} has no help text"
        if isinstance(command, click.Group):
            # A group is documented by its subcommands' rows.
            assert any(row.startswith(f"{name} ") for row in table), f"no row for {name} …"
            continue
        assert name in table, f"the README's table of commands has no row for {name}"
        page = ROOT / table[name]
        assert page.is_file(), f"the row of {name} links {table[name]}, which does not exist"
        assert f"krakow-clusters {name}" in page.read_text(encoding="utf-8"), (
            f"{table[name]} does not show krakow-clusters {name}"
        )
    assert set(table) <= {" ".join(path) for path, _command in found}, "a row names no command"


def test_every_docs_page_is_in_the_index():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    pages = [p.name for p in DOCS.glob("*.md") if p.name != "README.md"]
    assert len(pages) >= 8, "docs/ has too few pages"
    for name in pages:
        assert f"]({name}" in index, f"docs/README.md does not link {name}"


def test_quick_start_commands_are_in_the_readme():
    quick_start = README.read_text(encoding="utf-8").split("## Quick start", 1)[1]
    quick_start = quick_start.split("\n## ", 1)[0]
    assert "make serve" in quick_start and "make test" in quick_start


def test_the_readme_fits_on_a_screen_or_two():
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 320


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_each_page_with_commands_shows_real_outputs(page: Path):
    blocks = _blocks(page)
    if _name(page) in WITHOUT_BLOCKS:
        assert not blocks, f"{_name(page)} has output blocks: take it out of WITHOUT_BLOCKS"
    else:
        assert blocks, f"{_name(page)} shows no command's output"
    # A marker whose block does not follow in the expected form would be skipped silently.
    markers = len(re.findall(r"^<!-- output:", page.read_text(encoding="utf-8"), re.M))
    assert markers == len(blocks), f"{_name(page)}: a `<!-- output:` marker without its block"


def test_the_docs_show_enough_real_outputs():
    assert len(BLOCKS) >= 15
    assert {page for page, *_rest in BLOCKS} >= {"README.md", "docs/query.md", "docs/build.md"}


# A release's byte sizes change whenever a fact does: the build block is compared with them
# written as "#" (on both sides), everything else as printed.
SIZE = re.compile(r"^( *)[\d,]+(?=  \S)|(?<=\()[\d,]+(?= bytes\))", re.M)


def _sizes_hidden(text: str) -> str:
    return SIZE.sub(lambda m: (m.group(1) or "") + "#", text)


def _project_copy(tmp: Path) -> Path:
    """A copy of the project's sources, for a command that writes into the project (build)."""
    for name in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / name, tmp / name)
    shutil.copy(ROOT / "settings.toml", tmp / "settings.toml")
    return tmp


@pytest.mark.parametrize(
    ("page", "command", "code", "body"), BLOCKS, ids=[f"{p}: {c}" for p, c, _x, _b in BLOCKS]
)
def test_output_block_is_what_the_command_prints(monkeypatch, tmp_path, page, command, code, body):
    words = shlex.split(command)
    assert words[0] == "krakow-clusters"
    writes = words[1] == "build"
    if words[1] == "init":
        # init writes a new folder: in an empty one, with this project as its source.
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("KRAKOW_CLUSTERS_HOME", str(ROOT))
    else:
        monkeypatch.chdir(_project_copy(tmp_path) if writes else ROOT)
        monkeypatch.delenv("KRAKOW_CLUSTERS_HOME", raising=False)
    first, _, shown = body.partition("\n")
    assert first == f"$ {command}", "the block starts with the command it shows"
    result = CliRunner().invoke(cli, words[1:])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if writes:
        assert _sizes_hidden(result.output) == _sizes_hidden(shown)
        assert _sizes_hidden(shown) != shown, "the build block shows no size to hide"
    else:
        assert result.output == shown
    if code is not None:
        assert result.exit_code == int(code), f"{command} exited {result.exit_code}"


LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchors(page: Path) -> set[str]:
    """The anchors GitHub gives a Markdown page's headings: lower case, punctuation dropped,
    spaces as hyphens."""
    found = set()
    fenced = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_relative_link_leads_to_a_file_of_the_checkout(page: Path):
    links = [t for t in LINK.findall(page.read_text(encoding="utf-8")) if "://" not in t]
    if page == README or _name(page) == "docs/README.md":
        assert len(links) >= 10, f"{_name(page)} links too few pages"
    for target in links:
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{_name(page)} links {target}: no such file"
        assert linked.is_relative_to(ROOT), f"{_name(page)} links {target}, out of the checkout"
        if anchor and linked.suffix == ".md":
            assert anchor in _anchors(linked), f"{_name(page)} links {target}: no such heading"

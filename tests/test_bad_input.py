"""The bad-input corpus (tests/fixtures/bad/README.md): every hostile or broken input ends in one
line on standard error and exit code 2, never a traceback, a hang or a crash of the process.

Each case runs the real command line in its own process with a time limit: a read that blocks
(a FIFO, a device) fails the case instead of hanging the suite.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import FIXTURES
from .identity import GRAPH_BASE
from .linking import copy_project

BAD = FIXTURES / "bad"
TIME_LIMIT = 90  # seconds: generous on a busy machine; a blocked read would never end


@dataclass(frozen=True)
class Case:
    file: str
    made: bool
    where: str
    env: dict[str, str]
    command: str
    exit: int
    message: str

    @property
    def id(self) -> str:
        return f"{self.file or 'no-file'}@{self.where or '-'}:{self.command.split()[0]}"


def unescape(text: str) -> str:
    return re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text)


def read_manifest() -> list[Case]:
    cases = []
    lines = (BAD / "README.md").read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines if line.startswith("| ") and not line.startswith("| file ")]
    for row in rows:
        file, where, env, command, exit_code, message = (
            c.strip() for c in row.strip("|").split("|")
        )
        made = file.endswith("(made)")
        file = "" if file == "(none)" else file.removesuffix("(made)").strip()
        variables = dict(pair.split("=", 1) for pair in env.split()) if env else {}
        cases.append(Case(file, made, where, variables, command, int(exit_code), message))
    return cases


CASES = read_manifest()


def test_the_corpus_was_found_and_each_file_is_used():
    assert len(CASES) >= 20
    named = {c.file for c in CASES if c.file and not c.made}
    on_disk = {p.name for p in BAD.iterdir() if p.name != "README.md"}
    assert named == on_disk, "every file of the corpus has a row, every row's file exists"
    assert {c.file for c in CASES if c.made} >= {"fifo.ttl", "device.ttl", "symlink-loop.ttl"}


def make(name: str, folder: Path) -> Path:
    """The files git cannot hold, or that must not lie in a checkout."""
    path = folder / name
    if name.startswith("fifo."):
        os.mkfifo(path)
    elif name.startswith("device."):
        path.symlink_to("/dev/zero")
    elif name.startswith("symlink-loop."):
        path.symlink_to(path.name)
    else:
        raise AssertionError(f"the corpus cannot make {name}")
    return path


@pytest.mark.timeout(TIME_LIMIT + 30)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_line_and_its_exit_code(case: Case, project, tmp_path):
    home = project.root
    file = BAD / case.file if case.file else None
    if case.where == "data/":
        copy = copy_project(project, tmp_path / "project")
        shutil.copy(project.root / "settings.toml", copy.root / "settings.toml")
        home = copy.root
        if case.made:
            file = make(case.file, copy.data_dir)
        else:
            shutil.copy(BAD / case.file, copy.data_dir / case.file)
    elif case.made:
        file = make(case.file, tmp_path)
    command = case.command.replace("{tmp}", str(tmp_path))
    # split at spaces (no row needs quotes), then decode: a line break stays in its argument
    args = [unescape(a).replace("{file}", str(file)) for a in command.split()]
    env = {**os.environ, "KRAKOW_CLUSTERS_HOME": str(home), **case.env}
    done = subprocess.run(
        [sys.executable, "-m", "krakow_clusters.cli", *args],
        capture_output=True,
        text=True,
        errors="replace",
        env=env,
        cwd=tmp_path,
        timeout=TIME_LIMIT,
        stdin=subprocess.DEVNULL,
    )
    everything = done.stdout + done.stderr
    assert "Traceback" not in everything, everything
    assert done.returncode == case.exit, everything
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    assert case.message in lines[0]


RDFXML = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
    '<rdf:Description rdf:about="https://example.org/a"><rdfs:label>&lt;!DOCTYPE in text'
    "</rdfs:label></rdf:Description></rdf:RDF>\n"
)


def test_rdfxml_without_a_document_type_still_loads(tmp_path):
    from krakow_clusters.store.embedded import EmbeddedStore

    path = tmp_path / "fine.rdf"
    path.write_text('<?xml version="1.0"?>\n<!-- a comment -->\n<?pi x?>\n' + RDFXML)
    assert EmbeddedStore(GRAPH_BASE).load_file(path) == 1


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_document_type_is_found_behind_a_byte_order_mark(tmp_path, encoding):
    from krakow_clusters.errors import CouldNotRun
    from krakow_clusters.store.embedded import EmbeddedStore

    path = tmp_path / "hostile.rdf"
    text = '<?xml version="1.0"?>\n<!-- x -->\n<!DOCTYPE rdf:RDF [<!ENTITY a "b">]>\n' + RDFXML
    path.write_bytes(text.encode(encoding))
    with pytest.raises(CouldNotRun, match="document type declaration"):
        EmbeddedStore(GRAPH_BASE).load_file(path)


def test_a_syntax_error_quoting_a_line_break_stays_one_line():
    # Found by the property test: the RDF/XML parser quotes the text it did not expect.
    from krakow_clusters.errors import RdfSyntaxError

    error = RdfSyntaxError("data.rdf", 1, 2, "Unexpected text event: '\x00\n'")
    assert str(error) == "data.rdf:1:2: syntax error: Unexpected text event: '\\x00\\n'"

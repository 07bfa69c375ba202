"""The real command line for the regression files of issue 22's command-line limits: each case
runs `python -m krakow_clusters.cli` in its own process, under a time limit and an address-space
limit (RLIMIT_AS), so that a limit that stops holding fails its test instead of freezing the
machine or taking its memory; the case asserts the one line on standard error and exit code 2,
never how long it took.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

from ..linking import copy_project

ROOT = Path(__file__).resolve().parents[2]
TIME_LIMIT = 120  # seconds: generous on a busy machine; the cases end in about a second
MEMORY_LIMIT = 2 << 30  # bytes of address space: far below what each cause took before


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_cli(
    *args: str, home: Path = ROOT, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """The command line with `args` on the project at `home`, bounded in time and memory."""
    return subprocess.run(
        [sys.executable, "-m", "krakow_clusters.cli", *args],
        capture_output=True,
        text=True,
        errors="replace",
        env={**os.environ, "KRAKOW_CLUSTERS_HOME": str(home), **(env or {})},
        cwd=cwd or home,
        timeout=TIME_LIMIT,
        stdin=subprocess.DEVNULL,
        preexec_fn=_bounded,
    )


def one_line(done: subprocess.CompletedProcess, *fragments: str) -> str:
    """The one line of standard error of a command that could not run (exit 2), checked to
    hold every fragment; no traceback anywhere."""
    everything = done.stdout + done.stderr
    assert "Traceback" not in everything and "panicked" not in everything, everything[-3000:]
    assert done.returncode == 2, everything[-3000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-3000:]
    line = lines[0]
    assert line.startswith("error: "), line
    for fragment in fragments:
        assert fragment in line, line
    return line


def validated(done: subprocess.CompletedProcess) -> None:
    """`validate` ran to its verdict (the file conforms or it does not): no limit refused it."""
    assert done.returncode in (0, 1), done.stderr[-3000:]
    assert "Traceback" not in done.stdout + done.stderr


def build_refuses(project, tmp_path: Path, name: str, text: str, *fragments: str) -> None:
    """`build` on a copy of `project` with `text` as data/`name` stops with one line holding
    `fragments` and leaves no output folder."""
    copy = copy_project(project, tmp_path / "project")
    (copy.data_dir / name).write_text(text, encoding="utf-8")
    done = run_cli("build", "--no-site", "--out", str(tmp_path / "dist"), home=copy.root)
    one_line(done, *fragments)
    assert not (tmp_path / "dist").exists()


# The commands that read HTTP answers, pointed at `{url}` (a loopback server's .../sparql) or, for
# publish's Graph Store Protocol, `{store}` (.../store, the query endpoint beside it .../query).
HTTP_COMMANDS = {
    "link check": ["link", "check", "--endpoint", "{url}", "--retries", "0", "--cache-days", "0"],
    "query --endpoint": ["query", "overview", "--endpoint", "{url}"],
    "publish": ["publish", "--endpoint", "{store}"],
}


def run_against(command: str, url: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """One of HTTP_COMMANDS pointed at the server at `url`, its Wikidata cache in `tmp_path`."""
    store = url.removesuffix("/sparql") + "/store"
    args = [a.replace("{url}", url).replace("{store}", store) for a in HTTP_COMMANDS[command]]
    return run_cli(*args, env={"KRAKOW_CLUSTERS_CACHE": str(tmp_path / "cache"), **env})

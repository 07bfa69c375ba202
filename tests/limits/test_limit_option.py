"""Every limit is a setting (`serve --limit NAME=VALUE`); a name that is no limit or a value out
of range is one line and exit 2, before anything listens."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from krakow_clusters.web.guard import Limits, parse_limits

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize(
    ("item", "said"),
    [
        ("header-timout=5", "NAME one of:"),
        ("header-timeout", "write NAME=VALUE"),
        ("header-timeout=soon", "is not a number"),
        ("max-headers=0", "at least 1"),
        ("body-timeout=nan", "at least 1"),
    ],
)
def test_a_bad_limit_is_one_line_and_exit_2(item, said):
    done = subprocess.run(
        [sys.executable, "-m", "krakow_clusters.cli", "serve", "--port", "1", "--limit", item],
        capture_output=True,
        text=True,
        env={**os.environ, "KRAKOW_CLUSTERS_HOME": str(ROOT)},
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert said in done.stderr


def test_limits_are_read_by_name():
    limits = parse_limits(["header-timeout=2.5", "max_headers=50", "max-connections-per-client=0"])
    assert limits == Limits(header_timeout=2.5, max_headers=50, max_connections_per_client=0)


def test_a_size_takes_a_suffix_as_the_variables_do():
    assert parse_limits(["max-answer=16M"]).max_answer == 16 << 20
    with pytest.raises(ValueError, match="'16Q' is not a number"):
        parse_limits(["max-answer=16Q"])


def test_max_connections_fits_the_open_files_allowed():
    # In a process of its own: the test's process keeps its own limit.
    code = (
        "import resource\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (600, 600))\n"
        "from krakow_clusters.web.guard import Limits\n"
        "from krakow_clusters.web.serve import open_files_for\n"
        "print(open_files_for(Limits(max_connections=1024)).max_connections)\n"
        "print(open_files_for(Limits(max_connections=100)).max_connections)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    lines = done.stdout.splitlines()
    assert lines[0].startswith("note: max-connections lowered from 1024 to 344")
    assert lines[1:] == ["344", "100"]

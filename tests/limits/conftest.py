"""The real `serve`s for the regression files of this folder (one file per cause, as pySHACL's
test/issues/), given small limits so that each case ends soon:

- `limited`: the HTTP front's limits (timeouts, connections) of `LIMITS`, the others the
  defaults;
- `work_limited`: the work a request causes (two query workers, a query memory of 300 MB,
  answers of at most 1 MB once written, a 5 s timeout), and a dist/ with a link loop and a
  dangling link in it.

Each file asserts outcomes (a 4xx of one line, a bounded answer, another visitor answered
meanwhile), never how long something took."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..appserver import AppServer, get, start_server

LIMITS = {
    "header-timeout": "1",
    "body-timeout": "1",
    "keep-alive-timeout": "1",
    "linger-timeout": "1",
    "max-connections-per-client": "40",
}
WORK_LIMITS = {
    "query-memory": "300000000",
    "max-answer": "1000000",
}


@pytest.fixture(scope="session")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    args = [arg for name, value in LIMITS.items() for arg in ("--limit", f"{name}={value}")]
    yield from start_server(tmp_path_factory.mktemp("serve-limits"), *args)


@pytest.fixture(scope="session")
def limits_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("limits-dist")
    (dist / "void.ttl").write_text("# a release\n", encoding="utf-8")
    (dist / "krakow-clusters.nt").write_text("", encoding="utf-8")
    (dist / "loop-a").symlink_to(dist / "loop-b")
    (dist / "loop-b").symlink_to(dist / "loop-a")
    (dist / "dangling").symlink_to(dist / "nothing-here")
    (dist / "folder").mkdir()
    (dist / "folder" / "self").symlink_to(dist / "folder" / "self")
    (dist / "folder" / "gone").symlink_to(dist / "folder" / "nothing")
    return dist


@pytest.fixture(scope="session")
def work_limited(
    tmp_path_factory: pytest.TempPathFactory, limits_dist: Path
) -> Iterator[AppServer]:
    args = [arg for name, value in WORK_LIMITS.items() for arg in ("--limit", f"{name}={value}")]
    yield from start_server(
        tmp_path_factory.mktemp("serve-work-limits"),
        *args,
        "--query-workers",
        "2",
        "--query-timeout",
        "5",
        "--dist",
        str(limits_dist),
    )


def sparql(app: AppServer, query: str, accept: str) -> tuple[int, bytes]:
    """(status, body) of a GET /sparql."""
    status, _, body = get(app.base + "/sparql?query=" + urllib.parse.quote(query), accept)
    return status, body


def one_line(body: bytes) -> str:
    """The body of a refusal: one line of text, its newline ending it."""
    text = body.decode("utf-8")
    assert text.endswith("\n") and "\n" not in text[:-1], text[:500]
    assert "Traceback" not in text
    return text

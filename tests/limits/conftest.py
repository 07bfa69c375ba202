"""One real `serve` for the regression files of this folder (one file per cause, as pySHACL's
test/issues/), given small timeouts so that each case ends soon: its limits are those of
`LIMITS`, the others the defaults."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..appserver import AppServer, start_server

LIMITS = {
    "header-timeout": "1",
    "body-timeout": "1",
    "keep-alive-timeout": "1",
    "linger-timeout": "1",
    "max-connections-per-client": "40",
}


@pytest.fixture(scope="session")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    args = [arg for name, value in LIMITS.items() for arg in ("--limit", f"{name}={value}")]
    yield from start_server(tmp_path_factory.mktemp("serve-limits"), *args)

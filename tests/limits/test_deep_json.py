"""Issue 22: `link check` printed a traceback on deeply nested JSON (Python's json module
descends recursively). The nesting of a JSON answer is checked on its bytes first: one line
naming the endpoint, the line and column, and the limit; exit 2."""

from __future__ import annotations

import pytest

from ..httpservers import answer, scripted_server
from .commandline import one_line, run_against

LIMIT = "over the limit of 100 levels (KRAKOW_CLUSTERS_MAX_JSON_DEPTH changes it)"
START = b'{"head": {"vars": ["x"]}, "results": {"bindings": ['
DEEP = START + b"[" * 100_000 + b"]" * 100_000 + b"]}}"
COMMANDS = ["link check", "query --endpoint"]  # the readers of SPARQL JSON results


@pytest.mark.timeout(150)
@pytest.mark.parametrize("command", COMMANDS)
def test_deeply_nested_json_is_one_line(command, tmp_path):
    with scripted_server(answer(200, DEEP)) as (url, _script):
        done = run_against(command, url, tmp_path)
    column = len(START) + 98  # the bracket that opens level 101 (the 98th of them)
    one_line(done, f"127.0.0.1:{url.split(':')[2].split('/')[0]}/sparql:1:{column}: ", LIMIT)

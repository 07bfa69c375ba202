"""Issue 22: `query --endpoint` read an endless body without a cap. Every command that reads
HTTP answers reads them in parts and stops at the limit: one line naming the endpoint or store
and the limit, exit 2 (here with a limit of 1 MB, against a loopback server whose answer never
ends)."""

from __future__ import annotations

import pytest

from ..httpservers import endless, scripted_server
from .commandline import HTTP_COMMANDS, one_line, run_against

SMALL = {"KRAKOW_CLUSTERS_MAX_ANSWER_SIZE": "1M"}
LIMIT = "over the limit of 1048576 bytes (KRAKOW_CLUSTERS_MAX_ANSWER_SIZE changes it)"
WHO = {
    "link check": "error: http://127.0.0.1:",
    "query --endpoint": "error: endpoint http://127.0.0.1:",
    "publish": "error: the store at http://127.0.0.1:",
}


# SPARQLWrapper's request is answered here: an error's first line is read, no more
REFUSED = {
    "link check": LIMIT,
    "query --endpoint": "answered HTTP 400 (the query was refused): refused",
    "publish": LIMIT,
}


def test_every_command_that_reads_http_has_a_case():
    assert set(WHO) == set(HTTP_COMMANDS) == set(REFUSED)


@pytest.mark.timeout(150)
@pytest.mark.parametrize("command", sorted(HTTP_COMMANDS))
def test_an_endless_answer_is_read_no_further_than_the_limit(command, tmp_path):
    with scripted_server(endless) as (url, _script):
        done = run_against(command, url, tmp_path, **SMALL)
    one_line(done, WHO[command], "the answer is larger", LIMIT)


@pytest.mark.timeout(150)
@pytest.mark.parametrize("command", sorted(HTTP_COMMANDS))
def test_an_error_answer_that_never_ends_is_read_in_part(command, tmp_path):
    # an error's body is read for its first line; one that never ends must not hold the command
    def refusing(handler, stop):
        handler.send_response(400)
        handler.send_header("Content-Type", "text/plain")
        handler.end_headers()
        try:
            handler.wfile.write(b"refused\n")
            while not stop.is_set():
                handler.wfile.write(b"x" * (1 << 16))
        except OSError:
            return

    with scripted_server(refusing) as (url, _script):
        done = run_against(command, url, tmp_path, **SMALL)
    one_line(done, WHO[command], REFUSED[command])

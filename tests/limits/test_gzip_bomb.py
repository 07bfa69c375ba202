"""Issue 22: `link check` read a 1 MB gzip bomb to 2.1 GB. The one HTTP client reads every answer
in parts and counts its bytes once decompressed (httpclient.read_capped): past the limit, one line
naming the endpoint or store and the limit, exit 2. Run for each command that reads HTTP
answers, against a loopback server that sends the bomb, under an address-space limit that the
bomb would pass if it were read whole."""

from __future__ import annotations

import pytest

from ..httpservers import gzip_bomb, scripted_server
from .commandline import HTTP_COMMANDS, one_line, run_against

LIMIT = "over the limit of 104857600 bytes (KRAKOW_CLUSTERS_MAX_ANSWER_SIZE changes it)"
# 1 GB of JSON once decompressed: 1 MB on the wire, ten times the default limit
BOMB = 1 << 30
EXPECTED = {
    "link check": ("the answer is larger (once decompressed)", LIMIT),
    "publish": (
        "the store at http://127.0.0.1:",
        "the answer is larger (once decompressed)",
        LIMIT,
    ),
    # SPARQLWrapper's request asks for no compression, and urllib decompresses nothing: the
    # bytes read are the megabyte sent, which is no JSON
    "query --endpoint": ("did not answer with SPARQL JSON results",),
}


@pytest.fixture(scope="module")
def bomb():
    return gzip_bomb(BOMB)


def test_every_command_that_reads_http_has_a_case():
    assert set(EXPECTED) == set(HTTP_COMMANDS)


@pytest.mark.timeout(150)
@pytest.mark.parametrize("command", sorted(HTTP_COMMANDS))
def test_a_gzip_bomb_is_read_no_further_than_the_limit(command, bomb, tmp_path):
    with scripted_server(bomb) as (url, _script):
        done = run_against(command, url, tmp_path)
    one_line(done, *EXPECTED[command])


@pytest.mark.timeout(150)
def test_the_limit_is_a_setting(tmp_path):
    with scripted_server(gzip_bomb(8 << 20)) as (url, _script):
        done = run_against("link check", url, tmp_path, KRAKOW_CLUSTERS_MAX_ANSWER_SIZE="1M")
    one_line(done, "over the limit of 1048576 bytes")

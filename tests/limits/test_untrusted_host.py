"""Issue 22: the Host header flowed into the reconciliation manifest's and preview's absolute
URLs. They come from --public-url (default: the address listened on); with --allowed-host, a
request for another host gets 400 with one line."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from ..appserver import AppServer, start_server
from .rawhttp import connect, get

pytestmark = pytest.mark.timeout(90)

PUBLIC = "https://clusters.example.org"


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    yield from start_server(
        tmp_path_factory.mktemp("serve-hosts"),
        "--allowed-host",
        "clusters.example.org",
        "--allowed-host",
        "127.0.0.1",
        "--public-url",
        PUBLIC + "/",
    )


@pytest.mark.parametrize("host", ["evil.example", "clusters.example.org.evil.example", ""])
def test_an_unknown_host_gets_400(hosted, host):
    outcome = get(hosted.port, "/", host=host)
    assert outcome.status == 400
    assert outcome.body in (
        b"the Host header names no host this server answers for\n",
        b"the request is not well-formed HTTP/1.1 (Missing mandatory Host header)\n",
    )


@pytest.mark.parametrize("host", ["clusters.example.org", "CLUSTERS.example.org:443", "127.0.0.1"])
def test_a_listed_host_is_answered(hosted, host):
    assert get(hosted.port, "/", host=host).status == 200


def test_the_manifest_and_previews_use_the_public_url(hosted):
    outcome = get(hosted.port, "/reconcile", host="clusters.example.org")
    manifest = json.loads(outcome.body)
    assert manifest["view"]["url"] == PUBLIC + "/id/{{id}}"
    assert manifest["preview"]["url"].startswith(PUBLIC + "/reconcile/preview")
    preview = get(hosted.port, "/reconcile/preview?id=cluster/bim", host="127.0.0.1")
    assert preview.status == 200
    assert f'href="{PUBLIC}/id/cluster/bim"'.encode() in preview.body


def test_without_allowed_hosts_the_host_header_is_not_echoed(limited):
    outcome = get(limited.port, "/reconcile", host="evil.example")
    assert outcome.status == 200
    assert b"evil.example" not in outcome.body
    assert f"http://127.0.0.1:{limited.port}/reconcile".encode() in outcome.body


@pytest.mark.parametrize("path", ["/id", "/sparql/", "/id/cluster/bim/"])
def test_a_redirect_never_names_the_host_header(limited, path):
    request = f"GET {path} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    with connect(limited.port) as sock:
        sock.sendall(request.encode())
        data = sock.recv(65536)  # the head of a redirect: one segment
    assert data.split(b" ", 2)[1] in (b"301", b"307", b"308")
    assert b"evil.example" not in data
    assert b"\r\nlocation: /" in data.lower()

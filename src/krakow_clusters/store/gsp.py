"""A client of the SPARQL 1.1 Graph Store HTTP Protocol: replace a named graph of a remote store,
through the project's one HTTP client (`httpclient`)."""

from __future__ import annotations

from collections.abc import Generator
from typing import NoReturn
from urllib.parse import quote, urlsplit

import httpx

from .. import httpclient
from ..errors import CouldNotRun, one_line
from ..httpclient import split_credentials


class BasicOrDigest(httpx.Auth):
    """HTTP basic credentials with the first request; when the store refuses them with 401 and
    takes Digest instead, the same request once more with Digest credentials.

    Virtuoso's /sparql-graph-crud-auth takes only Digest, and its 401 to basic credentials carries
    no challenge: then one bare request fetches it. Any other answer is final.
    """

    def __init__(self, user: str, password: str) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        response = yield next(self._basic.auth_flow(request))
        if response.status_code != 401:
            return
        if not response.headers.get("WWW-Authenticate"):
            request.headers.pop("Authorization", None)
            response = yield request
        challenge = response.headers.get("WWW-Authenticate", "")
        if response.status_code != 401 or not challenge.lower().startswith("digest "):
            return
        # Digest's own flow first sends the request bare for a challenge; it has one already.
        digest = self._digest.auth_flow(request)
        next(digest)
        try:
            retry = digest.send(response)
        except StopIteration:
            return
        yield retry


# N-Triples go in parts of at most this many lines: the first replaces the graph (PUT), the
# others are added to it (POST). Virtuoso 7.2 took a PUT of a 1M-triple graph and then stopped
# working (its log: "Locks are held for a long time"); in parts of 100,000 it loads the same graph
# in 13 s (BENCHMARKS.md).
PART_TRIPLES = 100_000


def graph_parts(data: bytes, size: int = PART_TRIPLES) -> list[bytes]:
    """N-Triples `data` in parts of at most `size` lines, except that every line that may name a
    blank node (it holds `_:`) goes in the first part: a blank node's label means one node within
    one request only, so its triples must travel together. One part when the data is small."""
    lines = data.splitlines(keepends=True)
    if len(lines) <= size:
        return [data]
    blank = [line for line in lines if b"_:" in line]
    named = [line for line in lines if b"_:" not in line] if blank else lines
    first = max(size - len(blank), 0)
    parts = [b"".join(blank + named[:first])]
    parts += [b"".join(named[i : i + size]) for i in range(first, len(named), size)]
    return parts


def put_graph(
    store_url: str,
    graph_iri: str,
    data: bytes,
    content_type: str = "application/n-triples",
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60.0,
    part_triples: int | None = None,
) -> int:
    """Replace the named graph `graph_iri` of a Graph Store Protocol endpoint with `data`.

    Returns the HTTP status of the last request. N-Triples larger than `part_triples` lines go in
    parts (`graph_parts`): a PUT of the first, a POST of each of the others; any other format in
    one PUT (`part_triples` defaults to PART_TRIPLES). A part refused after the first leaves the
    graph partly replaced: the error says so, and publishing again replaces it whole. Credentials
    written in the URL (http://user:pass@host/…) are used
    when `user` is not given. Unreachable store, refused credentials and server errors each raise
    CouldNotRun with one line that never contains the credentials. `timeout` bounds connecting
    and each read or write. Credentials go with HTTP basic auth, or with Digest when the store
    asks for it.
    """
    shown, url_user, url_password = split_credentials(store_url, "store")
    if user is None and url_user is not None:
        user, password = url_user, url_password
    parts = urlsplit(store_url)
    separator = "&" if parts.query else "?"
    # The credentials go in a header, never in the URL (which messages show).
    url = shown + separator + "graph=" + quote(graph_iri, safe="")
    size = part_triples or PART_TRIPLES
    parts = graph_parts(data, size) if content_type == "application/n-triples" else [data]
    auth = BasicOrDigest(user, password or "") if user else None
    headers = {"Content-Type": content_type}
    status = 0
    try:
        with httpclient.client(connect=timeout, read=timeout) as http:  # one connection for all
            for i, part in enumerate(parts):
                method = "PUT" if i == 0 else "POST"
                request = http.build_request(method, url, content=part, headers=headers)
                where = f"the store at {shown}"
                response, body = httpclient.send_capped(http, request, where, auth)
                status = response.status_code
                if not 200 <= status < 300:
                    _refused(status, body, shown, user, url_user, i, len(parts))
    except httpx.TimeoutException:
        raise CouldNotRun(f"the store at {shown} did not answer within {timeout:g} s") from None
    except (httpx.RequestError, httpx.InvalidURL) as exc:
        raise CouldNotRun(f"cannot reach the store at {shown}: {one_line(exc)}") from None
    return status


def _refused(
    status: int,
    body: bytes,
    shown: str,
    user: str | None,
    url_user: str | None,
    part: int = 0,
    parts: int = 1,
) -> NoReturn:
    """Raise CouldNotRun with one line for a refused request (never the credentials)."""
    if part:
        shown += f" (part {part + 1} of {parts}: the graph is partly replaced, publish again)"
    if status in (401, 403):
        if url_user is not None and user == url_user:
            hint = "check the user and password written in the URL"
        elif user:
            hint = "check KRAKOW_CLUSTERS_USER and KRAKOW_CLUSTERS_PASSWORD"
        else:
            hint = "set KRAKOW_CLUSTERS_USER and KRAKOW_CLUSTERS_PASSWORD"
        raise CouldNotRun(f"the store at {shown} refused access (HTTP {status}): {hint}")
    lines = body.decode("utf-8", "replace").strip().splitlines()
    first = f": {lines[0][:200]}" if lines else ""
    if status >= 500:
        raise CouldNotRun(f"the store at {shown} failed (HTTP {status}){first}")
    raise CouldNotRun(f"the store at {shown} rejected the data (HTTP {status}){first}")

"""A client of the SPARQL 1.1 Graph Store HTTP Protocol: replace a named graph of a remote store,
through the project's one HTTP client (`httpclient`)."""

from __future__ import annotations

import uuid
from collections.abc import Generator, Iterable, Mapping
from typing import NoReturn
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

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


# Where a store's other endpoints lie beside its Graph Store Protocol endpoint: (the end of the
# store's path, the query endpoint's, the update endpoint's). Oxigraph serves /store, /query and
# /update; Virtuoso /sparql-graph-crud(-auth) beside /sparql and, with Digest auth, /sparql-auth.
BESIDE_STORE = (
    ("/store", "/query", "/update"),
    ("/sparql-graph-crud-auth", "/sparql", "/sparql-auth"),
    ("/sparql-graph-crud", "/sparql", "/sparql"),
)


def beside_store(store_url: str, which: str) -> str | None:
    """The `which` ("query" or "update") endpoint beside a known Graph Store Protocol endpoint,
    credentials and query string left out; None for a layout not in BESIDE_STORE."""
    parts = urlsplit(split_credentials(store_url, "store")[0])
    path = parts.path.rstrip("/")
    for store, query, update in BESIDE_STORE:
        if path.endswith(store):
            path = path[: -len(store)] + (query if which == "query" else update)
            return urlunsplit(parts._replace(path=path, query="", fragment=""))
    return None


def put_graph(
    store_url: str,
    graph_iri: str,
    data: bytes,
    content_type: str = "application/n-triples",
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60.0,
    part_triples: int | None = None,
    update_url: str | None = None,
) -> int:
    """Replace the named graph `graph_iri` of a Graph Store Protocol endpoint with `data`: one
    graph of `replace_graphs`, which says how; the HTTP status of the last request."""
    return replace_graphs(
        store_url,
        {graph_iri: data},
        content_type,
        user=user,
        password=password,
        timeout=timeout,
        part_triples=part_triples,
        update_url=update_url,
    )


def replace_graphs(
    store_url: str,
    graphs: Mapping[str, bytes],
    content_type: str = "application/n-triples",
    *,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60.0,
    part_triples: int | None = None,
    update_url: str | None = None,
) -> int:
    """Replace each named graph of a Graph Store Protocol endpoint (IRI → its data) all at once.

    One graph that travels in one request is PUT in place: the store replaces it whole or not at
    all. Otherwise (several graphs, or N-Triples larger than `part_triples` lines, which go in
    parts, `graph_parts`) every graph is first loaded into a staging graph of its own (a PUT of
    the first part, a POST of each of the others), and only when every part of every graph has
    been taken does one SPARQL Update request at `update_url` (default: the one beside the store,
    `beside_store`) move each staging graph onto its graph. A part refused on the way drops the
    staging graphs and leaves the published graphs exactly as they were; the error says so.

    Credentials written in the URL (http://user:pass@host/…) are used when `user` is not given;
    they go with HTTP basic auth, or with Digest when the store asks for it. Unreachable store,
    refused credentials and server errors each raise CouldNotRun with one line that never
    contains the credentials. `timeout` bounds connecting and each read or write. Returns the
    HTTP status of the last request.
    """
    shown, url_user, url_password = split_credentials(store_url, "store")
    if user is None and url_user is not None:
        user, password = url_user, url_password
    auth = BasicOrDigest(user, password or "") if user else None
    size = part_triples or PART_TRIPLES

    def parts_of(data: bytes) -> list[bytes]:
        return graph_parts(data, size) if content_type == "application/n-triples" else [data]

    sending = {graph: parts_of(data) for graph, data in graphs.items()}
    refusal = _Refusal(shown, user, url_user)
    try:
        with httpclient.client(connect=timeout, read=timeout) as http:  # one connection for all
            if len(sending) == 1 and all(len(parts) == 1 for parts in sending.values()):
                [(graph, [data])] = sending.items()
                url = _graph_url(store_url, graph)
                return _send(http, "PUT", url, data, content_type, auth, refusal)
            update = update_url or beside_store(store_url, "update")
            if update is None:
                raise CouldNotRun(
                    f"cannot guess the SPARQL update endpoint beside {shown}, which replacing "
                    "a graph in parts needs: give it with --update-endpoint"
                )
            staging = {graph: f"urn:uuid:{uuid.uuid4()}" for graph in sending}
            try:
                for graph, parts in sending.items():
                    for i, part in enumerate(parts):
                        url = _graph_url(store_url, staging[graph])
                        refusal.part = (graph, i, len(parts))
                        method = "PUT" if i == 0 else "POST"
                        _send(http, method, url, part, content_type, auth, refusal)
                refusal.part = None
                moves = " ;\n".join(
                    f"DROP SILENT GRAPH <{graph}> ;\nMOVE SILENT GRAPH <{staging[graph]}> "
                    f"TO GRAPH <{graph}>"
                    for graph in sending
                )
                body = urlencode({"update": moves}).encode()
                form = "application/x-www-form-urlencoded"
                return _send(http, "POST", update, body, form, auth, refusal.moving(update))
            except (CouldNotRun, httpx.HTTPError):
                _drop_quietly(http, store_url, staging.values(), auth)
                raise
    except httpx.TimeoutException:
        raise CouldNotRun(f"the store at {shown} did not answer within {timeout:g} s") from None
    except (httpx.RequestError, httpx.InvalidURL) as exc:
        raise CouldNotRun(f"cannot reach the store at {shown}: {one_line(exc)}") from None


def _graph_url(store_url: str, graph_iri: str) -> str:
    """The store's URL for one graph (`?graph=`), credentials left out: they go in a header,
    never in the URL (which messages show)."""
    shown = split_credentials(store_url, "store")[0]
    separator = "&" if urlsplit(shown).query else "?"
    return shown + separator + "graph=" + quote(graph_iri, safe="")


def _send(
    http: httpx.Client,
    method: str,
    url: str,
    content: bytes,
    content_type: str,
    auth: httpx.Auth | None,
    refusal: _Refusal,
) -> int:
    request = http.build_request(
        method, url, content=content, headers={"Content-Type": content_type}
    )
    response, body = httpclient.send_capped(http, request, f"the store at {refusal.shown}", auth)
    if not 200 <= response.status_code < 300:
        refusal.raise_for(response.status_code, body)
    return response.status_code


def _drop_quietly(
    http: httpx.Client, store_url: str, graphs: Iterable[str], auth: httpx.Auth | None
) -> None:
    """Drop staging graphs after a failure, as far as the store lets us: the failure is what the
    user is told, and a staging graph left behind holds nothing that is published."""
    for graph in graphs:
        try:
            request = http.build_request("DELETE", _graph_url(store_url, graph))
            httpclient.send_capped(http, request, "the store", auth)
        except (CouldNotRun, httpx.HTTPError):
            return


class _Refusal:
    """What one line says when the store refuses a request: where, which part of which graph,
    and which credentials to check (never the credentials themselves)."""

    def __init__(self, shown: str, user: str | None, url_user: str | None) -> None:
        self.shown = shown
        self.user = user
        self.url_user = url_user
        self.part: tuple[str, int, int] | None = None
        self.update: str | None = None

    def moving(self, update_url: str) -> _Refusal:
        self.update = update_url
        return self

    def raise_for(self, status: int, body: bytes) -> NoReturn:
        shown = self.shown
        if self.update is not None:
            shown = f"{self.update} (moving the staged graphs into place)"
        if self.part is not None:
            graph, part, parts = self.part
            shown += (
                f" (part {part + 1} of {parts} of <{graph}>: the published graphs are unchanged)"
            )
        if status in (401, 403):
            if self.url_user is not None and self.user == self.url_user:
                hint = "check the user and password written in the URL"
            elif self.user:
                hint = "check KRAKOW_CLUSTERS_USER and KRAKOW_CLUSTERS_PASSWORD"
            else:
                hint = "set KRAKOW_CLUSTERS_USER and KRAKOW_CLUSTERS_PASSWORD"
            raise CouldNotRun(f"the store at {shown} refused access (HTTP {status}): {hint}")
        lines = body.decode("utf-8", "replace").strip().splitlines()
        first = f": {lines[0][:200]}" if lines else ""
        if status >= 500:
            raise CouldNotRun(f"the store at {shown} failed (HTTP {status}){first}")
        raise CouldNotRun(f"the store at {shown} rejected the data (HTTP {status}){first}")

"""HTTP beside SPARQLWrapper: the project's one User-Agent, and the one HTTP client (httpx).

SPARQLWrapper stays the client of remote SPARQL queries (`store.remote`); everything else that
speaks HTTP, the Graph Store Protocol (`store.gsp`) and the Wikidata client's transport
(`wikidata.client`), goes through an httpx client made here. All of them send the User-Agent
made here: `krakow-clusters/<version> (<contact>)`, as the Wikidata Query Service's User-Agent
policy asks, with the contact from $KRAKOW_CLUSTERS_CONTACT (an e-mail or a web address), else the
project's address; $KRAKOW_CLUSTERS_USER_AGENT replaces the whole header.

httpx is imported when a client is made, not with this module: the commands that speak no HTTP
(validate, build, query on the embedded store) do not load it.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Generator, Iterable
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit, urlunsplit

from . import __version__
from .errors import CouldNotRun
from .limits import MAX_ANSWER

if TYPE_CHECKING:
    import httpx


def redact_url(url: str) -> str:
    """The URL without its user:password part: the only form of a URL that a message, a log or
    a file may show."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def check_url(url: str, what: str = "URL") -> None:
    """CouldNotRun, in one line, unless `url` is an http(s) URL with a host (and a port, when it
    has one, that is a number). urlsplit and .port raise ValueError on a malformed URL (an open
    IPv6 bracket, a port that is no number), which would otherwise surface as a traceback, or
    later, inside SPARQLWrapper or httpx, as http.client.InvalidURL."""
    shown = re.sub(r"(?<=//)[^/?#]*@", "", url, count=1)  # redact_url needs a valid URL
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is no number or too large)
    except ValueError as exc:
        raise CouldNotRun(f"{what} {shown!r} is not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise CouldNotRun(f"{what} {shown!r} is not an http(s) URL with a host")


def split_credentials(url: str, what: str = "URL") -> tuple[str, str | None, str | None]:
    """(the URL without credentials, user, password) for a URL that may carry them
    (http://user:pass@host/…, percent-encoded as URLs have them); user and password are None
    when it carries none. Every URL the package sends a request to passes here, so it is
    checked here (check_url): CouldNotRun for a malformed one."""
    check_url(url, what)
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    userinfo = parts.netloc.rpartition("@")[0]
    user, _, password = userinfo.partition(":")
    return redact_url(url), unquote(user) or None, unquote(password) if password else None


def unresolvable_host(exc: BaseException) -> bool:
    """Whether a connection failed because the host name does not resolve (no address in DNS):
    asking again at once will not change that, so callers give up instead of retrying."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, socket.gaierror):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def read_capped(chunks: Iterable[bytes], subject: str, declared: str | None = None) -> bytes:
    """The body of an answer from its `chunks` (httpx's `iter_bytes()`, decompressed as they
    come, or a urllib response read in parts), or CouldNotRun naming `subject` as soon as it
    passes the answer limit ($KRAKOW_CLUSTERS_MAX_ANSWER_SIZE, counted after decompression): an
    endless body or a compression bomb is never held whole.
    `declared`: the answer's Content-Length, when it has one; over the limit, nothing is read."""
    limit = MAX_ANSWER.value()
    if declared and declared.strip().isdigit() and int(declared) > limit:
        raise MAX_ANSWER.exceeded(subject, f"the answer announces {int(declared)} bytes")
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise MAX_ANSWER.exceeded(subject, "the answer is larger (once decompressed)")
        parts.append(chunk)
    return b"".join(parts)


def read_response(response: object, subject: str, part: int = 1 << 16) -> bytes:
    """`read_capped` of a urllib (http.client) response, as SPARQLWrapper returns it: read in
    parts, never whole; such a response is not decompressed, so its bytes are what is counted."""
    headers = getattr(response, "headers", None)
    declared = headers.get("Content-Length") if headers is not None else None
    read = response.read  # type: ignore[attr-defined]
    body = read_capped(iter(lambda: read(part), b""), subject, declared)
    # Read in parts, http.client says nothing of a body shorter than its Content-Length (whole,
    # it raises IncompleteRead): a count cut short would otherwise parse as a smaller count.
    if declared and declared.strip().isdigit() and len(body) < int(declared):
        raise CouldNotRun(
            f"{subject} cut its answer short ({len(body)} bytes of {int(declared)} announced)"
        )
    return body


def send_capped(
    http: httpx.Client, request: httpx.Request, subject: str, auth: httpx.Auth | None = None
) -> tuple[httpx.Response, bytes]:
    """Send `request` with `http` (through `auth`'s flow, when given) and read the answer with
    `read_capped`: (the response, closed, with its status and headers; its body). httpx would
    read every answer an authentication flow sees whole (a 401 before the credentials it asks
    for), so the flow is driven here and each of those answers is read capped too."""
    flow = auth.sync_auth_flow(request) if auth is not None else _as_is(request)
    request = next(flow)
    while True:
        response = http.send(request, auth=None, stream=True)
        try:
            declared = response.headers.get("content-length")
            body = read_capped(response.iter_bytes(), subject, declared)
        finally:
            response.close()
        try:
            request = flow.send(response)
        except StopIteration:
            return response, body


def _as_is(request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
    yield request


def user_agent(contact: str | None = None) -> str:
    """`krakow-clusters/<version> (<contact>)`, or $KRAKOW_CLUSTERS_USER_AGENT when it is set
    and no contact is given. The contact is the caller's (the link commands give the
    publisher's address from the settings), else $KRAKOW_CLUSTERS_CONTACT, else none."""
    override = os.environ.get("KRAKOW_CLUSTERS_USER_AGENT")
    if override and not contact:
        return override
    contact = contact or os.environ.get("KRAKOW_CLUSTERS_CONTACT")
    return f"krakow-clusters/{__version__}" + (f" ({contact})" if contact else "")


def client(
    *,
    connect: float,
    read: float,
    contact: str | None = None,
    user: str | None = None,
    password: str | None = None,
) -> httpx.Client:
    """An httpx client that sends the User-Agent, waits at most `connect` seconds to connect and
    `read` seconds for each read or write, follows no redirect, and, with `user`, authenticates
    with HTTP basic auth. Use it as a context manager, so its connections are closed."""
    import httpx

    return httpx.Client(
        headers={"User-Agent": user_agent(contact)},
        timeout=httpx.Timeout(read, connect=connect),
        auth=httpx.BasicAuth(user, password or "") if user else None,
        follow_redirects=False,
    )

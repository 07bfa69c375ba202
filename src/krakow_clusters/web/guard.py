"""What every request and every answer of the public server goes through, whatever its route: an
ASGI middleware around the whole app, so that a route added later gets the same protections.

- When the operator lists the hosts it serves, a request whose Host is none of them gets one
  line of 400.
- More requests at once than the limit get one line of 503 with Retry-After.
- A malformed path (a control character such as NUL or a line break, an over-long segment, a
  path or query string over the limits) gets one line of 400 or 414 before any route sees it.
- A request body over the limit gets 413, whether it says its length or streams it.
- HEAD is answered like GET, without the body, on every GET route.
- A redirect to the server's own Host (Starlette's, of a trailing slash) is written as a path:
  the Host a client sends never reaches an answer.
- Every answer carries the security headers: a Content-Security-Policy that allows no script and
  no framing, nosniff, X-Frame-Options and Referrer-Policy. A view may send a policy of its own
  instead (the guard then leaves it): only the query page does, the editor's (editor_policy).
- A failure inside a view is one line of 500, never a stack trace.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from starlette.requests import ClientDisconnect

from ..limits import whole_number
from ..store.pool import DEFAULT_QUERY_MEMORY

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


@dataclass(frozen=True)
class Limits:
    """The most a client may send and the longest it may take: one value per limit, each a setting
    of `serve` (`--limit NAME=VALUE`, the name with dashes). The guard below holds the request's
    path, query string and body to them; the HTTP front (web/front.py) the connection, the head
    and the timeouts, before the app sees anything. Sizes in bytes, times in seconds."""

    # The path and one segment of it (a file name: 255 bytes on every common file system).
    max_path: int = 2048
    max_segment: int = 255
    # A long query goes by POST; 32 KiB holds any query a person writes by hand in a URL.
    max_query: int = 32768
    max_body: int = 1_048_576
    # The request line (method, path, query string, version): the path and query string above.
    max_request_line: int = 36_864
    # The whole head (request line and header fields), read into memory before anything else.
    max_head: int = 65_536
    # Header fields: browsers send about 20; Apache refuses more than 100 by default.
    max_headers: int = 100
    # One header field, name and value: Apache's LimitRequestFieldSize is 8,190.
    max_header_field: int = 8190
    # From a connection's first byte (or its opening) to the end of its head: a client that
    # trickles its head (slowloris) holds a socket no longer than this.
    header_timeout: float = 10.0
    # From the end of the head to the end of the body (1 MiB at 35 kB/s).
    body_timeout: float = 30.0
    # How long an idle connection is kept open between two requests.
    keep_alive_timeout: float = 5.0
    # How long the rest of a refused request is read and dropped, so that its client reads the
    # answer instead of a reset.
    linger_timeout: float = 2.0
    # Requests answered at once; more get 503 with Retry-After, so that a burst costs memory in
    # proportion to this, not to the number of clients.
    max_concurrency: int = 64
    # Open connections in all, and from one client address (0: no cap per address, for a
    # server behind a proxy, whose connections all come from one address): a connection past
    # either is closed as soon as it opens, so a crowd of sockets never exhausts the file
    # descriptors.
    max_connections: int = 1024
    max_connections_per_client: int = 64
    # What a visitor's query may cost (issue 22): bytes a query worker may take beyond its copy
    # of the dataset (its address space, RLIMIT_AS; a query that wants more gets 400) ...
    query_memory: int = DEFAULT_QUERY_MEMORY
    # ... bytes of its answer once written, in any format (more gets 400: add LIMIT) ...
    max_answer: int = 16_000_000
    # ... and cells (rows × columns) of it on a page for people (the rest is a download).
    page_cells: int = 20_000
    # Bytes of the responses the page cache keeps (with 512 responses at most): its keys hold
    # what visitors send.
    cache_bytes: int = 64_000_000


def parse_limits(items: Iterable[str], base: Limits | None = None) -> Limits:
    """`base` (default: the defaults) with the `NAME=VALUE` items set (NAME as in Limits, with
    dashes); ValueError with one line for an unknown name or a value out of range."""
    values: dict[str, Any] = {}
    fields = {f.name: f for f in dataclasses.fields(Limits)}
    for item in items:
        name, sep, text = item.partition("=")
        key = name.strip().replace("-", "_")
        if not sep or key not in fields:
            known = ", ".join(sorted(n.replace("_", "-") for n in fields))
            raise ValueError(f"--limit {item!r}: write NAME=VALUE, NAME one of: {known}")
        value: float | int | None
        if fields[key].type in ("float", float):
            try:
                value = float(text.strip())
            except ValueError:
                value = None
        else:
            value = whole_number(text, sizes=True)  # a size as the variables take it: 16M
        if value is None:
            raise ValueError(f"--limit {item!r}: {text.strip()!r} is not a number")
        lowest = 0 if key == "max_connections_per_client" else 1
        if not value >= lowest or value != value or value == float("inf"):
            raise ValueError(f"--limit {item!r}: the value must be at least {lowest}")
        values[key] = value
    return dataclasses.replace(base or Limits(), **values)


def style_hashes(texts: Iterable[str]) -> list[str]:
    """CSP source expressions ('sha256-…') of the <style> elements in `texts`."""
    found = []
    for text in texts:
        for css in _STYLE.findall(text):
            digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode()
            found.append(f"'sha256-{digest}'")
    return sorted(set(found))


@functools.lru_cache(maxsize=1)
def template_styles() -> tuple[str, ...]:
    """The hashes of the stylesheets written in the templates of the pages this server answers
    (the ontology's documentation in dist/ is one of them): the pages keep their one inline
    stylesheet, and nothing else inline runs."""
    folder = resources.files("krakow_clusters.pages") / "templates"
    pages = [f for f in folder.iterdir() if f.name.endswith(".html")]
    return tuple(style_hashes(f.read_text(encoding="utf-8") for f in pages))


def content_security_policy(styles: Iterable[str] = ()) -> str:
    """The policy of every page: no script at all, styles only from the listed hashes, images
    from this server, forms sent only to it, and no framing."""
    return "; ".join(
        [
            "default-src 'none'",
            "style-src " + (" ".join(styles) or "'none'"),
            "img-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


# The two <style> elements that YASGUI's results table adds to the page (its bundled column
# resizer): the grips' stylesheet when a table is drawn, and `*{cursor:col-resize!important}` while
# a column is dragged. Constant texts, allowed by their hashes rather than by 'unsafe-inline';
# tests/test_sparql_editor.py checks that they are those of the vendored yasgui.min.js.
EDITOR_STYLES = (
    "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='",
    "'sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg='",
)


def editor_policy(styles: Iterable[str] = ()) -> str:
    """The policy of the query page, the one page with script: the SPARQL editor (YASGUI,
    vendored in static/yasgui/) and the page's script that sets it up (static/sparql.js). What it
    allows beyond `content_security_policy`, and why:

    - script-src 'self': the two script files, served by this server from the package; still no
      inline script, no eval, no other host.
    - style-src 'self' (beside the hashes): YASGUI's stylesheet and the page's, files of this
      server; and the hashes of the two stylesheets YASGUI's results table inserts
      (EDITOR_STYLES). No 'unsafe-inline': the editor styles its elements through the DOM
      (element.style), which a policy does not govern.
    - img-src data:: YASGUI's stylesheet draws the results table's sort arrows as data: images.
    - connect-src 'self': the editor sends its queries to this server's /sparql, and the policy
      makes the browser refuse any other address (were a visitor to type another endpoint into
      the editor, or a link to bring one)."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src " + " ".join(["'self'", *styles, *EDITOR_STYLES]),
            "img-src 'self' data:",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(styles: Iterable[str] = ()) -> list[tuple[bytes, bytes]]:
    """The headers of every answer: the policy of `content_security_policy` and the others."""
    return [
        (b"content-security-policy", content_security_policy(styles).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
    ]


class BodyTooLarge(Exception):
    """The body went past the limit while the app was reading it."""


def malformed(scope: Scope, limits: Limits) -> tuple[int, str] | None:
    """(status, one line) when the request line is malformed or too long; else None."""
    raw = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "surrogateescape")
    if len(raw) > limits.max_path:
        return 414, f"the path is longer than {limits.max_path} bytes"
    if len(scope.get("query_string", b"")) > limits.max_query:
        return 414, f"the query string is longer than {limits.max_query} bytes"
    path = scope.get("path", "")
    if _CONTROL.search(path):
        return 400, "the path holds a control character (such as NUL or a line break)"
    if "\ufffd" in path:
        return 400, "the path is not UTF-8 once its %-escapes are decoded"
    if any(len(segment.encode("utf-8")) > limits.max_segment for segment in path.split("/")):
        return 400, f"a segment of the path is longer than {limits.max_segment} bytes"
    return None


class Guard:
    """The middleware: limits, HEAD, security headers, one-line failures (see the module)."""

    def __init__(
        self, app: ASGIApp, limits: Limits | None = None, allowed_hosts: Iterable[str] = ()
    ) -> None:
        self.app = app
        self.limits = limits or Limits()
        # Lower-case host names without a port; none: any Host is answered (the answers never
        # carry it: absolute URLs come from the public URL of the settings).
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)
        self.headers = security_headers(template_styles())
        self.answering = 0  # requests being answered now (limits.max_concurrency)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"

        host = (_header(scope, b"host") or "").encode("latin-1")

        async def answer(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, _own_path(v, host) if k.lower() == b"location" else v)
                    for k, v in message.get("headers", [])
                ]
                names = {name.lower() for name, _value in headers}
                extra = [(k, v) for k, v in self.headers if k not in names]
                message = {**message, "headers": [*headers, *extra]}
            elif message["type"] == "http.response.body" and head:
                if message.get("more_body", False):
                    return
                message = {**message, "body": b""}
            await send(message)

        problem = malformed(scope, self.limits) or self._unknown_host(scope)
        if problem is not None:
            await _plain(answer, *problem)
            return
        if self.answering >= self.limits.max_concurrency:
            line = f"server busy: {self.answering} requests are being answered; try again shortly"
            await _plain(answer, 503, line, [(b"retry-after", b"1")])
            return
        self.answering += 1
        try:
            await self._answer(scope, receive, answer, head)
        finally:
            self.answering -= 1

    def _unknown_host(self, scope: Scope) -> tuple[int, str] | None:
        if not self.allowed_hosts:
            return None
        host = host_name(_header(scope, b"host") or "")
        if host in self.allowed_hosts:
            return None
        return 400, "the Host header names no host this server answers for"

    async def _answer(self, scope: Scope, receive: Receive, answer: Send, head: bool) -> None:
        started = False

        async def send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await answer(message)

        try:
            declared = int(_header(scope, b"content-length") or 0)
        except ValueError:
            await _plain(send, 400, "the Content-Length header is not a number")
            return
        too_large = f"the request body is larger than {self.limits.max_body} bytes"
        if declared > self.limits.max_body:
            await _plain(send, 413, too_large)
            return
        received = 0

        async def read() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limits.max_body:
                    raise BodyTooLarge
            return message

        if head:  # routed and answered as GET; `answer` drops the body
            scope = {**scope, "method": "GET"}
        try:
            await self.app(scope, read, send)
        except BodyTooLarge:
            if not started:
                await _plain(send, 413, too_large)
        except ClientDisconnect:
            pass  # gone (or closed by the front at its body timeout): no one to answer
        except Exception as exc:
            log.exception("failure while answering %s", scope.get("path"))
            if not started:
                await _plain(send, 500, f"the server failed to answer: {type(exc).__name__}")


def _own_path(location: bytes, host: bytes) -> bytes:
    """A Location on this server's own Host (Starlette's redirect of a trailing slash writes the
    Host a client sent) as a path: a Host header never reaches an answer, or a cache in between."""
    if not host:
        return location
    for scheme in (b"http://", b"https://"):
        origin = scheme + host
        rest = location[len(origin) :]
        if location.startswith(origin) and rest[:1] in (b"/", b"?", b""):
            return rest if rest.startswith(b"/") else b"/" + rest
    return location


def host_name(host: str) -> str:
    """The host name of a Host header's value, lower-case, without its port ("[::1]" kept
    in brackets)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.partition(":")[0]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def _plain(
    send: Send, status: int, line: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = (line + "\n").encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})

"""What every request and every answer of the public server goes through, whatever its route: an
ASGI middleware around the whole app, so that a route added later gets the same protections.

- A malformed path (a control character such as NUL or a line break, an over-long segment, a
  path or query string over the limits) gets one line of 400 or 414 before any route sees it.
- A request body over the limit gets 413, whether it says its length or streams it.
- HEAD is answered like GET, without the body, on every GET route.
- Every answer carries the security headers: a Content-Security-Policy that allows no script and
  no framing, nosniff, X-Frame-Options and Referrer-Policy. A view may send a policy of its own
  instead (the guard then leaves it): only the query page does, the editor's (editor_policy).
- A failure inside a view is one line of 500, never a stack trace.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

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
    """The most a client may send: the request line's path and query string, one path segment
    (a file name: 255 bytes on every common file system) and the body."""

    max_path: int = 2048
    max_segment: int = 255
    max_query: int = 32768
    max_body: int = 1_048_576


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
    (its own and those of the ontology's documentation in dist/): the pages keep their one inline
    stylesheet, and nothing else inline runs."""
    texts = []
    for package in ("krakow_clusters.pages", "krakow_clusters.release"):
        folder = resources.files(package) / "templates"
        pages = [f for f in folder.iterdir() if f.name.endswith(".html")]
        texts += [f.read_text(encoding="utf-8") for f in pages]
    return tuple(style_hashes(texts))


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

    def __init__(self, app: ASGIApp, limits: Limits | None = None) -> None:
        self.app = app
        self.limits = limits or Limits()
        self.headers = security_headers(template_styles())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        started = False

        async def answer(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name.lower() for name, _value in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            elif message["type"] == "http.response.body" and head:
                if message.get("more_body", False):
                    return
                message = {**message, "body": b""}
            await send(message)

        problem = malformed(scope, self.limits)
        if problem is not None:
            await _plain(answer, *problem)
            return
        try:
            declared = int(_header(scope, b"content-length") or 0)
        except ValueError:
            await _plain(answer, 400, "the Content-Length header is not a number")
            return
        too_large = f"the request body is larger than {self.limits.max_body} bytes"
        if declared > self.limits.max_body:
            await _plain(answer, 413, too_large)
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
            await self.app(scope, read, answer)
        except BodyTooLarge:
            if not started:
                await _plain(answer, 413, too_large)
        except Exception as exc:
            log.exception("failure while answering %s", scope.get("path"))
            if not started:
                await _plain(answer, 500, f"the server failed to answer: {type(exc).__name__}")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def _plain(send: Send, status: int, line: str) -> None:
    body = (line + "\n").encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})

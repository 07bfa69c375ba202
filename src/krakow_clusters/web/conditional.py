"""Conditional requests (RFC 9110, 13): the ETag of an answer, and 304 for a client whose copy
is current, for the pages, the release's files and the static files alike."""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response


def tag_entity(response: Response) -> None:
    """Give a complete response an ETag made of its body (unless it has one): the same bytes,
    the same tag, so a client that has them is answered 304."""
    body = getattr(response, "body", None)
    if body is not None and "etag" not in response.headers:
        response.headers["ETag"] = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def matches(request: Request, response_or_etag: Response | str) -> bool:
    """Whether `request` names the ETag (of a response, or given) in If-None-Match, or `*`:
    the weak comparison that If-None-Match asks for."""
    etag = response_or_etag
    if isinstance(etag, Response):
        etag = etag.headers.get("etag", "")
    asked = request.headers.get("if-none-match")
    if not etag or not asked:
        return False
    names = {tag.strip().removeprefix("W/") for tag in asked.split(",")}
    return "*" in names or etag.removeprefix("W/") in names


# The headers a 304 repeats from the answer it stands for (RFC 9110, 15.4.5).
_REPEATED = ("etag", "vary", "cache-control", "content-location", "expires")


def not_modified(response: Response) -> Response:
    """The 304 that stands for `response`: no body, its validators and caching headers."""
    headers = {name: value for name, value in response.headers.items() if name in _REPEATED}
    return Response(status_code=304, headers=headers)

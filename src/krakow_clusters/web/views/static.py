"""/static/{path}: the files of pages/static/ (pages/assets.py), with their media type, gzipped when
the client accepts it, and cached by browsers for a year when asked for by their versioned URL."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ...pages.assets import assets
from ..conditional import matches
from .base import plain

# A versioned URL (?v=…, what the pages link) never changes its bytes; an unversioned one may
# change with the next release.
FOREVER = "public, max-age=31536000, immutable"
AN_HOUR = "public, max-age=3600"


async def static(request: Request) -> Response:
    """GET /static/{path}: one file of the package's static folder, or 404."""
    asset = assets().get(request.path_params["path"])
    if asset is None:
        return plain(404, "no such file")
    etag = f'"{asset.version}"'
    versioned = request.query_params.get("v") == asset.version
    headers = {
        "Cache-Control": FOREVER if versioned else AN_HOUR,
        "ETag": etag,
        "Vary": "Accept-Encoding",
    }
    if matches(request, etag):
        return Response(status_code=304, headers=headers)
    if _accepts_gzip(request.headers.get("accept-encoding", "")):
        headers["Content-Encoding"] = "gzip"
        return Response(asset.gzipped, media_type=asset.media_type, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


def _accepts_gzip(header: str) -> bool:
    """Whether Accept-Encoding allows gzip (named, with no q=0)."""
    for item in header.split(","):
        coding, *params = [part.strip().lower() for part in item.split(";")]
        if coding == "gzip":
            return not any(
                p.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000") for p in params
            )
    return False

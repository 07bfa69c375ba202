"""The files `build` wrote, served from the dist/ folder: /dist/… (a listing for a folder without
an index.html), /ontology/{file} (dist/ontology/), and the files void.ttl declares at the top of
the base IRI (/krakow-clusters.ttl, /overview.csv, /context.jsonld …) with void.ttl itself.

Each file goes with the media type void.ttl declares for it (formats.media.FILE_TYPES, the one
table both use), a download name, and validators (ETag, Last-Modified) a client must check before
it reuses a copy: a new `build` may replace any file under the same name.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from ...formats import media as F
from ...release.void import DISTRIBUTION_TITLES, VOID_FILE
from ..conditional import matches, not_modified
from .base import app_state, refuse

# The files of a release whose IRI is <base>{name}: the distributions void.ttl declares outside
# ontology/ (which /ontology/{path} serves), and void.ttl, the description itself. The base IRI
# maps onto this server, so each is answered at /{name}: exactly these, nothing else of dist/.
ROOT_FILES = tuple(sorted({name for name in DISTRIBUTION_TITLES if "/" not in name} | {VOID_FILE}))

# Revalidate every time (a rebuild keeps the names, not the bytes); a 304 costs nothing.
CACHE_CONTROL = "no-cache"


async def downloads(request: Request) -> Response:
    """/dist/{path}."""
    return await dist_file(request, request.path_params.get("path", ""))


async def ontology_file(request: Request) -> Response:
    """/ontology/{path}: dist/ontology/{path} (the ontology's files); its documentation,
    index.{lang}.html, by a redirect to /dist/ontology/, as the w3id rules send it to the
    release's host: the page is one of the site's, its links lead into the site beside it."""
    name = request.path_params["path"]
    if name in {f"index.{lang}.html" for lang in app_state(request).settings.languages}:
        return RedirectResponse(f"/dist/ontology/{name}", 303)
    return await dist_file(request, "ontology/" + name)


async def release_file(request: Request) -> Response:
    """/{name} for a name of ROOT_FILES: dist/{name} (the routes exist for those names only)."""
    return await dist_file(request, request.url.path.lstrip("/"))


async def dist_file(request: Request, relative: str) -> Response:
    """The file or folder `relative` to dist/ (never outside it), or 404."""
    state = app_state(request)
    dist = state.options.dist
    if not dist.is_dir():
        # No path in the answer: the server's folders are none of the visitor's business.
        return refuse(request, 404, "nothing is built yet (krakow-clusters build)")
    try:
        root = dist.resolve()
        # A link loop makes resolve() fail (RuntimeError before Python 3.13, OSError after).
        target = (root / relative).resolve()
    except (RuntimeError, OSError):
        return refuse(request, 404, f"/dist/{relative} does not exist")
    if target != root and root not in target.parents:
        return refuse(request, 404, "not found")
    if target.is_dir():
        if not request.url.path.endswith("/"):
            return RedirectResponse(request.url.path + "/", 301)
        if (target / "index.html").is_file():
            return FileResponse(target / "index.html")
        entries = sorted(_entries(target))
        return state.render(
            "listing.html",
            request=request,
            title=f"/dist/{relative}",
            entries=entries,
            path=request.url.path,
        )
    if target.is_file():
        return file_response(request, target)
    return refuse(request, 404, f"/dist/{relative} does not exist")


def _entries(folder: Path) -> list[tuple[str, int]]:
    """(name, size) of the files and folders in `folder`, a folder's name ending in a slash;
    without what cannot be stat'ed (a dangling link, a link loop)."""
    entries = []
    for path in folder.iterdir():
        try:
            size = path.stat().st_size
        except OSError:
            continue
        entries.append((path.name + ("/" if path.is_dir() else ""), size))
    return entries


def file_response(request: Request, path: Path) -> Response:
    """A file of the release with its declared media type; a data file is offered for saving
    under its own name (a page, .html, is shown); 304 when the client's copy is current."""
    media = F.FILE_TYPES.get(path.suffix)
    headers = {"Cache-Control": CACHE_CONTROL}
    if media != F.HTML:
        # The names are the release's own (ASCII letters, digits, dots, hyphens): no quoting.
        headers["Content-Disposition"] = f'attachment; filename="{path.name}"'
    response = FileResponse(path, media_type=media, headers=headers, stat_result=os.stat(path))
    if matches(request, response):
        return not_modified(response)
    return response

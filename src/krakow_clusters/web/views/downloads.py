"""The files `build` wrote, served from the dist/ folder: /dist/… (a listing for a folder without
an index.html), /ontology/{file} (dist/ontology/) and /context.jsonld."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from ...formats import media as F
from .base import app_state, plain


async def downloads(request: Request) -> Response:
    """/dist/{path}."""
    return await dist_file(request, request.path_params.get("path", ""))


async def ontology_file(request: Request) -> Response:
    """/ontology/{path}: dist/ontology/{path} (the ontology's files and documentation)."""
    return await dist_file(request, "ontology/" + request.path_params["path"])


async def context(request: Request) -> Response:
    """/context.jsonld: the JSON-LD context of the dumps."""
    return await dist_file(request, "context.jsonld")


async def dist_file(request: Request, relative: str) -> Response:
    """The file or folder `relative` to dist/ (never outside it), or 404."""
    state = app_state(request)
    dist = state.settings.dist
    if not dist.is_dir():
        # No path in the answer: the server's folders are none of the visitor's business.
        return plain(404, "nothing is built yet (krakow-clusters build)")
    root = dist.resolve()
    target = (root / relative).resolve()
    if target != root and root not in target.parents:
        return plain(404, "not found")
    if target.is_dir():
        if not request.url.path.endswith("/"):
            return RedirectResponse(request.url.path + "/", 301)
        if (target / "index.html").is_file():
            return FileResponse(target / "index.html")
        entries = sorted(
            (p.name + ("/" if p.is_dir() else ""), p.stat().st_size) for p in target.iterdir()
        )
        return state.render(
            "listing.html",
            request=request,
            title=f"/dist/{relative}",
            entries=entries,
            path=request.url.path,
        )
    if target.is_file():
        return FileResponse(target, media_type=_file_type(target))
    return plain(404, f"/dist/{relative} does not exist")


def _file_type(path: Path) -> str | None:
    types = {".ttl": F.TURTLE, ".nt": F.NTRIPLES, ".jsonld": F.JSONLD, ".rdf": F.RDFXML}
    return types.get(path.suffix)

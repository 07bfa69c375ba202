"""The home page (the index to explore the clusters, with their pictures) and the index of every
resource under /id/."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ...pages.facets import FilterError, index_page
from ...pages.i18n import page_language
from ...pages.views import index_view
from .base import app_state, plain, translate


async def home(request: Request) -> Response:
    """/: the clusters, filtered by the facets of the query string (`/?sector=clean-energy`,
    see pages/facets.py), sorted (`sort=members`), with their pictures. A filter the dataset has no
    value for is a 400 with one line."""
    return await _explore(request, list(request.query_params.multi_items()))


async def facet(request: Request) -> Response:
    """/facet/{facet}/{value}: the home page filtered by one value (`/?{facet}={value}`), the
    page the static site writes for each facet value."""
    params = [(request.path_params["facet"], request.path_params["value"])]
    return await _explore(request, params + list(request.query_params.multi_items()))


async def _explore(request: Request, params: list[tuple[str, str]]) -> Response:
    state = app_state(request)
    lang = page_language(request)[0]

    async def make() -> Response:
        try:
            view = await run_in_threadpool(index_page, state.store, state.site, params, lang)
        except FilterError as exc:
            return plain(400, str(exc))
        return state.render(
            "home.html",
            request=request,
            title=state.settings.text(state.settings.name, lang),
            **view,
        )

    return await state.cached(("home", tuple(params)), make, request)


async def index(request: Request) -> Response:
    """/id/: every resource, grouped by kind."""
    state = app_state(request)

    async def make() -> Response:
        groups = await run_in_threadpool(index_view, state.store, state.site)
        return state.render(
            "index.html",
            request=request,
            title=translate(request, "All resources"),
            groups=groups,
        )

    return await state.cached(("index",), make, request)

"""The home page (the clusters) and the index of every resource under /id/."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ..i18n import page_language
from ..pages import home_view, index_view
from .base import app_state, translate


async def home(request: Request) -> Response:
    """/: the clusters, with their Polish names and member counts as stated."""
    state = app_state(request)

    async def make() -> Response:
        clusters = await run_in_threadpool(home_view, state.store)
        return state.render(
            "home.html",
            request=request,
            clusters=clusters,
            title=translate(request, "Kraków innovation clusters"),
        )

    return await state.cached(("home", *page_language(request)), make)


async def index(request: Request) -> Response:
    """/id/: every resource, grouped by kind."""
    state = app_state(request)

    async def make() -> Response:
        groups = await run_in_threadpool(index_view, state.store)
        return state.render(
            "index.html",
            request=request,
            title=translate(request, "All resources"),
            groups=groups,
        )

    return await state.cached(("index", *page_language(request)), make)

"""The home page (the index to explore the clusters, with their pictures) and the index of every
resource under /id/."""

from __future__ import annotations

import difflib

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ...pages.facets import FilterError, index_page
from ...pages.i18n import page_language
from ...pages.views import index_view
from ...rdf.labels import pick_label
from .base import app_state, refuse, translate


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
            # A browser gets a page of the site: the facet's values, the closest first.
            choices = _closest_first(exc.choices, params, lang)
            return refuse(request, 400, str(exc), choices=choices)
        return state.render(
            "home.html",
            request=request,
            title=state.settings.text(state.settings.name, lang),
            **view,
        )

    return await state.cached(("home", tuple(params)), make, request)


def _closest_first(
    choices: list[tuple[str, list]], params: list[tuple[str, str]], lang: str
) -> list[dict]:
    """The values a refused filter's facet has, as links named in `lang`: the ones closest to a
    value asked for (a typing mistake, `clean-enrgy`) first and marked, then the rest by name."""
    asked = [value for _name, value in params]
    slugs = [href.rsplit("/", 1)[-1] for href, _names in choices]
    close = {m for value in asked for m in difflib.get_close_matches(value, slugs, 3, 0.6)}
    links = [
        {
            "href": href,
            "label": pick_label(names, lang) or href.rsplit("/", 1)[-1],
            "close": href.rsplit("/", 1)[-1] in close,
        }
        for href, names in choices
    ]
    return sorted(links, key=lambda c: (not c["close"], c["label"].casefold(), c["href"]))


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

"""/search?q=…: the resources whose names match what a visitor types (pages/search.py), as a page in
the page's language (/pl/search for Polish) or as JSON (/search.json, or Accept).

The index is the reconciliation service's (AppState.reconciler): one index of names for both.
Malformed input (q over pages.search.MAX_QUERY characters, a control character, q given twice)
gets a 400 with one line: a page of the site for a browser, plain text for any other client.
"""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ...formats import media as F
from ...pages.i18n import page_language
from ...pages.search import BadQuery, check_query, search_view
from ..state import add_vary
from .base import app_state, not_acceptable, plain, translate

OFFERED = (F.HTML, F.JSON)


async def search(request: Request) -> Response:
    """/search and /search.json: the results for `q` (none without it)."""
    state = app_state(request)
    wants = F.JSON if request.url.path.endswith(".json") else None
    if wants is None:
        wants = F.negotiate(request.headers.get("accept"), OFFERED)
    values = request.query_params.getlist("q")
    try:
        if len(values) > 1:
            raise BadQuery("q: give one text to search for")
        query = check_query(values[0] if values else "")
    except BadQuery as exc:
        if wants == F.HTML:
            response = state.render(
                "error.html",
                400,
                request=request,
                title=translate(request, "Bad request"),
                message=str(exc),
            )
            add_vary(response, "Accept")
            return response
        return plain(400, str(exc))
    if wants is None:
        return not_acceptable(OFFERED)
    lang = page_language(request)[0]

    async def make() -> Response:
        matcher = (await state.reconciler()).matcher
        view = await run_in_threadpool(search_view, matcher, query, lang, state.site)
        if wants == F.JSON:
            body = json.dumps(view, ensure_ascii=False, indent=1) + "\n"
            response = Response(body, media_type="application/json; charset=utf-8")
        else:
            title = translate(request, "Search")
            response = state.render(
                "search.html",
                request=request,
                title=f"{query} · {title}" if query else title,
                alternates=[
                    {"href": "/search.json?" + request.url.query, "label": "JSON", "type": F.JSON}
                ]
                if query
                else [],
                **view,
            )
        add_vary(response, "Accept")
        return response

    return await state.cached(("search", wants, query), make, request)

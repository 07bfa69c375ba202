"""The saved queries: /queries/ lists the query library (HTML or JSON); /queries/{name} runs one
with its parameters from the URL (HTML, SPARQL JSON or CSV by extension or Accept)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ...errors import CouldNotRun
from ...formats import media as F
from ...formats.answer import first_cells
from ...formats.results import serialize_results
from ...pages.i18n import page_language
from ...pages.tables import choices_view, store_labels, table_view
from ...sparql.library import QueryFile, find_query
from ...sparql.run import param_warnings, spelled
from ..federation import FederationRefused, check_federation, federates
from ..state import AppState, add_vary
from .base import answer_or_error, app_state, not_acceptable, plain, refuse, translate


async def queries(request: Request) -> Response:
    """/queries/ (HTML, or JSON by Accept) and /queries.json: the saved queries, their
    parameters and links."""
    state = app_state(request)
    allowed = state.options.allowed_services
    items = [
        {
            "name": q.name,
            "summary": q.summary,
            "description": q.description,
            "href": f"/queries/{q.name}",
            # A query that asks another endpoint (SERVICE) runs here only when the operator
            # allows some (serve --allow-service); the list says so instead of linking a refusal.
            "federated": federates(q.text),
            "runs_here": not federates(q.text) or bool(allowed),
            "params": [
                {
                    "name": p.name,
                    "type": p.type,
                    "default": p.default,
                    "doc": p.description,
                    # the values that make sense (`#+ enumerate:`), e.g. "kc:ClusterInitiative"
                    "values": str(p.choices) if p.choices else None,
                }
                for p in q.params
            ],
        }
        for q in state.query_library()
    ]
    wants_json = request.url.path.endswith(".json") or (
        F.negotiate(request.headers.get("accept"), (F.HTML, F.JSON)) == F.JSON
    )
    if wants_json:
        body = json.dumps({"queries": items}, indent=2, ensure_ascii=False).encode()
        return Response(body, media_type="application/json", headers={"Vary": "Accept"})
    response = state.render(
        "queries.html", request=request, title=translate(request, "Saved queries"), queries=items
    )
    add_vary(response, "Accept")
    return response


async def saved_query(request: Request) -> Response:
    """/queries/{name}[.json|.csv|.html]: the answer of a saved query, its parameters bound from
    the URL's query string."""
    state = app_state(request)
    settings = state.options
    name = request.path_params["name"]
    media = None
    for ext, ext_media in ((".json", F.SPARQL_JSON), (".csv", F.CSV), (".html", F.HTML)):
        if name.endswith(ext):
            name, media = name[: -len(ext)], ext_media
    offered = (F.HTML, F.SPARQL_JSON, F.CSV)
    if media is None:
        media = F.negotiate(request.headers.get("accept"), offered, {F.JSON: F.SPARQL_JSON})
    if media is None:
        return not_acceptable(offered)
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
        return refuse(request, 404, f"no query named {name!r}", choices=_library_links(state))
    try:
        query_file = find_query(settings.project.queries_dir, name, state.namespaces)
    except CouldNotRun as exc:
        return refuse(request, 404, str(exc), choices=_library_links(state))
    values = dict(request.query_params)
    for key_, value in values.items():
        problem = _bad_value(key_, value)
        if problem:
            return refuse(request, 400, problem, choices=_library_links(state, name))
    key = ("query", name, media)

    async def make() -> Response:
        try:
            text, bindings = query_file.prepare(values)
        except (CouldNotRun, ValueError, OverflowError) as exc:
            message = str(exc).splitlines()[0] if str(exc) else "bad parameter value"
            return refuse(request, 400, message, choices=_library_links(state, name))
        # A name parameter becomes the spellings the dataset's names give it (sparql.run).
        text, bindings = await run_in_threadpool(spelled, state.store, query_file, text, bindings)
        if federates(query_file.text):
            # It asks another endpoint: only one the operator allows, and like a visitor's
            # query (in a worker, under the timeout), so that a slow endpoint holds up no page.
            try:
                check_federation(query_file.text, settings.allowed_services, bindings)
            except FederationRefused as exc:
                return plain(400, str(exc))
            answer = await answer_or_error(state, text, bindings)
            if isinstance(answer, Response):
                return answer
            result = answer
        else:
            try:
                result = await state.query(text, bindings)
            except CouldNotRun as exc:
                return plain(502 if settings.endpoint else 500, str(exc))
        if media == F.HTML:
            # A value that names nothing gets a visible notice, not a silent empty table.
            warnings = await run_in_threadpool(param_warnings, state.store, query_file, bindings)
            lang = page_language(request)[0]
            pickers = await _pickers(state, query_file, bindings, lang)

            def page() -> Response:
                # Rendered in a thread, the table cut at the limit page-cells cells: a page of
                # 100,000 rows (a paged query's largest) must hold up no other visitor.
                table = table_view(
                    first_cells(result, settings.limits.page_cells),
                    state.site,
                    lang,
                    query_file.columns,
                    store_labels(state.store),
                )
                if len(table["rows"]) < len(result.rows):
                    table["total"] = len(result.rows)
                return state.render(
                    "query.html",
                    request=request,
                    title=query_file.summary or name,
                    q=query_file,
                    values=values,
                    pickers=pickers,
                    warnings=warnings,
                    table=table,
                    query_text=text,
                    pager=_pager(query_file, values, len(result.rows)),
                    alternates=[
                        {
                            "href": _with_query(f"/queries/{name}.json", values),
                            "label": "JSON",
                            "type": F.SPARQL_JSON,
                        },
                        {
                            "href": _with_query(f"/queries/{name}.csv", values),
                            "label": "CSV",
                            "type": F.CSV,
                        },
                    ],
                )

            return await run_in_threadpool(page)
        body = await run_in_threadpool(serialize_results, result, media)
        return Response(body, media_type=media + "; charset=utf-8", headers={"Vary": "Accept"})

    return await state.cached(key, make, request)


def _library_links(state: AppState, name: str | None = None) -> list[dict]:
    """The way on from a refused saved query: the query itself without parameters (`name`), or
    the library's queries."""
    if name is not None:
        return [{"href": f"/queries/{name}", "label": name}]
    return [
        {"href": f"/queries/{q.name}", "label": q.summary or q.name} for q in state.query_library()
    ]


async def _pickers(
    state: AppState, query_file: QueryFile, bindings: Mapping, lang: str
) -> dict[str, list[dict]]:
    """The options of each iri parameter that declares its values (`#+ enumerate:`), labelled in
    `lang`, the bound value selected."""
    pickers = {}
    for param in query_file.params:
        if param.choices is not None:
            answer = await state.query(param.choices.query())
            current = bindings.get(param.name)
            current = None if current is None else str(current)
            pickers[param.name] = choices_view(answer, current, lang, state.site)
    return pickers


# A parameter value longer than this is not a value any saved query needs (an IRI, a date, a
# number, a word to search for).
MAX_VALUE = 2000


def _bad_value(name: str, value: str) -> str | None:
    """Why a parameter value from the URL is refused before it is bound, or None."""
    if len(value) > MAX_VALUE:
        return f"parameter {name}: the value is longer than {MAX_VALUE} characters"
    if re.search(r"[\x00-\x1f\x7f]", value):
        return f"parameter {name}: the value holds a control character"
    return None


def _pager(query_file: QueryFile, values: Mapping[str, str], rows: int) -> dict | None:
    """The links to the previous and the next page of a paged query (None for another query):
    a previous page when this one does not start at 0, a next one when this one is full."""
    if not query_file.paged:
        return None
    bound = query_file.bindings(values)
    limit, offset = int(bound["limit"]), int(bound["offset"])
    path = f"/queries/{query_file.name}"

    def page(start: int) -> str:
        return _with_query(path, {**values, "limit": str(limit), "offset": str(start)})

    return {
        "first": offset + 1 if rows else offset,
        "last": offset + rows,
        "previous": page(max(0, offset - limit)) if offset > 0 else None,
        "next": page(offset + limit) if rows == limit else None,
    }


def _with_query(path: str, values: Mapping[str, str]) -> str:
    if not values:
        return path
    return path + "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in sorted(values.items()))

"""/sparql: the read-only SPARQL 1.1 Protocol endpoint, and its page for browsers: a form, which
the SPARQL editor YASGUI replaces when script runs (static/sparql.js), and the query library's
queries as examples to load into it. On the embedded store, queries run in the worker processes of
store/pool.py, so that a query over its time limit is stopped."""

from __future__ import annotations

import json

from rdflib import Literal
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from ...errors import CouldNotRun
from ...formats import media as F
from ...formats.answer import Answer
from ...pages.i18n import page_language, translator
from ...pages.tables import table_view
from ...rdf.sparqltext import fill, inject_values, is_update, query_form
from ...sparql.library import QueryFile
from ..federation import FederationRefused, check_federation
from ..guard import editor_policy, template_styles
from ..state import AppState, add_vary
from .base import (
    answer_or_error,
    app_state,
    not_acceptable,
    plain,
    rdf_response,
    refuse,
    translate,
)


async def sparql(request: Request) -> Response:
    """GET or POST /sparql: the answer to `query` (updates are refused) in the format asked for;
    without a query, the page of the endpoint for a browser and 400 for a program."""
    if request.method == "GET":
        params = request.query_params
        if "update" in params:
            return _forbidden()
        query = params.get("query")
    else:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            return _forbidden()
        if content_type == "application/x-www-form-urlencoded":
            form = await request.form()
            if "update" in form:
                return _forbidden()
            query = form.get("query")
            params = request.query_params
        elif content_type == "application/sparql-query":
            query = (await request.body()).decode("utf-8", "replace")
            params = request.query_params
        else:
            return plain(
                415,
                "send the query as application/x-www-form-urlencoded (query=…) or as "
                "application/sparql-query",
            )
    if not query:
        if F.negotiate(request.headers.get("accept"), (F.HTML, F.SPARQL_JSON)) == F.HTML:
            example = params.get("example")
            if example is None:
                return sparql_page(request)
            found = [q for q in app_state(request).query_library() if q.name == example]
            if not found:
                message = f"no example named {example[:80]!r} (see /queries/)"
                return refuse(request, 404, message)
            return sparql_page(request, _example_text(found[0]))
        return plain(400, "missing query: send ?query=SELECT … (SPARQL 1.1 Protocol)")
    if is_update(query):
        return _forbidden()
    for name in ("default-graph-uri", "named-graph-uri"):
        if any(v.strip() for v in params.getlist(name)):
            return plain(400, f"{name} is not supported: the dataset is one default graph")
    state = app_state(request)
    try:
        check_federation(query, state.options.allowed_services)
    except FederationRefused as exc:
        return plain(400, str(exc))
    # The format is chosen before the query runs, for either kind of answer, so that the query
    # worker writes the answer (under its limits) and the server only passes the bytes on.
    formats = {kind: _chosen_format(request, params, kind == "graph") for kind in _KINDS}
    if not any(formats.values()):
        return not_acceptable(_offered(query_form(query) in ("CONSTRUCT", "DESCRIBE")))
    answer = await answer_or_error(state, query, formats=formats)
    if isinstance(answer, Response):
        return answer
    return await answer_response(request, query, answer)


_KINDS = ("graph", "results")


def _offered(graph: bool) -> tuple[str, ...]:
    return (*F.RDF_TYPES, F.HTML) if graph else (*F.RESULT_TYPES, F.HTML)


async def answer_response(request: Request, query: str, answer: Answer) -> Response:
    """The written answer with its media type; for HTML, the endpoint's page with it (rendered
    in a thread: a page of up to the limit page-cells cells takes a moment)."""
    media = answer.media
    if media is None:
        return not_acceptable(_offered(answer.kind == "graph"))
    if media == F.HTML:
        return await run_in_threadpool(sparql_page, request, query, answer)
    if answer.kind == "graph":
        return rdf_response(answer.body, media)
    charset = "; charset=utf-8"
    return Response(answer.body, media_type=media + charset, headers={"Vary": "Accept"})


def _chosen_format(request: Request, params: QueryParams, graph: bool) -> str | None:
    """The format asked for by ?format=, ?output= or ?results= (the first offered one), else by
    Accept: results formats for SELECT and ASK (`graph` false), RDF for CONSTRUCT and DESCRIBE,
    HTML (the endpoint's page with the answer) for both; None when none is offered."""
    requested = [v for key in ("format", "output", "results") for v in params.getlist(key)]
    offered = _offered(graph)
    media = None
    if requested:
        for value in requested:
            candidate = F.ALIASES.get(value.lower(), value.lower())
            if graph:
                candidate = {F.SPARQL_JSON: F.JSONLD, F.SPARQL_XML: F.RDFXML}.get(
                    candidate, candidate
                )
            if candidate == F.JSON:
                candidate = F.JSONLD if graph else F.SPARQL_JSON
            if candidate in offered:
                media = candidate
                break
    else:
        accept = request.headers.get("accept")
        synonyms = {F.JSON: F.JSONLD} if graph else {F.JSON: F.SPARQL_JSON}
        media = F.negotiate(accept, offered, synonyms)
    return media


def sparql_page(
    request: Request, query: str | None = None, answer: Answer | None = None
) -> Response:
    """The endpoint's page: the query form (with `query`, else a starter of a few lines), the
    library's queries offered by name (a picker the page's script shows, and links that load a
    query into the plain form); with `answer` (written for HTML), its answer as a table
    (the first rows, up to the limit page-cells cells) or as Turtle. The page has script (the
    editor), so its policy is the editor's (guard.editor_policy)."""
    state = app_state(request)
    settings = state.options
    library = state.query_library()
    examples = [{"name": q.name, "summary": q.summary} for q in library]
    table = None
    turtle = None
    if answer is not None and answer.kind == "graph":
        turtle = answer.body.decode("utf-8")
    elif answer is not None and answer.result is not None:
        table = table_view(answer.result, state.site, page_language(request)[0])
        if answer.truncated:
            table["total"] = answer.rows
    response = state.render(
        "sparql.html",
        request=request,
        title=translate(request, "SPARQL endpoint"),
        examples=examples,
        query=query or _starter(state, page_language(request)[0]),
        table=table,
        turtle=turtle,
        timeout=settings.query_timeout,
        limit=settings.result_limit,
        # The editor's prefixes: the one namespace table, as data for the page's script.
        prefixes=json.dumps(app_state(request).namespaces.table, ensure_ascii=False),
    )
    add_vary(response, "Accept")
    response.headers["Content-Security-Policy"] = editor_policy(template_styles())
    return response


def _starter(state: AppState, lang: str) -> str:
    """The editor's first query: a few lines that run as they are (the clusters and their names
    in the page's language), to change; the engines' notes are in docs/sparql-engines.md."""
    _ = translator(lang).gettext
    comment = " ".join(_("The clusters and their names: change the query, then run it.").split())
    return (
        f"# {comment}\n"
        + state.namespaces.prologue("kc", "rdfs")
        + fill(STARTER, LANG=Literal(lang))
    )


STARTER = """
SELECT ?cluster ?name WHERE {
  ?cluster a kc:ClusterInitiative ; rdfs:label ?name .
  FILTER (LANGMATCHES(LANG(?name), $LANG))
}
ORDER BY ?name
"""


def _forbidden() -> Response:
    return plain(403, "this endpoint is read-only: SPARQL updates are refused")


def _example_text(query: QueryFile) -> str:
    """The query text without its `#+` header lines, parameters bound to their defaults."""
    lines = [line for line in query.text.splitlines() if not line.startswith("#+")]
    text = "\n".join(lines).strip() + "\n"
    defaults = {p.name: p.default for p in query.params if p.default is not None}
    if defaults and len(defaults) == len(query.params):
        try:
            # (a paged query's text already holds its first page)
            return inject_values(text, query.prepare(defaults)[1])
        except CouldNotRun:
            return text
    return text

"""/reconcile: the W3C Reconciliation Service API 0.2 that OpenRefine speaks (reconcile/service.py
answers; this module reads the request and writes JSON, JSONP or the preview's HTML).

- GET /reconcile: the manifest (JSONP with `callback`); with `queries` (GET or form-encoded POST)
  a batch of reconciliation queries, with `extend` a data extension;
- /reconcile/suggest/{entity,type,property}?prefix=…, /reconcile/preview?id=…,
  /reconcile/propose_properties?type=….
"""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ...reconcile.service import BadRequest, check_callback, parse_json
from .base import app_state, plain

MAX_FORM_FIELD = 1_000_000  # characters of `queries` or `extend`


def _base(request: Request) -> str:
    # From the settings, never from the request: a Host header a client writes must not turn up
    # in the URLs that OpenRefine (or a cache in between) hands to other people.
    return app_state(request).options.public_url


async def _params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if request.method == "POST":
        # A malformed multipart body is refused by Starlette itself (400, one line).
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


def _json(data: Any, callback: str | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, sort_keys=False)
    if callback:
        return Response(
            f"{callback}({body});\n", media_type="application/javascript; charset=utf-8"
        )
    return Response(body + "\n", media_type="application/json; charset=utf-8")


async def reconcile(request: Request) -> Response:
    """The manifest, a batch of queries or a data extension, as the parameters say."""
    try:
        params = await _params(request)
        callback = check_callback(params["callback"]) if "callback" in params else None
        service = await app_state(request).reconciler()
        for field in ("queries", "extend"):
            if len(params.get(field, "")) > MAX_FORM_FIELD:
                raise BadRequest(f"{field} is too long (at most {MAX_FORM_FIELD} characters)")
        # In a thread: a large batch or extension takes a while, and the event loop must keep
        # serving every other request meanwhile.
        if "queries" in params:
            answer = await run_in_threadpool(
                service.batch, parse_json(params["queries"], "queries")
            )
        elif "extend" in params:
            answer = await run_in_threadpool(service.extend, parse_json(params["extend"], "extend"))
        else:
            answer = service.manifest(_base(request))
    except BadRequest as exc:
        return plain(400, f"400 Bad Request: {exc}")
    return _json(answer, callback)


async def suggest(request: Request) -> Response:
    """The suggest services: entities, types or properties starting like `prefix`."""
    kind = request.path_params["kind"]
    params = request.query_params
    try:
        callback = check_callback(params["callback"]) if "callback" in params else None
        service = await app_state(request).reconciler()
        prefix = params.get("prefix", "")
        if kind == "entity":
            answer = service.suggest_entities(prefix, params.get("type") or None)
        elif kind == "type":
            answer = service.suggest_types(prefix)
        elif kind == "property":
            answer = service.suggest_properties(prefix)
        else:
            return plain(404, f"404 Not Found: no suggest service {kind[:40]!r}")
    except BadRequest as exc:
        return plain(400, f"400 Bad Request: {exc}")
    return _json(answer, callback)


async def preview(request: Request) -> Response:
    """The HTML card of one entity (?id=cluster/bim)."""
    ident = request.query_params.get("id", "")
    state = app_state(request)
    service = await state.reconciler()
    try:
        card = service.preview(ident, _base(request))
    except KeyError:
        return plain(404, "404 Not Found: no entity with this id (ids look like cluster/bim)")
    body = state.pages.render("preview.html", card=card)
    return Response(body, media_type="text/html; charset=utf-8")


async def propose_properties(request: Request) -> Response:
    """The properties data extension offers for ?type= (default: clusters)."""
    params = request.query_params
    try:
        callback = check_callback(params["callback"]) if "callback" in params else None
        limit_text = params.get("limit", "")
        if limit_text and not (limit_text.isascii() and limit_text.isdigit()):
            raise BadRequest("limit must be a whole number")
        if len(limit_text) > 6:
            raise BadRequest("limit must be at most 999999")
        service = await app_state(request).reconciler()
        answer = service.propose_properties(params.get("type", ""), int(limit_text or 0) or None)
    except BadRequest as exc:
        return plain(400, f"400 Bad Request: {exc}")
    return _json(answer, callback)

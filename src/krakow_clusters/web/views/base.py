"""What every view shares: the state of the app serving a request, plain-text and RDF responses,
and the glue of content negotiation (a file extension first, then ?format=, then Accept)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rdflib.term import Node
from starlette.requests import Request
from starlette.responses import Response

from ...errors import CouldNotRun
from ...formats import media as F
from ...formats.answer import Answer
from ...pages.i18n import N_, page_language, translator
from ...rdf.results import QueryResult, QuerySyntaxError, QueryTimeout, ResultLimitExceeded
from ...store.pool import AllWorkersBusy, QueryMemoryExceeded
from ...workers import WorkerStopped
from ..state import AppState, add_vary


def app_state(request: Request) -> AppState:
    """The state of the app that serves `request`."""
    return request.app.state.web


def translate(request: Request, message: str) -> str:
    """`message` in the language of the page `request` asks for (an English msgid of the
    catalog, pages/locale/)."""
    return translator(page_language(request)[0]).gettext(message)


def split_extension(name: str) -> tuple[str, str | None]:
    """(`name` without its format extension, the extension's media type or None):
    `bim.ttl` gives ("bim", "text/turtle")."""
    for extension, media in F.EXTENSIONS.items():
        if name.endswith(extension):
            return name[: -len(extension)], media
    return name, None


def requested_type(
    request: Request, offered: tuple[str, ...], extension: str | None
) -> tuple[str | None, bool]:
    """(media type or None, whether the choice depended on Accept): the extension's media type,
    else ?format= (a media type or an alias such as `ttl`), else the best of `offered` by Accept."""
    if extension:
        return extension, False
    fmt = request.query_params.get("format")
    if fmt:
        media = F.ALIASES.get(fmt.lower(), fmt.lower())
        return (media if media in offered else None), False
    return F.negotiate(request.headers.get("accept"), offered), True


def not_acceptable(offered: tuple[str, ...]) -> Response:
    """406, naming the media types that are offered."""
    body = "406 Not Acceptable. This resource is offered as: " + ", ".join(offered) + "\n"
    return Response(body, 406, media_type="text/plain; charset=utf-8", headers={"Vary": "Accept"})


def rdf_response(body: bytes, media: str, status: int = 200, vary: bool = True) -> Response:
    """An RDF document; text formats say their charset (UTF-8), RDF/XML carries its own."""
    charset = "" if media == F.RDFXML else "; charset=utf-8"
    headers = {"Vary": "Accept"} if vary else {}
    return Response(body, status, media_type=media + charset, headers=headers)


def plain(status: int, message: str) -> Response:
    """A one-line text answer (errors and refusals), ending with one newline."""
    return Response(message.rstrip("\n") + "\n", status, media_type="text/plain; charset=utf-8")


def wants_page(request: Request) -> bool:
    """Whether the client is a browser: its Accept names text/html, at a q no other range
    beats. A client that sends no Accept, or */*, or prefers another type, is a program."""
    ranges = F.parse_accept(request.headers.get("accept"))
    html = max((q for media, q in ranges if media == F.HTML), default=0.0)
    return html > 0 and all(q <= html for _media, q in ranges)


# The title of a refusal's page, by status (English msgids of the catalogue).
_TITLES = {400: N_("Bad request"), 404: N_("Not found"), 405: N_("Method not allowed")}


def refuse(request: Request, status: int, message: str, **context: Any) -> Response:
    """A refusal (4xx): a page of the site for a browser (`wants_page`), with the navigation,
    the one-line `message` and a way on (`context`: `choices`, links to what exists instead);
    the one line as text for any other client."""
    if not wants_page(request):
        response = plain(status, message)
    else:
        title = translate(request, _TITLES.get(status, N_("Bad request")))
        lang = page_language(request)[0]
        response = app_state(request).render(
            "error.html",
            status,
            request=request,
            title=title,
            message=message,
            # the one-line messages are English: said so on a page in another language
            message_lang=None if lang.split("-")[0] == "en" else "en",
            **context,
        )
    add_vary(response, "Accept")
    return response


async def answer_or_error(
    state: AppState,
    query: str,
    bindings: Mapping[str, Node] | None = None,
    formats: Mapping[str, str | None] | None = None,
) -> QueryResult | Answer | Response:
    """The answer to a visitor's query (see AppState.run_query; written in `formats` when
    given), or the one-line error response: 400 for a query that cannot be answered as sent (bad
    syntax, an answer over a limit, more memory than a query may take), 503 (with Retry-After
    when every worker is busy) for one that ran out of time or found no free worker."""
    try:
        return await state.run_query(query, bindings, formats)
    except QuerySyntaxError as exc:
        return plain(400, str(exc))
    except ResultLimitExceeded as exc:
        return plain(400, f"result limit exceeded: {exc}")
    except AllWorkersBusy as exc:
        response = plain(503, f"server busy: {exc}")
        response.headers["Retry-After"] = str(state.retry_after)
        return response
    except QueryMemoryExceeded as exc:
        return plain(400, str(exc))
    except QueryTimeout as exc:
        return plain(503, f"query timeout: {exc}")
    except WorkerStopped:
        # The engine died on this query (pyoxigraph aborts at the worker's memory limit, and can
        # on some queries): what the client sent cannot be answered; the worker is replaced.
        return plain(
            400,
            "the query engine stopped on this query (it may need more memory than a query may "
            "take here); it cannot be answered here",
        )
    except CouldNotRun as exc:
        return store_failed(state, exc)


def store_failed(state: AppState, exc: CouldNotRun) -> Response:
    """The one-line answer when the store could not answer (the one rule for every route; the
    app's exception handler uses it too): 502 when the store is remote (serve
    --sparql-endpoint: a gateway's failure, not ours), else 500 (the embedded store failed)."""
    status = 502 if state.options.endpoint else 500
    # One line: a store's message may span several (an HTTP error body).
    return plain(status, " ".join(str(exc).split()) or type(exc).__name__)

"""The linked-data server's app: dereferenceable IRIs, a SPARQL endpoint, saved queries, the dumps.

A Starlette application (uvicorn runs it: see serve.py; tests may too). The base IRI
https://w3id.org/krakow-clusters/ maps onto the server's own address (every page also exists under
/en/ and /pl/, its English and Polish versions; see i18n.py): `/id/{kind}/{slug}`
describes the resource `https://w3id.org/krakow-clusters/id/{kind}/{slug}` in the format the
client asks for. RDF keeps the canonical w3id IRIs; only the links of the HTML pages point at
this server.

The data comes from a `GraphStore`: the embedded Oxigraph store loaded in process (the default;
pages and saved-query answers are cached, as the data cannot change while serving) or a remote
SPARQL 1.1 store (pages cached for --cache-seconds only: the store may change under us).
Queries sent to /sparql on the embedded store run in worker processes (store/pool.py) so that a
timeout really stops them.

This module holds the routes, the middleware and the state; each kind of page has its module in
views/.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ..errors import CouldNotRun
from ..pages.i18n import LanguagePrefix
from .guard import Guard
from .openapi import openapi
from .state import AppState, ServeOptions
from .views.base import refuse, store_failed, wants_page
from .views.dataset import dataset
from .views.downloads import ROOT_FILES, downloads, ontology_file, release_file
from .views.home import facet, home, index
from .views.queries import queries, saved_query
from .views.reconcile import preview, propose_properties, reconcile, suggest
from .views.resource import graph, ontology, resource
from .views.search import search
from .views.sparql import sparql
from .views.static import static


class _VersionConvertor(Convertor):
    """Ontology versions such as 0.1.0 (the owl:versionIRI is /ontology/VERSION)."""

    regex = r"[0-9]+(?:\.[0-9]+)*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("version", _VersionConvertor())

ROUTES = [
    Route("/", home),
    Route("/facet/{facet}/{value}", facet),
    Route("/id/", index),
    Route("/search", search),
    Route("/search.json", search),
    Route("/id/{kind}/{slug}", resource),
    Route("/graph/{slug}", graph),
    Route("/ontology", ontology),
    Route("/ontology.{ext}", ontology),
    Route("/ontology/{version:version}", ontology),
    Route("/ontology/{path}", ontology_file),
    Route("/sparql", sparql, methods=["GET", "POST"]),
    Route("/queries", lambda r: RedirectResponse("/queries/", 301)),
    Route("/queries/", queries),
    Route("/queries.json", queries),
    Route("/queries/{name}", saved_query),
    Route("/dataset", dataset),
    Route("/dataset.{ext}", dataset),
    Route("/.well-known/void", dataset),
    Route("/void", dataset),
    Route("/dist", lambda r: RedirectResponse("/dist/", 301)),
    Route("/dist/{path:path}", downloads),
    # The release's files at the paths of their download URLs (<base>krakow-clusters.ttl …),
    # void.ttl and /context.jsonld (the JSON-LD context the dumps name) among them.
    *(Route("/" + name, release_file) for name in ROOT_FILES),
    # The description in the other RDF formats (/void.ttl is the file itself, above).
    Route("/void.{ext}", dataset),
    Route("/reconcile", reconcile, methods=["GET", "POST"]),
    Route("/reconcile/suggest/{kind}", suggest),
    Route("/reconcile/preview", preview),
    Route("/reconcile/propose_properties", propose_properties),
    Route("/openapi.json", openapi),
    Route("/static/{path:path}", static),
]

# After the guard and the language prefix (made by create_app: the guard first, with serve's
# limits and hosts, so its limits, HEAD handling and security headers cover every route and every
# answer, CORS's included; then the prefix of a language of the project, /pl/…, /en/…, stripped
# before any route is matched).
MIDDLEWARE = [
    Middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type"],
        expose_headers=["Content-Type", "Vary"],
        max_age=86400,
    ),
]


def create_app(options: ServeOptions) -> Starlette:
    """The ASGI application for `options`; its state is `app.state.web`, an `AppState`."""
    state = AppState(options)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await state.startup()
        yield
        await state.shutdown()

    async def could_not_run(request: Request, exc: Exception) -> Response:
        # A store that fails (a remote one stopped, say) under any route: one line and the status
        # that views/base.py decides, instead of the guard's bare 500.
        assert isinstance(exc, CouldNotRun)
        return store_failed(state, exc)

    async def no_route(request: Request, exc: Exception) -> Response:
        # A path no route answers: a browser gets a page of the site with a way on; any other
        # client Starlette's one line, as before.
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404 and wants_page(request):
            return refuse(request, 404, f"{request.url.path[:200]} does not exist")
        if exc.status_code in (204, 304):
            return Response(status_code=exc.status_code, headers=exc.headers)
        return PlainTextResponse(exc.detail, exc.status_code, headers=exc.headers)

    guard = Middleware(Guard, limits=options.limits, allowed_hosts=options.allowed_hosts)
    languages = Middleware(LanguagePrefix, languages=state.settings.languages)
    app = Starlette(
        routes=ROUTES,
        middleware=[guard, languages, *MIDDLEWARE],
        lifespan=lifespan,
        exception_handlers={CouldNotRun: could_not_run, HTTPException: no_route},
    )
    app.state.web = state
    return app

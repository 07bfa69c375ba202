"""Dereferenceable resources: /id/{kind}/{slug} and /ontology, described in the format the client
asks for (an extension, ?format= or Accept), with a 404 in that format when nothing is known."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ...formats import media as F
from ...formats.rdf import empty_graph_document, serialize_graph
from ...pages.describe import SLUG, describes_something
from ...pages.i18n import page_language
from ...pages.profile import resource_page
from ...pages.related import gather
from ...pages.views import alternates, ontology_view
from ..state import add_vary
from .base import (
    app_state,
    not_acceptable,
    rdf_response,
    requested_type,
    split_extension,
    translate,
)


async def resource(request: Request) -> Response:
    """/id/{kind}/{slug}[.ext]: the resource https://w3id.org/krakow-clusters/id/{kind}/{slug}."""
    kind = request.path_params["kind"]
    slug, extension = split_extension(request.path_params["slug"])
    if not (SLUG.fullmatch(kind) and SLUG.fullmatch(slug)):
        return await not_found(
            request, f"{app_state(request).settings.id_base}{kind}/{slug}", extension
        )
    return await dereference(
        request, f"{app_state(request).settings.id_base}{kind}/{slug}", extension
    )


async def graph(request: Request) -> Response:
    """/graph/{name}[.ext]: a named graph of the dataset (https://w3id.org/krakow-clusters/graph/
    article holds what the article states): what the data says about it (data/graphs.ttl: its
    name, its source or its curators and date), as a page or in an RDF format."""
    slug, extension = split_extension(request.path_params["slug"])
    if not SLUG.fullmatch(slug):
        return await not_found(
            request, f"{app_state(request).settings.graph_base}{slug}", extension
        )
    return await dereference(request, f"{app_state(request).settings.graph_base}{slug}", extension)


# The one parameter a resource's page reads (requested_type); any other is ignored.
OWN_PARAMS = ("format",)


async def dereference(request: Request, iri: str, extension: str | None) -> Response:
    """The description of `iri` (a path checked against SLUG) in the format asked for."""
    media, _ = requested_type(request, F.RESOURCE_TYPES, extension)
    if media is None:
        return not_acceptable(F.RESOURCE_TYPES)
    return await app_state(request).cached(
        ("resource", iri, media), lambda: describe_as(request, iri, media), request, OWN_PARAMS
    )


async def ontology(request: Request) -> Response:
    """/ontology and its versions /ontology/0.1.0: the ontology's documentation, the page the
    release writes in ontology/index.{lang}.html (one rendering: pages/views.ontology_view in the
    site's frame), in the language of the path prefix or of Accept-Language; or its terms in an
    RDF format."""
    _name, extension = split_extension(request.url.path.rsplit("/", 1)[1])
    media, _ = requested_type(request, F.RESOURCE_TYPES, extension)
    if media is None:
        return not_acceptable(F.RESOURCE_TYPES)
    state = app_state(request)
    if media == F.HTML:
        return await state.cached(("ontology", media), lambda: _ontology_page(request), request)
    return await state.cached(
        ("ontology", media),
        lambda: describe_as(request, state.settings.ontology, media, ontology=True),
        request,
        OWN_PARAMS,
    )


async def _ontology_page(request: Request) -> Response:
    state = app_state(request)
    lang, _explicit = page_language(request)
    graph = await run_in_threadpool(state.ontology_graph)
    view = await run_in_threadpool(ontology_view, graph, lang, state.site)
    downloads = alternates("/ontology")
    response = state.render(
        "ontology.html",
        request=request,
        title=view["title"],
        o=view,
        downloads=downloads,
        alternates=downloads,
    )
    add_vary(response, "Accept")
    return response


async def describe_as(request: Request, iri: str, media: str, ontology: bool = False) -> Response:
    """What the store says about `iri` as `media`: an RDF document or the HTML page (the
    ontology's terms, `ontology`, only as RDF: its page is `ontology`'s); 404 when the store
    says nothing about it."""
    state = app_state(request)
    desc = await state.describe(iri, ontology=ontology)
    if not describes_something(desc):
        return await not_found(request, iri, media)
    if media != F.HTML:
        return rdf_response(serialize_graph(desc.triples, media, state.namespaces.table), media)
    path = state.site.local_href(iri)
    lang, _explicit = page_language(request)
    await run_in_threadpool(gather, state.store, desc)
    template, context = await run_in_threadpool(resource_page, desc, lang, state.store)
    response = state.render(
        template, request=request, alternates=alternates(path), path=path, **context
    )
    add_vary(response, "Accept")
    return response


async def not_found(request: Request, iri: str, media: str | None = None) -> Response:
    """404 for `iri`: an HTML page, or an RDF document in `media` that states nothing (when
    `media` is None, the one Accept asks for)."""
    if media is None:
        media = F.negotiate(request.headers.get("accept"), F.RESOURCE_TYPES) or F.HTML
    message = f"404 Not Found: nothing is known about <{iri}>"
    if media == F.HTML:
        state = app_state(request)
        response = state.render(
            "error.html",
            404,
            request=request,
            title=translate(request, "Not found"),
            message=translate(request, "Nothing is known about %(iri)s.") % {"iri": f"<{iri}>"},
            iri=iri,
        )
        add_vary(response, "Accept")
        return response
    return rdf_response(empty_graph_document(media, message), media, 404)

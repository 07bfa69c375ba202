"""/dataset (also /void and /.well-known/void): the description of the dataset that `build` wrote
(dist/void.ttl), as a page or in an RDF format."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ...formats import media as F
from ...formats.rdf import empty_graph_document, serialize_graph
from ...pages.dataset import dataset_page, dataset_view
from ...pages.i18n import page_language
from ...pages.views import alternates
from ..state import add_vary
from .base import (
    app_state,
    not_acceptable,
    rdf_response,
    refuse,
    requested_type,
    split_extension,
    translate,
)


async def dataset(request: Request) -> Response:
    """void.ttl as it is (Turtle), in another RDF format, or as the dataset page; 404 in the
    format asked for before the first build."""
    state = app_state(request)
    void = state.options.dist / "void.ttl"
    name, extension = split_extension(request.url.path.rsplit("/", 1)[1])
    if name not in ("dataset", "void"):
        # /dataset.{ext} with an extension of no format (/void.xyz): no such document.
        return refuse(request, 404, f"{request.url.path} does not exist: try /dataset or /void.ttl")
    media, _ = requested_type(request, F.RESOURCE_TYPES, extension)
    if media is None:
        return not_acceptable(F.RESOURCE_TYPES)
    if not void.is_file():
        # No path in the answer: the server's folders are none of the visitor's business.
        message = (
            "404 Not Found: no dataset description: nothing is built yet (krakow-clusters build)"
        )
        if media == F.HTML:
            return state.render(
                "error.html",
                404,
                request=request,
                title=translate(request, "Not built"),
                message=translate(
                    request,
                    "The dataset has no description yet: nothing is built (krakow-clusters build).",
                ),
                iri=None,
            )
        return rdf_response(empty_graph_document(media, message), media, 404)
    if media == F.TURTLE:
        return rdf_response(void.read_bytes(), media)
    graph = state.void_graph(void)
    if media != F.HTML:
        return rdf_response(serialize_graph(graph, media, state.namespaces.table), media)
    response = state.render(
        "dataset.html",
        request=request,
        title=translate(request, "Dataset description"),
        d=dataset_page(graph, page_language(request)[0], state.site),
        sections=dataset_view(graph, page_language(request)[0], state.site),
        jsonld=state.dataset_jsonld(void),
        alternates=data_links(request.url.path),
    )
    add_vary(response, "Accept")
    return response


def data_links(path: str) -> list[dict]:
    """The page's "as data" links: void.ttl as built (Turtle), the other formats from `path`."""
    others = [a for a in alternates(path.split(".", 1)[0]) if a["label"] != "Turtle"]
    return [{"href": "/void.ttl", "label": "Turtle", "type": F.TURTLE}, *others]

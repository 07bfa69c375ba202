"""The HTTP API of `serve` described in OpenAPI 3.1, served at /openapi.json: for client authors,
and for the suite, which runs schemathesis against the running server with it (every answer must
be one this description allows)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..formats import media as F
from .views.downloads import ROOT_FILES

TEXT = "text/plain"
RDF = (F.TURTLE, F.JSONLD, F.NTRIPLES, F.RDFXML)
RESULTS = (F.SPARQL_JSON, F.SPARQL_XML, F.CSV, F.TSV)


def _content(*types: str) -> dict[str, Any]:
    # JSON answers are objects (SPARQL results, the query list, this description); JSON-LD may be
    # an object or an array; the others are text.
    objects = (F.JSON, F.SPARQL_JSON)
    return {t: {"schema": {"type": "object"} if t in objects else {}} for t in types}


def _answer(description: str, *types: str) -> dict[str, Any]:
    return {"description": description, "content": _content(*types)}


# What any route may answer besides its own: the guard's refusals (guard.py) and the router's.
_COMMON = {
    "400": _answer("A malformed request: one line says what is wrong.", TEXT),
    "405": _answer("The method is not allowed on this path.", TEXT),
    "413": _answer("The request body is over the limit.", TEXT),
    "414": _answer("The path or the query string is over the limit.", TEXT),
}


def _operation(summary: str, responses: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"summary": summary, "responses": {**_COMMON, **responses}, **more}


def _query(name: str, description: str, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string"},
    }


def _path(name: str, description: str, pattern: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "pattern": pattern, "maxLength": 255},
    }


# What a path segment may hold (anything else is a 400 or a 404): the slugs of the dataset's IRIs,
# a saved query's name with its format's extension.
SEGMENT = r"^[A-Za-z0-9][A-Za-z0-9_~\-]*(\.[A-Za-z0-9_~\-]+)*$"
QUERY_NAME = r"^[A-Za-z0-9_\-]+(\.(json|csv|html))?$"


# The filters of the index (pages/facets.py): each value the slug of an IRI of the dataset.
_FACET_PARAMETERS = [
    _query("sector", "A sector's slug (clean-energy); its narrower sectors count too."),
    _query("helix", "A helix's slug (business, academia, government, civil-society)."),
    _query("member-type", "A member type's slug (enterprise); narrower types count too."),
    _query("status", "A status's slug (national-key-cluster)."),
    _query("region", "The slug of a region members come from (malopolskie)."),
]
_SORT = _query("sort", "name (the default) or members (the stated count, largest first).")
_FORMAT = _query("format", "A media type or an alias (ttl, jsonld, nt, rdf, html); else Accept.")
_NOT_ACCEPTABLE = {"406": _answer("None of the offered media types is acceptable.", TEXT)}
_PAGE = {"200": _answer("The page.", F.HTML)}
_REDIRECT = {
    "description": "Moved: see Location.",
    "headers": {"Location": {"schema": {"type": "string"}}},
}
# Any route that asks the store, when a remote store fails (app.py's handler of CouldNotRun).
_STORE_FAILED = {"502": _answer("The remote store failed (serve --sparql-endpoint).", TEXT)}
_BUSY = _answer(
    "The query ran out of time, or every query worker stayed busy (then with Retry-After).", TEXT
)


def _resource(
    summary: str, params: list[dict[str, Any]] | None = None, store: bool = True
) -> dict[str, Any]:
    return {
        "get": _operation(
            summary,
            {
                "200": _answer("The description.", F.HTML, *RDF),
                "303": _REDIRECT,
                "404": _answer("Nothing is known about it.", F.HTML, *RDF, TEXT),
                **_NOT_ACCEPTABLE,
                **(_STORE_FAILED if store else {}),
            },
            parameters=[*(params or []), _FORMAT],
        )
    }


def _sparql_answers() -> dict[str, Any]:
    return {
        "200": _answer("The answer, in the format asked for.", *RESULTS, *RDF, F.HTML),
        "403": _answer("An update: the endpoint is read-only.", TEXT),
        **_NOT_ACCEPTABLE,
        "502": _answer("The remote store failed (serve --sparql-endpoint).", TEXT),
        "503": _BUSY,
    }


def _file(summary: str, path: bool = False) -> dict[str, Any]:
    params = [_path("path", "A path under dist/.", r"^[^\x00-\x1f\x7f]*$")] if path else []
    return {
        "get": _operation(
            summary,
            {
                "200": {"description": "The file.", "content": {"*/*": {"schema": {}}}},
                "301": _REDIRECT,
                "304": {"description": "The client's copy (If-None-Match) is current."},
                "404": _answer("No such file, or nothing built yet.", TEXT),
            },
            parameters=params,
        )
    }


JAVASCRIPT = "application/javascript"
_CALLBACK = _query("callback", "JSONP: the answer wrapped in a call of this function.")


def _reconciliation_answer(summary: str) -> dict[str, Any]:
    return {
        "200": _answer(summary, F.JSON, JAVASCRIPT),
        "400": _answer("A malformed parameter: one line says what is wrong.", TEXT),
        **_STORE_FAILED,
    }


def _reconciliation_paths() -> dict[str, Any]:
    """The W3C Reconciliation Service API 0.2 (web/views/reconcile.py)."""
    batch = [
        _query("queries", "A batch of reconciliation queries as JSON."),
        _query("extend", "A data extension query as JSON."),
        _CALLBACK,
    ]
    form = {
        "type": "object",
        "properties": {name: {"type": "string"} for name in ("queries", "extend", "callback")},
    }
    answers = _reconciliation_answer("The manifest, the batch's candidates or the extension.")
    return {
        "/reconcile": {
            "get": _operation("The reconciliation service.", answers, parameters=batch),
            "post": _operation(
                "The reconciliation service, the parameters form-encoded.",
                answers,
                requestBody={"content": {"application/x-www-form-urlencoded": {"schema": form}}},
            ),
        },
        "/reconcile/suggest/{kind}": {
            "get": _operation(
                "Suggestions of entities, types or properties that start like the prefix.",
                {
                    **_reconciliation_answer("The suggestions."),
                    "404": _answer("No such suggest service.", TEXT),
                },
                parameters=[
                    _path("kind", "entity, type or property.", r"^(entity|type|property)$"),
                    _query("prefix", "What the user has typed."),
                    _query("type", "Entities of this type only."),
                    _CALLBACK,
                ],
            )
        },
        "/reconcile/preview": {
            "get": _operation(
                "A small HTML card of an entity.",
                {
                    "200": _answer("The card.", F.HTML),
                    "404": _answer("No entity with this id.", TEXT),
                    **_STORE_FAILED,
                },
                parameters=[_query("id", "The entity's id, such as cluster/bim.", required=True)],
            )
        },
        "/reconcile/propose_properties": {
            "get": _operation(
                "The properties data extension offers for a type.",
                _reconciliation_answer("The properties."),
                parameters=[
                    _query("type", "The type (cluster, organization, sector, place)."),
                    _query("limit", "At most this many properties."),
                    _CALLBACK,
                ],
            )
        },
    }


def _search_paths() -> dict[str, Any]:
    """/search (web/views/search.py): a page, or JSON by its extension or Accept."""
    parameters = [_query("q", "A name, or a part of one (at most 200 characters).")]
    malformed = _answer("A malformed q: one line (a page of the site for a browser).", TEXT, F.HTML)
    return {
        "/search": {
            "get": _operation(
                "The resources whose names match q.",
                {
                    "200": _answer("The results.", F.HTML, F.JSON),
                    "400": malformed,
                    **_NOT_ACCEPTABLE,
                    **_STORE_FAILED,
                },
                parameters=parameters,
            )
        },
        "/search.json": {
            "get": _operation(
                "The resources whose names match q, as JSON.",
                {"200": _answer("The results.", F.JSON), "400": malformed, **_STORE_FAILED},
                parameters=parameters,
            )
        },
    }


def describe_api(name: str, base_iri: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the server's HTTP API, for the project called `name` whose
    identifiers start with `base_iri`."""
    query_text = _query("query", "A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE).")
    result_format = _query("format", "A media type or an alias (json, xml, csv, tsv, ttl, …).")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{name}: linked data",
            "version": "1",
            "description": (
                "Dereferenceable IRIs (content negotiation), a read-only SPARQL 1.1 endpoint, "
                "saved queries and the built files. A malformed request gets a 4xx with one "
                "line of text."
            ),
        },
        "paths": {
            "/": {
                "get": _operation(
                    "The index to explore: the clusters, filtered by the facets of the query "
                    "string (a value the dataset does not have: 400), sorted, with pictures.",
                    {**_PAGE, **_STORE_FAILED},
                    parameters=[*_FACET_PARAMETERS, _SORT],
                )
            },
            "/facet/{facet}/{value}": {
                "get": _operation(
                    "The index filtered by one facet value: /?{facet}={value}.",
                    {**_PAGE, **_STORE_FAILED},
                    parameters=[
                        _path("facet", "sector, helix, member-type, status or region.", SEGMENT),
                        _path("value", "The slug of a value, such as clean-energy.", SEGMENT),
                        *_FACET_PARAMETERS,
                        _SORT,
                    ],
                )
            },
            "/id/": {"get": _operation("Every resource, by kind.", _PAGE)},
            "/id/{kind}/{slug}": _resource(
                f"A resource: {base_iri}id/{{kind}}/{{slug}}.",
                [
                    _path("kind", "cluster, organization, sector, …", SEGMENT),
                    _path("slug", "Its slug, with an extension (.ttl, …) or not.", SEGMENT),
                ],
            ),
            "/graph/{slug}": _resource(
                f"A named graph of the dataset: {base_iri}graph/{{slug}}.",
                [_path("slug", "article, translations, …, with an extension or not.", SEGMENT)],
            ),
            "/ontology": _resource("The ontology."),
            "/dataset": _resource("The dataset's description (DCAT and VoID).", store=False),
            "/void": _resource("The dataset's description (DCAT and VoID).", store=False),
            "/sparql": {
                "get": _operation(
                    "The SPARQL 1.1 Protocol endpoint (without a query: its page).",
                    {
                        **_sparql_answers(),
                        "404": _answer("No example of that name (?example=).", TEXT),
                    },
                    parameters=[
                        query_text,
                        result_format,
                        _query("example", "The page with a saved query's text in its editor."),
                    ],
                ),
                "post": _operation(
                    "The SPARQL 1.1 Protocol endpoint, the query in the body.",
                    {**_sparql_answers(), "415": _answer("Not a query body.", TEXT)},
                    requestBody={
                        "required": True,
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"query": {"type": "string"}},
                                    "required": ["query"],
                                }
                            },
                            "application/sparql-query": {"schema": {"type": "string"}},
                        },
                    },
                ),
            },
            "/queries/": {
                "get": _operation(
                    "The saved queries.", {"200": _answer("The list.", F.HTML, F.JSON)}
                )
            },
            "/queries.json": {
                "get": _operation("The saved queries.", {"200": _answer("The list.", F.JSON)})
            },
            "/queries/{name}": {
                "get": _operation(
                    "A saved query's answer; its parameters in the query string.",
                    {
                        "200": _answer("The answer.", F.HTML, F.SPARQL_JSON, F.CSV),
                        "404": _answer("No saved query of that name.", TEXT),
                        **_NOT_ACCEPTABLE,
                        "502": _answer("The remote store failed.", TEXT),
                        "503": _BUSY,
                    },
                    parameters=[
                        _path("name", "The query's name, with .json, .csv or .html.", QUERY_NAME)
                    ],
                )
            },
            "/dist/{path}": _file(
                "A file of the built release (dist/), or a folder's listing.", path=True
            ),
            **{
                "/" + name: _file("A file of the release at its download URL (see void.ttl).")
                for name in ROOT_FILES
            },
            "/static/{path}": {
                "get": _operation(
                    "A file the pages load (the SPARQL editor YASGUI, the query page's script).",
                    {
                        "200": _answer(
                            "The file.", "text/javascript", "text/css", "text/markdown", TEXT
                        ),
                        "304": {"description": "Not modified (If-None-Match)."},
                        "404": _answer("No such file.", TEXT),
                    },
                    parameters=[
                        _path(
                            "path", "A file of the package's static folder.", r"^[^\x00-\x1f\x7f]*$"
                        ),
                        _query("v", "The file's version (its URL on the pages)."),
                    ],
                )
            },
            **_search_paths(),
            "/openapi.json": {
                "get": _operation("This description.", {"200": _answer("OpenAPI 3.1.", F.JSON)})
            },
            **_reconciliation_paths(),
        },
    }


async def openapi(request: Request) -> Response:
    """/openapi.json."""
    settings = request.app.state.web.settings
    name = settings.name[settings.default_language]
    return JSONResponse(describe_api(name, settings.base_iri))

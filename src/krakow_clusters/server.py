"""The linked-data server: dereferenceable IRIs, a SPARQL endpoint, saved queries, the dumps.

A Starlette application served by uvicorn. The base IRI https://w3id.org/krakow-clusters/ maps
onto the server's own address: `/id/{kind}/{slug}` describes the resource
`https://w3id.org/krakow-clusters/id/{kind}/{slug}` in the format the client asks for. RDF keeps
the canonical w3id IRIs; only the links of the HTML pages point at this server.

The data comes from a `GraphStore`: the embedded Oxigraph store loaded in process (the default;
pages and saved-query answers are cached, as the data cannot change while serving) or a remote
SPARQL 1.1 store (nothing cached: the store may change under us). Queries sent to /sparql on the
embedded store run in worker processes (see querypool.py) so that a timeout really stops them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rdflib import URIRef
from rdflib.term import Node
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from .errors import CouldNotRun
from .formats import media as F
from .formats.rdf import empty_graph_document, serialize_graph
from .formats.results import serialize_results
from .project import ID_BASE, ONTOLOGY_IRI, Project, curie
from .sparql.library import QueryFile, find_query, library
from .sparql.text import is_update
from .store.results import (
    GraphStore,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    ResultLimitExceeded,
)
from .web.pages import (
    SLUG,
    Description,
    Pages,
    alternates,
    dataset_view,
    describe,
    describes_something,
    home_view,
    index_view,
    license_of,
    local_href,
    resource_view,
)


@dataclass
class Settings:
    """What `serve` was asked for."""

    project: Project
    store: GraphStore
    dist: Path
    embedded: bool = True
    dataset_files: list[Path] = field(default_factory=list)
    query_timeout: float = 10.0
    result_limit: int = 10000
    query_workers: int = 2
    endpoint: str | None = None


class Site:
    """The state behind the app: the store, caches, the query workers, the templates."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = settings.store
        self.cache: dict[tuple, Response] = {}
        self.pool = None
        self.pages = Pages()
        self.license: str | None = None

    # -- store access

    async def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        return await run_in_threadpool(self.store.query, sparql, bindings)

    async def startup(self) -> None:
        if self.settings.embedded and self.settings.dataset_files:
            from .store.pool import QueryPool

            self.pool = QueryPool(
                self.settings.dataset_files,
                size=self.settings.query_workers,
                timeout=self.settings.query_timeout,
            )
            await self.pool.start()
        try:
            self.license = await run_in_threadpool(license_of, self.store)
        except CouldNotRun:
            self.license = None

    async def shutdown(self) -> None:
        if self.pool is not None:
            self.pool.close()

    async def describe(self, iri: str, ontology: bool = False) -> Description:
        return await run_in_threadpool(describe, self.store, iri, ontology)

    def render(self, name: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("license", self.license)
        context.setdefault("remote", self.settings.endpoint)
        body = self.pages.render(name, **context)
        return Response(body, status, media_type="text/html; charset=utf-8")


# --- content negotiation helpers -----------------------------------------------------------------


def _split_extension(name: str) -> tuple[str, str | None]:
    for extension, media in F.EXTENSIONS.items():
        if name.endswith(extension):
            return name[: -len(extension)], media
    return name, None


def _requested_type(request: Request, offered: tuple[str, ...], extension: str | None):
    """(media type or None, whether the choice depended on Accept)."""
    if extension:
        return extension, False
    fmt = request.query_params.get("format")
    if fmt:
        media = F.ALIASES.get(fmt.lower(), fmt.lower())
        return (media if media in offered else None), False
    return F.negotiate(request.headers.get("accept"), offered), True


def _not_acceptable(offered: tuple[str, ...]) -> Response:
    body = "406 Not Acceptable. This resource is offered as: " + ", ".join(offered) + "\n"
    return Response(body, 406, media_type="text/plain; charset=utf-8", headers={"Vary": "Accept"})


def _rdf_response(body: bytes, media: str, status: int = 200, vary: bool = True) -> Response:
    charset = "" if media == F.RDFXML else "; charset=utf-8"
    headers = {"Vary": "Accept"} if vary else {}
    return Response(body, status, media_type=media + charset, headers=headers)


def create_app(settings: Settings) -> Starlette:
    """The ASGI application for `settings` (uvicorn runs it; tests may too)."""
    site = Site(settings)
    dist = settings.dist

    async def cached(key: tuple, make) -> Response:
        if settings.embedded and key in site.cache:
            return site.cache[key]
        response = await make()
        if settings.embedded and response.status_code in (200, 303):
            site.cache[key] = response
        return response

    async def home(request: Request) -> Response:
        async def make() -> Response:
            clusters = await run_in_threadpool(home_view, site.store)
            return site.render("home.html", clusters=clusters, title="Kraków innovation clusters")

        return await cached(("home",), make)

    async def resource(request: Request) -> Response:
        kind = request.path_params["kind"]
        slug, extension = _split_extension(request.path_params["slug"])
        if not (SLUG.match(kind) and SLUG.match(slug)):
            return await not_found(request, f"{ID_BASE}{kind}/{slug}", extension)
        iri = f"{ID_BASE}{kind}/{slug}"
        media, _ = _requested_type(request, F.RESOURCE_TYPES, extension)
        if media is None:
            return _not_acceptable(F.RESOURCE_TYPES)
        return await cached(("resource", iri, media), lambda: describe_as(iri, media, request))

    async def describe_as(iri: str, media: str, request: Request, ontology=False) -> Response:
        desc = await site.describe(iri, ontology=ontology)
        if not describes_something(desc):
            return await not_found(request, iri, media)
        if media != F.HTML:
            return _rdf_response(serialize_graph(desc.triples, media), media)
        path = local_href(iri)
        view = resource_view(desc)
        template = "ontology.html" if ontology else "resource.html"
        response = site.render(
            template, title=view["title"], r=view, alternates=alternates(path), path=path
        )
        response.headers["Vary"] = "Accept"
        return response

    async def not_found(request: Request, iri: str, media: str | None = None) -> Response:
        if media is None:
            media = F.negotiate(request.headers.get("accept"), F.RESOURCE_TYPES) or F.HTML
        message = f"404 Not Found: nothing is known about <{iri}>"
        if media == F.HTML:
            response = site.render("error.html", 404, title="Not found", message=message, iri=iri)
            response.headers["Vary"] = "Accept"
            return response
        return _rdf_response(empty_graph_document(media, message), media, 404)

    async def ontology(request: Request) -> Response:
        """/ontology and its versions /ontology/0.1.0: the documentation `build` wrote in
        dist/ontology/ (Polish when Accept-Language asks for it), else a page of the terms."""
        _name, extension = _split_extension(request.url.path.rsplit("/", 1)[1])
        media, _ = _requested_type(request, F.RESOURCE_TYPES, extension)
        if media is None:
            return _not_acceptable(F.RESOURCE_TYPES)
        if media == F.HTML:
            polish = request.headers.get("accept-language", "").lower().startswith("pl")
            pages = ["index.pl.html"] if polish else []
            for candidate in [*pages, "index.en.html", "index.html"]:
                if (dist / "ontology" / candidate).is_file():
                    url = "/dist/ontology/" + candidate
                    return RedirectResponse(url, 303, headers={"Vary": "Accept, Accept-Language"})
        return await cached(
            ("ontology", media), lambda: describe_as(ONTOLOGY_IRI, media, request, ontology=True)
        )

    async def index(request: Request) -> Response:
        async def make() -> Response:
            groups = await run_in_threadpool(index_view, site.store)
            return site.render("index.html", title="All resources", groups=groups)

        return await cached(("index",), make)

    # -- SPARQL

    async def sparql(request: Request) -> Response:
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
                return _plain(
                    415,
                    "send the query as application/x-www-form-urlencoded (query=…) or as "
                    "application/sparql-query",
                )
        if not query:
            if F.negotiate(request.headers.get("accept"), (F.HTML, F.SPARQL_JSON)) == F.HTML:
                return sparql_page()
            return _plain(400, "missing query: send ?query=SELECT … (SPARQL 1.1 Protocol)")
        if is_update(query):
            return _forbidden()
        for name in ("default-graph-uri", "named-graph-uri"):
            if any(v.strip() for v in params.getlist(name)):
                return _plain(400, f"{name} is not supported: the dataset is one default graph")
        try:
            if site.pool is not None:
                result = await site.pool.run(query, settings.result_limit)
            else:
                result = await run_in_threadpool(
                    site.store.query, query, None, settings.result_limit
                )
        except QuerySyntaxError as exc:
            return _plain(400, str(exc))
        except ResultLimitExceeded as exc:
            return _plain(400, f"result limit exceeded: {exc}")
        except QueryTimeout as exc:
            return _plain(503, f"query timeout: {exc}")
        except CouldNotRun as exc:
            return _plain(502 if settings.endpoint else 500, str(exc))
        return results_response(request, params, query, result)

    def results_response(request, params, query: str, result: QueryResult) -> Response:
        requested = [v for key in ("format", "output", "results") for v in params.getlist(key)]
        graph = result.kind == "graph"
        offered = (*F.RDF_TYPES, F.HTML) if graph else (*F.RESULT_TYPES, F.HTML)
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
        if media is None:
            return _not_acceptable(offered)
        if media == F.HTML:
            return sparql_page(query, result)
        if graph:
            return _rdf_response(serialize_graph(result.triples, media), media)
        body = serialize_results(result, media)
        charset = "; charset=utf-8"
        return Response(body, media_type=media + charset, headers={"Vary": "Accept"})

    def sparql_page(query: str | None = None, result: QueryResult | None = None) -> Response:
        examples = [
            {"name": q.name, "summary": q.summary, "text": _example_text(q)}
            for q in _library(settings.project)
        ]
        table = None
        turtle = None
        if result is not None and result.kind == "graph":
            turtle = serialize_graph(result.triples, F.TURTLE).decode("utf-8")
        elif result is not None:
            table = _table(result)
        response = site.render(
            "sparql.html",
            title="SPARQL endpoint",
            examples=examples,
            query=query
            or (examples[0]["text"] if examples else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"),
            table=table,
            turtle=turtle,
            timeout=settings.query_timeout,
            limit=settings.result_limit,
        )
        response.headers["Vary"] = "Accept"
        return response

    # -- saved queries

    async def queries(request: Request) -> Response:
        items = [
            {
                "name": q.name,
                "summary": q.summary,
                "description": q.description,
                "href": f"/queries/{q.name}",
                "params": [
                    {"name": p.name, "type": p.type, "default": p.default, "doc": p.description}
                    for p in q.params
                ],
            }
            for q in _library(settings.project)
        ]
        wants_json = request.url.path.endswith(".json") or (
            F.negotiate(request.headers.get("accept"), (F.HTML, F.JSON)) == F.JSON
        )
        if wants_json:
            import json

            body = json.dumps({"queries": items}, indent=2, ensure_ascii=False).encode()
            return Response(body, media_type="application/json", headers={"Vary": "Accept"})
        response = site.render("queries.html", title="Saved queries", queries=items)
        response.headers["Vary"] = "Accept"
        return response

    async def saved_query(request: Request) -> Response:
        name = request.path_params["name"]
        media = None
        for ext, ext_media in ((".json", F.SPARQL_JSON), (".csv", F.CSV), (".html", F.HTML)):
            if name.endswith(ext):
                name, media = name[: -len(ext)], ext_media
        offered = (F.HTML, F.SPARQL_JSON, F.CSV)
        if media is None:
            media = F.negotiate(request.headers.get("accept"), offered, {F.JSON: F.SPARQL_JSON})
        if media is None:
            return _not_acceptable(offered)
        if not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
            return _plain(404, f"no query named {name!r}")
        try:
            query_file = find_query(settings.project.queries_dir, name)
        except CouldNotRun as exc:
            return _plain(404, str(exc))
        values = dict(request.query_params)
        key = ("query", name, tuple(sorted(values.items())), media)

        async def make() -> Response:
            try:
                bindings = query_file.bindings(values)
            except CouldNotRun as exc:
                return _plain(400, str(exc))
            try:
                result = await site.query(query_file.text, bindings)
            except CouldNotRun as exc:
                return _plain(502 if settings.endpoint else 500, str(exc))
            if media == F.HTML:
                return site.render(
                    "query.html",
                    title=query_file.summary or name,
                    q=query_file,
                    values=values,
                    table=_table(result),
                    alternates=[
                        {"href": _with_query(f"/queries/{name}.json", values), "label": "JSON"},
                        {"href": _with_query(f"/queries/{name}.csv", values), "label": "CSV"},
                    ],
                )
            body = serialize_results(result, media)
            return Response(body, media_type=media + "; charset=utf-8", headers={"Vary": "Accept"})

        return await cached(key, make)

    # -- dataset description and downloads

    async def dataset(request: Request) -> Response:
        void = dist / "void.ttl"
        _name, extension = _split_extension(request.url.path.rsplit("/", 1)[1])
        media, _ = _requested_type(request, F.RESOURCE_TYPES, extension)
        if media is None:
            return _not_acceptable(F.RESOURCE_TYPES)
        if not void.is_file():
            message = (
                f"404 Not Found: no dataset description yet ({void} is missing); "
                "run `krakow-clusters build` first"
            )
            if media == F.HTML:
                return site.render("error.html", 404, title="Not built", message=message, iri=None)
            return _rdf_response(empty_graph_document(media, message), media, 404)
        if media == F.TURTLE:
            return _rdf_response(void.read_bytes(), media)
        import rdflib

        graph = rdflib.Graph()
        graph.parse(void, format="turtle")
        if media != F.HTML:
            return _rdf_response(serialize_graph(graph, media), media)
        sections = dataset_view(graph)
        response = site.render(
            "dataset.html",
            title="Dataset description",
            sections=sections,
            alternates=alternates(request.url.path),
        )
        response.headers["Vary"] = "Accept"
        return response

    async def downloads(request: Request, relative: str | None = None) -> Response:
        if relative is None:
            relative = request.path_params.get("path", "")
        if not dist.is_dir():
            return _plain(404, f"{dist} does not exist yet: run `krakow-clusters build` first")
        root = dist.resolve()
        target = (root / relative).resolve()
        if target != root and root not in target.parents:
            return _plain(404, "not found")
        if target.is_dir():
            if not request.url.path.endswith("/"):
                return RedirectResponse(request.url.path + "/", 301)
            if (target / "index.html").is_file():
                return FileResponse(target / "index.html")
            entries = sorted(
                (p.name + ("/" if p.is_dir() else ""), p.stat().st_size) for p in target.iterdir()
            )
            return site.render(
                "listing.html", title=f"/dist/{relative}", entries=entries, path=request.url.path
            )
        if target.is_file():
            return FileResponse(target, media_type=_file_type(target))
        return _plain(404, f"/dist/{relative} does not exist")

    async def ontology_file(request: Request) -> Response:
        return await downloads(request, "ontology/" + request.path_params["path"])

    async def context(request: Request) -> Response:
        return await downloads(request, "context.jsonld")

    routes = [
        Route("/", home),
        Route("/id/", index),
        Route("/id/{kind}/{slug}", resource),
        Route("/ontology", ontology),
        Route("/ontology.{ext}", ontology),
        Route("/ontology/{version:version}", ontology),
        Route("/ontology/{path}", ontology_file),
        Route("/context.jsonld", context),
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
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Accept", "Content-Type"],
            expose_headers=["Content-Type", "Vary"],
            max_age=86400,
        )
    ]

    async def lifespan(app):
        await site.startup()
        yield
        await site.shutdown()

    from contextlib import asynccontextmanager

    app = Starlette(routes=routes, middleware=middleware, lifespan=asynccontextmanager(lifespan))
    app.state.site = site
    return app


class _VersionConvertor(Convertor):
    """Ontology versions such as 0.1.0 (the owl:versionIRI is /ontology/VERSION)."""

    regex = r"[0-9]+(?:\.[0-9]+)*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("version", _VersionConvertor())


def _forbidden() -> Response:
    return _plain(403, "this endpoint is read-only: SPARQL updates are refused")


def _plain(status: int, message: str) -> Response:
    return Response(message.rstrip("\n") + "\n", status, media_type="text/plain; charset=utf-8")


def _with_query(path: str, values: Mapping[str, str]) -> str:
    if not values:
        return path
    return path + "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in sorted(values.items()))


def _file_type(path: Path) -> str | None:
    types = {".ttl": F.TURTLE, ".nt": F.NTRIPLES, ".jsonld": F.JSONLD, ".rdf": F.RDFXML}
    return types.get(path.suffix)


def _library(project: Project) -> list[QueryFile]:
    try:
        return library(project.queries_dir)
    except CouldNotRun:
        return []


def _example_text(query: QueryFile) -> str:
    """The query text without its `#+` header lines, parameters bound to their defaults."""
    lines = [line for line in query.text.splitlines() if not line.startswith("#+")]
    text = "\n".join(lines).strip() + "\n"
    defaults = {p.name: p.default for p in query.params if p.default is not None}
    if defaults and len(defaults) == len(query.params):
        try:
            from .sparql.text import inject_values

            return inject_values(text, query.bindings(defaults))
        except CouldNotRun:
            return text
    return text


def _table(result: QueryResult) -> dict:
    if result.kind == "ask":
        return {"columns": ["answer"], "rows": [[{"kind": "literal", "text": str(result.boolean)}]]}
    rows = []
    for row in result.rows:
        cells = []
        for term in row:
            if term is None:
                cells.append({"kind": "empty"})
            elif isinstance(term, URIRef):
                cells.append(
                    {
                        "kind": "link",
                        "href": local_href(str(term)),
                        "label": curie(str(term)) or str(term),
                    }
                )
            else:
                lang = getattr(term, "language", None)
                cells.append({"kind": "literal", "text": str(term), "lang": lang})
        rows.append(cells)
    return {"columns": result.variables, "rows": rows}


# --- running -------------------------------------------------------------------------------------


def serve(
    project: Project,
    host: str = "127.0.0.1",
    port: int = 8000,
    sparql_endpoint: str | None = None,
    dist: Path | None = None,
    query_timeout: float = 10.0,
    result_limit: int = 10000,
    query_workers: int = 2,
    log_level: str = "info",
) -> None:
    """Load the dataset (or connect to `sparql_endpoint`) and serve until interrupted."""
    import uvicorn

    from .store.embedded import EmbeddedStore
    from .store.remote import RemoteStore

    dist = Path(dist) if dist is not None else project.root / "dist"
    if sparql_endpoint:
        import os

        store: GraphStore = RemoteStore(
            sparql_endpoint,
            timeout=query_timeout,
            user=os.environ.get("KRAKOW_CLUSTERS_USER"),
            password=os.environ.get("KRAKOW_CLUSTERS_PASSWORD"),
        )
        files: list[Path] = []
        store.query("ASK {}")  # fail now, with one line, when the store cannot be reached
    else:
        files = project.dataset_files()
        store = EmbeddedStore.from_files(files)
    settings = Settings(
        project=project,
        store=store,
        dist=dist,
        embedded=not sparql_endpoint,
        dataset_files=files,
        query_timeout=query_timeout,
        result_limit=result_limit,
        query_workers=query_workers,
        endpoint=sparql_endpoint,
    )
    app = create_app(settings)
    # uvicorn reports a port in use by logging and exiting with code 3: bind the socket here, so
    # that it is one line and exit code 2 like every other failure to start, and hand it over.
    import socket

    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        raise CouldNotRun(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    config = uvicorn.Config(app, log_level=log_level, access_log=False)
    shown = f"[{host}]" if ":" in host else host
    print(f"Serving the knowledge graph on http://{shown}:{port}/ (Ctrl-C stops)", flush=True)
    uvicorn.Server(config).run(sockets=[sock])

"""What the web app holds: the options `serve` was asked for and the state behind the app (the
store, the cached responses, the query workers, the templates)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import anyio
import rdflib
from markupsafe import Markup
from rdflib.term import Node
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ..errors import CouldNotRun
from ..formats.answer import Answer, AnswerLimits, check_size, result_size, write_answer
from ..pages.describe import Description, Site, describe, sources_of
from ..pages.i18n import page_language
from ..pages.render import Pages
from ..pages.schemaorg import dataset_schema_org, script_json
from ..project import Project
from ..rdf.namespaces import Namespaces
from ..rdf.results import GraphStore, QueryResult
from ..rdf.sparqltext import inject_values
from ..reconcile.service import Reconciler
from ..sparql.library import QueryFile, library
from ..store import open_embedded
from ..store.pool import AllWorkersBusy
from .conditional import matches, not_modified, tag_entity
from .guard import Limits


def add_vary(response: Response, field: str) -> None:
    """Add `field` to the response's Vary header (kept once)."""
    fields = [f.strip() for f in response.headers.get("Vary", "").split(",") if f.strip()]
    if field.lower() not in (f.lower() for f in fields):
        response.headers["Vary"] = ", ".join([*fields, field])


@dataclass
class ServeOptions:
    """What `serve` was asked for."""

    project: Project
    store: GraphStore
    dist: Path
    query_timeout: float = 10.0
    result_limit: int = 10000
    query_workers: int = 2
    endpoint: str | None = None
    # Remote endpoints a visitor's query may name in SERVICE (serve --allow-service); none: no
    # request leaves the server on a visitor's behalf.
    allowed_services: tuple[str, ...] = ()
    # Seconds a /sparql query waits for a free worker before it gets 503 with Retry-After.
    queue_wait: float = 2.0
    # What a client may send and how long it may take (serve --limit NAME=VALUE).
    limits: Limits = field(default_factory=Limits)
    # The host names the server answers for (serve --allowed-host); none: any.
    allowed_hosts: tuple[str, ...] = ()
    # Where the server is published, without a trailing slash: the start of every absolute URL
    # of an answer (the reconciliation manifest, previews), never the Host a client sends.
    public_url: str = "http://127.0.0.1:8000"
    # How long a page made from a store that may change (a remote one) is given again before it
    # is made anew (serve --cache-seconds); 0 keeps nothing. The embedded store's data cannot
    # change while serving: its pages are kept for the life of the server.
    cache_seconds: float = 60.0


class AppState:
    """The state behind the app (`app.state.web`, see `views.base.app_state`): the store, the
    cached responses, the query workers, the templates."""

    # Responses kept at most: the keys hold the visitor's parameter values, so without a bound
    # every distinct query string would stay in memory for the life of the server. The least
    # recently used goes first.
    max_cached = 512

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        # The project's identity (settings.toml) and its namespace table, for every view.
        self.settings = options.project.settings
        self.namespaces = Namespaces.of(self.settings)
        self.store = options.store
        # Each response with the time it was made (time.monotonic), least recently used first.
        self.cache: OrderedDict[tuple, tuple[float, Response]] = OrderedDict()
        self.cache_size = 0  # bytes of the responses in `cache` (see keep)
        self.pool = None
        self.site = Site(self.settings)
        self.pages = Pages(self.site)
        self.license: str | None = None
        # The documents the facts come from, for every page's footer (sources_of).
        self.sources: dict[str, list[dict]] = {}
        # Visitors' queries on a remote store run in threads of their own, as many as there
        # would be query workers: a slow store ties up these, never the threads of the pages.
        # (Made in startup(): a limiter belongs to the running event loop.)
        self.query_slots: anyio.CapacityLimiter | None = None
        self.query_threads: anyio.CapacityLimiter | None = None
        self._library: list[QueryFile] | None = None
        self._void: tuple[tuple[int, int], rdflib.Graph] | None = None
        # The reconciliation index: built on first use, kept as long as a page is (`fresh`).
        self._reconciler: tuple[float, Reconciler] | None = None
        self._void_jsonld: tuple[rdflib.Graph, Markup] | None = None
        self._ontology: rdflib.Graph | None = None

    def ontology_graph(self) -> rdflib.Graph:
        """The ontology and its SKOS schemes, read from the project's files as the release reads
        them (its documentation, /ontology, is the release's page): once, then kept."""
        if self._ontology is None:
            files = self.options.project.ontology_files()
            self._ontology = open_embedded(self.settings, files).to_rdflib()
        return self._ontology

    # -- store access

    async def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """The answer of the store to one of the project's own queries (in a thread)."""
        return await run_in_threadpool(self.store.query, sparql, bindings)

    @property
    def answer_limits(self) -> AnswerLimits:
        """What a visitor's answer may be: rows, bytes once written, cells on a page."""
        limits = self.options.limits
        return AnswerLimits(
            self.options.result_limit, limits.max_answer, limits.page_cells, self.namespaces.table
        )

    async def run_query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        formats: Mapping[str, str | None] | None = None,
    ) -> QueryResult | Answer:
        """The answer to a visitor's query (/sparql, or a saved query that asks another
        endpoint), under the query timeout and the limits: in a query worker on the embedded
        store, else in one of the query threads. With `formats` (a media type for a `graph` and
        for `results`), written in the one for its kind (formats/answer.py), by the worker.
        AllWorkersBusy when no worker or thread frees within the queue wait."""
        settings = self.options
        limits = self.answer_limits
        if self.pool is not None:
            text = inject_values(sparql, bindings) if bindings else sparql
            return await self.pool.run(text, limits, wait=settings.queue_wait, formats=formats)
        assert self.query_slots is not None, "AppState.startup() was not awaited"
        try:
            with anyio.fail_after(settings.queue_wait):
                await self.query_slots.acquire()
        except TimeoutError:
            raise AllWorkersBusy(
                f"every query thread stayed busy for {settings.queue_wait:g} s; try again later"
            ) from None

        def answer() -> QueryResult | Answer:
            result = self.store.query(sparql, bindings, limits.rows)
            if formats is None:
                check_size(result_size(result), limits.bytes)
                return result
            return write_answer(result, formats, limits)

        try:
            return await anyio.to_thread.run_sync(answer, limiter=self.query_threads)
        finally:
            self.query_slots.release()

    @property
    def retry_after(self) -> int:
        """Seconds after which a refused query may find a worker: at most one query timeout."""
        return max(1, int(self.options.query_timeout + 0.999))

    async def reconciler(self) -> Reconciler:
        """The reconciliation service over the store, its index made again when it is no
        longer `fresh`."""
        if self._reconciler is not None and self.fresh(self._reconciler[0]):
            return self._reconciler[1]
        made = time.monotonic()
        found = await run_in_threadpool(Reconciler.from_store, self.store, self.settings)
        if self.keeps:
            self._reconciler = (made, found)
        return found

    async def startup(self) -> None:
        """Start the query workers (embedded store) and read the licence the pages show."""
        slots = max(1, self.options.query_workers)
        self.query_slots = anyio.CapacityLimiter(slots)
        self.query_threads = anyio.CapacityLimiter(slots)
        if self.store.source_files:
            from ..store.pool import QueryPool

            self.pool = QueryPool(
                list(self.store.source_files),
                self.settings.graph_base,
                size=self.options.query_workers,
                timeout=self.options.query_timeout,
                memory=self.options.limits.query_memory,
            )
            await self.pool.start()
        # The dataset's licence, shown on every page, is the settings' (as void.ttl's).
        self.license = self.settings.licence
        try:
            self.sources = await run_in_threadpool(sources_of, self.store, self.site)
        except CouldNotRun:
            self.sources = {}

    async def shutdown(self) -> None:
        """Stop the query workers."""
        if self.pool is not None:
            self.pool.close()

    async def describe(self, iri: str, ontology: bool = False) -> Description:
        """What the store says about `iri` (see `pages.describe`), in a thread."""
        return await run_in_threadpool(describe, self.store, iri, self.site, ontology)

    # -- files read once

    def query_library(self) -> list[QueryFile]:
        """The project's saved queries (queries/*.rq), read and parsed once rather than on every
        request of /queries/ and /sparql; none when its queries/ folder cannot be read (then
        tried again on the next request)."""
        if self._library is None:
            try:
                self._library = library(self.options.project.queries_dir, self.namespaces)
            except CouldNotRun:
                return []
        return self._library

    def void_graph(self, path: Path) -> rdflib.Graph:
        """The graph of `path` (dist/void.ttl), parsed once; parsed again when the file changes
        (a new `build` while serving), as /dataset's Turtle is read afresh each time."""
        stat = path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
        if self._void is None or self._void[0] != version:
            graph = rdflib.Graph()
            graph.parse(path, format="turtle")
            self._void = (version, graph)
        return self._void[1]

    def dataset_jsonld(self, path: Path) -> Markup:
        """The dataset page's schema.org JSON-LD from `path` (dist/void.ttl), made once per
        version of the file (see void_graph)."""
        graph = self.void_graph(path)
        if self._void_jsonld is None or self._void_jsonld[0] is not graph:
            self._void_jsonld = (graph, script_json(dataset_schema_org(graph, self.site.kc)))
        return self._void_jsonld[1]

    # -- responses

    def render(
        self, name: str, status: int = 200, *, request: Request | None = None, **context: Any
    ) -> Response:
        """An HTML response: template `name` with the licence and the remote endpoint shown, in
        the language `request` asks for (English without a request). A page whose language was
        negotiated says it varies with Accept-Language."""
        context.setdefault("license", self.license)
        context.setdefault("sources", self.sources)
        context.setdefault("remote", self.options.endpoint)
        lang, explicit = (
            page_language(request) if request is not None else (self.site.default_language, True)
        )
        if request is not None:
            query = getattr(request.state, "page_query", request.url.query)
            context.setdefault("page_path", request.url.path + ("?" + query if query else ""))
        body = self.pages.render(name, lang=lang, explicit=explicit, **context)
        response = Response(body, status, media_type="text/html; charset=utf-8")
        response.headers["Content-Language"] = lang
        if not explicit:
            add_vary(response, "Accept-Language")
        return response

    @property
    def keeps(self) -> bool:
        """Whether anything made from the store is kept: always when its data cannot change
        while serving (`can_cache`), else for cache_seconds when they are more than 0."""
        return self.store.can_cache or self.options.cache_seconds > 0

    def fresh(self, made: float) -> bool:
        """Whether what was made at `made` (time.monotonic) may still be given: on a store that
        may change, for cache_seconds; a change in the store shows within that bound."""
        return self.store.can_cache or time.monotonic() - made < self.options.cache_seconds

    async def cached(
        self,
        key: tuple,
        make: Callable[[], Awaitable[Response]],
        request: Request | None = None,
        params: Collection[str] | None = None,
    ) -> Response:
        """The response for `key`, made by `make`. A 200 or 303 response is kept and given again
        while it is `fresh`: for the life of the server on a store whose data cannot change while
        serving (`can_cache`: the embedded one), for cache_seconds on one that may (a remote
        store). At most max_cached responses are kept (see keep). A 200 carries an ETag (a hash
        of its body), and a request whose If-None-Match names it gets 304 without the body.

        A page made for `request` depends on more than its view's key: its links (the language
        switch) carry the path and query string it was asked by, and its language. They are
        part of the key, so that one visitor's `?x=…` never shows in another's page. A view that
        reads only some parameters and ignores the others (a resource page: `format`; a link
        shared with `?fbclid=…`) names them in `params`: the page, its key and its links then
        hold only those, so that a stream of made-up parameters makes no new page."""
        if request is not None:
            query = request.url.query
            if params is not None:
                query = urlencode(
                    [(k, v) for k, v in request.query_params.multi_items() if k in params]
                )
            request.state.page_query = query
            key = (*key, request.url.path, query, *page_language(request))
        found = self.cache.get(key)
        if found is not None and self.fresh(found[0]):
            self.cache.move_to_end(key)
            response = found[1]
        else:
            made = time.monotonic()
            response = await make()
            if response.status_code == 200:
                tag_entity(response)
            if self.keeps and response.status_code in (200, 303):
                self.keep(key, response, made)
            elif found is not None:
                self.forget(key)
        if request is not None and response.status_code == 200 and matches(request, response):
            return not_modified(response)
        return response

    def keep(self, key: tuple, response: Response, made: float) -> None:
        """Cache `response` under `key`, dropping the least recently used beyond max_cached
        responses or the cache's bytes (the limit cache-bytes): the count alone would let 512
        large answers (a saved query's page of 100,000 rows) stay for the life of the server. A
        response larger than an eighth of the budget is not kept."""
        budget = self.options.limits.cache_bytes
        size = _size(key, response)
        if size > budget // 8:
            return
        self.forget(key)
        self.cache[key] = (made, response)
        self.cache_size += size
        while len(self.cache) > self.max_cached or self.cache_size > budget:
            old_key, (_made, old) = self.cache.popitem(last=False)
            self.cache_size -= _size(old_key, old)

    def forget(self, key: tuple) -> None:
        """Drop the response kept under `key`, if any."""
        if key in self.cache:
            _made, old = self.cache.pop(key)
            self.cache_size -= _size(key, old)


def _size(key: tuple, response: Response) -> int:
    """About the bytes a cached response holds: its body, its headers and its key."""
    body = getattr(response, "body", b"") or b""
    headers = sum(len(k) + len(v) for k, v in response.raw_headers)
    return len(body) + headers + len(repr(key))

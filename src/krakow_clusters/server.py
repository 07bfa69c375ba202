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
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.term import Node
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from . import formats as F
from .errors import CouldNotRun
from .graph import (
    GraphStore,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    ResultLimitExceeded,
    Triple,
)
from .project import BASE_IRI, ID_BASE, ONTOLOGY_IRI, ONTOLOGY_NS, SOURCE_ARTICLE, Project
from .querylib import QueryFile, find_query, library

SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
KC = ONTOLOGY_NS
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
LABEL_PROPERTIES = (str(RDFS.label), SKOS + "prefLabel", DCTERMS + "title")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_~\-]*(?:\.[A-Za-z0-9_~\-]+)*$")
_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)

# Comments go, IRIs and strings stay (a `#` inside them is not a comment).
_COMMENT = re.compile(r'(<[^\s<>"{}|\\^`]*>|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')|#[^\n]*')


def is_update(sparql: str) -> bool:
    """Whether the text is a SPARQL Update request (after its prologue and comments)."""
    return bool(_UPDATE.match(_COMMENT.sub(lambda m: m.group(1) or " ", sparql)))


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


# --- describing resources ------------------------------------------------------------------------

DESCRIBE = """
CONSTRUCT { ?s ?p ?o }
WHERE {
  { BIND($R AS ?s) $R ?p ?o }
  UNION { ?s ?p $R . BIND($R AS ?o) }
  UNION { $R ?x ?s . FILTER(isIRI(?s) && STRSTARTS(STR(?s), $HASH)) ?s ?p ?o }
  UNION { ?s ?x $R . FILTER(isIRI(?s) && STRSTARTS(STR(?s), $HASH)) ?s ?p ?o }
}
"""

ONTOLOGY_QUERY = """
CONSTRUCT { ?s ?p ?o }
WHERE { ?s ?p ?o . FILTER(?s = $R || STRSTARTS(STR(?s), $HASH)) }
"""

LABELS = """
SELECT ?x ?p ?label WHERE {
  VALUES ?p { <http://www.w3.org/2000/01/rdf-schema#label>
              <http://www.w3.org/2004/02/skos/core#prefLabel>
              <http://purl.org/dc/terms/title> }
  VALUES ?x { $IRIS }
  ?x ?p ?label .
}
"""

INDEX = """
SELECT DISTINCT ?s ?label WHERE {
  ?s ?p ?o .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), $ID) && !CONTAINS(STR(?s), "#"))
  OPTIONAL { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label . FILTER(LANG(?label) = "en") }
}
"""

CLUSTERS = """
PREFIX kc: <https://w3id.org/krakow-clusters/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?cluster ?name ?name_pl ?stated WHERE {
  ?cluster a kc:ClusterInitiative ; rdfs:label ?name . FILTER(LANG(?name) = "en")
  OPTIONAL { ?cluster rdfs:label ?name_pl . FILTER(LANG(?name_pl) = "pl") }
  OPTIONAL { ?cluster kc:memberCount/kc:statedAs ?stated }
} ORDER BY ?name
"""

LICENSE = f"""
SELECT ?license WHERE {{ <{ONTOLOGY_IRI}> <{DCTERMS}license> ?license }} LIMIT 1
"""


def _with_resource(template: str, iri: str) -> str:
    # The IRI is built from a path checked against _SLUG, so it is safe as an N3 term.
    return template.replace("$HASH", Literal(iri + "#").n3()).replace("$R", URIRef(iri).n3())


@dataclass
class Description:
    iri: str
    triples: list[Triple]
    labels: dict[str, list[Literal]]  # labels of everything mentioned, predicates included


def local_href(iri: str) -> str:
    """Where an IRI is dereferenced from a page of this server."""
    if iri.startswith(BASE_IRI):
        return "/" + iri[len(BASE_IRI) :]
    return iri


def curie(iri: str) -> str:
    for prefix, namespace in F.PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def pick_label(labels: list[Literal] | None, lang: str = "en") -> str | None:
    if not labels:
        return None
    for literal in labels:
        if literal.language == lang:
            return str(literal)
    for literal in labels:
        if not literal.language:
            return str(literal)
    return str(labels[0])


class Site:
    """The state behind the app: the store, caches, the query workers, the templates."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = settings.store
        self.cache: dict[tuple, Response] = {}
        self.pool = None
        self.templates = jinja2.Environment(
            loader=jinja2.PackageLoader("krakow_clusters", "templates/server"),
            autoescape=jinja2.select_autoescape(["html"]),
            undefined=jinja2.StrictUndefined,
        )
        self.license: str | None = None

    # -- store access

    async def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        return await run_in_threadpool(self.store.query, sparql, bindings)

    async def startup(self) -> None:
        if self.settings.embedded and self.settings.dataset_files:
            from .querypool import QueryPool

            self.pool = QueryPool(
                self.settings.dataset_files,
                size=self.settings.query_workers,
                timeout=self.settings.query_timeout,
            )
            await self.pool.start()
        try:
            answer = await self.query(LICENSE)
            self.license = str(answer.rows[0][0]) if answer.rows else None
        except CouldNotRun:
            self.license = None

    async def shutdown(self) -> None:
        if self.pool is not None:
            self.pool.close()

    async def labels(self, iris: set[str]) -> list[Triple]:
        """The label triples (rdfs:label, skos:prefLabel, dcterms:title) of `iris`."""
        iris = {i for i in iris if _safe_iri(i)}
        if not iris:
            return []
        values = " ".join(URIRef(i).n3() for i in sorted(iris))
        answer = await self.query(LABELS.replace("$IRIS", values))
        return [(x, p, label) for x, p, label in answer.rows if isinstance(label, Literal)]

    async def describe(self, iri: str, ontology: bool = False) -> Description:
        template = ONTOLOGY_QUERY if ontology else DESCRIBE
        answer = await self.query(_with_resource(template, iri))
        triples = set(answer.triples)
        subjects = {str(s) for s, _p, _o in triples}
        mentioned = {str(o) for _s, _p, o in triples if isinstance(o, URIRef)}
        mentioned |= {str(s) for s, _p, o in triples if str(o) == iri}
        predicates = {str(p) for _s, p, _o in triples}
        # Documents of hash IRIs that point here (a cluster's #coordinator role), for HTML.
        documents = {m.split("#", 1)[0] for m in mentioned if "#" in m}
        label_triples = await self.labels(mentioned | predicates | subjects | documents)
        # The RDF answer carries the labels of what it points to (as the data states them), not
        # those of its predicates; the HTML page uses both.
        pointed = mentioned - subjects
        triples |= {t for t in label_triples if str(t[0]) in pointed}
        return Description(iri, sorted(triples), _label_index(label_triples))

    def render(self, name: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("license", self.license)
        context.setdefault("source", SOURCE_ARTICLE)
        context.setdefault("alternates", [])
        context.setdefault("remote", self.settings.endpoint)
        body = self.templates.get_template(name).render(**context)
        return Response(body, status, media_type="text/html; charset=utf-8")


def _label_index(label_triples: list[Triple]) -> dict[str, list[Literal]]:
    """Labels by IRI: rdfs:label first, then skos:prefLabel, then dcterms:title."""
    found: dict[str, list[tuple[int, Literal]]] = defaultdict(list)
    for x, p, label in label_triples:
        found[str(x)].append((LABEL_PROPERTIES.index(str(p)), label))
    return {iri: [label for _rank, label in sorted(pairs)] for iri, pairs in found.items()}


def _safe_iri(iri: str) -> bool:
    return bool(re.fullmatch(r'[^\s<>"{}|\\^`]+', iri))


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


# --- views ---------------------------------------------------------------------------------------


def _value_view(term: Node, desc: Description, nodes: dict[str, dict]) -> dict:
    if isinstance(term, URIRef):
        iri = str(term)
        if iri in nodes:
            return {"kind": "node", "anchor": nodes[iri]["anchor"], "label": nodes[iri]["title"]}
        label = pick_label(desc.labels.get(iri))
        if label is None and "#" in iri and iri.startswith(BASE_IRI):
            document, fragment = iri.split("#", 1)
            label = f"{pick_label(desc.labels.get(document)) or curie(document)} › {fragment}"
        label = label or curie(iri)
        return {"kind": "link", "href": local_href(iri), "label": label, "iri": iri}
    if isinstance(term, Literal):
        datatype = curie(str(term.datatype)) if term.datatype is not None else None
        return {"kind": "literal", "text": str(term), "lang": term.language, "datatype": datatype}
    return {"kind": "literal", "text": str(term), "lang": None, "datatype": None}


_FIRST = [str(RDF.type), str(RDFS.label), SKOS + "altLabel", DCTERMS + "description"]


def _properties(subject: str, desc: Description, nodes: dict[str, dict]) -> list[dict]:
    grouped: dict[str, list[Node]] = defaultdict(list)
    for s, p, o in desc.triples:
        if str(s) == subject:
            grouped[str(p)].append(o)

    def order(p: str) -> tuple:
        return (_FIRST.index(p) if p in _FIRST else len(_FIRST), _predicate_label(p, desc))

    rows = []
    for p in sorted(grouped, key=order):
        values = sorted(grouped[p], key=lambda t: (getattr(t, "language", None) != "en", str(t)))
        rows.append(
            {
                "label": _predicate_label(p, desc),
                "curie": curie(p),
                "href": local_href(p),
                "values": [_value_view(v, desc, nodes) for v in values],
            }
        )
    return rows


# English names for the standard predicates, whose vocabularies are not loaded in the store.
_NAMES = {
    "rdf:type": "type",
    "rdfs:label": "name",
    "rdfs:comment": "comment",
    "rdfs:seeAlso": "see also",
    "rdfs:isDefinedBy": "defined by",
    "rdfs:subClassOf": "subclass of",
    "rdfs:domain": "domain",
    "rdfs:range": "range",
    "owl:sameAs": "same as",
    "skos:prefLabel": "preferred name",
    "skos:altLabel": "also known as",
    "skos:definition": "definition",
    "skos:broader": "broader",
    "skos:narrower": "narrower",
    "skos:inScheme": "in scheme",
    "skos:topConceptOf": "top concept of",
    "skos:hasTopConcept": "top concept",
    "skos:exactMatch": "exact match",
    "skos:closeMatch": "close match",
    "dcterms:description": "description",
    "dcterms:source": "source",
    "dcterms:title": "title",
    "dcterms:license": "licence",
    "org:member": "member",
    "org:organization": "organisation",
    "org:role": "role",
    "schema:value": "value",
    "schema:startDate": "since",
    "schema:foundingDate": "founded",
    "schema:location": "location",
    "schema:containedInPlace": "contained in",
}


def _predicate_label(p: str, desc: Description) -> str:
    return pick_label(desc.labels.get(p)) or _NAMES.get(curie(p)) or curie(p)


def _node_title(node: str, desc: Description) -> str:
    values: dict[str, list[Node]] = defaultdict(list)
    for s, p, o in desc.triples:
        if str(s) == node:
            values[str(p)].append(o)

    def label_of(predicate: str) -> str | None:
        found = values.get(predicate)
        return pick_label(desc.labels.get(str(found[0]))) if found else None

    if values.get(KC + "statedAs"):
        return pick_label(values[KC + "statedAs"])
    role, member = label_of(ORG + "role"), label_of(ORG + "member")
    if role and member:
        return f"{role[0].upper()}{role[1:]}: {member}"
    status = label_of(KC + "statusType")
    if status:
        since = values.get(SCHEMA + "startDate")
        return f"{status} since {since[0]}" if since else status
    label = pick_label(desc.labels.get(node))
    if label:
        return label
    types = [o for s, p, o in desc.triples if str(s) == node and p == RDF.type]
    kind = pick_label(desc.labels.get(str(types[0]))) if types else None
    fragment = node.rsplit("#", 1)[1]
    return f"{kind}: {fragment}" if kind else fragment


def resource_view(desc: Description) -> dict:
    iri = desc.iri
    hash_nodes = sorted(
        {str(s) for s, _p, _o in desc.triples if str(s).startswith(iri + "#")},
    )
    nodes = {n: {"anchor": n.rsplit("#", 1)[1], "title": _node_title(n, desc)} for n in hash_nodes}
    for n in hash_nodes:
        nodes[n]["properties"] = _properties(n, desc, nodes)
    labels = [o for s, p, o in desc.triples if str(s) == iri and p == RDFS.label]
    if not labels:
        labels = desc.labels.get(iri, [])
    title = pick_label(labels, "en") or curie(iri)
    polish = sorted({str(x) for x in labels if isinstance(x, Literal) and x.language == "pl"})
    incoming = []
    for s, p, o in desc.triples:
        if str(o) == iri and not str(s).startswith(iri + "#") and str(s) != iri:
            incoming.append(
                {
                    "subject": _value_view(s, desc, {}),
                    "predicate": _predicate_label(str(p), desc),
                    "curie": curie(str(p)),
                }
            )
    incoming.sort(key=lambda r: (r["predicate"], r["subject"]["label"]))
    sources = sorted(
        {
            str(o)
            for s, p, o in desc.triples
            if str(p) == DCTERMS + "source" and isinstance(o, URIRef)
        }
    )
    return {
        "iri": iri,
        "title": title,
        "polish": polish,
        "properties": _properties(iri, desc, nodes),
        "nodes": [nodes[n] for n in hash_nodes],
        "incoming": incoming,
        "sources": [{"href": s, "label": pick_label(desc.labels.get(s)) or s} for s in sources],
    }


def _alternates(path: str) -> list[dict]:
    names = {".ttl": "Turtle", ".jsonld": "JSON-LD", ".nt": "N-Triples", ".rdf": "RDF/XML"}
    return [{"href": path + ext, "label": label} for ext, label in names.items()]


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
            answer = await site.query(CLUSTERS)
            clusters = [
                {
                    "href": local_href(str(row[0])),
                    "name": str(row[1]),
                    "name_pl": str(row[2]) if row[2] else None,
                    "stated": str(row[3]) if row[3] else None,
                }
                for row in answer.rows
            ]
            return site.render("home.html", clusters=clusters, title="Kraków innovation clusters")

        return await cached(("home",), make)

    async def resource(request: Request) -> Response:
        kind = request.path_params["kind"]
        slug, extension = _split_extension(request.path_params["slug"])
        if not (_SLUG.match(kind) and _SLUG.match(slug)):
            return await not_found(request, f"{ID_BASE}{kind}/{slug}", extension)
        iri = f"{ID_BASE}{kind}/{slug}"
        media, _ = _requested_type(request, F.RESOURCE_TYPES, extension)
        if media is None:
            return _not_acceptable(F.RESOURCE_TYPES)
        return await cached(("resource", iri, media), lambda: describe_as(iri, media, request))

    async def describe_as(iri: str, media: str, request: Request, ontology=False) -> Response:
        desc = await site.describe(iri, ontology=ontology)
        if not any(str(s) == iri or str(s).startswith(iri + "#") for s, _p, _o in desc.triples):
            return await not_found(request, iri, media)
        if media != F.HTML:
            return _rdf_response(F.serialize_graph(desc.triples, media), media)
        path = local_href(iri)
        view = resource_view(desc)
        template = "ontology.html" if ontology else "resource.html"
        response = site.render(
            template, title=view["title"], r=view, alternates=_alternates(path), path=path
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
        return _rdf_response(F.empty_graph_document(media, message), media, 404)

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
            answer = await site.query(INDEX.replace("$ID", Literal(ID_BASE).n3()))
            kinds: dict[str, list[dict]] = defaultdict(list)
            for s, label in answer.rows:
                kind = str(s)[len(ID_BASE) :].split("/", 1)[0]
                kinds[kind].append(
                    {"href": local_href(str(s)), "label": str(label) if label else str(s)}
                )
            groups = [
                {"kind": k, "items": sorted(v, key=lambda i: i["label"].lower())}
                for k, v in sorted(kinds.items())
            ]
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
            return _rdf_response(F.serialize_graph(result.triples, media), media)
        body = F.serialize_results(result, media)
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
            turtle = F.serialize_graph(result.triples, F.TURTLE).decode("utf-8")
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
            body = F.serialize_results(result, media)
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
            return _rdf_response(F.empty_graph_document(media, message), media, 404)
        if media == F.TURTLE:
            return _rdf_response(void.read_bytes(), media)
        import rdflib

        graph = rdflib.Graph()
        graph.parse(void, format="turtle")
        if media != F.HTML:
            return _rdf_response(F.serialize_graph(graph, media), media)
        # Catalogue and dataset first, then their distributions, then everything else.
        kinds = ("Catalog", "Dataset", "Distribution", "DataService")
        rank = {}
        for s, o in graph.subject_objects(RDF.type):
            for i, kind in enumerate(kinds):
                if str(o).endswith(("#" + kind, "/" + kind)):
                    rank[str(s)] = min(rank.get(str(s), 9), i)
        subjects = sorted({str(s) for s in graph.subjects()}, key=lambda s: (rank.get(s, 9), s))
        desc = Description("", list(graph), {})
        for s, p, o in graph:
            if p in (RDFS.label, URIRef(DCTERMS + "title")) and isinstance(o, Literal):
                desc.labels.setdefault(str(s), []).append(o)
        sections = []
        for subject in subjects:
            sections.append(
                {
                    "iri": subject,
                    "title": pick_label(desc.labels.get(subject)) or curie(subject),
                    "properties": _properties(subject, desc, {}),
                }
            )
        response = site.render(
            "dataset.html",
            title="Dataset description",
            sections=sections,
            alternates=_alternates(request.url.path),
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
            from .graph import inject_values

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
                    {"kind": "link", "href": local_href(str(term)), "label": curie(str(term))}
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

    from .graph import EmbeddedStore, RemoteStore

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

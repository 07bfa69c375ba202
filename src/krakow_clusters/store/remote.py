"""A remote SPARQL 1.1 endpoint as a store, reached through SPARQLWrapper with the project's
User-Agent (`httpclient.user_agent`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import rdflib
from rdflib.term import Node

from ..errors import CouldNotRun, one_line
from ..formats.media import SPARQL_JSON
from ..formats.results import parse_results
from ..httpclient import split_credentials, user_agent
from ..rdf.results import QueryResult, QuerySyntaxError, QueryTimeout, limited
from ..rdf.sparqltext import inject_values, query_form, strip_comments

_WRAPPER_STATUS = {
    "QueryBadFormed": "HTTP 400 (the query was refused)",
    "Unauthorized": "HTTP 401 (unauthorized)",
    "EndPointNotFound": "HTTP 404 (no SPARQL endpoint at this address)",
    "URITooLong": "HTTP 414 (URI too long)",
    "EndPointInternalError": "HTTP 500 (server error)",
}


class RemoteStore:
    """Any SPARQL 1.1 endpoint, reached through SPARQLWrapper with the same `query()` as the
    embedded store.

    Parameters travel as a VALUES block of serialized RDF terms (`inject_values`), never as raw
    text. Query parameters in the endpoint URL (such as `?default-graph-uri=…`) are sent with
    every query; credentials, when given (or written in the URL, which is then shown without
    them), with HTTP basic auth. Errors of the network or the
    server become one-line CouldNotRun (QuerySyntaxError for a refused query, QueryTimeout for
    no answer in time).
    """

    # Its data may change at any time (another process publishes): nothing is kept, and there
    # are no files for worker processes to load.
    can_cache = False
    source_files: tuple[Path, ...] = ()

    def __init__(
        self,
        endpoint: str,
        timeout: float = 30.0,
        user: str | None = None,
        password: str | None = None,
    ) -> None:
        endpoint, url_user, url_password = split_credentials(endpoint, "endpoint")
        if user is None and url_user is not None:
            user, password = url_user, url_password
        if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", endpoint):
            raise CouldNotRun(f"endpoint {endpoint!r} is not an http(s) URL")
        parts = urlsplit(endpoint)
        self.endpoint = urlunsplit(parts._replace(query="", fragment=""))
        self.parameters = parse_qsl(parts.query)
        self.timeout = timeout
        self._credentials = (user, password) if user else None

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        max_results: int | None = None,
    ) -> QueryResult:
        import http.client
        import urllib.error

        from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        # Without comments: SPARQLWrapper guesses the query form from the text, and a word in a
        # comment ("add", "load") would make it send the query as an update.
        text = strip_comments(inject_values(sparql, bindings or {}))
        wrapper = SPARQLWrapper(self.endpoint, agent=user_agent())
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        # SPARQLWrapper takes whole seconds; the socket timeout restarts with each packet.
        wrapper.setTimeout(int(max(1, self.timeout)))
        for name, value in self.parameters:
            wrapper.addParameter(name, value)
        if self._credentials:
            wrapper.setCredentials(*self._credentials)
        wrapper.setQuery(text)
        form = query_form(text)
        if wrapper.queryType not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            raise QuerySyntaxError(f"not a SPARQL query (a {wrapper.queryType} request?)")
        if wrapper.queryType != form:
            raise CouldNotRun("cannot send this query: its form is unclear to SPARQLWrapper")
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        wrapper.setReturnFormat(TURTLE if graph_form else JSON)
        where = f"endpoint {self.endpoint}"
        too_slow = f"{where} did not answer within {self.timeout:g} s"
        try:
            response = wrapper.query().response
            body = response.read()
        except SPARQLWrapperException as exc:
            status = _WRAPPER_STATUS.get(type(exc).__name__, "an error")
            response = getattr(exc, "response", None) or b""
            if isinstance(response, bytes):
                response = response.decode("utf-8", "replace")
            first = next((line for line in str(response).splitlines() if line.strip()), "")
            detail = f": {' '.join(first.split())[:200]}" if first else ""
            error = QuerySyntaxError if type(exc).__name__ == "QueryBadFormed" else CouldNotRun
            raise error(f"{where} answered {status}{detail}") from None
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise CouldNotRun(f"{where} refused access (HTTP {exc.code})") from None
            raise CouldNotRun(f"{where} answered HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise QueryTimeout(too_slow) from None
            raise CouldNotRun(f"{where} is unreachable: {one_line(reason)}") from None
        except TimeoutError:
            raise QueryTimeout(too_slow) from None
        except http.client.IncompleteRead as exc:
            # Not an OSError: a Content-Length larger than the body the endpoint sent.
            raise CouldNotRun(
                f"{where} cut its answer short ({len(exc.partial)} bytes of "
                f"{len(exc.partial) + (exc.expected or 0)} announced)"
            ) from None
        except (OSError, ValueError, http.client.HTTPException) as exc:
            raise CouldNotRun(f"{where} failed: {one_line(exc)}") from None
        if graph_form:
            graph = rdflib.Graph()
            try:
                graph.parse(data=body, format="turtle")
            except Exception as exc:  # rdflib raises many kinds of parse error
                raise CouldNotRun(f"{where} did not answer with Turtle: {one_line(exc)}") from None
            return QueryResult("graph", triples=sorted(limited(graph, max_results, "triples")))
        try:
            result = parse_results(body, SPARQL_JSON, max_results)
        except ValueError as exc:
            raise CouldNotRun(
                f"{where} did not answer with SPARQL JSON results: {one_line(exc)}"
            ) from None
        if _BOOLEAN.encode() in body:
            result.rows = [tuple(_canonical_boolean(term) for term in row) for row in result.rows]
        return result


_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_BOOLEAN_FORMS = {"1": "true", "0": "false"}


def _canonical_boolean(term: Node | None) -> Node | None:
    """An xsd:boolean in its canonical form: "1" and "0" are the same values as "true" and
    "false" (XML Schema), and Virtuoso writes every boolean so; rows then read the same from
    every store."""
    if (
        isinstance(term, rdflib.Literal)
        and str(term.datatype) == _BOOLEAN
        and str(term) in _BOOLEAN_FORMS
    ):
        return rdflib.Literal(_BOOLEAN_FORMS[str(term)], datatype=term.datatype, normalize=False)
    return term

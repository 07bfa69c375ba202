"""Which remote SPARQL endpoints the public server may ask on a visitor's behalf: none, unless the
operator names them (`serve --allow-service URL`).

A `SERVICE <url>` clause makes the engine fetch `url` and join what it says: on a public host that
is an open proxy into the host's network. So every query text that reaches an engine from a
visitor (/sparql, the saved queries with their parameters) is read first, and each SERVICE clause
must name, literally, an endpoint of the allow-list. The test is on the tokens of the query
(strings, IRIs and comments skipped whole, so a word inside them is not a clause), and it errs
towards refusing: a SERVICE whose endpoint is a variable left unbound, a prefixed name or a
relative IRI is refused even when it would resolve to an allowed endpoint. LOAD is an update and
never reaches an engine (see rdf.sparqltext.is_update).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from rdflib import URIRef
from rdflib.term import Node

from ..rdf.sparqltext import is_absolute_iri, tokens


class FederationRefused(ValueError):
    """A query asks an endpoint that the server does not allow (a 400, said in one line)."""


def refusal(endpoint: str | None, allowed: Collection[str]) -> str:
    """The one line that says why a SERVICE clause was refused, and what would allow it."""
    what = f"SERVICE <{endpoint}>" if endpoint else "a SERVICE clause whose endpoint is not an IRI"
    if not allowed:
        return (
            f"federation is off on this server: {what} is refused (the server asks no other "
            "endpoint on a visitor's behalf; its operator can allow some with "
            "`serve --allow-service URL`)"
        )
    names = ", ".join(f"<{a}>" for a in sorted(allowed))
    return f"{what} is refused: this server asks only {names} (write the endpoint's IRI in full)"


def service_endpoints(sparql: str, bindings: Mapping[str, Node] | None = None) -> list[str | None]:
    """The endpoints of the query's SERVICE clauses, in order: an IRI written in full, or the IRI
    bound to the clause's variable; None for one that cannot be known from the text alone."""
    found = [t for t in tokens(sparql) if t[0] != "comment"]
    endpoints: list[str | None] = []
    for i, (kind, value, _start, _end) in enumerate(found):
        if kind != "word" or value.upper() != "SERVICE":
            continue
        rest = found[i + 1 : i + 3]
        if rest and rest[0][0] == "word" and rest[0][1].upper() == "SILENT":
            rest = rest[1:]
        target = rest[0] if rest else None
        endpoint: str | None = None
        if target is not None and target[0] == "iri":
            iri = target[1][1:-1]
            endpoint = iri if is_absolute_iri(iri) else None
        elif target is not None and target[0] == "var":
            bound = (bindings or {}).get(target[1][1:])
            endpoint = str(bound) if isinstance(bound, URIRef) else None
        endpoints.append(endpoint)
    return endpoints


def check_federation(
    sparql: str, allowed: Collection[str], bindings: Mapping[str, Node] | None = None
) -> None:
    """FederationRefused unless every SERVICE clause of the query names an allowed endpoint."""
    for endpoint in service_endpoints(sparql, bindings):
        if endpoint is None or endpoint not in allowed:
            raise FederationRefused(refusal(endpoint, allowed))


def federates(sparql: str) -> bool:
    """Whether the query has a SERVICE clause (it makes the engine call another server)."""
    return bool(service_endpoints(sparql))

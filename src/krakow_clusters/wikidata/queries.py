"""The SPARQL asked of a Wikidata-shaped endpoint: item facts, exact labels, entity search."""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Literal, URIRef

from ..rdf.namespaces import NAMESPACES
from .resources import qid

# Wikidata's RDF has schema:version and schema:description under http://schema.org/, not under the
# project's https://schema.org/.
WIKIDATA_SCHEMA = "http://schema.org/"

# The PREFIX lines every query below starts with.
QUERY_PROLOGUE = (
    "".join(f"PREFIX {prefix}: <{NAMESPACES[prefix]}>\n" for prefix in ("wd", "wdt", "rdfs", "owl"))
    + f"PREFIX schema: <{WIKIDATA_SCHEMA}>\n"
)


def sparql_string(text: str, lang: str | None = None) -> str:
    """A SPARQL string literal with every special character escaped."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"' + (f"@{lang}" if lang else "")


def facts_query(items: Sequence[URIRef]) -> str:
    """One query for the labels, descriptions, classes, country and location of some items.

    Every Wikidata item has schema:version; a redirected item has only owl:sameAs to its target.
    """
    values = " ".join(f"wd:{qid(i)}" for i in items)
    return (
        QUERY_PROLOGUE
        + f"""SELECT ?item ?prop ?value ?valueLabel WHERE {{
  VALUES ?item {{ {values} }}
  {{ ?item schema:version ?value . BIND("version" AS ?prop) }}
  UNION {{ ?item owl:sameAs ?value . BIND("redirect" AS ?prop) }}
  UNION {{ ?item rdfs:label ?value . FILTER(LANG(?value) IN ("en", "pl")) BIND("label" AS ?prop) }}
  UNION {{ ?item schema:description ?value . FILTER(LANG(?value) IN ("en", "pl"))
           BIND("description" AS ?prop) }}
  UNION {{ ?item wdt:P31 ?value . BIND("P31" AS ?prop)
           OPTIONAL {{ ?value rdfs:label ?valueLabel . FILTER(LANG(?valueLabel) = "en") }} }}
  UNION {{ ?item wdt:P31/wdt:P279 ?value . BIND("P279" AS ?prop)
           OPTIONAL {{ ?value rdfs:label ?valueLabel . FILTER(LANG(?valueLabel) = "en") }} }}
  UNION {{ ?item wdt:P17 ?value . BIND("P17" AS ?prop) }}
  UNION {{ ?item wdt:P131 ?value . BIND("P131" AS ?prop) }}
}}"""
    )


def exact_label_query(labels: Sequence[Literal]) -> str:
    """The items whose rdfs:label is exactly one of these names (language included)."""
    values = " ".join(sparql_string(str(lit), lit.language) for lit in labels)
    return (
        QUERY_PROLOGUE
        + f"SELECT DISTINCT ?item ?label WHERE {{\n  VALUES ?label {{ {values} }}\n"
        + ("  ?item rdfs:label ?label .\n}")
    )


def mwapi_search_query(text: str, lang: str, limit: int = 10) -> str:
    """Wikidata's entity search through the MediaWiki API service of its query service."""
    return f"""PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX mwapi: <https://www.mediawiki.org/ontology#API/>
PREFIX bd: <http://www.bigdata.com/rdf#>
SELECT ?item WHERE {{
  SERVICE wikibase:mwapi {{
    bd:serviceParam wikibase:endpoint "www.wikidata.org" ;
                    wikibase:api "EntitySearch" ;
                    mwapi:search {sparql_string(text)} ;
                    mwapi:language "{lang}" .
    ?item wikibase:apiOutputItem mwapi:item .
  }}
}} LIMIT {limit}"""


def contains_search_query(text: str, lang: str, limit: int = 10) -> str:
    """The stand-in for entity search on any SPARQL store: labels that contain the text.

    Fine on a small store such as the test fixture, far too slow on the whole of Wikidata.
    """
    return (
        QUERY_PROLOGUE
        + f"""SELECT DISTINCT ?item WHERE {{
  ?item rdfs:label ?label .
  FILTER(LANG(?label) = "{lang}" && CONTAINS(LCASE(STR(?label)), {sparql_string(text.lower())}))
}} ORDER BY ?item LIMIT {limit}"""
    )

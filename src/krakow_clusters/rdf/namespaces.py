"""The one namespace table and the one CURIE function: prefixed names for people, and the IRIs
people mean by them."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping

from ..errors import CouldNotRun
from ..project import BASE_IRI, GRAPH_BASE, ID_BASE, ONTOLOGY_NS

# The one table of namespace prefixes: dumps, reports, query output and pages all use it.
NAMESPACES: dict[str, str] = {
    "kc": ONTOLOGY_NS,
    "kcsh": BASE_IRI + "shapes#",
    "check": BASE_IRI + "checks/",
    "cluster": ID_BASE + "cluster/",
    "orgn": ID_BASE + "organization/",
    "place": ID_BASE + "place/",
    "sector": ID_BASE + "sector/",
    "mt": ID_BASE + "member-type/",
    "helix": ID_BASE + "helix/",
    "role": ID_BASE + "role/",
    "lf": ID_BASE + "legal-form/",
    "status": ID_BASE + "status/",
    "cq": ID_BASE + "count-qualifier/",
    "lm": ID_BASE + "link-method/",
    "link": ID_BASE + "link/",
    "scheme": ID_BASE + "scheme/",
    "graph": GRAPH_BASE,
    "work": ID_BASE + "editorial-work/",
    "agent": ID_BASE + "agent/",
    "src": "https://kma4business.metropoliakrakowska.pl/aktualnosci/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "vann": "http://purl.org/vocab/vann/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "spdx": "http://spdx.org/rdf/terms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sh": "http://www.w3.org/ns/shacl#",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
}

# The dumps use the project's prefixes, less those of validation reports.
DUMP_NAMESPACES: dict[str, str] = {
    k: v for k, v in NAMESPACES.items() if k not in ("sh", "kcsh", "check", "wdt")
}


def split_iri(iri: str, namespaces: Mapping[str, str] = NAMESPACES) -> tuple[str, str] | None:
    """(prefix, local part) for the longest namespace of the table that `iri` starts with and
    leaves something after; None when no namespace does.

    >>> split_iri("https://w3id.org/krakow-clusters/id/cluster/bim#members")
    ('cluster', 'bim#members')
    >>> split_iri("https://example.org/x") is None
    True
    """
    best: tuple[str, str] | None = None
    for prefix, namespace in namespaces.items():
        longer = best is None or len(namespace) > len(namespaces[best[0]])
        if longer and iri.startswith(namespace) and len(iri) > len(namespace):
            best = (prefix, iri[len(namespace) :])
    return best


@functools.lru_cache(maxsize=1 << 16)  # the same predicates, types and sources again and again
def curie(iri: str) -> str | None:
    """The prefixed name of an IRI with the one namespace table, for people: the longest matching
    namespace, and a local part of letters, digits, `-`, `_`, `.` and `#` (so `cluster:bim#members`
    reads as such), not ending in a dot. None when no prefix fits; each caller says what to show
    then (the IRI in full, in angle brackets or not).

    >>> curie("http://www.wikidata.org/entity/Q31487")
    'wd:Q31487'
    >>> curie("https://schema.org/a/b") is None  # a slash is no part of a local name
    True
    """
    parts = split_iri(iri)
    if parts is None:
        return None
    prefix, local = parts
    if all(c.isalnum() or c in "-_.#" for c in local) and not local.endswith("."):
        return f"{prefix}:{local}"
    return None


# Schemes of IRIs written without "//" (and a few with): a value `scheme:rest` with one of these
# is the IRI it says, where any other `name:rest` must be a prefixed name of the table.
IRI_SCHEMES = frozenset(
    {"urn", "mailto", "tag", "info", "did", "doi", "geo", "tel", "data", "http", "https", "ftp"}
)
# A prefixed name as people type it: PN_PREFIX (a letter, then letters, digits, _ - .), a colon,
# the local part (checked afterwards, as part of the whole IRI).
_PREFIXED_NAME = re.compile(r"([A-Za-z][A-Za-z0-9_.\-]*):(.*)", re.S)


def expand_curie(text: str, namespaces: Mapping[str, str] = NAMESPACES) -> str:
    """The IRI a person means by `text`, the inverse of `curie`: a prefixed name of the namespace
    table (`sector:ict`) expanded, anything else (an IRI such as `https://…` or `urn:…`, or what
    is no IRI at all, for the caller's check to refuse) as it is. CouldNotRun, in one line, for a
    prefix that is neither in the table nor a URI scheme: `secto:ict` is a typing error, not an
    IRI of the scheme "secto:" that names nothing.

    >>> expand_curie("sector:clean-energy")
    'https://w3id.org/krakow-clusters/id/sector/clean-energy'
    >>> expand_curie("https://w3id.org/krakow-clusters/id/sector/ict")
    'https://w3id.org/krakow-clusters/id/sector/ict'
    >>> expand_curie("urn:x")
    'urn:x'
    >>> expand_curie("secto:ict")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    krakow_clusters.errors.CouldNotRun: unknown prefix 'secto' in 'secto:ict'; did you mean...
    """
    match = _PREFIXED_NAME.fullmatch(text)
    if match is None:
        return text
    prefix, local = match.groups()
    if local.startswith("//"):
        return text
    if prefix in namespaces:  # the table first: a prefix of it is never read as a scheme
        return namespaces[prefix] + local
    if prefix.lower() in IRI_SCHEMES:
        return text
    close = difflib.get_close_matches(prefix, list(namespaces), n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else "prefixes: " + ", ".join(namespaces)
    shown = text if len(text) <= 80 else text[:80] + "…"
    raise CouldNotRun(f"unknown prefix {prefix!r} in {shown!r}; {hint} (or give the full IRI)")

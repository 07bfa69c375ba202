"""The one namespace table and the one CURIE function: prefixed names for people, and the IRIs
people mean by them.

The table is the project's (its prefixes under the base IRI of the settings, and the prefixes the
settings add) and the standard vocabularies': `Namespaces.of(settings)` makes it once per
identity, and every dump, report, query answer and page uses it.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..errors import CouldNotRun

if TYPE_CHECKING:
    from ..settings import Settings

# The project's own prefixes, relative to its base IRI (the kinds of resources of the model).
PROJECT_PREFIXES: dict[str, str] = {
    "kcsh": "shapes#",
    "check": "checks/",
    "cluster": "id/cluster/",
    "orgn": "id/organization/",
    "place": "id/place/",
    "sector": "id/sector/",
    "mt": "id/member-type/",
    "helix": "id/helix/",
    "role": "id/role/",
    "lf": "id/legal-form/",
    "status": "id/status/",
    "cq": "id/count-qualifier/",
    "lm": "id/link-method/",
    "link": "id/link/",
    "scheme": "id/scheme/",
    "graph": "graph/",
    "work": "id/editorial-work/",
    "agent": "id/agent/",
}
STANDARD_PREFIXES: dict[str, str] = {
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
# The prefixes of validation reports, left out of the dumps.
REPORT_ONLY = ("sh", "kcsh", "check", "wdt")


# Schemes of IRIs written without "//" (and a few with): a value `scheme:rest` with one of these
# is the IRI it says, where any other `name:rest` must be a prefixed name of the table.
IRI_SCHEMES = frozenset(
    {"urn", "mailto", "tag", "info", "did", "doi", "geo", "tel", "data", "http", "https", "ftp"}
)
# A prefixed name as people type it: PN_PREFIX (a letter, then letters, digits, _ - .), a colon,
# the local part (checked afterwards, as part of the whole IRI).
_PREFIXED_NAME = re.compile(r"([A-Za-z][A-Za-z0-9_.\-]*):(.*)", re.S)


class Namespaces:
    """The namespace table of one project: `table` (prefix -> namespace, in the order dumps
    write them), `dump` (the same less the prefixes of validation reports), and the CURIE
    functions over it.

    >>> ns = Namespaces("https://example.org/clusters/")
    >>> ns.table["cluster"], ns.table["kc"]
    ('https://example.org/clusters/id/cluster/', 'https://example.org/clusters/ontology#')
    """

    # Names seen again and again (the same predicates, types and sources) are remembered, a
    # bounded few and short ones only: visitors' answers pass here too, and the cache stays under
    # about a megabyte whatever IRIs they hold.
    CACHE = 4096
    CACHED_LENGTH = 200

    def __init__(
        self,
        base_iri: str,
        ontology_ns: str | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        self.base_iri = base_iri
        self._made_of = (base_iri, ontology_ns, dict(extra or {}))
        self.table: dict[str, str] = {"kc": ontology_ns or base_iri + "ontology#"}
        self.table |= {prefix: base_iri + path for prefix, path in PROJECT_PREFIXES.items()}
        clash = sorted(set(extra or {}) & (set(self.table) | set(STANDARD_PREFIXES)))
        if clash:
            raise CouldNotRun(
                f"settings.toml [prefixes]: {', '.join(clash)} is a prefix of the package's own; "
                "choose another name"
            )
        self.table |= dict(extra or {})
        self.table |= STANDARD_PREFIXES
        self.dump: dict[str, str] = {k: v for k, v in self.table.items() if k not in REPORT_ONLY}
        self._cached = functools.lru_cache(maxsize=self.CACHE)(self._curie)

    def curie(self, iri: str) -> str | None:
        """The prefixed name of an IRI (see `_curie`), remembered for a short IRI."""
        return self._curie(iri) if len(iri) > self.CACHED_LENGTH else self._cached(iri)

    def prologue(self, *prefixes: str) -> str:
        """The PREFIX lines of a query for some of the table's prefixes.

        >>> print(Namespaces("https://example.org/c/").prologue("kc", "skos"), end="")
        PREFIX kc: <https://example.org/c/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        """
        return "".join(f"PREFIX {p}: <{self.table[p]}>\n" for p in prefixes)

    def __reduce__(self):
        # Sent to worker processes with a query: made again there (its cache stays here).
        return (Namespaces, self._made_of)

    @classmethod
    def of(cls, settings: Settings) -> Namespaces:
        """The table of a project's settings (made once per identity)."""
        return _namespaces(
            settings.base_iri, settings.ontology_ns, tuple(settings.prefixes.items())
        )

    def split(self, iri: str, table: Mapping[str, str] | None = None) -> tuple[str, str] | None:
        """(prefix, local part) for the longest namespace of the table (or of `table`, a part of
        it) that `iri` starts with and leaves something after; None when no namespace does.

        >>> ns = Namespaces("https://example.org/clusters/")
        >>> ns.split("https://example.org/clusters/id/cluster/bim#members")
        ('cluster', 'bim#members')
        >>> ns.split("https://example.net/x") is None
        True
        """
        table = self.table if table is None else table
        best: tuple[str, str] | None = None
        for prefix, namespace in table.items():
            longer = best is None or len(namespace) > len(table[best[0]])
            if longer and iri.startswith(namespace) and len(iri) > len(namespace):
                best = (prefix, iri[len(namespace) :])
        return best

    def _curie(self, iri: str) -> str | None:
        """The prefixed name of an IRI, for people: the longest matching namespace, and a local
        part of letters, digits, `-`, `_`, `.` and `#` (so `cluster:bim#members` reads as such),
        not ending in a dot. None when no prefix fits; each caller says what to show then (the
        IRI in full, in angle brackets or not).

        >>> ns = Namespaces("https://example.org/clusters/")
        >>> ns.curie("http://www.wikidata.org/entity/Q31487")
        'wd:Q31487'
        >>> ns.curie("https://schema.org/a/b") is None  # a slash is no part of a local name
        True
        """
        parts = self.split(iri)
        if parts is None:
            return None
        prefix, local = parts
        if all(c.isalnum() or c in "-_.#" for c in local) and not local.endswith("."):
            return f"{prefix}:{local}"
        return None

    def expand(self, text: str) -> str:
        """The IRI a person means by `text`, the inverse of `curie`: a prefixed name of the table
        (`sector:ict`) expanded, anything else (an IRI such as `https://…` or `urn:…`, or what is
        no IRI at all, for the caller's check to refuse) as it is. CouldNotRun, in one line, for
        a prefix that is neither in the table nor a URI scheme: `secto:ict` is a typing error,
        not an IRI of the scheme "secto:" that names nothing.

        >>> ns = Namespaces("https://example.org/clusters/")
        >>> ns.expand("sector:clean-energy")
        'https://example.org/clusters/id/sector/clean-energy'
        >>> ns.expand("https://example.org/clusters/id/sector/ict")
        'https://example.org/clusters/id/sector/ict'
        >>> ns.expand("urn:x")
        'urn:x'
        >>> ns.expand("secto:ict")  # doctest: +ELLIPSIS
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
        if prefix in self.table:  # the table first: a prefix of it is never read as a scheme
            return self.table[prefix] + local
        if prefix.lower() in IRI_SCHEMES:
            return text
        close = difflib.get_close_matches(prefix, list(self.table), n=3, cutoff=0.6)
        hint = (
            f"did you mean {', '.join(close)}?" if close else "prefixes: " + ", ".join(self.table)
        )
        shown = text if len(text) <= 80 else text[:80] + "…"
        raise CouldNotRun(f"unknown prefix {prefix!r} in {shown!r}; {hint} (or give the full IRI)")


@functools.lru_cache(maxsize=8)  # one identity per process, a few in the tests
def _namespaces(base_iri: str, ontology_ns: str, extra: tuple[tuple[str, str], ...]) -> Namespaces:
    return Namespaces(base_iri, ontology_ns, dict(extra))

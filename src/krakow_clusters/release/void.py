"""void.ttl: the DCAT-AP 3.0.1 description of the dataset and of every file of the release
(title, media type, size, SHA-256), and the VoID statistics and Wikidata linksets computed from
the data. Written after every file it describes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, SDO, VOID
from rdflib.term import Node

from ..errors import CouldNotRun
from ..formats import media as F
from ..formats.rdf import serialize_turtle
from ..pages.i18n import N_, has_catalogue, language_name, translator
from ..rdf.namespaces import STANDARD_PREFIXES, Namespaces
from ..rdf.sparqltext import fill
from ..rdf.terms import Triple
from ..settings import Settings
from ..store.embedded import EmbeddedStore
from .context import BuildContext
from .dumps import DUMP
from .jsonld import CONTEXT_FILE, FRAMED_FILE
from .ontology import ONTOLOGY_DIR
from .overview import OVERVIEW_FILE

VOID_FILE = "void.ttl"

# From the one table: rdflib's DCAT is DCAT 2, without DCAT 3's dcat:version.
DCAT = Namespace(STANDARD_PREFIXES["dcat"])
SPDX = Namespace(STANDARD_PREFIXES["spdx"])
VCARD = Namespace(STANDARD_PREFIXES["vcard"])
WD = STANDARD_PREFIXES["wd"]
IANA = "http://www.iana.org/assignments/media-types/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
# The EU's language authority names a language by its ISO 639-2/B code: those of the EU's
# official languages and a few neighbours'; a language missing here is left out of dct:language.
EU_LANGUAGES = {
    "bg": "BUL", "cs": "CES", "da": "DAN", "de": "DEU", "el": "ELL", "en": "ENG", "es": "SPA",
    "et": "EST", "fi": "FIN", "fr": "FRA", "ga": "GLE", "hr": "HRV", "hu": "HUN", "it": "ITA",
    "lt": "LIT", "lv": "LAV", "mt": "MLT", "nl": "NLD", "pl": "POL", "pt": "POR", "ro": "RON",
    "sk": "SLK", "sl": "SLV", "sv": "SWE", "uk": "UKR", "no": "NOR", "is": "ISL",
}  # fmt: skip

DISTRIBUTION_TITLES = {
    f"{DUMP}.ttl": N_("The whole dataset as Turtle"),
    f"{DUMP}.nt": N_("The whole dataset as N-Triples"),
    f"{DUMP}.jsonld": N_("The whole dataset as JSON-LD"),
    f"{DUMP}.trig": N_("The dataset as TriG: every statement in the named graph of its origin"),
    f"{DUMP}.nq": N_("The dataset as N-Quads: every statement in the named graph of its origin"),
    CONTEXT_FILE: N_("The JSON-LD context of the dataset"),
    FRAMED_FILE: N_("The clusters as a JSON array (framed JSON-LD)"),
    OVERVIEW_FILE: N_("Overview of the clusters as CSV"),
    f"{ONTOLOGY_DIR}/{DUMP}.ttl": N_("The ontology as Turtle"),
    f"{ONTOLOGY_DIR}/{DUMP}.jsonld": N_("The ontology as JSON-LD"),
    f"{ONTOLOGY_DIR}/context.jsonld": N_("The JSON-LD context of the ontology"),
    f"{ONTOLOGY_DIR}/{DUMP}.rdf": N_("The ontology as RDF/XML"),
}
# The ontology's documentation is written in each language of the project (release/ontology.py).
DOCUMENTATION_TITLES = {
    "en": N_("Documentation of the ontology in English"),
    "pl": N_("Documentation of the ontology in Polish"),
    "de": N_("Documentation of the ontology in German"),
}
DOCUMENTATION_IN = N_("Documentation of the ontology (%(language)s)")


def distribution_titles(languages: tuple[str, ...]) -> dict[str, str]:
    """Every file of the release that void.ttl describes, with its title (an English msgid;
    empty for a documentation page in a language of no title of its own: DOCUMENTATION_IN)."""
    titles = dict(DISTRIBUTION_TITLES)
    for lang in languages:
        titles[f"{ONTOLOGY_DIR}/index.{lang}.html"] = DOCUMENTATION_TITLES.get(lang, "")
    return titles


def _translated(message: str, languages: tuple[str, ...], **values: str) -> list[Literal]:
    """`message` in each of the project's languages that has a catalogue, tagged with it."""
    found = []
    for lang in languages:
        if has_catalogue(lang):
            text = translator(lang).gettext(message)
            found.append(Literal(text % values if values else text, lang=lang))
    return found


DUMP_FILES = (f"{DUMP}.ttl", f"{DUMP}.nt", f"{DUMP}.jsonld", f"{DUMP}.trig", f"{DUMP}.nq")
LINK_PREDICATES = (OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch)


def write_void(ctx: BuildContext) -> None:
    """dist/void.ttl: the DCAT-AP 3.0.1 description of the dataset and of every file of the
    release, and the VoID statistics and linksets computed from the data."""
    triples = void_triples(ctx)
    header = ctx.header + "\nDCAT-AP 3.0.1 and VoID description of the dataset and its files."
    namespaces = Namespaces.of(ctx.settings)
    ctx.write(VOID_FILE, serialize_turtle(triples, namespaces.dump, header))


def void_triples(ctx: BuildContext) -> list[Triple]:
    """The statements of void.ttl: the catalogue and the dataset, their coverage, the publisher,
    one distribution per file, the VoID statistics, a subset per named graph, the linksets."""
    void = _Void(ctx)
    for part in (
        void.catalogue_and_dataset,
        void.coverage,
        void.agents,
        void.distributions,
        void.statistics,
        void.subsets,
        void.linksets,
    ):
        part()
    return void.triples


class _Void:
    """void.ttl being written: its nodes, and the statements made so far (`triples`)."""

    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx
        self.base, self.settings = ctx.base, ctx.settings
        self.languages = ctx.settings.languages
        self.namespaces = Namespaces.of(ctx.settings)
        self.doc = doc = ctx.base + "void"
        self.catalog, self.dataset = URIRef(doc + "#catalog"), URIRef(doc + "#dataset")
        self.publisher, self.contact = URIRef(doc + "#publisher"), URIRef(doc + "#contact-point")
        self.wikidata, self.period = URIRef(doc + "#wikidata"), URIRef(doc + "#temporal-coverage")
        self.licence = URIRef(ctx.settings.licence)
        self.date = Literal(ctx.settings.date, datatype=XSD.date)
        self.triples: list[Triple] = []

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.triples.append((s, p, o))

    def texts(self, node: Node, prop: URIRef, table: Mapping[str, str]) -> None:
        for lang in self.languages:
            self.add(node, prop, Literal(table[lang], lang=lang))

    def catalogue_and_dataset(self) -> None:
        """The catalogue and the dataset: names, publisher, dates, sources, language, theme."""
        release = self.settings
        # The catalogue and the dataset.
        self.add(self.catalog, RDF.type, DCAT.Catalog)
        self.texts(self.catalog, DCTERMS.title, release.title)
        self.texts(self.catalog, DCTERMS.description, release.description)
        self.add(self.catalog, DCTERMS.publisher, self.publisher)
        self.add(self.catalog, DCTERMS.license, self.licence)
        self.add(self.catalog, DCAT.dataset, self.dataset)
        self.add(self.catalog, FOAF.homepage, URIRef(self.base))
        self.add(self.catalog, DCTERMS.issued, self.date)
        self.add(self.catalog, DCTERMS.modified, self.date)

        for t in (DCAT.Dataset, VOID.Dataset):
            self.add(self.dataset, RDF.type, t)
        self.texts(self.dataset, DCTERMS.title, release.title)
        self.texts(self.dataset, DCTERMS.description, release.description)
        for lang in self.languages:
            for keyword in release.keywords[lang]:
                self.add(self.dataset, DCAT.keyword, Literal(keyword, lang=lang))
        self.add(self.dataset, DCTERMS.publisher, self.publisher)
        self.add(self.dataset, DCAT.contactPoint, self.contact)
        self.add(self.dataset, DCTERMS.issued, self.date)
        self.add(self.dataset, DCTERMS.modified, self.date)
        self.add(self.dataset, DCAT.version, Literal(release.version))
        self.add(self.dataset, DCAT.landingPage, URIRef(self.base))
        self.add(URIRef(self.base), RDF.type, FOAF.Document)
        for source in _sources(self.ctx.store, self.namespaces):
            self.add(self.dataset, PROV.wasDerivedFrom, source)
            # Its name as the data gives it, so that a reader of void.ttl alone can show it.
            for label in _labels(self.ctx.store, source):
                self.add(source, RDFS.label, label)
        self.add(self.dataset, DCTERMS.conformsTo, URIRef(release.ontology))
        self.add(URIRef(release.ontology), RDF.type, DCTERMS.Standard)
        for code in (EU_LANGUAGES[lang] for lang in self.languages if lang in EU_LANGUAGES):
            self.add(self.dataset, DCTERMS.language, URIRef(EU_LANGUAGE + code))
            self.add(URIRef(EU_LANGUAGE + code), RDF.type, DCTERMS.LinguisticSystem)
        theme = URIRef(EU_THEME + "ECON")
        self.add(self.dataset, DCAT.theme, theme)
        self.add(theme, RDF.type, SKOS.Concept)
        for label in _translated(N_("Economy and finance"), self.languages):
            self.add(theme, SKOS.prefLabel, label)

    def coverage(self) -> None:
        """Where and when: the settings' places; from the data's earliest date to the release."""
        release = self.settings
        for place in release.spatial:
            node = URIRef(place)
            self.add(self.dataset, DCTERMS.spatial, node)
            self.add(node, RDF.type, DCTERMS.Location)
            for label in _labels(self.ctx.store, node):
                self.add(node, RDFS.label, label)

        start = _earliest_date(self.ctx.store)
        self.add(self.dataset, DCTERMS.temporal, self.period)
        self.add(self.period, RDF.type, DCTERMS.PeriodOfTime)
        if start is not None:
            self.add(self.period, DCAT.startDate, start)
        self.add(self.period, DCAT.endDate, self.date)

    def agents(self) -> None:
        """The publisher, its contact point, the licence."""
        release = self.settings
        self.add(self.publisher, RDF.type, FOAF.Agent)
        self.add(self.publisher, RDF.type, FOAF.Organization)
        self.add(self.publisher, FOAF.name, Literal(release.publisher_name))
        self.add(self.publisher, FOAF.homepage, URIRef(release.publisher_url))
        self.add(self.contact, RDF.type, VCARD.Kind)
        self.add(self.contact, RDF.type, VCARD.Organization)
        self.add(self.contact, VCARD.fn, Literal(release.publisher_name))
        self.add(self.contact, VCARD.hasURL, URIRef(release.publisher_url))
        self.add(self.licence, RDF.type, DCTERMS.LicenseDocument)

    def distributions(self) -> None:
        """One distribution per file of the release (void.ttl cannot carry its own checksum)."""
        # One distribution per file of the release (void.ttl cannot carry its own checksum).
        sha256 = SPDX.checksumAlgorithm_sha256
        self.add(sha256, RDF.type, SPDX.ChecksumAlgorithm)
        for name, title in distribution_titles(self.languages).items():
            path = self.ctx.folder / name
            if not path.is_file():
                raise CouldNotRun(f"build: {name} was not written before void.ttl")
            content = path.read_bytes()
            slug = name.replace("/", "-").replace(".", "-")
            dist = URIRef(f"{self.doc}#distribution-{slug}")
            checksum = URIRef(f"{self.doc}#checksum-{slug}")
            url = URIRef(self.base + name)
            media = URIRef(IANA + F.FILE_TYPES[Path(name).suffix])
            self.add(self.dataset, DCAT.distribution, dist)
            self.add(dist, RDF.type, DCAT.Distribution)
            language = Path(name).suffixes[0][1:] if name.endswith(".html") else ""
            shown = {} if title else {"language": language_name(language)}
            for label in _translated(title or DOCUMENTATION_IN, self.languages, **shown):
                self.add(dist, DCTERMS.title, label)
            self.add(dist, DCAT.accessURL, url)
            self.add(dist, DCAT.downloadURL, url)
            self.add(dist, DCAT.mediaType, media)
            self.add(media, RDF.type, DCTERMS.MediaType)
            self.add(
                dist, DCAT.byteSize, Literal(str(len(content)), datatype=XSD.nonNegativeInteger)
            )
            self.add(dist, SPDX.checksum, checksum)
            self.add(checksum, RDF.type, SPDX.Checksum)
            self.add(checksum, SPDX.algorithm, sha256)
            self.add(
                checksum,
                SPDX.checksumValue,
                Literal(hashlib.sha256(content).hexdigest(), datatype=XSD.hexBinary),
            )
            self.add(dist, DCTERMS.license, self.licence)
            self.add(dist, DCTERMS.issued, self.date)
            if name in DUMP_FILES:
                self.add(self.dataset, VOID.dataDump, url)

    def statistics(self) -> None:
        """VoID: statistics computed from the data."""
        release = self.settings
        # VoID: statistics computed from the data.
        self.add(self.dataset, VOID.sparqlEndpoint, URIRef(self.base + "sparql"))
        self.add(self.dataset, VOID.uriSpace, Literal(release.id_base))
        stats = void_statistics(self.ctx.store)
        for figure, value in stats.items():
            if not figure.endswith("_partition"):
                self.add(self.dataset, VOID[figure], Literal(value))
        for cls, entities in stats["classes_partition"].items():
            node = URIRef(f"{self.doc}#class-{_slug(cls, self.namespaces)}")
            self.add(self.dataset, VOID.classPartition, node)
            self.add(node, VOID["class"], URIRef(cls))
            self.add(node, VOID.entities, Literal(entities))
        for prop, count in stats["properties_partition"].items():
            node = URIRef(f"{self.doc}#property-{_slug(prop, self.namespaces)}")
            self.add(self.dataset, VOID.propertyPartition, node)
            self.add(node, VOID.property, URIRef(prop))
            self.add(node, VOID.triples, Literal(count))
        for vocabulary in sorted(_vocabularies(stats, release, self.namespaces)):
            self.add(self.dataset, VOID.vocabulary, URIRef(vocabulary))

    def subsets(self) -> None:
        """One subset per named graph: its size, its name and where it comes from."""
        # One subset per named graph: its size, its name and where it comes from, as the data says.
        for name, count in graph_sizes(self.ctx.store).items():
            node = URIRef(name)
            self.add(self.dataset, VOID.subset, node)
            self.add(node, RDF.type, VOID.Dataset)
            self.add(node, VOID.triples, Literal(count))
            for s_, p_, o_ in self.ctx.store.query(GRAPH_DESCRIPTION, {"graph": node}).triples:
                self.add(s_, p_, o_)

    def linksets(self) -> None:
        """Linksets: the reviewed links to Wikidata, one per link predicate."""
        # Linksets: the reviewed links to Wikidata, one per link predicate.
        self.add(self.wikidata, RDF.type, VOID.Dataset)
        self.add(self.wikidata, DCTERMS.title, Literal("Wikidata", lang="en"))
        self.add(self.wikidata, FOAF.homepage, URIRef("https://www.wikidata.org/"))
        self.add(self.wikidata, VOID.uriSpace, Literal(WD))
        self.add(self.wikidata, VOID.sparqlEndpoint, URIRef("https://query.wikidata.org/sparql"))
        for predicate, count in wikidata_links(self.ctx.store).items():
            node = URIRef(f"{self.doc}#links-wikidata-{_slug(predicate, self.namespaces)}")
            self.add(node, RDF.type, VOID.Linkset)
            self.add(node, VOID.subjectsTarget, self.dataset)
            self.add(node, VOID.objectsTarget, self.wikidata)
            self.add(node, VOID.linkPredicate, URIRef(predicate))
            self.add(node, VOID.triples, Literal(count))
            self.add(self.dataset, VOID.subset, node)


# What void.ttl repeats of a graph's own description in the data: names, source, attribution.
GRAPH_DESCRIPTION = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
CONSTRUCT { ?graph dcterms:title ?label ; ?p ?o } WHERE {
  { ?graph rdfs:label ?label }
  UNION
  { ?graph ?p ?o
    VALUES ?p {
      dcterms:source prov:wasDerivedFrom prov:wasAttributedTo dcterms:type dcterms:created
    } }
}
"""

GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def graph_sizes(store: EmbeddedStore) -> dict[str, int]:
    """The number of triples of each named graph, by graph IRI, sorted."""
    rows = store.query(GRAPH_SIZES).rows
    return {str(g): int(n) for g, n in sorted(rows, key=lambda r: str(r[0]))}


# The VoID figures are counted by the store, a pass over its indexes each, with no Python object
# per triple: at a million triples about 1.5 s, where a Python pass over the triples took 6 s and
# held them all (0.4 GB). tests/test_void.py compares them with a count in Python.
TOTALS = """
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
WHERE { ?s ?p ?o }
"""
ENTITIES = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s)) }"
CLASS_PARTITIONS = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class"
PROPERTY_PARTITIONS = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
LINKS = """
SELECT ?p (COUNT(*) AS ?n) WHERE {
  VALUES ?p { $PREDICATES }
  ?s ?p ?o
  FILTER(STRSTARTS(STR(?o), $WD))
} GROUP BY ?p
"""
DATES = (
    "SELECT ?o WHERE {\n"
    f"  VALUES ?p {{ <{SDO.foundingDate}> <{SDO.startDate}> }}\n"
    "  ?s ?p ?o\n"
    f"  FILTER(isLiteral(?o) && DATATYPE(?o) IN (<{XSD.date}>, <{XSD.gYear}>))\n"
    "}\n"
)


def void_statistics(store: EmbeddedStore) -> dict:
    """VoID figures of the dataset: triples, entities, classes, properties, distinct subjects and
    objects, and the class and property partitions (sorted by IRI)."""
    triples, subjects, objects = (int(x) for x in store.query(TOTALS).rows[0])
    classes = {str(c): int(n) for c, n in store.query(CLASS_PARTITIONS).rows}
    properties = {str(p): int(n) for p, n in store.query(PROPERTY_PARTITIONS).rows}
    return {
        "triples": triples,
        "entities": int(store.query(ENTITIES).rows[0][0]),
        "classes": len(classes),
        "properties": len(properties),
        "distinctSubjects": subjects,
        "distinctObjects": objects,
        "classes_partition": dict(sorted(classes.items())),
        "properties_partition": dict(sorted(properties.items())),
    }


def wikidata_links(store: EmbeddedStore) -> dict[str, int]:
    """How many links to Wikidata the data holds, by link predicate."""
    query = fill(LINKS, PREDICATES=LINK_PREDICATES, WD=Literal(WD))
    return dict(sorted((str(p), int(n)) for p, n in store.query(query).rows))


def _vocabularies(stats: dict, settings: Settings, namespaces: Namespaces) -> set[str]:
    """The vocabularies whose terms the data uses, as properties or as classes (not the
    project's resources, its sources' sites or Wikidata's items)."""
    used = set(stats["properties_partition"]) | set(stats["classes_partition"])
    known = {ns for ns in namespaces.dump.values() if not ns.startswith(settings.id_base)}
    known -= {*settings.prefixes.values(), WD}
    return {ns for ns in known if any(term.startswith(ns) for term in used)}


def _slug(iri: str, namespaces: Namespaces) -> str:
    """The fragment that names a class, property or linkset in void.ttl: `kc-ClusterInitiative`."""
    parts = namespaces.split(iri, namespaces.dump)
    if parts is not None:
        return "-".join(parts)
    return hashlib.sha1(iri.encode()).hexdigest()[:12]


def _labels(store: EmbeddedStore, node: URIRef) -> list[Literal]:
    """rdfs:label of a place, or of the project's place that is owl:sameAs the given IRI."""

    def labels_of(subject: Node) -> list[Literal]:
        # Oxigraph binds only variables that are projected.
        query = f"SELECT ?node ?label WHERE {{ ?node <{RDFS.label}> ?label }}"
        return sorted((label for _, label in store.query(query, {"node": subject}).rows), key=str)

    labels = labels_of(node)
    if not labels:
        query = f"SELECT ?node ?same WHERE {{ ?same <{OWL.sameAs}> ?node }}"
        for _, same in sorted(store.query(query, {"node": node}).rows, key=lambda row: str(row[1])):
            labels = labels_of(same)
            if labels:
                break
    return labels


SOURCES = """
SELECT DISTINCT ?kind ?source WHERE {
  ?graph a ?kind ; <http://purl.org/dc/terms/source> ?source
} ORDER BY ?source
"""


def _sources(store: EmbeddedStore, namespaces: Namespaces) -> list[URIRef]:
    """What the dataset is derived from, as the data says: the source of each source graph
    (data/graphs.ttl)."""
    kind = URIRef(namespaces.table["kc"] + "SourceGraph")
    # Oxigraph binds only variables that are projected.
    return [URIRef(str(row[1])) for row in store.query(SOURCES, {"kind": kind}).rows]


def _earliest_date(store: EmbeddedStore) -> Literal | None:
    """The earliest date the data states (founding years, status start dates), compared as
    written (an xsd:gYear "2012" before an xsd:date "2012-05-01")."""
    dated = [row[0] for row in store.query(DATES).rows]
    return min(dated, key=str) if dated else None

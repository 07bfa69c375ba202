"""void.ttl: the DCAT-AP 3.0.1 description of the dataset and of every file of the release
(title, media type, size, SHA-256), and the VoID statistics and Wikidata linksets computed from
the data. Written after every file it describes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, SDO, VOID
from rdflib.term import Node

from ..errors import CouldNotRun
from ..formats import media as F
from ..formats.rdf import serialize_turtle
from ..project import BASE_IRI, ID_BASE, ONTOLOGY_IRI, SOURCE_ARTICLE
from ..rdf.namespaces import DUMP_NAMESPACES, NAMESPACES, split_iri
from ..rdf.terms import Triple
from ..store.embedded import EmbeddedStore
from .context import BuildContext
from .dumps import DUMP
from .jsonld import CONTEXT_FILE, FRAMED_FILE
from .ontology import ONTOLOGY_DIR
from .overview import OVERVIEW_FILE

VOID_FILE = "void.ttl"
EVIDENCE_LIST = ID_BASE + "source/identifier-evidence-list"

# From the one table: rdflib's DCAT is DCAT 2, without DCAT 3's dcat:version.
DCAT = Namespace(NAMESPACES["dcat"])
SPDX = Namespace(NAMESPACES["spdx"])
VCARD = Namespace(NAMESPACES["vcard"])
WD = NAMESPACES["wd"]
IANA = "http://www.iana.org/assignments/media-types/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"

DISTRIBUTION_TITLES = {
    f"{DUMP}.ttl": ("The whole dataset as Turtle", "Cały zbiór danych w formacie Turtle"),
    f"{DUMP}.nt": ("The whole dataset as N-Triples", "Cały zbiór danych w formacie N-Triples"),
    f"{DUMP}.jsonld": ("The whole dataset as JSON-LD", "Cały zbiór danych w formacie JSON-LD"),
    f"{DUMP}.trig": (
        "The dataset as TriG: every statement in the named graph of its origin",
        "Zbiór danych w formacie TriG: każde stwierdzenie w nazwanym grafie swojego pochodzenia",
    ),
    f"{DUMP}.nq": (
        "The dataset as N-Quads: every statement in the named graph of its origin",
        "Zbiór danych w formacie N-Quads: każde stwierdzenie w nazwanym grafie swojego pochodzenia",
    ),
    CONTEXT_FILE: ("The JSON-LD context of the dataset", "Kontekst JSON-LD zbioru danych"),
    FRAMED_FILE: (
        "The clusters as a JSON array (framed JSON-LD)",
        "Klastry jako tablica JSON (JSON-LD w ramce)",
    ),
    OVERVIEW_FILE: (
        "Overview of the clusters as CSV",
        "Przegląd klastrów w formacie CSV",
    ),
    f"{ONTOLOGY_DIR}/{DUMP}.ttl": ("The ontology as Turtle", "Ontologia w formacie Turtle"),
    f"{ONTOLOGY_DIR}/{DUMP}.jsonld": ("The ontology as JSON-LD", "Ontologia w formacie JSON-LD"),
    f"{ONTOLOGY_DIR}/context.jsonld": (
        "The JSON-LD context of the ontology",
        "Kontekst JSON-LD ontologii",
    ),
    f"{ONTOLOGY_DIR}/{DUMP}.rdf": ("The ontology as RDF/XML", "Ontologia w formacie RDF/XML"),
    f"{ONTOLOGY_DIR}/index.en.html": (
        "Documentation of the ontology in English",
        "Dokumentacja ontologii po angielsku",
    ),
    f"{ONTOLOGY_DIR}/index.pl.html": (
        "Documentation of the ontology in Polish",
        "Dokumentacja ontologii po polsku",
    ),
}

DUMP_FILES = (f"{DUMP}.ttl", f"{DUMP}.nt", f"{DUMP}.jsonld", f"{DUMP}.trig", f"{DUMP}.nq")
LINK_PREDICATES = (OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch)


def write_void(ctx: BuildContext) -> None:
    """dist/void.ttl: the DCAT-AP 3.0.1 description of the dataset and of every file of the
    release, and the VoID statistics and linksets computed from the data."""
    triples = void_triples(ctx)
    header = ctx.header + "\nDCAT-AP 3.0.1 and VoID description of the dataset and its files."
    ctx.write(VOID_FILE, serialize_turtle(triples, DUMP_NAMESPACES, header))


def void_triples(ctx: BuildContext) -> list[Triple]:
    base, release = ctx.base, ctx.release
    doc = base + "void"
    catalog, dataset = URIRef(doc + "#catalog"), URIRef(doc + "#dataset")
    publisher, contact = URIRef(doc + "#publisher"), URIRef(doc + "#contact-point")
    wikidata, period = URIRef(doc + "#wikidata"), URIRef(doc + "#temporal-coverage")
    licence = URIRef(release.licence)
    date = Literal(release.date, datatype=XSD.date)
    meta = release.dataset
    g: list[Triple] = []

    def add(s: Node, p: Node, o: Node) -> None:
        g.append((s, p, o))

    def texts(node: Node, prop: URIRef, key: str) -> None:
        for lang in ("en", "pl"):
            add(node, prop, Literal(meta[f"{key}_{lang}"], lang=lang))

    # The catalogue and the dataset.
    add(catalog, RDF.type, DCAT.Catalog)
    texts(catalog, DCTERMS.title, "title")
    texts(catalog, DCTERMS.description, "description")
    add(catalog, DCTERMS.publisher, publisher)
    add(catalog, DCTERMS.license, licence)
    add(catalog, DCAT.dataset, dataset)
    add(catalog, FOAF.homepage, URIRef(base))
    add(catalog, DCTERMS.issued, date)
    add(catalog, DCTERMS.modified, date)

    for t in (DCAT.Dataset, VOID.Dataset):
        add(dataset, RDF.type, t)
    texts(dataset, DCTERMS.title, "title")
    texts(dataset, DCTERMS.description, "description")
    for lang in ("en", "pl"):
        for keyword in meta[f"keywords_{lang}"]:
            add(dataset, DCAT.keyword, Literal(keyword, lang=lang))
    add(dataset, DCTERMS.publisher, publisher)
    add(dataset, DCAT.contactPoint, contact)
    add(dataset, DCTERMS.issued, date)
    add(dataset, DCTERMS.modified, date)
    add(dataset, DCAT.version, Literal(release.version))
    add(dataset, DCAT.landingPage, URIRef(base))
    add(URIRef(base), RDF.type, FOAF.Document)
    for source in (URIRef(SOURCE_ARTICLE), URIRef(EVIDENCE_LIST)):
        add(dataset, PROV.wasDerivedFrom, source)
        # Its name as the data gives it, so that a reader of void.ttl alone can show it.
        for label in _labels(ctx.store, source):
            add(source, RDFS.label, label)
    add(dataset, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI))
    add(URIRef(ONTOLOGY_IRI), RDF.type, DCTERMS.Standard)
    for code in ("ENG", "POL"):
        add(dataset, DCTERMS.language, URIRef(EU_LANGUAGE + code))
        add(URIRef(EU_LANGUAGE + code), RDF.type, DCTERMS.LinguisticSystem)
    theme = URIRef(EU_THEME + "ECON")
    add(dataset, DCAT.theme, theme)
    add(theme, RDF.type, SKOS.Concept)
    add(theme, SKOS.prefLabel, Literal("Economy and finance", lang="en"))
    add(theme, SKOS.prefLabel, Literal("Gospodarka i finanse", lang="pl"))

    for place in meta["spatial"]:
        node = URIRef(place)
        add(dataset, DCTERMS.spatial, node)
        add(node, RDF.type, DCTERMS.Location)
        for label in _labels(ctx.store, node):
            add(node, RDFS.label, label)

    start = _earliest_date(ctx.store)
    add(dataset, DCTERMS.temporal, period)
    add(period, RDF.type, DCTERMS.PeriodOfTime)
    if start is not None:
        add(period, DCAT.startDate, start)
    add(period, DCAT.endDate, date)

    add(publisher, RDF.type, FOAF.Agent)
    add(publisher, RDF.type, FOAF.Organization)
    add(publisher, FOAF.name, Literal(release.publisher_name))
    add(publisher, FOAF.homepage, URIRef(release.publisher_url))
    add(contact, RDF.type, VCARD.Kind)
    add(contact, RDF.type, VCARD.Organization)
    add(contact, VCARD.fn, Literal(release.publisher_name))
    add(contact, VCARD.hasURL, URIRef(release.publisher_url))
    add(licence, RDF.type, DCTERMS.LicenseDocument)

    # One distribution per file of the release (void.ttl cannot carry its own checksum).
    sha256 = SPDX.checksumAlgorithm_sha256
    add(sha256, RDF.type, SPDX.ChecksumAlgorithm)
    for name, (title_en, title_pl) in DISTRIBUTION_TITLES.items():
        path = ctx.folder / name
        if not path.is_file():
            raise CouldNotRun(f"build: {name} was not written before void.ttl")
        content = path.read_bytes()
        slug = name.replace("/", "-").replace(".", "-")
        dist = URIRef(f"{doc}#distribution-{slug}")
        checksum = URIRef(f"{doc}#checksum-{slug}")
        url = URIRef(base + name)
        media = URIRef(IANA + F.FILE_TYPES[Path(name).suffix])
        add(dataset, DCAT.distribution, dist)
        add(dist, RDF.type, DCAT.Distribution)
        add(dist, DCTERMS.title, Literal(title_en, lang="en"))
        add(dist, DCTERMS.title, Literal(title_pl, lang="pl"))
        add(dist, DCAT.accessURL, url)
        add(dist, DCAT.downloadURL, url)
        add(dist, DCAT.mediaType, media)
        add(media, RDF.type, DCTERMS.MediaType)
        add(dist, DCAT.byteSize, Literal(str(len(content)), datatype=XSD.nonNegativeInteger))
        add(dist, SPDX.checksum, checksum)
        add(checksum, RDF.type, SPDX.Checksum)
        add(checksum, SPDX.algorithm, sha256)
        add(
            checksum,
            SPDX.checksumValue,
            Literal(hashlib.sha256(content).hexdigest(), datatype=XSD.hexBinary),
        )
        add(dist, DCTERMS.license, licence)
        add(dist, DCTERMS.issued, date)
        if name in DUMP_FILES:
            add(dataset, VOID.dataDump, url)

    # VoID: statistics computed from the data.
    add(dataset, VOID.sparqlEndpoint, URIRef(base + "sparql"))
    add(dataset, VOID.uriSpace, Literal(BASE_IRI + "id/"))
    stats = void_statistics(ctx.store)
    for figure, value in stats.items():
        if not figure.endswith("_partition"):
            add(dataset, VOID[figure], Literal(value))
    for cls, entities in stats["classes_partition"].items():
        node = URIRef(f"{doc}#class-{_slug(cls)}")
        add(dataset, VOID.classPartition, node)
        add(node, VOID["class"], URIRef(cls))
        add(node, VOID.entities, Literal(entities))
    for prop, count in stats["properties_partition"].items():
        node = URIRef(f"{doc}#property-{_slug(prop)}")
        add(dataset, VOID.propertyPartition, node)
        add(node, VOID.property, URIRef(prop))
        add(node, VOID.triples, Literal(count))
    for vocabulary in sorted(_vocabularies(stats)):
        add(dataset, VOID.vocabulary, URIRef(vocabulary))

    # One subset per named graph: its size, its name and where it comes from, as the data says.
    for name, count in graph_sizes(ctx.store).items():
        node = URIRef(name)
        add(dataset, VOID.subset, node)
        add(node, RDF.type, VOID.Dataset)
        add(node, VOID.triples, Literal(count))
        for s_, p_, o_ in ctx.store.query(GRAPH_DESCRIPTION, {"graph": node}).triples:
            add(s_, p_, o_)

    # Linksets: the reviewed links to Wikidata, one per link predicate.
    add(wikidata, RDF.type, VOID.Dataset)
    add(wikidata, DCTERMS.title, Literal("Wikidata", lang="en"))
    add(wikidata, FOAF.homepage, URIRef("https://www.wikidata.org/"))
    add(wikidata, VOID.uriSpace, Literal(WD))
    add(wikidata, VOID.sparqlEndpoint, URIRef("https://query.wikidata.org/sparql"))
    for predicate, count in wikidata_links(ctx.store).items():
        node = URIRef(f"{doc}#links-wikidata-{_slug(predicate)}")
        add(node, RDF.type, VOID.Linkset)
        add(node, VOID.subjectsTarget, dataset)
        add(node, VOID.objectsTarget, wikidata)
        add(node, VOID.linkPredicate, URIRef(predicate))
        add(node, VOID.triples, Literal(count))
        add(dataset, VOID.subset, node)
    return g


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
    predicates = " ".join(f"<{p}>" for p in LINK_PREDICATES)
    query = LINKS.replace("$PREDICATES", predicates).replace("$WD", Literal(WD).n3())
    return dict(sorted((str(p), int(n)) for p, n in store.query(query).rows))


def _vocabularies(stats: dict) -> set[str]:
    """The vocabularies whose terms the data uses, as properties or as classes."""
    used = set(stats["properties_partition"]) | set(stats["classes_partition"])
    known = {ns for prefix, ns in DUMP_NAMESPACES.items() if not ns.startswith(BASE_IRI + "id/")}
    known -= {DUMP_NAMESPACES["src"], DUMP_NAMESPACES["wd"]}
    return {ns for ns in known if any(term.startswith(ns) for term in used)}


def _slug(iri: str) -> str:
    """The fragment that names a class, property or linkset in void.ttl: `kc-ClusterInitiative`."""
    parts = split_iri(iri, DUMP_NAMESPACES)
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


def _earliest_date(store: EmbeddedStore) -> Literal | None:
    """The earliest date the data states (founding years, status start dates), compared as
    written (an xsd:gYear "2012" before an xsd:date "2012-05-01")."""
    dated = [row[0] for row in store.query(DATES).rows]
    return min(dated, key=str) if dated else None

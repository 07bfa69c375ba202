"""A resource as schema.org JSON-LD, embedded in its page (`<script type="application/ld+json">`).

The JSON-LD says only what the dataset says: each of its triples is a statement of the
resource's description (the resource's own, its hash nodes', the names of what they point to)
with the predicate and the classes carried over by one table, `PROPERTIES` and `CLASSES` below.
A predicate or class the table does not name is left out. Where the ontology declares the
relation (rdfs:subClassOf, rdfs:subPropertyOf a schema.org term) the table follows it; the other
rows are this project's reading of standard terms, said once here (tests/test_schemaorg.py
checks every embedded triple against the dataset under this table). A few of the dataset's own
terms that tie the nodes together (a cluster's member count, status, roles) are kept as they
are, since schema.org has none for them.

The script is data, never run, so the strict CSP allows it; `<`, `>` and `&` are written as
JSON escapes so that no string from the data can close the element.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from markupsafe import Markup
from rdflib import OWL, RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, SDO, SKOS, XSD

from ..project import ONTOLOGY_NS
from ..rdf.terms import Triple
from .describe import KC, LABEL_PROPERTIES, Description

SCHEMA = str(SDO)

# The dataset's predicate -> the schema.org predicate (or the dataset's own, kept as it is).
# Any schema.org predicate the dataset uses is carried over as it is.
PROPERTIES: dict[str, str] = {
    str(RDFS.label): str(SDO.name),
    str(SKOS.prefLabel): str(SDO.name),
    str(DCTERMS.title): str(SDO.name),
    str(SKOS.altLabel): str(SDO.alternateName),
    str(DCTERMS.description): str(SDO.description),
    str(SKOS.definition): str(SDO.description),
    str(KC.statedAs): str(SDO.description),  # a count's wording describes the value
    str(OWL.sameAs): str(SDO.sameAs),  # identity links only (closeMatch is not identity)
    str(SKOS.exactMatch): str(SDO.sameAs),
    str(KC.qualifier): str(SDO.valueReference),  # the ontology: rdfs:subPropertyOf
    str(KC.roleType): str(SDO.roleName),
    str(KC.statusType): str(SDO.roleName),
    str(SKOS.inScheme): str(SDO.inDefinedTermSet),
    str(KC.terytCode): str(SDO.identifier),
    str(DCTERMS.source): str(SDO.subjectOf),  # the source document is about the resource
    # Kept as they are: the links between a cluster and its hash nodes and sectors.
    str(KC.memberCount): str(KC.memberCount),
    str(KC.memberTypeCount): str(KC.memberTypeCount),
    str(KC.status): str(KC.status),
    str(KC.roleIn): str(KC.roleIn),
    str(KC.heldBy): str(KC.heldBy),
    str(KC.countedMemberType): str(KC.countedMemberType),
    str(KC.sector): str(KC.sector),
}

# The dataset's class -> the schema.org class. "ontology": declared by rdfs:subClassOf in
# ontology/krakow-clusters.ttl; the others are this table's.
CLASSES: dict[str, str] = {
    str(KC.ClusterInitiative): str(SDO.Organization),  # ontology
    str(KC.MemberCount): str(SDO.QuantitativeValue),  # ontology
    str(KC.StatusAssignment): str(SDO.Role),  # ontology
    str(KC.ClusterRole): str(SDO.Role),  # ontology
    str(ORG.Organization): str(SDO.Organization),
    str(SKOS.Concept): str(SDO.DefinedTerm),
    str(SKOS.ConceptScheme): str(SDO.DefinedTermSet),
    str(DCTERMS.Location): str(SDO.Place),
    str(DCTERMS.BibliographicResource): str(SDO.CreativeWork),
}

CONTEXT = {"@vocab": SCHEMA, "kc": ONTOLOGY_NS, "xsd": str(XSD)}


def schema_property(predicate: str) -> str | None:
    """The predicate of the JSON-LD for a predicate of the dataset, or None (left out)."""
    if predicate.startswith(SCHEMA):
        return predicate
    return PROPERTIES.get(predicate)


def schema_class(cls: str) -> str | None:
    """The schema.org class of the JSON-LD for a class of the dataset, or None (left out)."""
    if cls.startswith(SCHEMA):
        return cls
    return CLASSES.get(cls)


def _key(iri: str) -> str:
    if iri.startswith(SCHEMA):
        return iri[len(SCHEMA) :]
    if iri.startswith(ONTOLOGY_NS):
        return "kc:" + iri[len(ONTOLOGY_NS) :]
    return iri


def _value(term) -> dict:
    if isinstance(term, URIRef):
        return {"@id": str(term)}
    if isinstance(term, Literal):
        if term.language:
            return {"@value": str(term), "@language": term.language}
        if term.datatype is not None and term.datatype != XSD.string:
            return {"@value": str(term), "@type": str(term.datatype)}
        return {"@value": str(term)}
    raise ValueError(term)  # blank nodes are not part of a description's JSON-LD


def schema_org(desc: Description) -> dict:
    """The JSON-LD document of `desc`: the resource, its hash nodes, and the names of what they
    point to, in schema.org terms (see PROPERTIES, CLASSES)."""
    iri = desc.iri
    own = {s for s, _p, _o in desc.triples if str(s) == iri or str(s).startswith(iri + "#")}
    pointed = {o for s, _p, o in desc.triples if s in own and isinstance(o, URIRef)} - own
    nodes: dict[str, dict[str, set]] = {iri: {}}  # the resource first, even with nothing mapped
    for s, p, o in desc.triples:
        # The resource's and its hash nodes' statements, and the names of what they point to.
        if not (s in own or (s in pointed and str(p) in LABEL_PROPERTIES)):
            continue
        _collect(nodes, (s, p, o), schema_class, schema_property)
    # A count the source qualifies ("almost 50", "more than 70") has its bound: the stated number
    # stays in the description's wording, not as schema:value, which a reader takes as the count.
    bounds = {_key(str(SDO.minValue)), _key(str(SDO.maxValue))}
    for fields in nodes.values():
        if bounds & fields.keys():
            fields.pop(_key(str(SDO.value)), None)
    return _document(nodes, {iri})


def _collect(
    nodes: dict[str, dict[str, set]],
    triple: Triple,
    to_class: Callable[[str], str | None],
    to_property: Callable[[str], str | None],
) -> None:
    """Add one statement to `nodes` (subject -> JSON-LD key -> values as JSON text) in the terms
    `to_class` and `to_property` give; a statement they give none for is left out."""
    s, p, o = triple
    node = nodes.setdefault(str(s), {})
    if p == RDF.type:
        cls = to_class(str(o))
        if cls is not None:
            node.setdefault("@type", set()).add(_key(cls))
        return
    target = to_property(str(p))
    if target is not None and isinstance(o, (URIRef, Literal)):
        node.setdefault(_key(target), set()).add(json.dumps(_value(o), sort_keys=True))


def _document(nodes: dict[str, dict[str, set]], first: set[str]) -> dict:
    """The JSON-LD document of `nodes`: the subjects of `first` first (kept even when nothing of
    them was carried over), then the others that have something, each sorted."""
    graph = []
    for subject in sorted(nodes, key=lambda s: (s not in first, s)):
        fields = nodes[subject]
        if not fields and subject not in first:
            continue
        node: dict = {"@id": subject}
        for key in sorted(fields):
            values = sorted(fields[key])
            if key == "@type":
                node["@type"] = values if len(values) > 1 else values[0]
            else:
                decoded = [json.loads(v) for v in values]
                node[key] = decoded if len(decoded) > 1 else decoded[0]
        graph.append(node)
    return {"@context": CONTEXT, "@graph": graph}


def script_json(document: dict) -> Markup:
    """`document` as the text of a `<script type="application/ld+json">`: JSON whose `<`, `>`
    and `&` are escapes, so that nothing in it can end the element or open a comment."""
    text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


# The dataset page's JSON-LD: void.ttl's DCAT description of the dataset, its distributions and
# its publisher in schema.org terms (a schema:Dataset, as dataset search engines read it). Only
# what void.ttl states, under this one table.
DCAT_NS = "http://www.w3.org/ns/dcat#"
FOAF_NS = "http://xmlns.com/foaf/0.1/"
DATASET_PROPERTIES: dict[str, str] = {
    str(DCTERMS.title): str(SDO.name),
    str(DCTERMS.description): str(SDO.description),
    DCAT_NS + "keyword": str(SDO.keywords),
    str(DCTERMS.issued): str(SDO.datePublished),
    str(DCTERMS.modified): str(SDO.dateModified),
    DCAT_NS + "version": str(SDO.version),
    str(DCTERMS.publisher): str(SDO.publisher),
    DCAT_NS + "landingPage": str(SDO.url),
    str(DCTERMS.spatial): str(SDO.spatialCoverage),
    "http://www.w3.org/ns/prov#wasDerivedFrom": str(SDO.isBasedOn),
    DCAT_NS + "distribution": str(SDO.distribution),
    str(DCTERMS.license): str(SDO.license),
    DCAT_NS + "downloadURL": str(SDO.contentUrl),
    DCAT_NS + "mediaType": str(SDO.encodingFormat),
    DCAT_NS + "byteSize": str(SDO.contentSize),
    FOAF_NS + "name": str(SDO.name),
    FOAF_NS + "homepage": str(SDO.url),
}
DATASET_CLASSES: dict[str, str] = {
    DCAT_NS + "Dataset": str(SDO.Dataset),
    DCAT_NS + "Distribution": str(SDO.DataDownload),
    FOAF_NS + "Organization": str(SDO.Organization),
}


def dataset_schema_org(triples: Iterable[Triple]) -> dict:
    """The JSON-LD document of the dataset page: the dcat:Dataset of void.ttl (`triples`), its
    distributions and its publisher (see DATASET_PROPERTIES, DATASET_CLASSES)."""
    triples = sorted(triples)
    datasets = {s for s, p, o in triples if p == RDF.type and str(o) == DCAT_NS + "Dataset"}
    linked = {
        o
        for s, p, o in triples
        if s in datasets and str(p) in (DCAT_NS + "distribution", str(DCTERMS.publisher))
    }
    wanted = datasets | linked
    nodes: dict[str, dict[str, set]] = {}
    for triple in triples:
        if triple[0] in wanted:
            _collect(nodes, triple, DATASET_CLASSES.get, DATASET_PROPERTIES.get)
    return _document(nodes, {str(d) for d in datasets})

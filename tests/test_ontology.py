"""Ontology hygiene: declared terms, bilingual labels and definitions, alignment, shapes."""

from __future__ import annotations

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, URIRef
from rdflib.namespace import DCTERMS, SH

from .identity import ONTOLOGY_IRI, ONTOLOGY_NS

# The standard vocabularies the data may use without declaring their terms.
STANDARD = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/ns/org#",
    "https://schema.org/",
    "http://www.w3.org/ns/prov#",
    "http://purl.org/vocab/vann/",
}
# What an ontology term may be aligned to.
ALIGNMENT_TARGETS = (
    "http://www.w3.org/ns/org#",
    "https://schema.org/",
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
)
ALIGNMENTS = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty)


@pytest.fixture(scope="module")
def ontology(project) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in project.ontology_files():
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def data(project) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in project.data_files():
        graph.parse(path)
    return graph


def terms(ontology: rdflib.Graph) -> list[URIRef]:
    found = {
        s
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in ontology.subjects(RDF.type, kind)
    }
    return sorted(found)


def namespace_of(term: URIRef) -> str:
    text = str(term)
    cut = max(text.rfind("#"), text.rfind("/"))
    return text[: cut + 1]


def test_the_ontology_declares_terms(ontology):
    assert len(terms(ontology)) >= 15
    assert all(str(t).startswith(ONTOLOGY_NS) for t in terms(ontology))


def test_every_term_used_in_the_data_is_declared_or_standard(ontology, data):
    declared = set(terms(ontology))
    used = set(data.predicates()) | set(data.objects(None, RDF.type))
    unknown = sorted(t for t in used if t not in declared and namespace_of(t) not in STANDARD)
    assert unknown == []


def test_every_term_has_bilingual_labels_and_definitions(ontology):
    problems = []
    for term in terms(ontology):
        for prop in (RDFS.label, SKOS.definition):
            langs = {o.language for o in ontology.objects(term, prop)}
            if not {"en", "pl"} <= langs:
                problems.append((str(term), str(prop), sorted(filter(None, langs))))
    assert problems == []


def test_every_property_has_domain_and_range(ontology):
    properties = [t for t in terms(ontology) if (t, RDF.type, OWL.Class) not in ontology]
    assert properties
    missing = [
        str(p)
        for p in properties
        if ontology.value(p, RDFS.domain) is None or ontology.value(p, RDFS.range) is None
    ]
    assert missing == []


def test_every_term_is_aligned_to_a_standard_vocabulary(ontology):
    unaligned = [
        str(term)
        for term in terms(ontology)
        if not any(
            str(target).startswith(ALIGNMENT_TARGETS)
            for prop in ALIGNMENTS
            for target in ontology.objects(term, prop)
        )
    ]
    assert unaligned == []


def test_ontology_metadata(ontology):
    node = URIRef(ONTOLOGY_IRI)
    assert (node, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(node, OWL.versionIRI) is not None
    assert ontology.value(node, OWL.versionInfo) is not None
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {o.language for o in ontology.objects(node, prop)} >= {"en", "pl"}, prop
    for prop in (DCTERMS.license, DCTERMS.creator, DCTERMS.created, DCTERMS.modified):
        assert ontology.value(node, prop) is not None, prop


def test_every_concept_and_scheme_has_bilingual_labels_and_definitions(ontology):
    nodes = set(ontology.subjects(RDF.type, SKOS.Concept)) | set(
        ontology.subjects(RDF.type, SKOS.ConceptScheme)
    )
    assert len(nodes) >= 40
    problems = []
    for node in sorted(nodes):
        for prop in (SKOS.prefLabel, SKOS.definition):
            langs = {o.language for o in ontology.objects(node, prop)}
            if not {"en", "pl"} <= langs:
                problems.append((str(node), str(prop)))
    assert problems == []


def test_broader_and_narrower_agree(ontology):
    one_way = [
        (str(a), str(b))
        for a, b in ontology.subject_objects(SKOS.broader)
        if (b, SKOS.narrower, a) not in ontology
    ] + [
        (str(a), str(b))
        for a, b in ontology.subject_objects(SKOS.narrower)
        if (b, SKOS.broader, a) not in ontology
    ]
    assert one_way == []


def test_every_class_used_in_the_data_has_a_shape(project, data):
    shapes = rdflib.Graph().parse(project.shapes_file)
    targeted = set(shapes.objects(None, SH.targetClass))
    used = set(data.objects(None, RDF.type))
    # A class is covered when it is targeted, or when every resource of it is of a targeted class.
    uncovered = sorted(
        str(cls)
        for cls in used - targeted
        if any(
            not (set(data.objects(s, RDF.type)) & targeted) for s in data.subjects(RDF.type, cls)
        )
    )
    assert uncovered == []

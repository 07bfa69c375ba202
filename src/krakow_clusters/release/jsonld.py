"""The JSON-LD of the release: the dataset's context (context.jsonld), the whole dataset compacted
with it (krakow-clusters.jsonld), and the clusters framed as a plain JSON array (clusters.jsonld).

The context is derived from the vocabulary the data uses (`make_context`, which also makes the
ontology's context); both documents are written from one expanded graph.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from rdflib import RDFS, SKOS, XSD, Namespace
from rdflib.namespace import SDO

from ..formats.rdf import RDF_TYPE, jsonld_expanded, native_triples, serialize_jsonld
from ..project import ONTOLOGY_NS
from ..rdf.namespaces import DUMP_NAMESPACES, NAMESPACES
from ..rdf.terms import is_iri, is_literal
from .context import BuildContext
from .dumps import DUMP

CONTEXT_FILE = "context.jsonld"
FRAMED_FILE = "clusters.jsonld"

KC = Namespace(NAMESPACES["kc"])


def write_jsonld(ctx: BuildContext) -> None:
    """context.jsonld, the whole dataset as compacted JSON-LD, and the clusters as framed JSON-LD,
    both documents from one expanded graph and with the context at its release URL."""
    context = make_context(ctx.triples())
    context_url = ctx.base + CONTEXT_FILE
    ctx.write(CONTEXT_FILE, json.dumps(context, indent=2, ensure_ascii=False) + "\n")
    expanded = jsonld_expanded(ctx.triples())  # for both documents
    ctx.write(
        f"{DUMP}.jsonld", serialize_jsonld(ctx.triples(), context, context_url, expanded=expanded)
    )
    frame = clusters_frame(context_url)
    ctx.write(
        FRAMED_FILE, serialize_jsonld(ctx.triples(), context, context_url, frame, expanded=expanded)
    )


def make_context(triples: Iterable) -> dict:
    """The dataset's JSON-LD context, derived from the vocabulary the data uses.

    Each predicate gets a term named by its local name (unless two share one): IRI-valued
    properties are typed `@id`, language-tagged ones are language maps, and a single non-string
    datatype becomes the term's `@type`, so compaction keeps every language tag and datatype.
    kc: classes get terms too; `id` and `type` alias `@id` and `@type`. Triples may be given as
    Oxigraph or as rdflib terms.
    """
    # Per predicate, what kinds of objects it has, not the objects (a million terms at 1M):
    # [all IRIs, all language-tagged literals, any IRI, blank node or language-tagged literal,
    # the datatypes of the other literals].
    kinds: dict[str, list] = {}
    classes: set[str] = set()
    for t in native_triples(triples):
        if t.predicate.value == RDF_TYPE:
            classes.add(t.object.value)
            continue
        kind = kinds.get(t.predicate.value)
        if kind is None:
            kind = kinds[t.predicate.value] = [True, True, False, set()]
        value = t.object
        if is_literal(value):
            kind[0] = False
            if value.language:
                kind[2] = True
            else:
                kind[1] = False
                kind[3].add(value.datatype.value)
        else:
            kind[1], kind[2] = False, True
            if not is_iri(value):
                kind[0] = False
    terms: dict[str, object] = {"id": "@id", "type": "@type"}
    names = Counter(local_name(p) for p in kinds)
    native = {str(XSD.integer), str(XSD.boolean), str(XSD.double), str(XSD.string)}
    for predicate in sorted(kinds):
        name = local_name(predicate)
        if names[name] > 1 or name in terms or not name.isidentifier():
            continue
        all_iris, all_tagged, others, datatypes = kinds[predicate]
        datatypes -= {str(XSD.string)}
        definition: dict[str, str] = {"@id": predicate}
        if all_iris:
            definition["@type"] = "@id"
        elif all_tagged:
            definition["@container"] = "@language"
        elif len(datatypes) == 1 and not others and not datatypes & native:
            definition["@type"] = datatypes.pop()
        terms[name] = definition
    # Prefixes for compact IRIs, except where a property's term has the same name (`sector`,
    # `status`): the term wins and those IRIs stay in full.
    terms |= {prefix: ns for prefix, ns in sorted(DUMP_NAMESPACES.items()) if prefix not in terms}
    for cls in sorted(classes):
        if cls.startswith(ONTOLOGY_NS) and local_name(cls) not in terms:
            terms[local_name(cls)] = cls
    return {"@context": terms}


def local_name(iri: str) -> str:
    """What follows the last `#` of an IRI, else its last `/`: the name of its JSON-LD term."""
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1]
            break
    return iri


EMBEDDED = {
    "sector": KC.sector,
    "memberType": KC.memberType,
    "memberRegion": KC.memberRegion,
    "location": SDO.location,
    "legalForm": KC.legalForm,
    "memberCount": KC.memberCount,
    "memberTypeCount": KC.memberTypeCount,
    "qualifier": KC.qualifier,
    "countedMemberType": KC.countedMemberType,
    "status": KC.status,
    "statusType": KC.statusType,
    "heldBy": KC.heldBy,
    "roleType": KC.roleType,
}


def clusters_frame(context_url: str) -> dict:
    """The frame of clusters.jsonld: `clusters` is a plain array of cluster objects with their
    counts, status and roles (`roles`) embedded, and sectors, member types, places, qualifiers and
    organisations embedded with their labels only. Anything else is referred to by its IRI."""
    # Labels are named by IRI: a language-map term as a frame key matches nothing in pyld.
    named = {"@embed": "@always", "@explicit": True, str(RDFS.label): {}, str(SKOS.prefLabel): {}}
    # Nested frames inherit @embed: sources stay references.
    source = {"@embed": "@never"}
    count = {"@embed": "@always", "qualifier": named, "countedMemberType": named, "source": source}
    local: dict[str, object] = {"clusters": "@graph", "roles": {"@reverse": str(KC.roleIn)}}
    # Embedded objects need terms without `"@type": "@id"`, which only matches plain references.
    local |= {name: {"@id": str(iri)} for name, iri in EMBEDDED.items()}
    return {
        "@context": [context_url, local],
        "type": "ClusterInitiative",
        "sector": named,
        "memberType": named,
        "memberRegion": named,
        "location": named,
        "legalForm": named,
        "memberCount": count,
        "memberTypeCount": count,
        "status": {"@embed": "@always", "statusType": named, "source": source},
        "roles": {"@embed": "@always", "heldBy": named, "roleType": named, "source": source},
    }

"""RDF writers: deterministic N-Triples, Turtle, RDF/XML and JSON-LD.

Every writer takes triples in any order and gives the same bytes for the same graph: triples are
sorted by their N-Triples form, subjects are grouped, and blank nodes (none in the curated data,
but a file may add some) get labels from RDF canonicalization, not from the parser.

RDF canonicalization (RDFC-1.0) can take time that grows exponentially with the blank nodes of a
graph (a CONSTRUCT whose template is a clique of nine blank nodes takes a minute). The release
needs it; a visitor's answer does not: written with `canonical=False`, its blank nodes get
`stable_blank_labels` instead, in time that grows with the size of the answer only.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from xml.sax.saxutils import escape

import pyoxigraph as ox
from rdflib.term import Node

from ..errors import CouldNotRun, one_line
from ..files import check_input_file
from ..rdf.namespaces import STANDARD_PREFIXES
from ..rdf.terms import XSD_STRING, Triple, term_converter, to_oxigraph
from . import jsonld_writer
from .bounds import check_blank_structure
from .jsonld_writer import dump_json, json_order
from .media import JSONLD, NTRIPLES, RDFXML, TURTLE

RDF_NS = STANDARD_PREFIXES["rdf"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def term_n3(term: Node) -> str:
    """The N-Triples form of a term (Oxigraph's escaping, which Turtle also accepts)."""
    return str(to_oxigraph(term))


def native_triples(triples: Iterable) -> Iterator[ox.Triple]:
    """Triples as Oxigraph terms, whether given as such or as rdflib triples."""
    for t in triples:
        yield t if isinstance(t, ox.Triple) else ox.Triple(*(to_oxigraph(x) for x in t))


# Rounds of `stable_blank_labels`: each tells apart nodes one more step away; a fixed number
# keeps the cost linear in the answer.
_LABEL_ROUNDS = 3


def stable_blank_labels(items: list[ox.Triple]) -> list[ox.Triple]:
    """The triples with their blank nodes relabelled `b0`, `b1` … in bounded time: a node's label
    follows from a digest of what surrounds it (its predicates and the terms at their other end),
    refined over a fixed number of rounds; nodes that stay alike keep the order they came in.

    Not a canonical form (two isomorphic graphs may be labelled differently when their blank nodes
    cannot be told apart in a few steps), but the same answer gets the same labels whenever they
    can, and the cost grows with the number of triples only, where RDFC-1.0's can grow
    exponentially with the blank nodes."""
    first: dict[ox.BlankNode, int] = {}
    for t in items:
        for term in (t.subject, t.object):
            if type(term) is ox.BlankNode and term not in first:
                first[term] = len(first)
    if not first:
        return items
    names = {t.predicate: str(t.predicate) for t in items}
    colour = dict.fromkeys(first, "")
    for _ in range(_LABEL_ROUNDS):
        signatures: dict[ox.BlankNode, list[str]] = {b: [] for b in first}
        for t in items:
            subject, obj = t.subject, t.object
            if subject in colour:
                other = colour[obj] if obj in colour else str(obj)
                signatures[subject].append(f"> {names[t.predicate]} {other}")
            if obj in colour:
                other = colour[subject] if subject in colour else str(subject)
                signatures[obj].append(f"< {names[t.predicate]} {other}")
        colour = {
            b: hashlib.sha256("\n".join(sorted(sig)).encode()).hexdigest()[:24]
            for b, sig in signatures.items()
        }
    order = sorted(first, key=lambda b: (colour[b], first[b]))
    labels = {b: ox.BlankNode(f"b{i}") for i, b in enumerate(order)}
    return [
        ox.Triple(labels.get(t.subject, t.subject), t.predicate, labels.get(t.object, t.object))
        for t in items
    ]


def _sorted_oxigraph(
    triples: Iterable, type_first: bool | None, canonical: bool = True
) -> list[ox.Triple]:
    """Oxigraph triples (given as such or as rdflib triples), without duplicates, blank nodes
    relabelled by RDF canonicalization (RDFC-1.0) so that labels do not depend on the parser
    (`stable_blank_labels` when not `canonical`), and sorted by subject, then (with `type_first`)
    rdf:type, predicate and object; in the order they came with `type_first=None`."""
    # dict.fromkeys drops duplicates and keeps the order the triples came in: a store gives them
    # index-ordered, which makes the sort below much cheaper than sorting a set would be.
    items = list(dict.fromkeys(native_triples(triples)))
    if not canonical:
        items = stable_blank_labels(items)
    elif any(type(t.subject) is ox.BlankNode or type(t.object) is ox.BlankNode for t in items):
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in items)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        items = [q.triple for q in dataset]
    if type_first is None:
        return items
    if type_first:
        return sorted(
            items,
            key=lambda t: (
                str(t.subject),
                t.predicate.value != RDF_TYPE,
                str(t.predicate),
                str(t.object),
            ),
        )
    return sorted(items, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def serialize_ntriples(triples: Iterable, canonical: bool = True) -> str:
    """N-Triples, one line per triple, lines sorted (written by Oxigraph)."""
    # Sorting the lines is cheaper than sorting the triples first (one string per triple).
    ordered = _sorted_oxigraph(triples, None, canonical)
    text = ox.serialize(ordered, format=ox.RdfFormat.N_TRIPLES).decode()
    # Split at "\n" only: str.splitlines also splits at U+0085, U+2028 and other characters
    # that Oxigraph leaves unescaped inside literals.
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    lines.sort()
    return "".join(line + "\n" for line in lines)


_ESCAPED_HASH = re.compile(r"(?<![^\s(,])([A-Za-z][\w-]*):([\w.-]*)\\#([\w.-]*)")


def serialize_turtle(
    triples: Iterable, prefixes: Mapping[str, str], header: str = "", canonical: bool = True
) -> str:
    """Readable, deterministic Turtle written by Oxigraph: the header as comments, the prefixes
    used (sorted), then one block per subject (sorted, a blank line between blocks), rdf:type
    first as `a`, then predicates and objects sorted."""
    ordered = _sorted_oxigraph(triples, type_first=True, canonical=canonical)
    text = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes)).decode()
    # Each copy of a large graph (the triples, the text, its lines) is let go as soon as the next
    # is made: at 1M triples each is a few hundred MB, and build writes beside validation.
    del ordered, triples
    lines = text.split("\n")  # not splitlines: see serialize_ntriples
    del text
    if lines and not lines[-1]:
        lines.pop()
    body_start = next((i for i, line in enumerate(lines) if not line.startswith("@prefix")), 0)
    body_lines: list[str] = []
    for line in lines[body_start:]:
        # Oxigraph escapes line breaks inside literals, so every line that does not start with a
        # tab opens a subject's block: the subject (no spaces in it) goes on a line of its own.
        if line.startswith("\t"):
            body_lines.append("    " + line[1:])
            continue
        if body_lines:
            body_lines.append("")
        subject, _, rest = line.partition(" ")
        body_lines += [subject, "    " + rest]
    del lines
    # `cluster:bim\#members` is valid Turtle, but `<…/cluster/bim#members>` reads better. Only
    # lines with `\#` are searched: the expression over the whole text is slow (a line start
    # passes its look-behind as the line break before it would).
    namespaces = dict(prefixes)

    def in_full(m: re.Match) -> str:
        return f"<{namespaces[m[1]]}{m[2]}#{m[3]}>" if m[1] in namespaces else m[0]

    body = "\n".join(
        _ESCAPED_HASH.sub(in_full, line) if "\\#" in line else line for line in body_lines
    )
    del body_lines
    body += "\n"
    # Plain substring tests: a regular expression per prefix over a large dump is far slower.
    used = sorted(
        (p, ns)
        for p, ns in prefixes.items()
        if any(f"{before}{p}:" in body for before in (" ", "\n", "(", ",", "^^"))
        or body.startswith(f"{p}:")
    )
    head = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    head += "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in used)
    return head + "\n" + body


def _canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads without duplicates, blank nodes relabelled by RDFC-1.0 across the whole
    dataset (a label names one node in every graph of a TriG or N-Quads document)."""
    items = list(dict.fromkeys(quads))
    if any(type(q.subject) is ox.BlankNode or type(q.object) is ox.BlankNode for q in items):
        dataset = ox.Dataset(items)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        items = list(dataset)
    return items


def read_canonical_quads(path: Path, quads: bool) -> list[tuple[Node, Node, Node, Node | None]]:
    """The statements of an N-Quads (`quads`) or N-Triples file as rdflib terms with their graph
    (None for the default graph), blank nodes relabelled by RDFC-1.0 so that two files that
    differ only in blank-node labels give the same terms. A syntax error raises CouldNotRun."""
    fmt = ox.RdfFormat.N_QUADS if quads else ox.RdfFormat.N_TRIPLES
    check_input_file(path)  # no FIFO, device, link loop or file over the size limit
    try:
        dataset = ox.Dataset(ox.parse(path=str(path), format=fmt))
    except SyntaxError as exc:
        raise CouldNotRun(f"{path}: {one_line(exc)}") from None
    check_blank_structure(path, dataset)  # canonicalization's work grows with them
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    convert = term_converter()
    return [
        (
            convert(q.subject),
            convert(q.predicate),
            convert(q.object),
            None if isinstance(q.graph_name, ox.DefaultGraph) else convert(q.graph_name),
        )
        for q in dataset
    ]


def serialize_nquads(quads: Iterable[ox.Quad]) -> bytes:
    """N-Quads as UTF-8, one line per quad, lines sorted (written by Oxigraph).

    Sorted as bytes, as `EmbeddedStore.sorted_ntriples` sorts N-Triples: the same order as the
    text's (UTF-8 keeps the order of code points, and a line break sorts before every character a
    line holds), in half the memory of a Python string of a dump with one non-ASCII character
    (1.2 GB less at 1M). Split at line breaks only, which Oxigraph escapes inside literals
    (str.splitlines would also split at U+2028 and others, which it does not)."""
    data = ox.serialize(_canonical_quads(quads), format=ox.RdfFormat.N_QUADS)
    lines = data.splitlines(keepends=True)
    del data
    lines.sort()
    return b"".join(lines)


def _graph_name(name: str, prefixes: Mapping[str, str], used: dict[str, str]) -> str:
    """A graph's name as a prefixed name when a prefix fits (recorded in `used`), else `<iri>`."""
    iri = name[1:-1]
    best = max(
        (p for p, ns in prefixes.items() if iri.startswith(ns) and len(iri) > len(ns)),
        key=lambda p: len(prefixes[p]),
        default=None,
    )
    local = iri[len(prefixes[best]) :] if best else ""
    if best and all(c.isalnum() or c in "-_" for c in local):
        used[best] = f"<{prefixes[best]}> ."
        return f"{best}:{local}"
    return name


def serialize_trig(quads: Iterable[ox.Quad], prefixes: Mapping[str, str], header: str = "") -> str:
    """Readable, deterministic TriG: the header as comments, the prefixes used, then one block per
    named graph (sorted by name), each laid out as `serialize_turtle` lays out a graph. With blank
    nodes, whose labels span graphs, Oxigraph's own layout of the sorted quads instead."""
    items = _canonical_quads(quads)
    head = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    if any(type(q.subject) is ox.BlankNode or type(q.object) is ox.BlankNode for q in items):
        items.sort(
            key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
        )
        return (
            head + ox.serialize(items, format=ox.RdfFormat.TRIG, prefixes=dict(prefixes)).decode()
        )
    graphs: dict[str, list[ox.Triple]] = {}
    for q in items:
        graphs.setdefault(str(q.graph_name), []).append(q.triple)
    del items  # the quads, now in `graphs`; each graph's triples go once it is written
    used: dict[str, str] = {}
    blocks = []
    for name in sorted(graphs):
        text = serialize_turtle(graphs.pop(name), prefixes)
        lines = text.splitlines()
        del text
        for line in lines:
            if line.startswith("@prefix "):
                prefix, _, namespace = line[len("@prefix ") :].partition(": ")
                used[prefix] = namespace
        body = [line for line in lines if not line.startswith("@prefix ")]
        while body and not body[0]:
            body.pop(0)
        graph = "" if name == "DEFAULT" else _graph_name(name, prefixes, used) + " "
        blocks.append(
            graph + "{\n" + "".join(f"    {line}\n" if line else "\n" for line in body) + "}\n"
        )
    head += "".join(f"@prefix {p}: {ns}\n" for p, ns in sorted(used.items()))
    return head + "\n" + "\n".join(blocks)


def serialize_rdfxml(
    triples: Iterable[Triple], prefixes: Mapping[str, str], canonical: bool = True
) -> bytes:
    """RDF/XML written by Oxigraph from the sorted triples (so the same graph gives the same
    bytes)."""
    return ox.serialize(
        _sorted_oxigraph(triples, type_first=False, canonical=canonical),
        format=ox.RdfFormat.RDF_XML,
        prefixes=dict(prefixes),
    )


_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def jsonld_expanded(triples: Iterable, canonical: bool = True) -> list[dict]:
    """The triples as expanded JSON-LD (JSON-LD 1.1 "RDF to JSON-LD" with native types: integers
    and booleans as JSON numbers and booleans, every other datatype and every language tag kept).

    Written here, in one pass, because pyld's fromRdf compares every triple with every earlier one
    to drop duplicates (16 s at 10k triples, hours at 1M); the dumps are read back with pyld in the
    tests, so the two stay in agreement.
    """
    nodes: dict[str, dict] = {}
    # In the order the triples came: the writers sort nodes and values afterwards.
    for t in _sorted_oxigraph(triples, type_first=None, canonical=canonical):
        subject = _jsonld_id(t.subject)
        node = nodes.setdefault(subject, {"@id": subject})
        if t.predicate.value == RDF_TYPE and not isinstance(t.object, ox.Literal):
            node.setdefault("@type", []).append(_jsonld_id(t.object))
            continue
        node.setdefault(t.predicate.value, []).append(_jsonld_value(t.object))
    return list(nodes.values())


def _jsonld_id(term: ox.NamedNode | ox.BlankNode) -> str:
    return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def _jsonld_value(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict:
    if not isinstance(term, ox.Literal):
        return {"@id": _jsonld_id(term)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return {"@value": term.value}
    if datatype == _XSD_INTEGER and re.fullmatch(r"-?(0|[1-9][0-9]*)", term.value):
        return {"@value": int(term.value)}  # canonical form only, so the number reads back as is
    if datatype == _XSD_BOOLEAN and term.value in ("true", "false"):
        return {"@value": term.value == "true"}
    return {"@value": term.value, "@type": datatype}


def local_document_loader(documents: Mapping[str, object]):
    """A pyld document loader that serves the given documents by URL and refuses any other URL,
    so that no JSON-LD processing in this package reaches the network."""
    from pyld.jsonld import JsonLdError

    def load(url: str, options: dict | None = None) -> dict:
        if url in documents:
            return {
                "contentType": "application/ld+json",
                "contextUrl": None,
                "documentUrl": url,
                "document": documents[url],
            }
        raise JsonLdError(
            f"refusing to load {url}: no network access",
            "jsonld.LoadDocumentError",
            code="loading document failed",
        )

    return load


def serialize_jsonld(
    triples: Iterable[Triple],
    context: dict,
    context_url: str,
    frame: dict | None = None,
    writer: str = "auto",
    expanded: list[dict] | None = None,
) -> str:
    """Compacted (or, given a frame, framed) JSON-LD that refers to its context by URL; keys
    sorted and nodes ordered by @id, so the same graph gives the same bytes.

    `writer`: `direct` is jsonld_writer (linear; the same JSON as pyld for the contexts and frame
    the build makes, refused with `Unsupported` otherwise), `pyld` the reference, `auto` the first
    that can. `expanded`: the triples' `jsonld_expanded`, when the caller has it already.
    """
    from pyld import jsonld

    loader = local_document_loader({context_url: context})
    options = {"documentLoader": loader, "processingMode": "json-ld-1.1"}
    # Only what the frame embeds is embedded; everything else stays a reference.
    framing = {**options, "omitGraph": False, "embed": "@never", "omitDefault": True}
    if expanded is None:
        expanded = jsonld_expanded(triples)
    if writer in ("auto", "direct"):
        try:
            if frame is None:
                text = jsonld_writer.compact_document(expanded, [context["@context"]], context_url)
            else:
                expanded_frame = jsonld.expand(
                    frame, {**framing, "isFrame": True, "keepFreeFloatingNodes": True}
                )
                text = jsonld_writer.frame_document(
                    expanded,
                    expanded_frame,
                    _resolved_contexts(frame["@context"], {context_url: context["@context"]}),
                    frame["@context"],
                )
            return text + "\n"
        except jsonld_writer.Unsupported:
            if writer == "direct":
                raise
    if frame is None:
        result = jsonld.compact(expanded, context_url, options)
    else:
        result = jsonld.frame(expanded, frame, framing)
    return dump_json(_sorted_json(result)) + "\n"


def _resolved_contexts(references: object, documents: Mapping[str, dict]) -> list[dict]:
    """A frame's `@context` (a URL among `documents`, a context, or a list of them), resolved."""
    resolved = []
    for reference in references if isinstance(references, list) else [references]:
        if isinstance(reference, str) and reference in documents:
            resolved.append(documents[reference])
        elif isinstance(reference, dict):
            resolved.append(reference)
        else:
            raise jsonld_writer.Unsupported(f"context {reference!r}")
    return resolved


def _sorted_json(value: object) -> object:
    """Arrays sorted by a stable key (their order carries no meaning in RDF without @list)."""
    if isinstance(value, dict):
        return {k: (v if k in ("@list", "@context") else _sorted_json(v)) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted_json(v) for v in value), key=json_order)
    return value


# --- one writer per media type --------------------------------------------------------------


def serialize_jsonld_compacted(
    triples: Iterable, prefixes: Mapping[str, str], canonical: bool = True
) -> str:
    """Compacted JSON-LD with an inline context of the prefixes the triples use: for a document
    that stands alone (a resource, a query's answer), where the dumps refer to context.jsonld."""
    items = list(native_triples(triples))
    used = {
        term.datatype.value if type(term) is ox.Literal else term.value
        for t in items
        for term in t
        if type(term) is not ox.BlankNode
    }
    # A prefix that an IRI of the graph starts with as its scheme (`<cluster:x>`) would make that
    # IRI read as a compact IRI, which JSON-LD refuses: such a prefix stays out of the context.
    schemes = {u.split(":", 1)[0] for u in used}
    context = {
        p: ns
        for p, ns in sorted(prefixes.items())
        if p not in schemes and any(u.startswith(ns) for u in used)
    }
    expanded = jsonld_expanded(items, canonical)
    try:
        return jsonld_writer.compact_document(expanded, [context], context) + "\n"
    except jsonld_writer.Unsupported:
        from pyld import jsonld

        options = {"documentLoader": local_document_loader({}), "processingMode": "json-ld-1.1"}
        result = jsonld.compact(expanded, {"@context": context}, options)
        return dump_json(_sorted_json(result)) + "\n"


def _turtle(triples: Iterable, prefixes: Mapping[str, str], canonical: bool = True) -> bytes:
    return serialize_turtle(triples, prefixes, canonical=canonical).encode()


def _ntriples(triples: Iterable, _prefixes: Mapping[str, str], canonical: bool = True) -> bytes:
    return serialize_ntriples(triples, canonical).encode()


def _jsonld(triples: Iterable, prefixes: Mapping[str, str], canonical: bool = True) -> bytes:
    return serialize_jsonld_compacted(triples, prefixes, canonical).encode()


# The one path per RDF format, looked up by media type: the server, the CLI and build all write a
# format with its writer here, so the same graph gives the same bytes whoever asks.
RDF_WRITERS: dict[str, Callable[..., bytes]] = {
    TURTLE: _turtle,
    NTRIPLES: _ntriples,
    JSONLD: _jsonld,
    RDFXML: serialize_rdfxml,
}


def serialize_graph(
    triples: Iterable,
    media_type: str,
    prefixes: Mapping[str, str],
    canonical: bool = True,
) -> bytes:
    """The triples in an RDF media type (one of `media.RDF_TYPES`), by the writer registered
    for it; ValueError for any other type. `canonical=False` for a visitor's answer: blank nodes
    get `stable_blank_labels`, in bounded time, instead of RDFC-1.0's labels."""
    writer = RDF_WRITERS.get(media_type)
    if writer is None:
        raise ValueError(f"not an RDF media type: {media_type}")
    return writer(triples, prefixes, canonical=canonical)


def empty_graph_document(media_type: str, message: str) -> bytes:
    """A document in `media_type` that parses to an empty graph and carries `message`."""
    if media_type in (TURTLE, NTRIPLES):
        return f"# {message}\n".encode()
    if media_type == JSONLD:
        return json.dumps({"@graph": [], "error": message}, indent=2).encode() + b"\n"
    if media_type == RDFXML:
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f'<rdf:RDF xmlns:rdf="{RDF_NS}"><!-- {escape(message)} --></rdf:RDF>\n'
        ).encode()
    return message.encode() + b"\n"

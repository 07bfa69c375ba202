"""JSON-LD compaction and framing for the build's own contexts and frame, in linear time.

pyld implements the whole of JSON-LD 1.1 and stays the reference; it is also pure Python and
general, and its framing looks for the nodes of a reverse property by scanning every node of the
graph for every framed node: about 14 s to compact and frame 100k triples, and hours to frame a
million (BENCHMARKS.md). The build needs only a small part of JSON-LD: contexts made of prefixes,
keyword aliases and term definitions with `@id`, `@reverse`, `@type` (`@id` or a datatype) and
`@container: @language`, and a frame with `@type`, `@embed` (`@always`/`@never`), `@explicit` and
one `@reverse` property at the top. For that subset this module follows pyld's algorithms step by
step (inverse context and term selection, IRI and value compaction, frame matching with its
circular-reference rule), with indexes where pyld scans, so it writes the same JSON.

Anything outside the subset (lists, blank nodes in a frame, `@vocab`, scoped contexts, other
containers or embed modes, a default language …) raises `Unsupported`, and the caller uses pyld.
tests/test_jsonld_writer.py checks that both give the same bytes on the real data, on a generated
graph and on fixtures written to reach the corners (blank nodes, mixed values, terms that do not
fit their values). The documents are written one node at a time (`write_graph`), so that the
compacted graph is never held whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

GEN_DELIM_END = re.compile(r".*[:/?#\[\]@]$")
ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
TERM_KEYS = {"@id", "@type", "@container", "@reverse"}


class Unsupported(Exception):
    """The input uses a part of JSON-LD this module does not implement: use pyld."""


@dataclass(frozen=True)
class Term:
    name: str
    iri: str
    reverse: bool = False
    type: str | None = None  # "@id" or a datatype IRI
    container: str | None = None  # "@language"
    prefix: bool = False  # usable as the prefix of a compact IRI


class ActiveContext:
    """The term definitions of one or more contexts (given as the values of `@context`, resolved),
    with pyld's inverse context for term selection."""

    def __init__(self, contexts: Iterable[Mapping[str, object]]) -> None:
        self.terms: dict[str, Term] = {}
        for context in contexts:
            for name, value in context.items():
                self.terms[name] = self._define(name, value)
        for term in self.terms.values():
            scheme = term.iri.split(":", 1)[0]
            if not term.iri.startswith("@") and scheme in self.terms:
                raise Unsupported(f"IRI {term.iri} reads as a compact IRI")
        self.prefixes = sorted(
            (t.name, t.iri) for t in self.terms.values() if t.prefix and not t.iri.startswith("@")
        )
        self.inverse = self._inverse()
        self._iri_cache: dict[tuple, str] = {}
        self._term_cache: dict[tuple, str | None] = {}
        self._key_cache: dict[tuple, tuple[str, Term | None]] = {}
        self.id_key = self.keyword("@id")
        self.type_key = self.keyword("@type")
        self.graph_key = self.keyword("@graph")

    @staticmethod
    def _define(name: str, value: object) -> Term:
        if name.startswith("@") or ":" in name or "/" in name or not name:
            raise Unsupported(f"term {name!r}")
        if isinstance(value, str):
            if value.startswith("@"):
                if value not in ("@id", "@type", "@graph"):
                    raise Unsupported(f"alias of {value}")
                return Term(name, value)
            if not ABSOLUTE_IRI.match(value):
                raise Unsupported(f"term {name!r}: {value!r} is not an absolute IRI")
            return Term(name, value, prefix=bool(GEN_DELIM_END.match(value)))
        if not isinstance(value, Mapping) or set(value) - TERM_KEYS:
            raise Unsupported(f"term {name!r}: {value!r}")
        reverse = "@reverse" in value
        iri = value.get("@reverse") if reverse else value.get("@id")
        datatype = value.get("@type")
        container = value.get("@container")
        if (
            not isinstance(iri, str)
            or not ABSOLUTE_IRI.match(iri)
            or (reverse and ("@id" in value or datatype is not None or container is not None))
            or (datatype is not None and (datatype != "@id" and not ABSOLUTE_IRI.match(datatype)))
            or container not in (None, "@language")
            or (container is not None and datatype is not None)
        ):
            raise Unsupported(f"term {name!r}: {value!r}")
        return Term(name, iri, reverse=reverse, type=datatype, container=container)

    def _inverse(self) -> dict[str, dict[str, dict[str, dict[str, str]]]]:
        """pyld's inverse context (no default language: its key is @none)."""
        inverse: dict[str, dict[str, dict[str, dict[str, str]]]] = {}
        for term in sorted(self.terms.values(), key=lambda t: (len(t.name), t.name)):
            entry = inverse.setdefault(term.iri, {}).setdefault(
                term.container or "@none", {"@language": {}, "@type": {}, "@any": {}}
            )
            entry["@any"].setdefault("@none", term.name)
            if term.reverse:
                entry["@type"].setdefault("@reverse", term.name)
            elif term.type is not None:
                entry["@type"].setdefault(term.type, term.name)
            else:
                entry["@language"].setdefault("@none", term.name)
                entry["@type"].setdefault("@none", term.name)
        return inverse

    def keyword(self, keyword: str) -> str:
        alias = self.inverse.get(keyword, {}).get("@none", {}).get("@type", {}).get("@none")
        return alias or keyword

    # --- IRI compaction (pyld's _compact_iri and _select_term, for the values used here) -------

    def select_term(self, iri: str, kind: tuple, reverse: bool = False) -> str | None:
        """The term for `iri` given the kind of value it carries (see `value_kind`)."""
        key = (iri, kind, reverse)
        if key in self._term_cache:
            return self._term_cache[key]
        term = None
        if iri in self.inverse:
            containers: list[str] = []
            what, detail = kind
            if what == "node":
                containers += ["@id", "@id@set", "@type", "@set@type"]
            if reverse:
                type_or_language, preferred = "@type", "@reverse"
                containers.append("@set")
            elif what == "language":
                containers += ["@language", "@language@set"]
                type_or_language, preferred = "@language", detail
            elif what == "typed":
                type_or_language, preferred = "@type", detail
            elif what == "plain":
                type_or_language, preferred = "@language", "@null"
            else:  # a node, or no value at all (an @type value)
                type_or_language, preferred = "@type", "@id"
            if not reverse:
                containers.append("@set")
            containers.append("@none")
            if what in ("node", "language", "typed", "plain"):
                containers += ["@index", "@index@set"]
            if what == "plain":
                containers += ["@language", "@language@set"]
            if preferred in ("@id", "@reverse") and what == "node":
                # pyld prefers @vocab when the value's IRI compacts to a term of its own; no
                # term here is typed @vocab, so the order of the two makes no difference.
                prefs = (["@reverse"] if preferred == "@reverse" else []) + ["@id", "@vocab"]
            else:
                prefs = [preferred]
            prefs.append("@none")
            container_map = self.inverse[iri]
            term = next(
                (
                    container_map[c][type_or_language][p]
                    for c in containers
                    if c in container_map
                    for p in prefs
                    if p in container_map[c][type_or_language]
                ),
                None,
            )
        self._term_cache[key] = term
        return term

    def property_key(self, iri: str, kind: tuple) -> tuple[str, Term | None]:
        """The key a property's value goes under (a term, a compact IRI or the IRI), and the
        term's definition, if a term."""
        key = (iri, kind)
        found = self._key_cache.get(key)
        if found is None:
            name = self.compact_iri(iri, kind, vocab=True)
            term = self.terms.get(name)
            if term is not None and (term.reverse or term.iri != iri):
                raise Unsupported(f"{name} for {iri}")
            if term is not None and term.container == "@language" and kind[0] != "language":
                raise Unsupported(f"a {kind[0]} value of {iri} in a language map")
            found = self._key_cache[key] = (name, term)
        return found

    def compact_iri(self, iri: str, kind: tuple = ("none", None), vocab: bool = False) -> str:
        key = (iri, kind, vocab)
        cached = self._iri_cache.get(key)
        if cached is not None:
            return cached
        result = None
        if vocab:
            result = self.select_term(iri, kind)
        if result is None:
            for name, namespace in self.prefixes:
                if iri.startswith(namespace) and iri != namespace:
                    curie = f"{name}:{iri[len(namespace) :]}"
                    if curie not in self.terms and (
                        result is None or (len(curie), curie) < (len(result), result)
                    ):
                        result = curie
        if result is None:
            if any(iri.startswith(f"{name}:") for name, _ in self.prefixes):
                raise Unsupported(f"IRI {iri} reads as a compact IRI")
            result = iri
        self._iri_cache[key] = result
        return result


NODE = ("node", None)
PLAIN = ("plain", None)


def value_kind(value: Mapping[str, object]) -> tuple:
    """What term selection looks at in an expanded value: a node (reference or object), a
    language-tagged string, a typed literal or a plain literal. (Made afresh each time: a table
    that kept one per language or datatype would keep every one a visitor's answer holds, for the
    life of the server.)"""
    if "@value" not in value:
        return NODE
    if "@language" in value:
        language = value["@language"]
        if "_" in language or "@direction" in value or "@index" in value:
            raise Unsupported(f"value {value!r}")
        return ("language", language)
    if "@type" in value:
        return ("typed", value["@type"])
    if len(value) != 1:
        raise Unsupported(f"value {value!r}")
    return PLAIN


# --- compaction ----------------------------------------------------------------------------------

_JSON_ESCAPED = re.compile(r'["\\\x00-\x1f]')


def json_order(value: object) -> tuple[int, str]:
    """The order of the items of an array in the build's JSON: node objects by their id (so
    clusters come in IRI order), anything else by its JSON text."""
    if isinstance(value, dict):
        node_id = value.get("@id", value.get("id"))
        if isinstance(node_id, str):
            return (0, node_id)
    elif isinstance(value, str) and not _JSON_ESCAPED.search(value):
        return (1, f'"{value}"')  # what json.dumps writes for it, without the call
    return (1, json.dumps(value, sort_keys=True, ensure_ascii=False))


def _add(target: dict, key: str, value: object) -> None:
    """pyld's add_value for a single value, without @set: a scalar, then an array."""
    if key not in target:
        target[key] = value
    elif isinstance(target[key], list):
        target[key].append(value)
    else:
        target[key] = [target[key], value]


def compact_node(ctx: ActiveContext, node: Mapping[str, object]) -> dict:
    """An expanded node object (possibly with embedded nodes and @reverse) in compacted form."""
    out: dict = {}
    for prop, values in sorted(node.items()):
        if prop == "@id":
            out[ctx.id_key] = ctx.compact_iri(values)
        elif prop == "@type":
            types = [ctx.compact_iri(t, vocab=True) for t in values]
            if types:
                _add(out, ctx.type_key, types[0] if len(types) == 1 else types)
        elif prop == "@reverse":
            for reverse_prop, items in sorted(values.items()):
                for item in items:
                    name = ctx.select_term(reverse_prop, value_kind(item), reverse=True)
                    if name is None or not ctx.terms[name].reverse:
                        raise Unsupported(f"no reverse term for {reverse_prop}")
                    _add(out, name, compact_node(ctx, item))
        elif prop.startswith("@"):
            raise Unsupported(f"keyword {prop} in a node")
        else:
            if not values:
                raise Unsupported(f"empty values of {prop}")
            for value in values:
                if "@list" in value or "@graph" in value or "@set" in value:
                    raise Unsupported(f"value {value!r}")
                kind = value_kind(value)
                key, term = ctx.property_key(prop, kind)
                compacted = _compact_value(ctx, term, value, kind)
                if term is not None and term.container == "@language":
                    _add(out.setdefault(key, {}), kind[1], compacted)
                else:
                    _add(out, key, compacted)
    # Arrays in a stable order (their order carries no meaning in RDF without @list).
    for value in out.values():
        if type(value) is list:
            value.sort(key=json_order)
        elif type(value) is dict:
            for item in value.values():
                if type(item) is list:
                    item.sort(key=json_order)
    return out


def _compact_value(ctx: ActiveContext, term: Term | None, value: Mapping, kind: tuple) -> object:
    what = kind[0]
    if what == "node":
        if len(value) > 1:
            return compact_node(ctx, value)
        compacted = ctx.compact_iri(value["@id"])
        return compacted if term is not None and term.type == "@id" else {ctx.id_key: compacted}
    datatype = term.type if term is not None else None
    if what == "typed" and value["@type"] == datatype:
        return value["@value"]
    if what == "plain":
        return value["@value"]
    if term is not None and term.container == "@language" and what == "language":
        return value["@value"]
    out = {"@value": value["@value"]}
    if what == "typed":
        out[ctx.type_key] = ctx.compact_iri(value["@type"], vocab=True)
    else:
        out[ctx.keyword("@language")] = value["@language"]
    return out


def compact(nodes: list[dict], contexts: list[Mapping], context_ref: object) -> dict:
    """pyld's `compact(nodes, context)` for expanded node objects (each with an @id and at least
    one property), the result referring to its context as `context_ref`; arrays are ordered by
    `json_order`."""
    ctx = ActiveContext(contexts)
    compacted = sorted((compact_node(ctx, _lowercase_languages(n)) for n in nodes), key=json_order)
    if len(compacted) == 1:
        return {"@context": context_ref, **compacted[0]}
    if not compacted:
        return {"@context": context_ref}
    return {"@context": context_ref, ctx.graph_key: compacted}


def compact_document(nodes: list[dict], contexts: list[Mapping], context_ref: object) -> str:
    """`compact` written as JSON (`dump_json`), one node at a time: the compacted graph is never
    held whole (at a million triples it would take gigabytes)."""
    ctx = ActiveContext(contexts)
    if len(nodes) < 2:
        return dump_json(compact(nodes, contexts, context_ref))
    ordered = sorted(nodes, key=lambda node: ctx.compact_iri(node["@id"]))
    compacted = (compact_node(ctx, _lowercase_languages(node)) for node in ordered)
    return write_graph({"@context": context_ref}, ctx.graph_key, compacted)


def _lowercase_languages(node: dict) -> dict:
    """pyld expands its input first, which lowercases language tags."""
    for prop, values in node.items():
        if prop.startswith("@"):
            continue
        for value in values:
            language = value.get("@language")
            if language is not None and not language.islower():
                value["@language"] = language.lower()
    return node


# --- framing -------------------------------------------------------------------------------------


@dataclass
class _Flags:
    embed: str
    explicit: bool


class Framer:
    """pyld's framing (`_match_frame`, `_filter_subject`) over a node map, for frames with
    `@type`, `@embed` (`@always` or `@never`), `@explicit`, property subframes and `@reverse`
    at the top; options embed `@never`, explicit false, omitDefault true, requireAll false."""

    def __init__(self, nodes: list[dict], embed: str = "@never") -> None:
        if embed not in ("@always", "@never"):
            raise Unsupported(f"embed {embed}")
        self.embed = embed
        self.subjects: dict[str, dict] = {}
        for node in nodes:
            if node["@id"].startswith("_:"):
                raise Unsupported("blank nodes in a framed graph")
            self.subjects[node["@id"]] = _lowercase_languages(node)
        # The node map also holds every node that is only referred to.
        for node in nodes:
            for prop, values in node.items():
                if prop.startswith("@"):
                    continue
                for value in values:
                    if "@id" in value and value["@id"] not in self.subjects:
                        if value["@id"].startswith("_:"):
                            raise Unsupported("blank nodes in a framed graph")
                        self.subjects[value["@id"]] = {"@id": value["@id"]}
        self._reverse: dict[str, dict[str, list[str]]] = {}
        # Per frame (by identity; frames live as long as the framer): flags and sorted entries.
        self._frames: dict[int, tuple[_Flags, list]] = {}
        self._implicit: dict[tuple[str, bool], list[dict]] = {}

    def frame(self, frame: list[dict], order: Callable[[str], str] | None = None) -> Iterator[dict]:
        """The framed top-level nodes, one at a time, in the order of their ids (or of
        `order(id)`). Each top-level match is framed on its own, as in pyld."""
        framed: list[dict] = []
        _, entries, types = self._info(frame[0])
        matches = [i for i in self.subjects if self._matches(self.subjects[i], entries, types)]
        for subject_id in sorted(matches, key=order):
            self._match([subject_id], frame, framed, None, False, [], top=True)
            yield from framed
            framed.clear()

    def _reverse_index(self, prop: str) -> dict[str, list[str]]:
        if prop not in self._reverse:
            index: dict[str, list[str]] = {}
            for subject_id, subject in self.subjects.items():
                for value in subject.get(prop, ()):
                    if "@id" not in value:
                        raise Unsupported(f"a literal value of reverse property {prop}")
                    targets = index.setdefault(value["@id"], [])
                    if not targets or targets[-1] != subject_id:
                        targets.append(subject_id)
            self._reverse[prop] = index
        return self._reverse[prop]

    def _info(self, frame: dict) -> tuple[_Flags, list, set | None]:
        """The frame's flags, its entries sorted by key, and the types that decide a match when
        `_filter` would decide by types alone (`@type` sorts before any IRI; `@embed`,
        `@explicit` and `@reverse` take no part in matching)."""
        info = self._frames.get(id(frame))
        if info is None:
            entries = sorted(frame.items())
            deciding = [e for e in entries if e[0] not in ("@embed", "@explicit", "@reverse")]
            types = None
            key, values = deciding[0] if deciding else (None, None)
            if key == "@type" and values and all(isinstance(t, str) for t in values):
                types = set(values)
            info = self._frames[id(frame)] = (self._flags(frame), entries, types)
        return info

    def _implicit_frame(self, flags: _Flags) -> list[dict]:
        """pyld's implicit frame for a property the frame does not name: the same flags."""
        key = (flags.embed, flags.explicit)
        if key not in self._implicit:
            self._implicit[key] = [{"@embed": [flags.embed], "@explicit": [flags.explicit]}]
        return self._implicit[key]

    def _flags(self, frame: dict) -> _Flags:
        unknown = set(frame) - {"@embed", "@explicit", "@type", "@reverse"}
        if any(k.startswith("@") for k in unknown):
            raise Unsupported(f"frame keywords {sorted(unknown)}")
        embed = frame.get("@embed", [self.embed])[0]
        embed = {True: "@once", False: "@never"}.get(embed, embed)
        if embed not in ("@always", "@never"):
            raise Unsupported(f"@embed {embed}")
        explicit = frame.get("@explicit", [False])[0]
        return _Flags(embed, bool(explicit))

    def _match(self, ids, frame_list, parent, prop, embedded: bool, stack: list, top=False):
        frame = frame_list[0]
        flags, entries, types = self._info(frame)
        matches = [i for i in ids if self._matches(self.subjects[i], entries, types)]
        for subject_id in sorted(matches):
            subject = self.subjects[subject_id]
            output: dict = {"@id": subject_id}
            if embedded and (flags.embed == "@never" or subject_id in stack[:-1]):
                _add_output(parent, prop, output)
                continue
            stack.append(subject_id)
            for key, objects in sorted(subject.items()):
                if key.startswith("@"):
                    output[key] = objects
                    continue
                if flags.explicit and key not in frame:
                    continue
                subframe = frame.get(key) or self._implicit_frame(flags)
                for obj in objects:
                    if "@list" in obj:
                        raise Unsupported("lists in a framed graph")
                    if "@value" not in obj and len(obj) == 1:
                        self._match([obj["@id"]], subframe, output, key, True, stack)
                    elif not ({"@value", "@type", "@language"} & set(subframe[0])):
                        _add_output(output, key, obj)
                    else:
                        raise Unsupported("value patterns in a frame")
            for key in frame:
                if not key.startswith("@") and frame[key] and "@default" in frame[key][0]:
                    raise Unsupported("@default in a frame")
            if "@reverse" in frame:
                if not top:
                    raise Unsupported("@reverse below the top of a frame")
                for reverse_prop, subframe in sorted(frame["@reverse"].items()):
                    for referrer in self._reverse_index(reverse_prop).get(subject_id, []):
                        found = output.setdefault("@reverse", {}).setdefault(reverse_prop, [])
                        # pyld frames reverse values with the state of the framed node (its
                        # `embeded` typo leaves `embedded` as it was).
                        self._match([referrer], subframe, found, prop, embedded, stack)
            _add_output(parent, prop, output)
            stack.pop()

    def _matches(self, subject: dict, entries: list[tuple[str, list]], types: set | None) -> bool:
        if types is not None:
            return not types.isdisjoint(subject.get("@type", ()))
        return self._filter(subject, entries)

    def _filter(self, subject: dict, entries: list[tuple[str, list]]) -> bool:
        """pyld's _filter_subject, given the frame's entries sorted by key."""
        wildcard, matches_some = True, False
        for key, values in entries:
            node_values = subject.get(key, [])
            if key == "@id":
                raise Unsupported("@id in a frame")
            if key == "@type":
                wildcard = False
                if not values:
                    if node_values:
                        return False
                    match = True
                elif len(values) == 1 and values[0] == {}:
                    match = bool(node_values)
                else:
                    if any(isinstance(v, dict) for v in values):
                        raise Unsupported("@type patterns in a frame")
                    return any(v in node_values for v in values)
            elif key.startswith("@"):
                continue
            else:
                wildcard = False
                this_frame = values[0] if values else None
                if this_frame is not None and "@default" in this_frame:
                    raise Unsupported("@default in a frame")
                if node_values and not values:
                    return False
                if this_frame is None:
                    if node_values:
                        return False
                    match = True
                elif "@list" in this_frame or "@value" in this_frame or set(this_frame) == {"@id"}:
                    raise Unsupported("value or node patterns in a frame")
                else:
                    match = bool(node_values)
            matches_some = matches_some or match
        return wildcard or matches_some


def _add_output(parent: dict | list, prop: str | None, output: dict) -> None:
    if isinstance(parent, list):
        parent.append(output)
    else:
        parent.setdefault(prop, []).append(output)


def frame_document(
    nodes: list[dict],
    expanded_frame: list[dict],
    contexts: list[Mapping],
    context_ref: object,
) -> str:
    """pyld's `frame(nodes, frame, {embed: @never, omitDefault: true, omitGraph: false})` for the
    build's frame, given the frame in expanded form and the frame's contexts, resolved; written as
    JSON (`dump_json`) one framed node at a time, arrays ordered by `json_order`."""
    ctx = ActiveContext(contexts)
    framed = Framer(nodes).frame(expanded_frame, order=ctx.compact_iri)
    return write_graph(
        {"@context": context_ref}, ctx.graph_key, (compact_node(ctx, n) for n in framed)
    )


# --- JSON text -----------------------------------------------------------------------------------


def dump_json(value: object) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)`, written by orjson
    (the same bytes, tests/test_jsonld_writer.py checks it; ten times faster) unless the value
    holds what orjson does not write (integers beyond 64 bits)."""
    import orjson

    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


def write_graph(head: dict, key: str, items: Iterable[dict]) -> str:
    """`dump_json({**head, key: list(items)})` for items given in their final order, written one
    at a time."""
    if not head or not all(k < key for k in head):
        return dump_json({**head, key: list(items)})
    parts = [dump_json(head)[:-2], f",\n  {json.dumps(key)}: ["]  # the head without its "\n}"
    first = True
    for item in items:
        parts.append("\n    " if first else ",\n    ")
        parts.append(dump_json(item).replace("\n", "\n    "))
        first = False
    parts.append("]\n}" if first else "\n  ]\n}")
    return "".join(parts)

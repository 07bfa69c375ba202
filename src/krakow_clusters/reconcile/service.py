"""The Reconciliation Service API, version 0.2 (W3C Entity Reconciliation Community Group), as JSON.

One `Reconciler` holds the index of a store and answers every kind of request: the manifest,
batches of reconciliation queries, the suggest services (entities, types, properties), the
preview card and data extension (proposed properties, `extend`). Input from outside is checked
here and refused with `BadRequest` (one line); the web view turns it into a 400.

Entity ids are the resource IRIs without the resource base (`cluster/bim` for
https://w3id.org/krakow-clusters/id/cluster/bim): the manifest's `identifierSpace` is that base.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..formats.bounds import too_deep
from ..rdf.entities import TYPES, Entity, entity_id, load_entities
from ..rdf.matcher import Candidate, Matcher, fold
from ..rdf.results import GraphStore
from ..settings import Settings

MAX_QUERIES = 1000  # queries in one batch (OpenRefine sends 10 at a time by default)
MAX_LIMIT = 100  # candidates per query
MAX_TEXT = 1000  # characters of a query
# Property constraints in one query, and values in one constraint: each value is resolved and
# matched, so an uncapped list lets one request hold a worker for seconds.
MAX_CONSTRAINTS = 20
# Levels of nesting of a request's JSON: a batch is an object of queries, a query holds lists of
# constraints and values, objects in them; four levels more than that is room enough, and no
# deeper structure reaches code that walks it by recursion (str() of a value, json.dumps).
MAX_DEPTH = 8
MAX_VALUES = 100
DEFAULT_LIMIT = 5
_CALLBACK = re.compile(r"[A-Za-z_$][A-Za-z0-9_$.]{0,99}")
_NUMBER = re.compile(r"[0-9]{1,4}")

# Properties offered for constraints and data extension: id -> (name, types it applies to,
# whether its values are resources of the index).
PROPERTIES: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "members": ("member count as stated", ("cluster",), False),
    "member_count": ("member count (number)", ("cluster",), False),
    "member_count_qualifier": ("member count qualifier", ("cluster",), False),
    "sector": ("sector", ("cluster",), True),
    "coordinator": ("coordinator", ("cluster",), True),
    "status": ("status", ("cluster",), False),
    "place": ("place (location or member region)", ("cluster", "organization"), True),
    "wikidata": ("Wikidata QID", ("cluster", "organization", "sector", "place"), False),
}
CONSTRAINT_PROPERTIES = ("sector", "place", "coordinator")


class BadRequest(ValueError):
    """A request this service cannot answer; the message is one line for the client."""


def _type_object(type_id: str) -> dict[str, str]:
    return {"id": type_id, "name": TYPES[type_id]}


def check_callback(callback: str) -> str:
    """A JSONP callback name, or BadRequest: only a JavaScript identifier path is echoed."""
    if not _CALLBACK.fullmatch(callback):
        raise BadRequest("callback must be a JavaScript name (letters, digits, _ $ and dots)")
    return callback


def parse_json(text: str, what: str) -> Any:
    """The JSON of form field `what`, or BadRequest naming the field (also when it is nested
    deeper than MAX_DEPTH levels)."""
    if too_deep(text.encode("utf-8", "replace"), MAX_DEPTH) is not None:
        raise BadRequest(f"{what} is nested deeper than {MAX_DEPTH} levels")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"{what} is not JSON: {str(exc)[:200]}") from None


@dataclass
class Reconciler:
    """The index of a store and the answers of the API over it."""

    entities: dict[str, Entity]
    matcher: Matcher
    settings: Settings
    # Folded name -> IRI, made once: `resolve` looks every constraint value up here instead of
    # folding every name of every entity again. The first entity (and name) that has it wins, as
    # a scan in this order would find.
    by_name: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_name = {}
        for entity in self.entities.values():
            for name, _alt in entity.names:
                self.by_name.setdefault(fold(name), entity.iri)

    @classmethod
    def from_store(cls, store: GraphStore, settings: Settings) -> Reconciler:
        """The reconciler of everything `store` names (read with two SPARQL queries), for the
        project of `settings`."""
        entities = load_entities(store, settings)
        return cls(entities, Matcher.build(entities.values()), settings)

    # -- the manifest

    def manifest(self, base: str) -> dict[str, Any]:
        """The service manifest; `base` is the address of /reconcile's server (no trailing /)."""
        service = base + "/reconcile"
        return {
            "versions": ["0.1", "0.2"],
            "name": self.settings.name[self.settings.default_language],
            "identifierSpace": self.settings.id_base,
            "schemaSpace": self.settings.ontology_ns,
            "documentation": self.settings.base_iri,
            "serviceVersion": __version__,
            "view": {"url": base + "/id/{{id}}"},
            "defaultTypes": [_type_object(t) for t in TYPES],
            "preview": {"url": service + "/preview?id={{id}}", "width": 420, "height": 220},
            "suggest": {
                kind: {"service_url": service, "service_path": f"/suggest/{kind}"}
                for kind in ("entity", "type", "property")
            },
            "extend": {
                "propose_properties": {
                    "service_url": service,
                    "service_path": "/propose_properties",
                },
                "property_settings": [],
            },
        }

    # -- reconciliation queries

    def _types(self, value: Any) -> tuple[str, ...]:
        if value is None or value == "":
            return ()
        values = value if isinstance(value, list) else [value]
        types = []
        for item in values:
            type_id = item.get("id") if isinstance(item, dict) else item
            type_id = str(type_id).removeprefix(self.settings.ontology_ns)
            if type_id not in TYPES:
                raise BadRequest(f"unknown type {str(type_id)[:80]!r}; types: {', '.join(TYPES)}")
            types.append(type_id)
        return tuple(types)

    def resolve(self, value: Any) -> str:
        """The IRI a property value stands for: an id, an IRI, a reconciled cell ({"id": ...}) or
        a name of a resource (folded)."""
        if isinstance(value, dict):
            value = value.get("id", value.get("name", ""))
        text = str(value).strip()
        if text.startswith(self.settings.id_base):
            return text
        if text in self.entities:
            return self.settings.id_base + text
        return self.by_name.get(fold(text), text)

    def _properties(self, value: Any) -> dict[str, list[str]]:
        if value is None:
            return {}
        if not isinstance(value, list):
            raise BadRequest("properties must be a list of {pid, v}")
        if len(value) > MAX_CONSTRAINTS:
            raise BadRequest(f"at most {MAX_CONSTRAINTS} property constraints in one query")
        constraints: dict[str, list[str]] = {}
        for item in value:
            if not isinstance(item, dict) or "pid" not in item or "v" not in item:
                raise BadRequest("each property constraint needs pid and v")
            pid = str(item["pid"])
            if pid not in CONSTRAINT_PROPERTIES:
                raise BadRequest(
                    f"unknown property {pid[:80]!r} for a constraint; "
                    f"properties: {', '.join(CONSTRAINT_PROPERTIES)}"
                )
            values = item["v"] if isinstance(item["v"], list) else [item["v"]]
            if len(values) > MAX_VALUES:
                raise BadRequest(f"at most {MAX_VALUES} values in one property constraint")
            constraints.setdefault(pid, []).extend(self.resolve(v) for v in values)
        return constraints

    def _result(self, candidate: Candidate) -> dict[str, Any]:
        entity = candidate.entity
        result: dict[str, Any] = {
            "id": entity.id,
            "name": entity.label,
            "score": candidate.score,
            "match": candidate.match,
            "type": [_type_object(entity.type)],
            "features": [{"id": k, "value": v} for k, v in candidate.features.items()],
        }
        description = entity.facts.get("description")
        if description:
            result["description"] = description[0]
        return result

    def query(self, query: Mapping[str, Any]) -> dict[str, Any]:
        """The answer to one reconciliation query ({"query": ..., "type", "limit", ...})."""
        if not isinstance(query, Mapping):
            raise BadRequest("a query must be an object with a query field")
        text = query.get("query")
        if not isinstance(text, str):
            raise BadRequest("a query needs a query string")
        if len(text) > MAX_TEXT:
            raise BadRequest(f"a query string may have at most {MAX_TEXT} characters")
        limit = query.get("limit", DEFAULT_LIMIT)
        if isinstance(limit, str) and _NUMBER.fullmatch(limit):
            limit = int(limit)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 0 <= limit <= MAX_LIMIT:
            raise BadRequest(f"limit must be a whole number from 0 to {MAX_LIMIT}")
        candidates = self.matcher.candidates(
            text,
            self._types(query.get("type")),
            self._properties(query.get("properties")),
            limit,
        )
        return {"result": [self._result(c) for c in candidates]}

    def batch(self, queries: Any) -> dict[str, Any]:
        """The answers to a batch ({key: query}), keyed as asked."""
        if not isinstance(queries, dict):
            raise BadRequest("queries must be a JSON object of queries by key")
        if len(queries) > MAX_QUERIES:
            raise BadRequest(f"at most {MAX_QUERIES} queries in one batch")
        return {str(key): self.query(query) for key, query in queries.items()}

    # -- suggest

    def suggest_entities(self, prefix: str, type_id: str | None = None) -> dict[str, Any]:
        """Entities whose names start like or resemble `prefix` (of one type, when given)."""
        if len(prefix) > MAX_TEXT:
            raise BadRequest(f"prefix may have at most {MAX_TEXT} characters")
        types = self._types(type_id)
        result = []
        for candidate in self.matcher.candidates(prefix, types, None, 10):
            entity = candidate.entity
            item = {"id": entity.id, "name": entity.label, "notable": [_type_object(entity.type)]}
            if candidate.matched_name != entity.label:
                item["description"] = candidate.matched_name
            result.append(item)
        return {"result": result}

    def suggest_types(self, prefix: str) -> dict[str, Any]:
        """Types whose id or name contain `prefix` (folded)."""
        folded = fold(prefix)
        return {
            "result": [
                _type_object(t)
                for t, name in TYPES.items()
                if folded in fold(t) or folded in fold(name)
            ]
        }

    def suggest_properties(self, prefix: str) -> dict[str, Any]:
        """Properties whose id or name contain `prefix` (folded)."""
        folded = fold(prefix)
        return {
            "result": [
                {"id": pid, "name": name}
                for pid, (name, _types, _entities) in PROPERTIES.items()
                if folded in fold(pid) or folded in fold(name)
            ]
        }

    # -- preview

    def entity(self, ident: str) -> Entity:
        """The entity of an id (or of a full IRI); KeyError for an unknown one."""
        found = self.entities.get(entity_id(ident, self.settings.id_base) or ident)
        if found is None:
            raise KeyError(ident)
        return found

    def preview(self, ident: str, base: str) -> dict[str, Any]:
        """What the client's preview card of the entity shows (pages/templates/preview.html
        renders it, every value escaped): its name, link, description and facts."""
        entity = self.entity(ident)
        rows = [("type", TYPES[entity.type])]
        other_names = [name for name, _alt in entity.names[1:]]
        if other_names:
            rows.append(("also", "; ".join(other_names)))
        for pid, (name, types, _entities) in PROPERTIES.items():
            if entity.type in types and pid not in ("member_count", "member_count_qualifier"):
                values = [self._value_name(pid, v) for v in entity.facts.get(pid, ())]
                if values:
                    rows.append((name, "; ".join(values)))
        return {
            "name": entity.label,
            "href": f"{base}/id/{entity.id}",
            "description": entity.facts.get("description", [""])[0],
            "rows": rows,
        }

    def _value_name(self, pid: str, value: str) -> str:
        if pid == "wikidata":
            return value.rsplit("/", 1)[-1]
        target = self.entities.get(entity_id(value, self.settings.id_base) or "")
        return target.label if target else value

    # -- data extension

    def propose_properties(self, type_id: str, limit: int | None = None) -> dict[str, Any]:
        """The properties data extension offers for a type."""
        (checked,) = self._types(type_id) or ("cluster",)
        properties = [
            {"id": pid, "name": name}
            for pid, (name, types, _entities) in PROPERTIES.items()
            if checked in types
        ]
        return {"type": checked, "properties": properties[:limit] if limit else properties}

    def extend(self, request: Any) -> dict[str, Any]:
        """The values of the asked properties for the asked entities ({"ids", "properties"})."""
        if not isinstance(request, dict):
            raise BadRequest("extend must be an object with ids and properties")
        ids, properties = request.get("ids"), request.get("properties")
        if not isinstance(ids, list) or not isinstance(properties, list):
            raise BadRequest("extend needs a list of ids and a list of properties")
        if len(ids) > MAX_QUERIES:
            raise BadRequest(f"at most {MAX_QUERIES} ids in one request")
        if len(properties) > MAX_CONSTRAINTS:
            # Every property is read for every id: the two lists together bound the work.
            raise BadRequest(f"at most {MAX_CONSTRAINTS} properties in one request")
        pids = []
        for item in properties:
            pid = item.get("id") if isinstance(item, dict) else None
            if pid not in PROPERTIES:
                raise BadRequest(f"unknown property {str(pid)[:80]!r}; see propose_properties")
            pids.append(pid)
        meta = []
        for pid in pids:
            field: dict[str, Any] = {"id": pid, "name": PROPERTIES[pid][0]}
            if PROPERTIES[pid][2]:
                field["type"] = _type_object(_VALUE_TYPES[pid])
            meta.append(field)
        rows: dict[str, Any] = {}
        for ident in ids:
            entity = self.entities.get(entity_id(str(ident), self.settings.id_base) or str(ident))
            rows[str(ident)] = {
                pid: [self._cell(pid, v) for v in entity.facts.get(pid, ())] if entity else []
                for pid in pids
            }
        return {"meta": meta, "rows": rows}

    def _cell(self, pid: str, value: str) -> dict[str, Any]:
        if PROPERTIES[pid][2]:
            target = self.entities.get(entity_id(value, self.settings.id_base) or "")
            if target is not None:
                return {"id": target.id, "name": target.label}
            return {"str": value}
        if pid == "member_count":
            return {"int": int(value)}
        if pid == "wikidata":
            return {"str": value.rsplit("/", 1)[-1]}
        return {"str": value}


_VALUE_TYPES = {"sector": "sector", "coordinator": "organization", "place": "place"}

"""Emit the value rules (bounds, lengths, patterns, item counts) of every schema a request reaches.

openapi-python-client drops ``minimum``, ``maxLength``, ``pattern`` and the like: the generated
models check JSON types only. The facade checks these rules before sending, on dicts and models
alike, from the table this module writes to ``talon_async/_generated/request_rules.py``:
``RULES[<model class name>][<JSON key>]`` is a dict of the keywords that apply to that property,
with ``items`` holding the rules of an array's items.
"""

from __future__ import annotations

import pprint
from typing import Any

from spec_names import class_name, ref_name

Schema = dict[str, Any]

KEYWORDS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
)

HEADER = '''"""The value rules of request schemas, keyed by model class name, then JSON key."""

from __future__ import annotations

from typing import Any

'''


class _Collector:
    def __init__(self, spec: Schema) -> None:
        self.schemas: dict[str, Schema] = spec.get("components", {}).get("schemas", {})
        self.spec = spec
        self.rules: dict[str, dict[str, Any]] = {}
        self.seen: set[str] = set()

    def roots(self) -> list[str]:
        found = []
        for item in self.spec.get("paths", {}).values():
            for method, operation in item.items():
                if method not in ("get", "put", "post", "patch", "delete"):
                    continue
                content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                schema = content.get("schema") or {}
                if "$ref" in schema:
                    found.append(ref_name(schema["$ref"]))
        return sorted(set(found))

    def visit(self, name: str) -> None:
        if name in self.seen:
            return
        self.seen.add(name)
        properties = self._properties(self.schemas[name])
        own: dict[str, Any] = {}
        for key, prop in properties.items():
            if rule := self._rule(prop):
                own[key] = rule
        if own:
            self.rules[class_name(name)] = own

    def _properties(self, schema: Schema) -> dict[str, Schema]:
        merged: dict[str, Schema] = dict(schema.get("properties", {}))
        for branch in schema.get("allOf", []):
            resolved = self.schemas[ref_name(branch["$ref"])] if "$ref" in branch else branch
            merged.update(self._properties(resolved))
        return merged

    def _rule(self, prop: Schema) -> dict[str, Any]:
        """The keywords of ``prop`` (a ``$ref`` to an object is visited as its own model instead)."""
        if "$ref" in prop:
            name = ref_name(prop["$ref"])
            target = self.schemas[name]
            if target.get("properties") or target.get("allOf"):
                self.visit(name)
                return {}
            return self._rule(target)
        rule = {keyword: prop[keyword] for keyword in KEYWORDS if keyword in prop}
        for combinator in ("allOf", "oneOf", "anyOf"):
            for branch in prop.get(combinator, []):
                if "$ref" in branch:
                    self._rule(branch)
        if isinstance(prop.get("items"), dict) and (items := self._rule(prop["items"])):
            rule["items"] = items
        if isinstance(prop.get("additionalProperties"), dict):
            self._rule(prop["additionalProperties"])
        return rule

    def source(self) -> str:
        for root in self.roots():
            self.visit(root)
        table = pprint.pformat(dict(sorted(self.rules.items())), width=100, sort_dicts=True)
        return f'{HEADER}__all__ = ["RULES"]\n\nRULES: dict[str, dict[str, dict[str, Any]]] = {table}\n'


def request_rules_source(spec: Schema) -> str:
    """The Python source of ``request_rules.py`` for ``spec`` (a loaded OpenAPI document)."""
    return _Collector(spec).source()

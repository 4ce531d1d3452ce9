"""Emit a ``TypedDict`` for every schema a request body reaches, so that dict bodies type-check.

openapi-python-client emits attrs models only. Users mostly write request bodies as plain dicts,
which the facade used to type as ``Mapping[str, Any]``: mypy saw neither ``profileID`` for
``profileId`` nor ``"quantity": "2"``. This module reads the same spec and writes
``talon_async/_generated/typed_dicts.py``: ``<Schema>Dict`` per request schema, with
``Required``/``NotRequired`` per the spec's ``required`` list, enums as ``Literal``s and
date-times as the RFC 3339 strings the dict form carries. The functional ``TypedDict`` form is
used because JSON keys need not be Python identifiers.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterator
from typing import Any

from spec_names import class_name, ref_name

Schema = dict[str, Any]

HEADER = '''"""TypedDicts for request bodies written as plain dicts (JSON keys, camelCase)."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, Required, TypedDict, Union

'''


class _Emitter:
    def __init__(self, spec: Schema) -> None:
        self.schemas: dict[str, Schema] = spec.get("components", {}).get("schemas", {})
        self.spec = spec
        self.emitted: dict[str, str] = {}
        self.pending: list[tuple[str, Schema]] = []

    def request_roots(self) -> Iterator[str]:
        for item in self.spec.get("paths", {}).values():
            for method, operation in item.items():
                if method not in ("get", "put", "post", "patch", "delete"):
                    continue
                body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                schema = body.get("schema")
                if schema and "$ref" in schema:
                    yield ref_name(schema["$ref"])

    def typed_dict_name(self, schema_name: str) -> str:
        name = f"{class_name(schema_name)}Dict"
        if name not in self.emitted and all(pending != name for pending, _ in self.pending):
            self.pending.append((name, self.schemas[schema_name]))
        return name

    def annotation(self, schema: Schema, owner: str, prop: str) -> str:
        """The type of a value under ``schema``; inline objects become ``<owner><Prop>Dict``."""
        if "$ref" in schema:
            target = self.schemas[ref_name(schema["$ref"])]
            if self._is_object(target):
                return self.typed_dict_name(ref_name(schema["$ref"]))
            return self.annotation(target, class_name(ref_name(schema["$ref"])), "")
        nullable = bool(schema.get("nullable"))
        types = schema.get("type")
        if isinstance(types, list):
            nullable = nullable or "null" in types
            types = [t for t in types if t != "null"]
            types = types[0] if len(types) == 1 else None
        result = self._base_annotation(schema, types, owner, prop)
        return f"{result} | None" if nullable and result != "Any" else result

    def _base_annotation(self, schema: Schema, json_type: str | None, owner: str, prop: str) -> str:
        for combinator in ("allOf", "oneOf", "anyOf"):
            branches = schema.get(combinator)
            if not branches:
                continue
            if combinator == "allOf" and len(branches) == 1:
                return self.annotation(branches[0], owner, prop)
            if combinator == "allOf":
                merged: Schema = {"type": "object", "properties": {}, "required": []}
                for branch in branches:
                    resolved = self.schemas[ref_name(branch["$ref"])] if "$ref" in branch else branch
                    merged["properties"].update(resolved.get("properties", {}))
                    merged["required"] += resolved.get("required", [])
                return self._inline_object(merged, owner, prop)
            options = list(dict.fromkeys(self.annotation(branch, owner, prop) for branch in branches))
            return options[0] if len(options) == 1 else f"Union[{', '.join(options)}]"
        if "enum" in schema:
            return f"Literal[{', '.join(repr(value) for value in schema['enum'] if value is not None)}]"
        if "const" in schema:
            return f"Literal[{schema['const']!r}]"
        if json_type == "string":
            return "str"
        if json_type == "integer":
            return "int"
        if json_type == "number":
            return "float"
        if json_type == "boolean":
            return "bool"
        if json_type == "array":
            return f"list[{self.annotation(schema.get('items', {}), owner, prop + 'Item')}]"
        if json_type == "object" or "properties" in schema:
            return self._inline_object(schema, owner, prop)
        return "Any"

    def _inline_object(self, schema: Schema, owner: str, prop: str) -> str:
        if not schema.get("properties"):
            values = schema.get("additionalProperties")
            if isinstance(values, dict) and values:
                return f"dict[str, {self.annotation(values, owner, prop + 'Value')}]"
            return "dict[str, Any]"
        name = f"{owner}{class_name(prop)}Dict"
        if name not in self.emitted and all(pending != name for pending, _ in self.pending):
            self.pending.append((name, schema))
        return name

    @staticmethod
    def _is_object(schema: Schema) -> bool:
        return bool(schema.get("properties")) or (
            schema.get("type") == "object" and not schema.get("additionalProperties")
        )

    def emit(self, name: str, schema: Schema) -> str:
        owner = name.removesuffix("Dict")
        required = set(schema.get("required", []))
        fields = []
        for prop, prop_schema in schema.get("properties", {}).items():
            kind = "Required" if prop in required else "NotRequired"
            fields.append(f"        {prop!r}: {kind}[{self.annotation(prop_schema, owner, prop)}],")
        assert not keyword.iskeyword(name)
        body = "\n".join(fields)
        return f'{name} = TypedDict(\n    "{name}",\n    {{\n{body}\n    }},\n)\n'

    def source(self) -> str:
        for root in sorted(set(self.request_roots())):
            self.typed_dict_name(root)
        while self.pending:
            name, schema = self.pending.pop(0)
            self.emitted[name] = self.emit(name, schema)
        names = sorted(self.emitted)
        exports = "".join(f'    "{name}",\n' for name in names)
        blocks = "\n\n".join(self.emitted[name] for name in names)
        return f"{HEADER}__all__ = [\n{exports}]\n\n\n{blocks}"


def typed_dicts_source(spec: Schema) -> str:
    """The Python source of ``typed_dicts.py`` for ``spec`` (a loaded OpenAPI document)."""
    return _Emitter(spec).source()

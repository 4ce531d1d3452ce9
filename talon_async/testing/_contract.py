"""Talon.One's official contract, made checkable: what the fake is tested against, and why it differs.

Strictly private. ``in_scope_contract`` trims the official OpenAPI 3.1 document to the operations
the SDK covers and works around the contract's own defects, each listed in ``CONTRACT_DEFECTS``.
The fake's test suite runs schemathesis with the result (``tests/testing/test_contract.py``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

__all__ = ["CONTRACT_DEFECTS", "in_scope_contract"]

# Where the official contract cannot be taken literally, and what is done instead. Each entry is a
# defect of the published document itself, not a difference between it and our spec.
CONTRACT_DEFECTS: dict[str, str] = {
    "identical-oneOf-branches": (
        "Several oneOf lists hold two identical (or overlapping) branches, so no value can match exactly "
        "one of them; they are read as anyOf."
    ),
    "undeclared-required": (
        "Some schemas require property names they never declare; those names are dropped from required, "
        "since nothing says what type they would have. A name another member of the same allOf declares "
        "stays required: the combined object does declare it."
    ),
    "always-null-typed-as-array": (
        "Properties marked x-always-null (a profile's loyaltyMemberships) are typed as arrays; "
        "Talon.One sends null there, so null is allowed too."
    ),
    "silent-204-string-body": (
        "updateCustomerProfilesV2 and trackEventV2 give their 204 answer a JSON string body, but a 204 "
        "has no body (RFC 9110); the content is dropped."
    ),
    "silent-values-undeclared": (
        "The silent query parameter is typed as any string (default yes), though Talon.One documents only "
        "yes and no; the SDK sends only those two (the facade takes a bool), and the fake reads anything "
        "but no as yes."
    ),
    "array-bounds-on-object": (
        "A catalog price adjustment object carries minItems/maxItems (1 and 100), which JSON Schema ignores "
        "on objects; they were probably meant for the adjustments array, but as written they check nothing, "
        "so no bound is enforced on either."
    ),
    "undocumented-error-statuses": (
        "Some operations list no 404 (getting, reopening or returning a session; generating a card) or "
        "no 400 (the inventory and three audience updates). The fake answers such errors with the "
        "operation's documented error status instead (see _fake.CONTRACT_STATUS_FALLBACKS)."
    ),
}


def in_scope_contract(document: Mapping[str, Any]) -> dict[str, Any]:
    """The official document with only the in-scope operations and the defects above worked around."""
    out = copy.deepcopy(dict(document))
    paths: dict[str, Any] = {}
    for path, item in out["paths"].items():
        kept = {
            method: op for method, op in item.items() if isinstance(op, dict) and op.get("x-in-project-scope")
        }
        if kept:
            common = {k: v for k, v in item.items() if k == "parameters"}
            paths[path] = {**common, **kept}
            for op in kept.values():
                silent = op["responses"].get("204")
                if silent is not None:
                    silent.pop("content", None)
    out["paths"] = _repaired(paths)
    return out


def _repaired(node: Any, declared_beside: frozenset[str] = frozenset()) -> Any:
    if isinstance(node, list):
        return [_repaired(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _repaired(value) for key, value in node.items() if key != "allOf"}
    members = node.get("allOf")
    if isinstance(members, list):
        # The properties of every member: each member's required names are checked against them all.
        declared = frozenset(
            name
            for member in members
            if isinstance(member, dict) and isinstance(member.get("properties"), dict)
            for name in member["properties"]
        )
        out["allOf"] = [_repaired(member, declared) for member in members]
    elif "allOf" in node:
        out["allOf"] = _repaired(members)
    if out.get("x-always-null") and "type" in out:
        out["type"] = [out["type"], "null"] if isinstance(out["type"], str) else [*out["type"], "null"]
    if "oneOf" in out:
        out["anyOf"] = out.pop("oneOf")
        out.pop("discriminator", None)
    required = out.get("required")
    properties = out.get("properties")
    if isinstance(required, list) and isinstance(properties, dict):
        out["required"] = [name for name in required if name in properties or name in declared_beside]
        if not out["required"]:
            del out["required"]
    return out

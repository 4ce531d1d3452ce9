"""scripts/extract_php_sdk_facts.py: the operation and parameter tables become facts, prose stays out."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.reference import PHP_SDK_OPERATIONS_PATH
from tests.support.spec import REPO_ROOT


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "extract_php_sdk_facts", REPO_ROOT / "scripts" / "extract_php_sdk_facts.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# A made-up two-operation document in the layout of the PHP SDK docs.
DOCS = """\
Method | HTTP request | Description |
---|---|---|
getWidget | GET /v1/widgets/{widgetId} | Some words |
putWidget | PUT /v2/widgets | More words |
\\Vendor\\Model\\Widget getWidget($widgetId, $verbose)
Words about fetching that must not be kept.
Name | Type | Description | Notes |
---|---|---|---|
widgetId | string | An identifier. | |
verbose | bool | Say more. | [optional] [default to false] |
\\Vendor\\Model\\Widget
putWidget($body, $mode)
Name | Type | Description | Notes |
---|---|---|---|
body | \\Vendor\\Model\\NewWidget | body |
mode | string | How. | [optional] [default to 'fast'] |
"""


def test_extracts_operations_and_typed_defaults() -> None:
    """Each row becomes an operation with its parameters, optionality and defaults typed as JSON values."""
    facts = _script().extract(DOCS)
    assert facts["operations"] == [
        {
            "operationId": "getWidget",
            "method": "GET",
            "path": "/v1/widgets/{widgetId}",
            "parameters": [
                {"name": "widgetId", "type": "string", "optional": False},
                {"name": "verbose", "type": "bool", "optional": True, "default": False},
            ],
        },
        {
            "operationId": "putWidget",
            "method": "PUT",
            "path": "/v2/widgets",
            "parameters": [
                {"name": "body", "type": "\\Vendor\\Model\\NewWidget", "optional": False},
                {"name": "mode", "type": "string", "optional": True, "default": "fast"},
            ],
        },
    ]
    assert "Words" not in json.dumps(facts)


def test_a_default_outside_any_table_is_refused() -> None:
    """A default the parser did not attach to a parameter stops the extraction instead of being lost."""
    with pytest.raises(ValueError, match="default"):
        _script().extract(DOCS + "stray [default to 3]\n")


def test_committed_facts_carry_no_prose() -> None:
    """The vendored JSON holds only names, methods, paths, types, optionality and defaults."""
    facts = json.loads(Path(PHP_SDK_OPERATIONS_PATH).read_text(encoding="utf-8"))
    operation_keys = {key for op in facts["operations"] for key in op}
    assert operation_keys == {"operationId", "method", "path", "parameters"}
    keys = {key for op in facts["operations"] for p in op["parameters"] for key in p}
    assert keys <= {"name", "type", "optional", "default"}

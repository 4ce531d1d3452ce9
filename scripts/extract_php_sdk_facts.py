"""Extract the operation and parameter tables of Talon.One's PHP SDK docs into a facts-only JSON.

Usage: python scripts/extract_php_sdk_facts.py DOCS.txt > openapi/reference/php-sdk-operations.json

The input is the text of the PHP SDK's Integration API documentation. Only names, HTTP methods,
paths, parameter types, optionality and defaults are kept; the docs' prose never is.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

_TABLE_ROW = re.compile(r"^(?P<id>[a-z]\w+) \| (?P<method>GET|POST|PUT|DELETE|PATCH) (?P<path>/\S*) \| ")
_SIGNATURE = re.compile(r"^(?:\S+ )?(?P<id>[a-z]\w+)\((?P<args>[^)]*)\)$")
_DEFAULT = re.compile(r"\[default to (?P<value>[^\]]+)\]")


def _default(notes: str) -> tuple[bool, Any]:
    match = _DEFAULT.search(notes)
    if match is None:
        return False, None
    text = match["value"].strip()
    if text[:1] == text[-1:] == "'":
        return True, text[1:-1]
    if text in ("true", "false"):
        return True, text == "true"
    return True, int(text)


def extract(text: str) -> dict[str, Any]:
    """The operation table, each operation with the parameter table of its own section."""
    lines = text.splitlines()
    table = {m["id"]: (m["method"], m["path"]) for line in lines if (m := _TABLE_ROW.match(line))}
    parameters: dict[str, list[dict[str, Any]]] = {}
    current = None
    in_table = False
    for line in lines:
        signature = _SIGNATURE.match(line)
        if signature and signature["id"] in table:
            current, in_table = signature["id"], False
            parameters[current] = []
        elif line.startswith("Name | Type | Description | Notes"):
            in_table = current is not None
        elif in_table and line.startswith("---"):
            continue
        elif in_table and line.endswith("|") and current is not None:
            cells = [cell.strip() for cell in line.split("|")]
            notes = cells[-2]
            parameter: dict[str, Any] = {
                "name": cells[0],
                "type": cells[1],
                "optional": "[optional]" in notes,
            }
            has_default, default = _default(notes)
            if has_default:
                parameter["default"] = default
            parameters[current].append(parameter)
        else:
            in_table = False
    operations = [
        {"operationId": op_id, "method": method, "path": path, "parameters": parameters.get(op_id, [])}
        for op_id, (method, path) in sorted(table.items())
    ]
    found_defaults = sum("default" in p for op in operations for p in op["parameters"])
    if found_defaults != text.count("[default to "):
        raise ValueError("a documented default sits outside every parameter table the parser found")
    return {
        "source": "Talon.One PHP SDK documentation, Integration API (IntegrationApi)",
        "operations": operations,
    }


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    facts = extract(Path(sys.argv[1]).read_text(encoding="utf-8"))
    sys.stdout.write(json.dumps(facts, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

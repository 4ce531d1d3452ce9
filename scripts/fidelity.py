"""Compare openapi/integration-api.yaml with Talon.One's official contract, and fail on any drift.

The official contract (OpenAPI 3.1, fully inlined, composed with ``allOf``) is the authority for
the operations marked ``x-in-project-scope``. Our spec (OpenAPI 3.0, named components) is walked
from the same operations, following ``$ref``, so schema names never matter: only structure does.

Every difference gets a stable key, ``<anchor>: <aspect>``, where the anchor is the path from the
nearest named schema of ours (``CustomerProfile.loyaltyMemberships``) or from the operation
(``syncCatalog.request.actions[]``), and a category:

- breaking: a valid answer or request by the contract fails with our spec (a type, a stricter
  check, a missing enum value, an operation or status we get wrong);
- information-losing: something the contract types or checks that ours does not (a missing
  property, parameter or constraint, an untyped slot);
- cosmetic: neither (formats that change no Python type, defaults, extra properties).

Differences listed in openapi/fidelity-allowlist.yaml (``key`` + ``reason``; ``*`` in a key matches
any text) are reported but pass; an allowlist entry that matches nothing fails, so the list only
ever holds live, explained exceptions. A breaking or information-losing difference may only be
listed as the consequence of a defect of the contract itself: its entry then names the defect
(``contract-defect``), one of the keys of ``CONTRACT_DEFECTS`` in
``talon_async/testing/_contract.py``, where each defect and what is done instead is described once.

    python scripts/fidelity.py            # report, exit 1 on unlisted or stale entries
    python scripts/fidelity.py --all      # also print the allowlisted differences
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SPEC_PATH = ROOT / "openapi" / "integration-api.yaml"
OFFICIAL_PATH = ROOT / "openapi" / "reference" / "official" / "integration-api.openapi.json"
ALLOWLIST_PATH = ROOT / "openapi" / "fidelity-allowlist.yaml"

BREAKING = "breaking"
LOSING = "information-losing"
COSMETIC = "cosmetic"
CATEGORIES = (BREAKING, LOSING, COSMETIC)
_RANK = {COSMETIC: 0, LOSING: 1, BREAKING: 2}

# Statuses whose answers carry no body (RFC 9110 section 15.3.5 and 15.4.5): content declared for
# them describes nothing a client can receive.
BODILESS = frozenset({"204", "304"})
REQUEST = "request"
RESPONSE = "response"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
SCHEMA_PREFIX = "#/components/schemas/"
# Checks that a value must pass; the generated models enforce them locally.
CONSTRAINTS = (
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
)
# Formats that change the Python type of a value (and so what parses).
TYPED_FORMATS = {"date-time", "date", "uuid", "binary"}
# JSON Schema applies each constraint to one kind of value and ignores it on any other, so a
# constraint written on a schema of another type checks nothing.
CONSTRAINED_TYPES = {
    "minLength": {"string"},
    "maxLength": {"string"},
    "pattern": {"string"},
    "minimum": {"integer", "number"},
    "maximum": {"integer", "number"},
    "exclusiveMinimum": {"integer", "number"},
    "exclusiveMaximum": {"integer", "number"},
    "minItems": {"array"},
    "maxItems": {"array"},
    "uniqueItems": {"array"},
}

Schema = Mapping[str, Any]


@dataclass(frozen=True)
class Difference:
    key: str
    category: str
    detail: str


@dataclass
class _Flat:
    """One schema level with composition, references and nullability folded away."""

    name: str | None = None
    type: str | None = None
    nullable: bool = False
    format: str | None = None
    enum: list[Any] | None = None
    default: Any = None
    has_default: bool = False
    constraints: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Schema] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    items: Schema | None = None
    additional: Any = None
    variants: list[Schema] = field(default_factory=list)
    extensions: dict[str, Any] = field(default_factory=dict)

    @property
    def untyped(self) -> bool:
        return (
            self.type is None
            and not self.properties
            and not self.variants
            and self.enum is None
            and self.items is None
        )


class Comparison:
    """Walk the official contract and our spec side by side, collecting differences by key."""

    def __init__(self, official: Mapping[str, Any], ours: Mapping[str, Any]) -> None:
        self.official = official
        self.ours = ours
        self.components: Mapping[str, Any] = ours.get("components", {}).get("schemas", {})
        self.found: dict[str, Difference] = {}
        self._seen: set[tuple[int, str, str]] = set()
        # Every anchor the contract also declares (both sides were compared there).
        self.visited: set[str] = set()

    # --- recording -----------------------------------------------------------------------------

    def add(self, key: str, category: str, detail: str) -> None:
        old = self.found.get(key)
        if old is None or _RANK[category] > _RANK[old.category]:
            self.found[key] = Difference(key, category, detail)

    # --- flattening ----------------------------------------------------------------------------

    def flat(self, schema: Schema | None, official: bool) -> _Flat:
        out = _Flat()
        self._fold(schema or {}, official, out, top=True)
        return out

    def _fold(self, schema: Schema, official: bool, out: _Flat, top: bool) -> None:
        if not official and "$ref" in schema:
            name = _ref_name(schema["$ref"])
            if top and out.name is None:
                out.name = name
            self._fold(self.components[name], official, out, top)
        for branch in schema.get("allOf", ()):
            self._fold(branch, official, out, top=top and len(schema["allOf"]) == 1)
        kind = schema.get("type")
        if isinstance(kind, list):
            if "null" in kind:
                out.nullable = True
            kinds = [k for k in kind if k != "null"]
            kind = kinds[0] if len(kinds) == 1 else None
        if kind and out.type is None:
            out.type = kind
        if schema.get("nullable") or schema.get("x-always-null"):
            out.nullable = True
        if "format" in schema and out.format is None:
            out.format = schema["format"]
        if "const" in schema:
            out.enum = [schema["const"]]
        elif "enum" in schema:
            out.enum = [v for v in schema["enum"] if v is not None]
            if None in schema["enum"]:
                out.nullable = True
        for key in ("default", "x-server-default"):
            if key in schema and not out.has_default:
                out.default, out.has_default = schema[key], True
        for key in CONSTRAINTS:
            if key in schema and key not in out.constraints and schema[key] is not False:
                out.constraints[key] = schema[key]
        for name, prop in schema.get("properties", {}).items():
            out.properties.setdefault(name, prop)
        out.required |= set(schema.get("required", ()))
        if "items" in schema and out.items is None:
            out.items = schema["items"]
        if "additionalProperties" in schema and out.additional is None:
            out.additional = schema["additionalProperties"]
        out.variants += list(schema.get("oneOf", ())) + list(schema.get("anyOf", ()))
        out.extensions.update({k: v for k, v in schema.items() if k.startswith("x-")})
        if out.type is None and out.properties:
            out.type = "object"

    # --- operations ----------------------------------------------------------------------------

    def run(self) -> list[Difference]:
        ours = {op["operationId"]: (method, path, op) for method, path, op in _operations(self.ours)}
        for method, path, official_op in _operations(self.official):
            if not official_op.get("x-in-project-scope"):
                continue
            op_id = official_op["operationId"]
            if op_id not in ours:
                self.add(f"{op_id}: operation", BREAKING, f"{method.upper()} {path} is missing")
                continue
            our_method, our_path, our_op = ours.pop(op_id)
            if (our_method, our_path) != (method, path):
                self.add(
                    f"{op_id}: route",
                    BREAKING,
                    f"ours {our_method.upper()} {our_path}, official {method.upper()} {path}",
                )
            self.operation(op_id, official_op, our_op)
        for op_id, (method, path, _) in ours.items():
            self.add(f"{op_id}: operation", BREAKING, f"ours has {method.upper()} {path}, official does not")
        return sorted(self.found.values(), key=lambda d: d.key)

    def operation(self, op_id: str, official: Schema, ours: Schema) -> None:
        theirs = {(p["in"], p["name"]): p for p in official.get("parameters", ())}
        mine = {(p["in"], p["name"]): p for p in ours.get("parameters", ())}
        for (where, name), param in theirs.items():
            anchor = f"{op_id}.param[{where}:{name}]"
            if (where, name) not in mine:
                self.add(f"{anchor}: missing", LOSING, "parameter missing from ours")
                continue
            our_param = mine.pop((where, name))
            self.visited.add(anchor)
            self.required_flag(anchor, bool(param.get("required")), bool(our_param.get("required")), REQUEST)
            self.schema(param.get("schema"), our_param.get("schema"), anchor, REQUEST)
        for where, name in mine:
            category = BREAKING if mine[(where, name)].get("required") else COSMETIC
            self.add(f"{op_id}.param[{where}:{name}]: extra", category, "parameter the contract lacks")
        self.body(op_id, official.get("requestBody"), ours.get("requestBody"))
        our_responses = dict(ours.get("responses", {}))
        for status, response in official.get("responses", {}).items():
            anchor = f"{op_id}.response[{status}]"
            if status not in our_responses:
                self.add(f"{anchor}: missing", LOSING, "status missing from ours")
                continue
            self.content(anchor, response, our_responses.pop(status), RESPONSE, bodiless=status in BODILESS)
        for status in our_responses:
            self.add(f"{op_id}.response[{status}]: extra", COSMETIC, "status the contract lacks")

    def body(self, op_id: str, official: Schema | None, ours: Schema | None) -> None:
        anchor = f"{op_id}.request"
        if official is None and ours is None:
            return
        if official is None or ours is None:
            category = LOSING if ours is None else BREAKING
            self.add(
                f"{anchor}: body", category, f"official body {official is not None}, ours {ours is not None}"
            )
            return
        self.required_flag(anchor, bool(official.get("required")), bool(ours.get("required")), REQUEST)
        self.content(anchor, official, ours, REQUEST)

    def content(
        self, anchor: str, official: Schema, ours: Schema, direction: str, bodiless: bool = False
    ) -> None:
        theirs, mine = official.get("content", {}), ours.get("content", {})
        for media in sorted(set(theirs) | set(mine)):
            if media not in mine and bodiless:
                self.add(f"{anchor}: content[{media}]", COSMETIC, "a body on a status that has none by HTTP")
            elif media not in mine:
                self.add(f"{anchor}: content[{media}]", LOSING, "media type missing from ours")
            elif media not in theirs:
                self.add(f"{anchor}: content[{media}]", COSMETIC, "media type the contract lacks")
            else:
                their_schema, my_schema = theirs[media].get("schema"), mine[media].get("schema")
                if their_schema is not None and my_schema is None:
                    self.add(f"{anchor}: schema", LOSING, f"official body {their_schema}, ours none")
                elif my_schema is not None:
                    self.schema(their_schema, my_schema, anchor, direction)

    def required_flag(self, anchor: str, official: bool, ours: bool, direction: str) -> None:
        if official != ours:
            category = BREAKING if ours else LOSING
            self.add(f"{anchor}: required", category, f"required: ours {ours}, official {official}")

    # --- schemas -------------------------------------------------------------------------------

    def schema(self, official: Schema | None, ours: Schema | None, anchor: str, direction: str) -> None:
        mine = self.flat(ours, official=False)
        self.visited.add(anchor)
        if mine.name is not None:
            anchor = mine.name
        self.visited.add(anchor)
        # The official contract is a finite tree, so this only stops repeats, never recursion.
        marker = (id(official), anchor, direction)
        if marker in self._seen:
            return
        self._seen.add(marker)
        theirs = self.flat(official, official=True)
        self.scalars(theirs, mine, anchor, direction)
        if theirs.variants:
            self.variants(theirs, mine, anchor, direction)
            return
        if mine.variants:
            self.our_variants(official, theirs, mine, anchor, direction)
            return
        if theirs.untyped:
            return
        if mine.untyped:
            self.add(f"{anchor}: untyped", LOSING, f"ours takes any value, official is {theirs.type}")
            return
        self.objects(theirs, mine, anchor, direction)
        if theirs.items is not None:
            self.schema(theirs.items, mine.items or {}, f"{anchor}[]", direction)
        if isinstance(theirs.additional, Mapping) and theirs.additional:
            extra = mine.additional if isinstance(mine.additional, Mapping) else {}
            self.schema(theirs.additional, extra, f"{anchor}{{}}", direction)

    def scalars(self, theirs: _Flat, mine: _Flat, anchor: str, direction: str) -> None:
        if theirs.type and mine.type and theirs.type != mine.type:
            self.add(f"{anchor}: type", BREAKING, f"ours {mine.type}, official {theirs.type}")
        elif theirs.type and not mine.type and not mine.untyped and not mine.variants:
            self.add(f"{anchor}: type", LOSING, f"ours has no type, official {theirs.type}")
        if theirs.nullable and not mine.nullable:
            self.add(f"{anchor}: nullable", BREAKING, "official allows null, ours does not")
        elif mine.nullable and not theirs.nullable and not theirs.untyped:
            # An untyped official schema ({}) already admits null.
            self.add(f"{anchor}: nullable", COSMETIC, "ours allows null, official does not")
        if theirs.format != mine.format and (theirs.type or mine.type) not in ("object", "array"):
            typed = {theirs.format, mine.format} & TYPED_FORMATS
            category = COSMETIC
            if typed:
                category = BREAKING if mine.format in TYPED_FORMATS else LOSING
            self.add(f"{anchor}: format", category, f"ours {mine.format}, official {theirs.format}")
        if theirs.enum is not None or mine.enum is not None:
            want, got = theirs.enum or [], mine.enum or []
            missing = [v for v in want if v not in got]
            extra = [v for v in got if v not in want]
            if theirs.enum is not None and mine.enum is None:
                self.add(f"{anchor}: enum", LOSING, f"ours has no enum, official {want}")
            elif theirs.enum is None and mine.enum is not None:
                self.add(f"{anchor}: enum", BREAKING, f"ours restricts to {got}, official does not")
            elif missing:
                self.add(f"{anchor}: enum", BREAKING, f"ours lacks {missing}")
            elif extra:
                category = LOSING if direction == REQUEST else COSMETIC
                self.add(f"{anchor}: enum", category, f"ours adds {extra}")
        if theirs.has_default != mine.has_default or theirs.default != mine.default:
            their_default = theirs.default if theirs.has_default else "(none)"
            our_default = mine.default if mine.has_default else "(none)"
            self.add(f"{anchor}: default", COSMETIC, f"ours {our_default!r}, official {their_default!r}")
        for key in CONSTRAINTS:
            bound, our_bound = theirs.constraints.get(key), mine.constraints.get(key)
            if bound == our_bound:
                continue
            schema_type = theirs.type or mine.type
            if schema_type is not None and schema_type not in CONSTRAINED_TYPES[key]:
                self.add(
                    f"{anchor}: {key}",
                    COSMETIC,
                    f"ours {our_bound!r}, official {bound!r} on a schema of type {schema_type}, "
                    f"which {key} ignores",
                )
                continue
            category = LOSING if our_bound is None else BREAKING
            self.add(f"{anchor}: {key}", category, f"ours {our_bound!r}, official {bound!r}")

    def objects(self, theirs: _Flat, mine: _Flat, anchor: str, direction: str) -> None:
        for name, prop in theirs.properties.items():
            where = f"{anchor}.{name}"
            if name not in mine.properties:
                self.add(f"{where}: missing", LOSING, "property missing from ours")
                continue
            self.schema(prop, mine.properties[name], where, direction)
        for name in mine.properties.keys() - theirs.properties.keys():
            self.add(f"{anchor}.{name}: extra", COSMETIC, "property the contract lacks")
        for name in sorted(theirs.required - mine.required):
            if name not in theirs.properties:
                # A presence check the contract makes and ours does not, so information-losing,
                # though no type is lost: the contract gives the name none.
                self.add(
                    f"{anchor}.{name}: required-undeclared",
                    LOSING,
                    "official requires a name it never declares",
                )
            else:
                self.add(f"{anchor}.{name}: required", LOSING, "official requires it, ours does not")
        for name in sorted(mine.required - theirs.required):
            self.add(f"{anchor}.{name}: required", BREAKING, "ours requires it, official does not")

    # --- variants ------------------------------------------------------------------------------

    def variants(self, theirs: _Flat, mine: _Flat, anchor: str, direction: str) -> None:
        """Official ``oneOf``: effect props by ``title`` or catalog actions by ``type`` const."""
        titles = [branch.get("title") for branch in theirs.variants]
        if all(titles):
            self.effect_props(theirs.variants, anchor, direction)
            return
        by_type = self._variants_by_type(theirs.variants, official=True)
        if by_type is not None:
            self.actions(by_type, mine, anchor, direction)
            return
        self.add(f"{anchor}: oneOf", LOSING, "official oneOf of a shape this gate cannot pair")

    def effect_props(self, branches: list[Schema], anchor: str, direction: str) -> None:
        ours_by_type: dict[str, str] = {}
        for name, schema in self.components.items():
            if isinstance(schema, Mapping) and schema.get("x-effect-type"):
                ours_by_type[schema["x-effect-type"]] = name
        seen: dict[str, int] = {}
        for branch in branches:
            title = str(branch["title"])
            seen[title] = seen.get(title, 0) + 1
            if seen[title] > 1:
                self.add(f"effectProps[{title}]: duplicate", COSMETIC, "official lists this effect twice")
                continue
            if title not in ours_by_type:
                self.add(f"effectProps[{title}]: missing", LOSING, "no props model with this x-effect-type")
                continue
            ref = {"$ref": SCHEMA_PREFIX + ours_by_type.pop(title)}
            self.schema(branch, ref, f"effectProps[{title}]", direction)
        for title in ours_by_type:
            self.add(f"effectProps[{title}]: extra", COSMETIC, "effect type the contract lacks")

    def _variants_by_type(self, branches: list[Schema], official: bool) -> dict[str, Schema] | None:
        out: dict[str, Schema] = {}
        for branch in branches:
            flat = self.flat(branch, official)
            kind = self.flat(flat.properties.get("type"), official).enum
            if not kind or len(kind) != 1:
                return None
            out[str(kind[0])] = branch
        return out

    def actions(self, theirs: dict[str, Schema], mine: _Flat, anchor: str, direction: str) -> None:
        ours = self._variants_by_type(mine.variants, official=False) if mine.variants else None
        if ours is None:
            by_type = mine.extensions.get("x-payload-by-type")
            if not by_type:
                self.add(f"{anchor}: oneOf", LOSING, "official actions depend on type, ours do not")
                return
            ours = {
                kind: {
                    "type": "object",
                    "required": ["type", "payload"],
                    "properties": {"type": {"enum": [kind]}, "payload": {"$ref": SCHEMA_PREFIX + name}},
                }
                for kind, name in by_type.items()
            }
        for kind, branch in theirs.items():
            where = f"{anchor}<{kind}>"
            if kind not in ours:
                self.add(f"{where}: missing", LOSING, "action type missing from ours")
                continue
            self.schema(branch, ours.pop(kind), where, direction)
        for kind in ours:
            self.add(f"{anchor}<{kind}>: extra", COSMETIC, "action type the contract lacks")

    def our_variants(
        self, official: Schema | None, theirs: _Flat, mine: _Flat, anchor: str, direction: str
    ) -> None:
        """Ours accepts several shapes where the contract names one: compare the matching branch."""
        shapes = [self.flat(branch, official=False) for branch in mine.variants]
        kinds = sorted(str(shape.type) for shape in shapes)
        self.add(f"{anchor}: variants", COSMETIC, f"ours accepts any of {kinds}, official {theirs.type}")
        for branch, shape in zip(mine.variants, shapes, strict=True):
            if shape.type == theirs.type:
                self.schema(official, branch, anchor, direction)
                return
        self.add(f"{anchor}: type", BREAKING, f"no branch of ours is {theirs.type}")


def _ref_name(ref: str) -> str:
    if not ref.startswith(SCHEMA_PREFIX):
        raise ValueError(f"not a component schema reference: {ref}")
    return ref.removeprefix(SCHEMA_PREFIX)


def _operations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                yield method, path, item[method]


# --- allowlist --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllowEntry:
    key: str
    reason: str
    contract_defect: str | None = None
    """The defect of the official contract that makes a breaking or information-losing entry necessary."""

    def matches(self, key: str) -> bool:
        pattern = ".*".join(re.escape(part) for part in self.key.split("*"))
        return re.fullmatch(pattern, key) is not None


def load_allowlist(path: Path) -> list[AllowEntry]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    entries = (data or {}).get("differences", []) or []
    out = []
    for entry in entries:
        key, reason, defect = entry.get("key"), entry.get("reason"), entry.get("contract-defect")
        if not key or not reason or not str(reason).strip():
            raise ValueError(f"allowlist entry needs a key and a reason: {entry}")
        out.append(AllowEntry(str(key), str(reason), str(defect) if defect else None))
    return out


@dataclass
class Verdict:
    differences: list[Difference]
    allowed: list[Difference]
    unlisted: list[Difference]
    stale: list[AllowEntry]
    unexcused: list[Difference] = field(default_factory=list)
    """Allowlisted breaking or information-losing differences whose entry names no contract defect."""
    defects: dict[str, str] = field(default_factory=dict)
    """Allowlisted difference key -> the contract defect its entry names."""

    @property
    def ok(self) -> bool:
        return not self.unlisted and not self.stale and not self.unexcused

    def counts(self, which: list[Difference]) -> dict[str, int]:
        return {category: sum(d.category == category for d in which) for category in CATEGORIES}


def compare(official: Mapping[str, Any], ours: Mapping[str, Any]) -> list[Difference]:
    """Every difference between the contract's in-scope operations and ours, sorted by key."""
    return Comparison(official, ours).run()


def judge(differences: list[Difference], allowlist: list[AllowEntry]) -> Verdict:
    used: set[int] = set()
    allowed, unlisted, unexcused = [], [], []
    defects: dict[str, str] = {}
    for difference in differences:
        hit = next((i for i, entry in enumerate(allowlist) if entry.matches(difference.key)), None)
        if hit is None:
            unlisted.append(difference)
            continue
        used.add(hit)
        allowed.append(difference)
        defect = allowlist[hit].contract_defect
        if defect is not None:
            defects[difference.key] = defect
        elif difference.category != COSMETIC:
            unexcused.append(difference)
    stale = [entry for i, entry in enumerate(allowlist) if i not in used]
    return Verdict(differences, allowed, unlisted, stale, unexcused, defects)


def run(spec: Path, official: Path, allowlist: Path, show_all: bool, as_json: bool) -> int:
    ours = yaml.safe_load(spec.read_text(encoding="utf-8"))
    contract = json.loads(official.read_text(encoding="utf-8"))
    verdict = judge(compare(contract, ours), load_allowlist(allowlist))
    if as_json:
        payload = {
            "unlisted": [vars(d) for d in verdict.unlisted],
            "allowed": [vars(d) for d in verdict.allowed],
            "stale": [vars(e) for e in verdict.stale],
            "unexcused": [vars(d) for d in verdict.unexcused],
            "contract_defects": verdict.defects,
            "allowed_counts": verdict.counts(verdict.allowed),
            "counts": verdict.counts(verdict.differences),
            "unlisted_counts": verdict.counts(verdict.unlisted),
        }
        print(json.dumps(payload, indent=2, default=str))
        return 0 if verdict.ok else 1
    for difference in verdict.unlisted:
        print(f"{difference.category:18} {difference.key}  ({difference.detail})")
    if show_all:
        for difference in verdict.allowed:
            defect = verdict.defects.get(difference.key)
            note = f" [contract defect: {defect}]" if defect else ""
            print(f"{'allowed ' + difference.category:27} {difference.key}  ({difference.detail}){note}")
    for difference in verdict.unexcused:
        print(f"allowlisted {difference.category} difference names no contract defect: {difference.key}")
    for entry in verdict.stale:
        print(f"stale allowlist entry: {entry.key}")
    total, unlisted = verdict.counts(verdict.differences), verdict.counts(verdict.unlisted)
    allowed = verdict.counts(verdict.allowed)
    excused = verdict.counts([d for d in verdict.allowed if d.key in verdict.defects])
    print(
        "differences: "
        + ", ".join(f"{c} {total[c]} ({unlisted[c]} unlisted)" for c in CATEGORIES)
        + f"; allowlisted {len(verdict.allowed)} ("
        + ", ".join(f"{c} {allowed[c]}" for c in CATEGORIES)
        + f"; {sum(excused.values())} from contract defects: "
        + ", ".join(f"{c} {excused[c]}" for c in CATEGORIES)
        + f"); unexcused {len(verdict.unexcused)}; stale entries {len(verdict.stale)}"
    )
    return 0 if verdict.ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=SPEC_PATH)
    parser.add_argument("--official", type=Path, default=OFFICIAL_PATH)
    parser.add_argument("--allowlist", type=Path, default=ALLOWLIST_PATH)
    parser.add_argument("--all", action="store_true", help="also print allowlisted differences")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    return run(args.spec, args.official, args.allowlist, args.all, args.json)


if __name__ == "__main__":
    sys.exit(main())

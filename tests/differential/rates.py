"""Print how much of the differential suite's input our models read correctly, per category.

    .venv/bin/python -m tests.differential.rates

The pytest modules fail on the first category that is not fully read; this prints the rates
behind them (the same documents, the same budget), to compare two checkouts of the SDK.
"""

from __future__ import annotations

import collections
from typing import Any

import anyio

from talon_async import TalonClient
from tests.differential.budget import REQUEST_EXAMPLES, RESPONSE_EXAMPLES
from tests.differential.cases import (
    DECODING_ERRORS,
    model_cases,
    parse,
    response_cases,
    round_trip_problem,
    sample,
)
from tests.differential.conftest import API_KEY
from tests.differential.lossless import normal
from tests.differential.requests import check_wire, deliver, request_strategy
from tests.differential.variants import CATEGORIES, Variant, names_field, variants
from tests.reliability.faulty_server import FaultyServer, Respond
from tests.support.official_contract import official_operations


def _generated(strict: bool | None) -> tuple[int, int]:
    ok = total = 0
    for case in response_cases():
        documents = sample(case.documents(), RESPONSE_EXAMPLES)
        total += len(documents)
        if case.model_name is not None:
            ok += sum(round_trip_problem(case.model, d, strict=strict) is None for d in documents)
    return ok, total


def _tolerant(model: type[Any], variant: Variant) -> bool:
    try:
        written = parse(model, variant.document).to_dict()
    except DECODING_ERRORS:
        return False
    nulls = variant.category.startswith("null")
    return bool(normal(written, absent_nulls=nulls) == normal(variant.document, absent_nulls=nulls))


def _strict(model: type[Any], variant: Variant) -> bool:
    try:
        written = parse(model, variant.document, strict=True).to_dict()
    except TypeError as error:
        if "unexpected keyword argument 'strict'" in str(error):
            return False
        return variant.forbidden and (not variant.path or names_field(str(error), variant.path))
    except (KeyError, ValueError, AttributeError) as error:
        return variant.forbidden and (not variant.path or names_field(str(error), variant.path))
    return not variant.forbidden and bool(normal(written) == normal(variant.document))


async def _requests() -> dict[str, collections.Counter[str]]:
    """Per body mode: drawn requests, how many the SDK expresses, how many arrive valid and intact."""
    counts: dict[str, collections.Counter[str]] = {}
    with FaultyServer() as server:
        server.handler = lambda request: Respond(418, {"message": "request recorded"})
        async with TalonClient(server.url, API_KEY, max_retries=0, timeout=5.0) as talon:
            for as_model in (False, True):
                counter = counts.setdefault(
                    "model bodies" if as_model else "dict bodies", collections.Counter()
                )
                for op in official_operations():
                    for request in sample(request_strategy(op), REQUEST_EXAMPLES):
                        before = len(server.requests)
                        refusal = await deliver(talon, op, request, as_model=as_model)
                        counter["drawn"] += 1
                        if refusal is None and len(server.requests) > before:
                            counter["sent"] += 1
                            counter["intact"] += not check_wire(op, request, server.requests[-1])
    return counts


def main() -> None:
    for strict_mode in (None, True):
        ok, total = _generated(strict_mode)
        mode = "strict" if strict_mode else "tolerant"
        print(
            f"generated official documents, {mode:8} (parse + lossless) {ok:5}/{total:<5} {ok / total:6.1%}"
        )
    tolerant: collections.Counter[str] = collections.Counter()
    strict: collections.Counter[str] = collections.Counter()
    counts: collections.Counter[str] = collections.Counter()
    for case in model_cases():
        if case.model_name is None:
            continue
        for category in CATEGORIES:
            for variant in variants(case.schema, category):
                counts[category] += 1
                tolerant[category] += _tolerant(case.model, variant)
                strict[category] += _strict(case.model, variant)
    for mode, counter in anyio.run(_requests).items():
        drawn, sent, intact = counter["drawn"], counter["sent"], counter["intact"]
        print(
            f"requests, {mode:13} expressible {sent:4}/{drawn:<4} {sent / drawn:6.1%}"
            f"   arrived valid and intact {intact:4}/{sent:<4} {intact / max(sent, 1):6.1%}"
        )
    for category in CATEGORIES:
        n = counts[category]
        print(
            f"{category:20} tolerant {tolerant[category]:5}/{n:<5} {tolerant[category] / n:6.1%}"
            f"   strict as the contract says {strict[category]:5}/{n:<5} {strict[category] / n:6.1%}"
        )


if __name__ == "__main__":
    main()

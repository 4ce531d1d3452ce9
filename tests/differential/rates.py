"""Print how much of the differential suite's input our models read correctly, per category.

    .venv/bin/python -m tests.differential.rates

The pytest modules fail on the first category that is not fully read; this prints the rates
behind them (the same documents, the same budget), to compare two checkouts of the SDK.
"""

from __future__ import annotations

import collections
from typing import Any

from tests.differential.budget import RESPONSE_EXAMPLES
from tests.differential.cases import model_cases, parse, response_cases, sample
from tests.differential.lossless import normal
from tests.differential.test_responses import round_trip_problem
from tests.differential.test_variants import DECODING_ERRORS, names_field
from tests.differential.variants import CATEGORIES, Variant, variants


def _generated() -> tuple[int, int]:
    ok = total = 0
    for case in response_cases():
        documents = sample(case.documents(), RESPONSE_EXAMPLES)
        total += len(documents)
        if case.model_name is not None:
            ok += sum(round_trip_problem(case.model, d) is None for d in documents)
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


def main() -> None:
    ok, total = _generated()
    print(f"{'generated official documents (parse + lossless)':58} {ok:5}/{total:<5} {ok / total:6.1%}")
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
    for category in CATEGORIES:
        n = counts[category]
        print(
            f"{category:20} tolerant {tolerant[category]:5}/{n:<5} {tolerant[category] / n:6.1%}"
            f"   strict as the contract says {strict[category]:5}/{n:<5} {strict[category] / n:6.1%}"
        )


if __name__ == "__main__":
    main()

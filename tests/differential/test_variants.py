"""Targeted deviations of complete official documents, read by our models in tolerant and in strict mode.

The categories and what each mode must do with them are tabled in ``tests.differential.variants``.
Each test runs every variant of one category for one (model, official schema) and reports all the
variants that went wrong at once.
"""

from __future__ import annotations

import itertools

import pytest

from tests.differential.cases import DECODING_ERRORS, ResponseCase, model_cases, parse
from tests.differential.lossless import first_difference, normal
from tests.differential.variants import CATEGORIES, Variant, describe, names_field, variants

PAIRS = [
    pytest.param(case, category, id=f"{case.id}-{category}")
    for case, category in itertools.product(model_cases(), CATEGORIES)
    if any(True for _ in variants(case.schema, category))
]


def _lossless(case: ResponseCase, variant: Variant, *, strict: bool | None) -> str | None:
    """None when the variant parses and round-trips; else what went wrong."""
    try:
        written = parse(case.model, variant.document, strict=strict).to_dict()
    except DECODING_ERRORS as error:
        return f"{variant.label}: refused: {error!r}"
    absent_nulls = variant.category.startswith("null")
    if normal(written, absent_nulls=absent_nulls) != normal(variant.document, absent_nulls=absent_nulls):
        return f"{variant.label}: not lossless at {first_difference(written, variant.document)}"
    return None


@pytest.mark.parametrize(("case", "category"), PAIRS)
def test_tolerant_mode_reads_every_variant(case: ResponseCase, category: str) -> None:
    """The default (tolerant) reader parses every variant of the category and writes it back without loss."""
    problems = [p for v in variants(case.schema, category) if (p := _lossless(case, v, strict=None))]
    assert not problems, f"{len(problems)} variant(s) failed:\n" + "\n".join(problems[:10])


@pytest.mark.parametrize(("case", "category"), PAIRS)
def test_strict_mode_refuses_exactly_what_the_contract_forbids(case: ResponseCase, category: str) -> None:
    """Strict mode raises, naming the field, where the contract forbids; reads the rest losslessly."""
    problems = []
    for variant in variants(case.schema, category):
        if not variant.forbidden:
            if problem := _lossless(case, variant, strict=True):
                problems.append(problem)
            continue
        try:
            parse(case.model, variant.document, strict=True)
        except DECODING_ERRORS as error:
            if variant.path and not names_field(str(error), variant.path):
                problems.append(f"{variant.label}: refused without naming the field: {error!r}")
        else:
            problems.append(f"{variant.label}: accepted in strict mode: {describe(variant.document)}")
    assert not problems, f"{len(problems)} variant(s) failed:\n" + "\n".join(problems[:10])

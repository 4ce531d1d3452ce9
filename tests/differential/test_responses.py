"""Documents generated from the official response schemas parse with our models and round-trip losslessly.

For every in-scope operation and every documented status with a JSON body, ``RESPONSE_EXAMPLES``
documents are drawn from the official schema (the same ones on every run); each must be read by the
model our spec names for that status and written back by ``to_dict()`` without loss
(``tests.differential.lossless``).
"""

from __future__ import annotations

import pytest

from tests.differential.budget import RESPONSE_EXAMPLES
from tests.differential.cases import ResponseCase, response_cases, round_trip_problem, sample


@pytest.mark.parametrize("case", response_cases(), ids=lambda c: c.id)
def test_our_spec_documents_every_official_body(case: ResponseCase) -> None:
    """Our spec documents a JSON body for every status the official contract answers with one."""
    assert case.model_name is not None, f"{case.id}: the official contract answers with a JSON body"


def _assert_round_trips(case: ResponseCase, *, strict: bool | None = None) -> None:
    model = case.model
    documents = sample(case.documents(), RESPONSE_EXAMPLES)
    assert len(documents) == RESPONSE_EXAMPLES
    problems = [
        f"#{i}: {p}" for i, d in enumerate(documents) if (p := round_trip_problem(model, d, strict=strict))
    ]
    assert not problems, f"{len(problems)} of {len(documents)} documents failed:\n" + "\n".join(problems[:5])


@pytest.mark.parametrize("case", [c for c in response_cases() if c.status < 300], ids=lambda c: c.id)
def test_generated_success_response_round_trips(case: ResponseCase) -> None:
    """Every generated official success document parses and comes back from to_dict unchanged."""
    _assert_round_trips(case)


@pytest.mark.parametrize("case", [c for c in response_cases() if c.status >= 400], ids=lambda c: c.id)
def test_generated_error_response_round_trips(case: ResponseCase) -> None:
    """Every generated official error document parses and comes back from to_dict unchanged."""
    _assert_round_trips(case)


@pytest.mark.parametrize("case", response_cases(), ids=lambda c: c.id)
def test_strict_mode_reads_every_generated_document(case: ResponseCase) -> None:
    """Strict mode accepts every document the official contract allows, and writes it back unchanged."""
    _assert_round_trips(case, strict=True)

"""Documents generated from the official response schemas parse with our models and round-trip losslessly.

For every in-scope operation and every documented status with a JSON body, ``RESPONSE_EXAMPLES``
documents are drawn from the official schema; each must be read by the model our spec names for that
status and written back by ``to_dict()`` without loss (``tests.differential.lossless``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from tests.differential.budget import RESPONSE_EXAMPLES, bounded
from tests.differential.cases import ResponseCase, parse, response_cases
from tests.differential.lossless import first_difference, normal


@pytest.mark.parametrize("case", response_cases(), ids=lambda c: c.id)
def test_our_spec_documents_every_official_body(case: ResponseCase) -> None:
    """Our spec documents a JSON body for every status the official contract answers with one."""
    assert case.model_name is not None, f"{case.id}: the official contract answers with a JSON body"


@pytest.mark.parametrize("case", response_cases(), ids=lambda c: c.id)
def test_generated_response_round_trips(case: ResponseCase) -> None:
    """Every generated official document for this status parses and comes back from to_dict unchanged."""
    model = case.model

    @bounded(RESPONSE_EXAMPLES)
    @given(case.documents())
    def round_trip(document: Any) -> None:
        written = parse(model, document).to_dict()
        assert normal(written) == normal(document), first_difference(written, document)

    round_trip()

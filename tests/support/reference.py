"""The shared source facts next to the repo: the seed PHP docs and the reference JSON.

They live in ``../shared`` relative to the repo root, outside the package. A developer without them
gets a skip that names the missing file; CI (``CI`` set) gets a failure, because there the tests that
prove fidelity must never silently disappear.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.support.spec import REPO_ROOT

SHARED_ROOT = REPO_ROOT.parent / "shared"
REFERENCE_ROOT = REPO_ROOT / "openapi" / "reference"
REFERENCE_PATH = REFERENCE_ROOT / "integration-api.json"
SEED_PATH = SHARED_ROOT / "seed" / "integration-api-php-sdk-docs.txt"

# Reference (talon_one 26.2) schema name -> our schema name. Each rename is deliberate:
REFERENCE_RENAMES = {
    # Inline 200/201 responses: the generator's names say where they came from, not what they are.
    "GetLoyaltyCardPoints200Response": "LoyaltyCardPointsPage",
    "GetLoyaltyCardTransactions200Response": "LoyaltyCardTransactionsPage",
    "GetLoyaltyProgramProfilePoints200Response": "ProfilePointsPage",
    "GetLoyaltyProgramProfileTransactions200Response": "ProfileTransactionsPage",
    "GetReservedCustomers200Response": "ReservedCustomersPage",
    "CreateReferralsForMultipleAdvocates201Response": "AdvocateReferralsPage",
    # The Python generator prefixes "Model" only to dodge the `return` keyword; the API calls it Return.
    "ModelReturn": "Return",
    # The 409 bodies of the two update endpoints are conflict responses, not versioned updates.
    "UpdateCustomerProfileV2409Response": "ProfileConflictResponse",
    "UpdateCustomerSessionV2409Response": "SessionConflictResponse",
}


def our_name(reference_name: str) -> str:
    """The name our spec uses for a reference schema."""
    return REFERENCE_RENAMES.get(reference_name, reference_name)


def require_shared_file(path: Path) -> Path:
    """``path`` if it exists; otherwise skip (locally) or fail (when ``CI`` is set)."""
    if path.is_file():
        return path
    reason = f"shared source file {path} is absent (expected in ../shared beside the repo)"
    if os.environ.get("CI"):
        pytest.fail(reason + "; CI must run the fidelity tests", pytrace=False)
    pytest.skip(reason)


@functools.cache
def _load_reference(path: Path) -> dict[str, Any]:
    reference: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return reference


def load_reference() -> dict[str, Any]:
    """The reference JSON (skip or fail as ``require_shared_file`` says when it is absent)."""
    return _load_reference(require_shared_file(REFERENCE_PATH))


def load_seed_text() -> str:
    """The seed PHP SDK docs (skip or fail as ``require_shared_file`` says when it is absent)."""
    return require_shared_file(SEED_PATH).read_text(encoding="utf-8")


def reference_models() -> dict[str, Any]:
    """The reference's models and supplementary models in one mapping."""
    reference = load_reference()
    return {**reference["models"], **reference["supplementary_models"]}

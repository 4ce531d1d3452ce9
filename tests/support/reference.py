"""The vendored reference facts in ``openapi/reference/``: the SDK reference JSON and the PHP SDK tables.

Both are committed to the repo, so every fidelity test runs from a plain clone.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from tests.support.spec import REPO_ROOT

REFERENCE_ROOT = REPO_ROOT / "openapi" / "reference"
REFERENCE_PATH = REFERENCE_ROOT / "integration-api.json"
PHP_SDK_OPERATIONS_PATH = REFERENCE_ROOT / "php-sdk-operations.json"

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


@functools.cache
def load_reference() -> dict[str, Any]:
    """The reference JSON: the official Python SDK's models and operations."""
    reference: dict[str, Any] = json.loads(REFERENCE_PATH.read_text(encoding="utf-8"))
    return reference


@functools.cache
def load_php_sdk_operations() -> list[dict[str, Any]]:
    """The PHP SDK docs' operation table, each operation with its parameter table."""
    facts: dict[str, Any] = json.loads(PHP_SDK_OPERATIONS_PATH.read_text(encoding="utf-8"))
    return list(facts["operations"])


def reference_models() -> dict[str, Any]:
    """The reference's models and supplementary models in one mapping."""
    reference = load_reference()
    return {**reference["models"], **reference["supplementary_models"]}

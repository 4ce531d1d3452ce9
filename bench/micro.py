"""In-process micro-benchmarks: decoding and encoding with the generated models, and import time.

``decode_json`` is what the client parses answers with: orjson when the ``orjson`` extra is
installed (with its guard against 64-bit overflow), else ``json.loads``.

Prints one JSON object on stdout (bench/run.py turns it into table rows). Each figure is the best
of interleaved rounds, so that a burst from another process on the host does not count.

    python bench/micro.py
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ROOT / "bench" / "documents"
sys.path.insert(0, str(ROOT))


def best_us(cases: dict[str, tuple[Callable[[], object], int]], rounds: int = 15) -> dict[str, float]:
    """Best time per call of each case, in µs, over ``rounds`` interleaved rounds.

    Interleaving makes a burst from another process on the host hit one round of every
    case rather than all rounds of one case.
    """
    best = dict.fromkeys(cases, float("inf"))
    for _ in range(rounds):
        for name, (func, number) in cases.items():
            best[name] = min(best[name], timeit.timeit(func, number=number) / number * 1e6)
    return best


def import_ms(module: str, runs: int = 9) -> float:
    """Cold import of ``module`` in a fresh interpreter (``-X importtime``, cumulative), best of ``runs``."""
    best = float("inf")
    for _ in range(runs):
        err = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stderr
        pattern = rf"^import time:\s+\d+ \|\s+(\d+) \|\s*{re.escape(module)}$"
        match = re.search(pattern, err, re.MULTILINE)
        if match is None:
            raise SystemExit(f"no importtime line for {module}:\n{err[-2000:]}")
        best = min(best, int(match.group(1)) / 1000)
    return best


def main() -> None:
    from talon_async._generated.models.integration_request import IntegrationRequest
    from talon_async._generated.models.integration_state_v2 import IntegrationStateV2
    from talon_async._generated.models.loyalty_card_transactions_page import LoyaltyCardTransactionsPage
    from talon_async._json import decode_json, encode_json

    w1_raw = (DOCUMENTS / "w1_response.json").read_bytes()
    w1_doc = json.loads(w1_raw)
    w3_raw = (DOCUMENTS / "w3_page.json").read_bytes()
    w3_doc = json.loads(w3_raw)
    request_doc = json.loads((DOCUMENTS / "w1_request.json").read_bytes())
    request = IntegrationRequest.from_dict(request_doc)

    cases: dict[str, tuple[Callable[[], object], int]] = {
        "w1_json_loads_us": (lambda: json.loads(w1_raw), 100),
        "w1_from_dict_us": (lambda: IntegrationStateV2.from_dict(w1_doc), 100),
        "w1_decode_json_us": (lambda: decode_json(w1_raw), 100),
        "w1_bytes_to_model_us": (lambda: IntegrationStateV2.from_dict(decode_json(w1_raw)), 100),
        "w1_request_json_dumps_us": (lambda: json.dumps(request_doc).encode(), 1000),
        # What the client does with a request model: to_dict, then encode_json (orjson when installed).
        "w1_request_encode_us": (lambda: encode_json(request.to_dict()), 1000),
        "w3_json_loads_us": (lambda: json.loads(w3_raw), 5),
        "w3_from_dict_us": (lambda: LoyaltyCardTransactionsPage.from_dict(w3_doc), 5),
        "w3_decode_json_us": (lambda: decode_json(w3_raw), 5),
        "w3_bytes_to_model_us": (lambda: LoyaltyCardTransactionsPage.from_dict(decode_json(w3_raw)), 5),
    }
    try:
        import orjson
    except ImportError:
        pass
    else:
        cases["w1_orjson_loads_us"] = (lambda: orjson.loads(w1_raw), 100)
        cases["w3_orjson_loads_us"] = (lambda: orjson.loads(w3_raw), 5)
        cases["w1_request_orjson_dumps_us"] = (lambda: orjson.dumps(request_doc), 1000)
    try:
        from talon_one.models.get_loyalty_card_transactions200_response import (
            GetLoyaltyCardTransactions200Response as OfficialPage,
        )
        from talon_one.models.integration_state_v2 import IntegrationStateV2 as OfficialState
    except ImportError:
        official = False
    else:
        official = True
        cases["official_w1_from_dict_us"] = (lambda: OfficialState.from_dict(w1_doc), 50)
        cases["official_w3_from_dict_us"] = (lambda: OfficialPage.from_dict(w3_doc), 2)
    out: dict[str, Any] = best_us(cases)
    if official:
        out["official_import_ms"] = import_ms("talon_one")
    out["import_talon_async_ms"] = import_ms("talon_async")
    print(json.dumps(out))


if __name__ == "__main__":
    main()

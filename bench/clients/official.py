"""The official synchronous SDK (talon-one-sdk 26.2: urllib3 and pydantic v2) on a thread pool.

Concurrency N is N threads sharing one ``ApiClient`` whose urllib3 pool holds N connections. Each
call builds its request model from a plain dict, as the generated-layer client does.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import _common as c
import talon_one
from talon_one.api.integration_api import IntegrationApi
from talon_one.models.integration_event_v2_request import IntegrationEventV2Request
from talon_one.models.integration_request import IntegrationRequest
from talon_one.models.multiple_customer_profile_integration_request import (
    MultipleCustomerProfileIntegrationRequest,
)


def main() -> None:
    opts = c.args()
    items = c.profiles()
    session = c.rotate(c.SESSION_IDS)
    event = c.rotate(c.W2_REQUESTS)
    configuration = talon_one.Configuration(
        host=opts.base_url,
        api_key={"api_key_v1": c.API_KEY},
        api_key_prefix={"api_key_v1": "ApiKey-v1"},
    )
    configuration.connection_pool_maxsize = max(opts.concurrency, 1)
    api = IntegrationApi(talon_one.ApiClient(configuration))
    pool = ThreadPoolExecutor(max(opts.concurrency, 1))

    def w1() -> None:
        api.update_customer_session_v2(session(), IntegrationRequest.from_dict(c.W1_REQUEST))

    def w2() -> None:
        api.track_event_v2(IntegrationEventV2Request.from_dict(event()))

    def w3() -> None:
        api.get_loyalty_card_transactions(c.PROGRAM_ID, c.CARD_ID, page_size=1000, skip=0)

    def put_chunk(chunk: list[dict[str, Any]]) -> None:
        body = MultipleCustomerProfileIntegrationRequest.from_dict({"customerProfiles": chunk})
        api.update_customer_profiles_v2(body)

    # The batch's own workers: a separate pool, since the measuring pool's threads wait on them.
    batch_pool = ThreadPoolExecutor(max(opts.concurrency, 1))

    def w4() -> None:
        for future in [batch_pool.submit(put_chunk, chunk) for chunk in c.chunks(items)]:
            future.result()

    calls: dict[str, Callable[[], object]] = {"w1": w1, "w2": w2, "w3": w3, "w4": w4}
    c.measure_threads("official talon-one-sdk", opts, calls[opts.workload], pool)


if __name__ == "__main__":
    main()

"""Every knob that bounds the differential suite's run time, in one place.

Generation is derandomized (Hypothesis derives its choices from each test's name), so every run
draws the same documents; no example database is read or written.
"""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings

from tests.support.json_strategies import Bounds

RESPONSE_EXAMPLES = 8
"""Generated documents per (operation, documented status) parsed and round-tripped by the models."""

END_TO_END_SAMPLES = 2
"""Generated success documents per operation sent through TalonClient over loopback HTTP, per backend."""

REQUEST_EXAMPLES = 3
"""Generated requests per operation sent through the facade, once as dicts and once as models."""

BOUNDS = Bounds(max_items=3, max_string=12, max_free_keys=3, max_free_depth=2)
"""Size limits of generated documents (arrays, strings, free-form objects)."""


def bounded(examples: int) -> settings:
    """Deterministic Hypothesis settings for ``examples`` examples, without shrinking or a database."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=(HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much),
    )

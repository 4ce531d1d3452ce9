"""Differential tests: our spec, models and facade against Talon.One's official contract.

Our spec was written from the seed docs and the SDK reference; the official contract
(``openapi/reference/official/integration-api.openapi.json``) is what the live API most likely
sends and accepts. This suite generates traffic from the official contract and runs it through
our code:

- ``test_responses``: documents drawn from every official response schema of the 30 in-scope
  operations are parsed by our models and written back without loss (``lossless`` defines it);
- ``test_variants``: targeted deviations (nulls, unknown enum values, extra properties, integers
  for numbers, date-time spellings, empty arrays; ``variants`` tables them) in tolerant and in
  strict mode;
- ``test_end_to_end`` and ``test_known_shapes``: drawn answers and four known shapes through
  ``TalonClient`` over loopback HTTP, on asyncio (aiohttp) and trio (httpcore);
- ``test_requests``: requests drawn from the official request schemas, sent through the facade
  with dict and model bodies, checked on the wire against the official contract.

Generation (``tests.support.official_contract`` and ``tests.support.json_strategies``) is seeded and
bounded; the knobs are in ``budget``. ``python -m tests.differential.rates`` prints, per category,
how many of the same documents our models read correctly, to compare two checkouts.
"""

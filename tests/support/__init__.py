"""Shared test helpers: the spec as data, full-document factory, spec-validating ASGI app."""

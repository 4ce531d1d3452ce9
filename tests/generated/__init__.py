"""Tests of the generated layer, talon_async/_generated, against the OpenAPI document."""

"""Hypothesis property tests over the generated layer: round trips, hostile JSON, hostile path values."""

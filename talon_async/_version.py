"""The package version, kept in step with pyproject.toml (a test compares them)."""

__version__ = "0.1.0"

"""talon_async."""

"""The API key, held so that no repr, log line, message or frame local shows it.

The key lives in an ``ApiKey``, whose ``repr`` and ``str`` are redacted and which is not a
``str``: error trackers (Sentry, Rollbar...) store a ``str`` local, or a ``str`` inside a list or
a mapping, as its text, whatever its ``repr`` says. The ``Authorization`` value exists as a plain
string only inside the transport's call into the HTTP library, and ``scrub`` clears the locals of
that library's frames from any exception (cancellation included) that passes back through it.
"""

from __future__ import annotations

import os
import traceback

__all__ = ["ApiKey", "scrub"]

_SCHEME = "ApiKey-v1 "


class ApiKey:
    """Strictly private. The API key; ``header_value()`` is the one way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    @classmethod
    def given(cls, api_key: str | None) -> ApiKey:
        """The key passed, else ``TALON_API_KEY``, without its surrounding whitespace.

        A secret file or a ``.env`` line usually ends in a newline; sent as is, the key would
        break the header. Nothing here raises, so no frame holding the raw value can end up in a
        traceback; ``problem()`` says what is wrong with it.
        """
        raw: object = api_key if api_key is not None else os.environ.get("TALON_API_KEY", "")
        return cls(raw.strip() if isinstance(raw, str) else raw)  # type: ignore[arg-type]

    def problem(self) -> str | None:
        """Why this key cannot be sent, in words that do not contain it; ``None`` when it can."""
        value = self._value
        if not isinstance(value, str):
            return f"api_key: expected a str, got {type(value).__name__}"
        if not value:
            return "No Talon.One API key: pass api_key=... or set the TALON_API_KEY environment variable"
        if value.isascii() and value.isprintable():
            return None
        for position, char in enumerate(value):
            if not (char.isascii() and char.isprintable()):
                kind = "a control character" if not char.isprintable() else "a character outside ASCII"
                return (
                    f"api_key: holds {kind} (U+{ord(char):04X}) at position {position + 1}, which "
                    "cannot go in an HTTP header; the key was not used (check how it was copied or read)"
                )
        return None  # pragma: no cover - unreachable: the ASCII printable check above passed

    def header_value(self) -> str:
        """The ``Authorization`` value: call it only inside the HTTP library call that sends it."""
        return _SCHEME + self._value

    def encode(self, encoding: str) -> bytes:
        """The ``Authorization`` value as bytes, for a transport that encodes every header itself."""
        return (_SCHEME + self._value).encode(encoding)

    def __repr__(self) -> str:
        return "ApiKey('***')"

    def __str__(self) -> str:
        return "***"


def scrub(exc: BaseException, keep: BaseException | None) -> None:
    """Clear the locals of every finished frame in the tracebacks of ``exc`` and its chain.

    Called on every exception leaving an HTTP library call (a cancellation included): those frames
    held the request's headers, the key among them. Frames still running (the caller's) are left
    as they are, so is ``keep`` (the exception the caller was already handling) and its chain.
    File names and line numbers stay, for diagnosis; only the values go.
    """
    pending = [exc]
    seen: set[int] = set()
    while pending:
        error = pending.pop()
        if error is keep or id(error) in seen:
            continue
        seen.add(id(error))
        if error.__traceback__ is not None:
            traceback.clear_frames(error.__traceback__)
        pending.extend(e for e in (error.__cause__, error.__context__) if e is not None)
        if isinstance(error, BaseExceptionGroup):
            pending.extend(error.exceptions)

"""Plain-text output for the examples: aligned tables and a progress line, no dependencies."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import TextIO

__all__ = ["Progress", "table"]


def table(rows: Sequence[Sequence[object]], *, indent: int = 3, stream: TextIO | None = None) -> None:
    """Print ``rows`` as aligned columns; a column of numbers only is right-aligned."""
    out = stream or sys.stdout
    cells = [[_text(cell) for cell in row] for row in rows]
    if not cells:
        return
    columns = max(map(len, cells))
    widths = [max((len(row[i]) for row in cells if i < len(row)), default=0) for i in range(columns)]
    numeric = [all(_NUMBER.match(row[i]) for row in cells if i < len(row)) for i in range(columns)]
    for row in cells:
        parts = [cell.rjust(widths[i]) if numeric[i] else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        print(" " * indent + "  ".join(parts).rstrip(), file=out)


_NUMBER = re.compile(r"[+-]?[\d,]+(\.\d+)?$")


def _text(cell: object) -> str:
    if isinstance(cell, float):
        return f"{cell:,.2f}"
    return str(cell)


class Progress:
    """A progress display: redrawn in place on a terminal, a few plain lines otherwise.

    ``total`` may be unknown (``None``), as when paging through a ledger that only says
    ``hasMore``; then the display counts what has arrived.
    """

    def __init__(
        self, label: str, *, total: int | None = None, unit: str = "items", stream: TextIO | None = None
    ) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.done = 0
        self.failed = 0
        self._stream = stream or sys.stdout
        self._live = self._stream.isatty()
        self._last_tenth = 0
        self.steps = 0
        """How many times ``advance`` was called (pages fetched, chunks sent)."""

    def advance(self, count: int, *, failed: int = 0) -> None:
        self.done += count
        self.failed += failed
        self.steps += 1
        if self._live:
            print("\r" + self._line(), end="", file=self._stream, flush=True)
        elif self.total:
            # Piped output (CI logs, tests): one line per tenth, not one per chunk.
            tenth = self.done * 10 // self.total
            if tenth != self._last_tenth:
                self._last_tenth = tenth
                print(self._line(), file=self._stream)
        else:
            print(self._line(), file=self._stream)

    def finish(self) -> None:
        if self._live:
            print("\r" + self._line(), file=self._stream, flush=True)
        elif self.total and self._last_tenth != self.done * 10 // self.total:
            print(self._line(), file=self._stream)

    def _line(self) -> str:
        failed = f", {self.failed} failed" if self.failed else ""
        if not self.total:
            pages = "1 page" if self.steps == 1 else f"{self.steps} pages"
            return f"   {self.label}: {self.done} {self.unit} in {pages}{failed}"
        width = 30
        filled = width * min(self.done, self.total) // self.total
        bar = "#" * filled + "." * (width - filled)
        return f"   {self.label} [{bar}] {self.done}/{self.total} {self.unit}{failed}"

"""examples/_console.py: tables align, progress redraws on a terminal and stays short in logs."""

from __future__ import annotations

import io

from _console import Progress, table


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_table_right_aligns_numeric_columns_only() -> None:
    """A column of numbers lines up on the right; text columns and mixed columns on the left."""
    out = io.StringIO()
    table([("SKU-SHOE", 2, 80.0, "-17.50"), ("SKU-SOCK", 13, 5.0, "accepted")], indent=1, stream=out)
    assert out.getvalue().splitlines() == [
        " SKU-SHOE   2  80.00  -17.50",
        " SKU-SOCK  13   5.00  accepted",
    ]


def test_progress_in_a_log_prints_once_per_tenth() -> None:
    """Piped output gets a line per tenth of the total, however many steps there are."""
    out = io.StringIO()
    progress = Progress("synced", total=100, unit="rows", stream=out)
    for _ in range(100):
        progress.advance(1)
    progress.finish()
    lines = out.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[-1] == "   synced [##############################] 100/100 rows"


def test_progress_on_a_terminal_redraws_one_line() -> None:
    """On a terminal every step rewrites the same line, which ends with a newline when finished."""
    out = Terminal()
    progress = Progress("updated", total=4, unit="profiles", stream=out)
    progress.advance(2, failed=1)
    progress.advance(2)
    progress.finish()
    text = out.getvalue()
    assert text.count("\r") == 3
    assert text.count("\n") == 1
    assert text.endswith("4/4 profiles, 1 failed\n")


def test_progress_without_a_total_counts_pages() -> None:
    """With no known total (a ledger that only says hasMore), each page prints the running count."""
    out = io.StringIO()
    progress = Progress("fetched", unit="transactions", stream=out)
    progress.advance(50)
    progress.advance(7)
    progress.finish()
    assert out.getvalue().splitlines() == [
        "   fetched: 50 transactions in 1 page",
        "   fetched: 57 transactions in 2 pages",
    ]
    assert (progress.done, progress.steps) == (57, 2)

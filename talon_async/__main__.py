"""``python -m talon_async batch <operation> <input>``: bulk jobs from the command line."""

from ._cli import main

if __name__ == "__main__":
    raise SystemExit(main())

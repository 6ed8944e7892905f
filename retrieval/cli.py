"""What every command line (python -m ingest | library | quiz | retrieval) does with an error it expects: say it
in one Chinese line on stderr and exit with 2, never a traceback. Imports nothing heavy: commands that need no
model must stay fast."""

from __future__ import annotations

import sys
from collections.abc import Callable

EXIT_ERROR = 2  # a known error (1 is kept for "done, but with problems": failed files, an empty library)


def fail(error: BaseException | str) -> int:
    """Print `错误：…` on stderr; the exit code for it."""
    print(f"错误：{error}", file=sys.stderr)
    return EXIT_ERROR


def reported(action: Callable[[], int], *known: type[BaseException]) -> int:
    """Run `action`; one of the `known` errors is reported with `fail` instead of escaping."""
    try:
        return action()
    except known as exc:
        return fail(exc)

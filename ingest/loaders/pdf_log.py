"""pypdf warns once per broken object: a damaged file can print thousands of lines. Count them instead.

While a thread is inside `pypdf_warnings_counted()`, pypdf's log records from that thread are counted
and summarised in one line; records from other threads pass through to the usual handlers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)
_PYPDF = logging.getLogger("pypdf")
_state = threading.local()
_install_lock = threading.Lock()
_users = 0


@dataclass
class WarningTally:
    count: int = 0
    first: list[str] = field(default_factory=list)

    def add(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.first) < 3:
            self.first.append(record.getMessage()[:160])


class _TallyHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        tally: WarningTally | None = getattr(_state, "tally", None)
        if tally is not None and record.levelno <= logging.WARNING:
            tally.add(record)
        else:  # not ours to summarise: hand it to the handlers it would have reached
            logging.getLogger().handle(record)


_HANDLER = _TallyHandler()


@contextmanager
def pypdf_warnings_counted(source: str) -> Iterator[WarningTally]:
    """Count pypdf's warnings for `source` in this thread; log one summary line at the end."""
    tally = WarningTally()
    _install()
    _state.tally = tally
    try:
        yield tally
    finally:
        _state.tally = None
        _uninstall()
        if tally.count:
            logger.warning("%s: pypdf reported %d problem(s), e.g. %s", source, tally.count, " | ".join(tally.first))


def _install() -> None:
    global _users
    with _install_lock:
        if _users == 0:
            _PYPDF.addHandler(_HANDLER)
            _PYPDF.propagate = False
        _users += 1


def _uninstall() -> None:
    global _users
    with _install_lock:
        _users -= 1
        if _users == 0:
            _PYPDF.removeHandler(_HANDLER)
            _PYPDF.propagate = True

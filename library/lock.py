"""One writer at a time, across processes — and across machines when the catalog is shared.

Two backends behind one context manager, chosen by `library_write_lock`: an exclusive, non-blocking file lock in
the data dir (one machine: SQLite catalog, embedded Chroma), or a PostgreSQL advisory lock held on a connection of
its own for the whole write (replicas on several machines sharing the catalog). A writer that dies loses either
lock with its process (the file is closed; the connection drops), so a crash never leaves the library locked.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy import text

from retrieval.db import Database
from retrieval.settings import Settings

BUSY = "另一个进程正在写入资料库，请等它完成后再试。"
# pg_try_advisory_lock key for "the library is being written" ("SHXW").
WRITE_LOCK_KEY = 0x5348_5857
_POLL_SECONDS = 0.2


class LibraryBusyError(RuntimeError):
    """Another process holds the write lock."""


def library_write_lock(settings: Settings, database: Database, wait_seconds: float = 0.0) -> AbstractContextManager:
    """The lock that fits where the catalog lives."""
    if database.shared:
        return advisory_lock(database, wait_seconds)
    return write_lock(settings.lock_path, wait_seconds)


@contextmanager
def write_lock(path: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the lock for the block; when another writer holds it, wait up to wait_seconds, then refuse."""
    if path.is_dir():
        raise LibraryBusyError(f"写入锁的位置 {path} 是一个文件夹，无法加锁：请删除该文件夹后重试。")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(lambda: _try_flock(fd), wait_seconds)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def advisory_lock(database: Database, wait_seconds: float = 0.0) -> Iterator[None]:
    """A session-level PostgreSQL advisory lock on a dedicated connection, released at the end of the block."""
    with database.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")  # the lock outlives any one transaction
        query = text("SELECT pg_try_advisory_lock(:key)")
        _acquire(lambda: bool(conn.execute(query, {"key": WRITE_LOCK_KEY}).scalar()), wait_seconds)
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": WRITE_LOCK_KEY})


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _acquire(attempt: Callable[[], bool], wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while not attempt():
        if time.monotonic() >= deadline:
            raise LibraryBusyError(BUSY)
        time.sleep(_POLL_SECONDS)

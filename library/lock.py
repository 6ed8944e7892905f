"""One writer at a time: an exclusive, non-blocking file lock in the data dir (Chroma is not process-safe)."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY = "另一个进程正在写入资料库，请等它完成后再试。"


class LibraryBusyError(RuntimeError):
    """Another process holds the write lock."""


@contextmanager
def write_lock(path: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the lock for the block; when another writer holds it, wait up to wait_seconds, then refuse."""
    if path.is_dir():
        raise LibraryBusyError(f"写入锁的位置 {path} 是一个文件夹，无法加锁：请删除该文件夹后重试。")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, wait_seconds)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError as exc:
            if time.monotonic() >= deadline:
                raise LibraryBusyError(BUSY) from exc
            time.sleep(0.2)

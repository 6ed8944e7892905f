"""pytest wrappers around eval/servers.py: skip with the reason when a server binary is absent."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from eval.servers import CHROMA, ChromaServer, PostgresCluster, free_port, http_ok, postgres_bin, wait_until

__all__ = ["free_port", "http_ok", "running_chroma", "running_postgres", "wait_until"]


@contextmanager
def running_postgres() -> Iterator[PostgresCluster]:
    bindir = postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql; scripts/install.sh --dev does it)")
    cluster = PostgresCluster(bindir)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@contextmanager
def running_chroma(path: Path) -> Iterator[ChromaServer]:
    if not CHROMA.exists():
        pytest.skip(f"the chroma CLI is not installed ({CHROMA})")
    server = ChromaServer(path)
    server.start()
    try:
        yield server
    finally:
        server.stop()

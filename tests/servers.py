"""pytest wrappers around eval/servers.py: skip with the reason when a server binary is absent."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from eval.servers import CHROMA, ChromaServer, PostgresCluster, free_port, http_ok, postgres_bin, wait_until

__all__ = ["free_port", "free_ports", "http_ok", "running_chroma", "running_postgres", "wait_until"]


def free_ports(count: int) -> list[int]:
    """`count` different free ports: each probe stays bound until all are picked (picked one at a time and
    released, the kernel repeated a port in about 1 group of 5 in 2,000)."""
    with ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


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

"""A generation's derived artefacts (the BM25 word leg, the character-bigram leg) shipped through the shared
catalog database, so a replica on another machine downloads what the writer built instead of rebuilding it.

An artefact is a folder of files, stored per (generation, stamp, kind) in parts of at most `PART_BYTES`, so
neither side holds a whole file (hundreds of MB at 145k chunks) in memory. Its row in `artefacts`, written in
the same transaction as the parts, lists each file with its size and SHA-256: a reader finding no row, a missing
part or a wrong checksum returns False and the caller rebuilds from the catalog — never a half or damaged one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from retrieval.db import Database, Schema, Transaction

log = logging.getLogger(__name__)
PART_BYTES = 32 * 1024 * 1024
_DDL = """
CREATE TABLE IF NOT EXISTS artefacts (
    generation BIGINT NOT NULL,
    stamp TEXT NOT NULL,
    kind TEXT NOT NULL,
    files TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    PRIMARY KEY (generation, stamp, kind)
);
CREATE TABLE IF NOT EXISTS artefact_parts (
    generation BIGINT NOT NULL,
    stamp TEXT NOT NULL,
    kind TEXT NOT NULL,
    file TEXT NOT NULL,
    part INTEGER NOT NULL,
    data {blob} NOT NULL,
    PRIMARY KEY (generation, stamp, kind, file, part)
);
"""
SCHEMA = Schema("artefacts", _DDL, (_DDL,))
_KEY = "generation = :generation AND stamp = :stamp AND kind = :kind"


class _Damaged(Exception):
    pass


class SharedArtefacts:
    def __init__(self, database: Database, part_bytes: int = PART_BYTES):
        self.db = database
        self.part_bytes = part_bytes
        database.migrate(SCHEMA)

    def put(self, kind: str, generation: int, stamp: str, folder: Path) -> int:
        """Store the files directly in `folder` (not its sub-folders) as one artefact, in one transaction;
        returns its size in bytes."""
        key = {"generation": generation, "stamp": stamp, "kind": kind}
        files: list[tuple[str, int, str]] = []
        with self.db.transaction(write=True) as tx:
            _delete(tx, f"WHERE {_KEY}", key)  # a writer retrying the same generation
            for path in sorted(p for p in folder.iterdir() if p.is_file()):
                files.append((path.name, *self._put_file(tx, key, path)))
            total = sum(size for _, size, _ in files)
            tx.execute(
                "INSERT INTO artefacts(generation, stamp, kind, files, size_bytes) "
                "VALUES (:generation, :stamp, :kind, :files, :size)",
                {**key, "files": json.dumps(files), "size": total},
            )
        return total

    def _put_file(self, tx: Transaction, key: dict, path: Path) -> tuple[int, str]:
        digest, size = hashlib.sha256(), 0
        with open(path, "rb") as handle:
            for part in range(1 << 30):
                data = handle.read(self.part_bytes)
                if not data:
                    break
                digest.update(data)
                size += len(data)
                tx.execute(
                    "INSERT INTO artefact_parts(generation, stamp, kind, file, part, data) "
                    "VALUES (:generation, :stamp, :kind, :file, :part, :data)",
                    {**key, "file": path.name, "part": part, "data": data},
                )
        return size, digest.hexdigest()

    def size(self, kind: str, generation: int, stamp: str) -> int | None:
        rows = self.db.execute(f"SELECT size_bytes FROM artefacts WHERE {_KEY}", _key(kind, generation, stamp))
        return int(rows[0]["size_bytes"]) if rows else None

    def fetch(self, kind: str, generation: int, stamp: str, target: Path) -> bool:
        """Download an artefact into `target` (a temp sibling, checked, fsynced, then renamed into place).
        False when there is none for this generation and stamp, or it is incomplete or damaged."""
        key = _key(kind, generation, stamp)
        rows = self.db.execute(f"SELECT files FROM artefacts WHERE {_KEY}", key)
        if not rows:
            return False
        started = time.perf_counter()
        tmp = target.with_name(f"{target.name}.{os.getpid()}-{threading.get_ident()}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            tmp.mkdir(parents=True)
            with self.db.transaction() as tx:
                for name, size, digest in json.loads(rows[0]["files"]):
                    _fetch_file(tx, key, tmp / name, size, digest)
            _fsync(tmp)
            shutil.rmtree(target, ignore_errors=True)  # a stale copy (another stamp) or a damaged one
            tmp.rename(target)
            _fsync(target.parent)
        except (_Damaged, OSError, ValueError) as exc:
            log.warning("shared %s artefact of generation %d unusable (%s): rebuilding instead", kind, generation, exc)
            shutil.rmtree(tmp, ignore_errors=True)
            return False
        log.info("%s artefact of generation %d downloaded in %.1f s", kind, generation, time.perf_counter() - started)
        return True

    def intact(self, kind: str, generation: int, stamp: str) -> bool:
        """Whether the artefact is stored whole: its row, every part, each file's size and SHA-256 (read part by
        part, nothing written). For `library check`: a replica would refuse a damaged one and rebuild."""
        key = _key(kind, generation, stamp)
        rows = self.db.execute(f"SELECT files FROM artefacts WHERE {_KEY}", key)
        if not rows:
            return False
        try:
            with self.db.transaction() as tx:
                for name, size, digest in json.loads(rows[0]["files"]):
                    _read_checked(tx, key, name, size, digest)
        except (_Damaged, ValueError) as exc:
            log.warning("shared %s artefact of generation %d damaged (%s)", kind, generation, exc)
            return False
        return True

    def prune(self, generation: int, stamp: str) -> None:
        """After `generation` is committed with `stamp`: keep it and the generation before (a reader may still
        be downloading that one), drop the rest (older ones, and ones of writers that died before committing)."""
        with self.db.transaction(write=True) as tx:
            _delete(
                tx,
                "WHERE generation < :previous OR generation > :generation OR "
                "(generation = :generation AND stamp <> :stamp)",
                {"previous": generation - 1, "generation": generation, "stamp": stamp},
            )


def _key(kind: str, generation: int, stamp: str) -> dict:
    return {"generation": generation, "stamp": stamp, "kind": kind}


def _delete(tx: Transaction, where: str, params: dict) -> None:
    tx.execute(f"DELETE FROM artefacts {where}", params)
    tx.execute(f"DELETE FROM artefact_parts {where}", params)


def _fetch_file(tx: Transaction, key: dict, path: Path, size: int, digest: str) -> None:
    with open(path, "wb") as out:
        _read_checked(tx, key, path.name, size, digest, out.write)
        out.flush()
        os.fsync(out.fileno())


def _read_checked(
    tx: Transaction, key: dict, name: str, size: int, digest: str, sink: Callable[[bytes], object] | None = None
) -> None:
    """A stored file's parts in order, one in memory at a time, each handed to `sink` and hashed; _Damaged
    when a part is missing or the size or checksum differs from its row's."""
    check, written, part = hashlib.sha256(), 0, 0
    while written < size:
        rows = tx.execute(f"SELECT data FROM artefact_parts WHERE {_KEY} AND file = :file AND part = :part",
                          {**key, "file": name, "part": part})  # fmt: skip
        if not rows:
            raise _Damaged(f"{name}: part {part} missing")
        data = bytes(rows[0]["data"])
        if sink is not None:
            sink(data)
        check.update(data)
        written += len(data)
        part += 1
    if written != size or check.hexdigest() != digest:
        raise _Damaged(f"{name}: checksum or size does not match")


def _fsync(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

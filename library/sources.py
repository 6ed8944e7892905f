"""Every ingested file's bytes, kept by content hash, so the library can be rebuilt from its sources.

Two backends with the same methods, chosen by `open_source_store`: files in the data dir (one machine), or a
table of the shared catalog database (PostgreSQL: replicas on other machines reindex from the same bytes).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from retrieval.db import Database, Schema
from retrieval.settings import Settings

_SOURCES_DDL = """
CREATE TABLE IF NOT EXISTS sources (
    doc_id TEXT PRIMARY KEY,
    data {blob} NOT NULL,
    size_bytes BIGINT NOT NULL
);
"""
SOURCES_SCHEMA = Schema("sources", _SOURCES_DDL, (_SOURCES_DDL,))


class Sources(Protocol):
    def put(self, doc_id: str, data: bytes) -> None: ...
    def get(self, doc_id: str) -> bytes | None: ...
    def has(self, doc_id: str) -> bool: ...
    def delete(self, doc_id: str) -> None: ...
    def ids(self) -> set[str]: ...


def open_source_store(settings: Settings, database: Database) -> Sources:
    """In the shared database when the catalog is shared, else files in the data dir."""
    return DatabaseSourceStore(database) if database.shared else SourceStore(settings.sources_dir)


class SourceStore:
    def __init__(self, root: Path):
        self.root = root

    def _path(self, doc_id: str) -> Path:
        return self.root / doc_id[:2] / doc_id

    def put(self, doc_id: str, data: bytes) -> None:
        """Write once, atomically (a killed write leaves only a temp file)."""
        path = self._path(doc_id)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)

    def get(self, doc_id: str) -> bytes | None:
        path = self._path(doc_id)
        return path.read_bytes() if path.exists() else None

    def has(self, doc_id: str) -> bool:
        return self._path(doc_id).exists()

    def delete(self, doc_id: str) -> None:
        self._path(doc_id).unlink(missing_ok=True)

    def ids(self) -> set[str]:
        if not self.root.exists():
            return set()
        return {p.name for p in self.root.glob("*/*") if p.is_file() and not p.name.endswith(".tmp")}


class DatabaseSourceStore:
    """Source bytes in the `sources` table (bytea in PostgreSQL), written once per content hash."""

    def __init__(self, database: Database):
        self.db = database
        database.migrate(SOURCES_SCHEMA)

    def put(self, doc_id: str, data: bytes) -> None:
        self.db.execute(
            "INSERT INTO sources(doc_id, data, size_bytes) VALUES (:doc_id, :data, :size) "
            "ON CONFLICT(doc_id) DO NOTHING",
            {"doc_id": doc_id, "data": data, "size": len(data)},
        )

    def get(self, doc_id: str) -> bytes | None:
        rows = self.db.execute("SELECT data FROM sources WHERE doc_id = :doc_id", {"doc_id": doc_id})
        return bytes(rows[0]["data"]) if rows else None

    def has(self, doc_id: str) -> bool:
        return bool(self.db.execute("SELECT 1 FROM sources WHERE doc_id = :doc_id", {"doc_id": doc_id}))

    def delete(self, doc_id: str) -> None:
        self.db.execute("DELETE FROM sources WHERE doc_id = :doc_id", {"doc_id": doc_id})

    def ids(self) -> set[str]:
        return {row["doc_id"] for row in self.db.execute("SELECT doc_id FROM sources")}

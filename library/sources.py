"""Every ingested file's bytes, kept by content hash, so the library can be rebuilt from its sources.

Two backends with the same methods, chosen by `open_source_store`: files in the data dir (one machine), or a
table of the shared catalog database (PostgreSQL: replicas on other machines reindex from the same bytes).
"""

from __future__ import annotations

import json
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
    def put(self, doc_id: str, data: bytes, name: str = "", added_by: str = "") -> None: ...
    def meta(self, doc_id: str) -> dict[str, str]: ...
    def get(self, doc_id: str) -> bytes | None: ...
    def has(self, doc_id: str) -> bool: ...
    def delete(self, doc_id: str) -> None: ...
    def ids(self) -> set[str]: ...


class CatalogLostError(RuntimeError):
    """The catalog is empty while the data dir still holds the library's sources."""


def check_not_lost(catalog_empty: bool, sources: Sources) -> None:
    """Refuse to treat an emptied or lost catalog as a new library: filling it (with the bundled sample, say)
    would paper over the loss, and only the stored sources can bring the text back."""
    count = len(sources.ids()) if catalog_empty else 0
    if count:
        raise CatalogLostError(
            f"资料库的目录数据库是空的，但数据目录中仍保存着 {count} 个已入库的原文件：目录数据库可能被清空或损坏。"
            "请运行 python -m ingest --rebuild --from-sources 从保存的原文件重建资料库，"
            "或用 python -m library restore 备份文件 在新的空数据目录中恢复。"
        )


def open_source_store(settings: Settings, database: Database) -> Sources:
    """In the shared database when the catalog is shared, else files in the data dir."""
    return DatabaseSourceStore(database) if database.shared else SourceStore(settings.sources_dir)


META_SUFFIX = ".json"


class SourceStore:
    def __init__(self, root: Path):
        self.root = root

    def _path(self, doc_id: str) -> Path:
        return self.root / doc_id[:2] / doc_id

    def put(self, doc_id: str, data: bytes, name: str = "", added_by: str = "") -> None:
        """Write once, atomically (a killed write leaves only a temp file), with the name it came with."""
        path = self._path(doc_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            _write_atomically(path, data)
        meta = json.dumps({"name": name, "added_by": added_by}, ensure_ascii=False).encode()
        _write_atomically(path.with_name(path.name + META_SUFFIX), meta)

    def meta(self, doc_id: str) -> dict[str, str]:
        """The name (and who added it) a source came with; empty when unknown."""
        path = self._path(doc_id).with_name(doc_id + META_SUFFIX)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def get(self, doc_id: str) -> bytes | None:
        path = self._path(doc_id)
        return path.read_bytes() if path.exists() else None

    def has(self, doc_id: str) -> bool:
        return self._path(doc_id).exists()

    def delete(self, doc_id: str) -> None:
        self._path(doc_id).unlink(missing_ok=True)
        self._path(doc_id).with_name(doc_id + META_SUFFIX).unlink(missing_ok=True)

    def ids(self) -> set[str]:
        if not self.root.exists():
            return set()
        return {p.name for p in self.root.glob("*/*") if p.is_file() and "." not in p.name}


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


class DatabaseSourceStore:
    """Source bytes in the `sources` table (bytea in PostgreSQL), written once per content hash."""

    def __init__(self, database: Database):
        self.db = database
        database.migrate(SOURCES_SCHEMA)

    def put(self, doc_id: str, data: bytes, name: str = "", added_by: str = "") -> None:
        """The name a source came with is kept in the catalog's document row (in this shared setup)."""
        self.db.execute(
            "INSERT INTO sources(doc_id, data, size_bytes) VALUES (:doc_id, :data, :size) "
            "ON CONFLICT(doc_id) DO NOTHING",
            {"doc_id": doc_id, "data": data, "size": len(data)},
        )

    def meta(self, doc_id: str) -> dict[str, str]:
        return {}

    def get(self, doc_id: str) -> bytes | None:
        rows = self.db.execute("SELECT data FROM sources WHERE doc_id = :doc_id", {"doc_id": doc_id})
        return bytes(rows[0]["data"]) if rows else None

    def has(self, doc_id: str) -> bool:
        return bool(self.db.execute("SELECT 1 FROM sources WHERE doc_id = :doc_id", {"doc_id": doc_id}))

    def delete(self, doc_id: str) -> None:
        self.db.execute("DELETE FROM sources WHERE doc_id = :doc_id", {"doc_id": doc_id})

    def ids(self) -> set[str]:
        return {row["doc_id"] for row in self.db.execute("SELECT doc_id FROM sources")}

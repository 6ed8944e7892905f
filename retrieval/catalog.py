"""The catalog (SQLite in the data dir): documents and their chunks, the source of truth for every index.

`Catalog` reads; `CatalogWriter` (used only by library.service.Library, the one writer) changes documents.
A document becomes visible to search only when a writer transaction has stored it and its chunks together,
and that same transaction moves the catalog's generation to the one whose BM25 artefact was published first.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from retrieval.types import Chunk

# Who committed last: a reader in another process reopens its vector store when this is not itself.
PROCESS_TOKEN = f"{socket.gethostname()}:{os.getpid()}"
# Versioned migrations: MIGRATIONS[n] takes schema n to n + 1. Never edit a released step; append one.
_V1 = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    file_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    n_chunks INTEGER NOT NULL,
    n_chars INTEGER NOT NULL,
    pipeline_version TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    title TEXT NOT NULL,
    heading TEXT NOT NULL,
    page_start INTEGER,
    page_end INTEGER,
    tokens TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks(doc_id, position);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
# v2: a document is identified by its content (doc_id), not by a path: `name` is the file name it came with.
_V2 = """
CREATE TABLE documents_v2 (
    doc_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    file_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    pages INTEGER NOT NULL DEFAULT 1,
    ocr_pages INTEGER NOT NULL DEFAULT 0,
    n_chunks INTEGER NOT NULL,
    n_chars INTEGER NOT NULL,
    pipeline_version TEXT NOT NULL,
    added_by TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL,
    flags TEXT NOT NULL DEFAULT '[]'
);
INSERT INTO documents_v2(doc_id, name, title, file_type, size_bytes, n_chunks, n_chars, pipeline_version, added_at)
    SELECT doc_id, source, title, file_type, size_bytes, n_chunks, n_chars, pipeline_version, added_at FROM documents;
DROP TABLE documents;
ALTER TABLE documents_v2 RENAME TO documents;
CREATE INDEX documents_by_title ON documents(title);
ALTER TABLE chunks ADD COLUMN ocr INTEGER NOT NULL DEFAULT 0;
"""
MIGRATIONS = (_V1, _V2)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class DocumentRecord:
    doc_id: str
    name: str
    title: str
    file_type: str
    size_bytes: int
    n_chunks: int
    n_chars: int
    pipeline_version: str
    pages: int = 1
    ocr_pages: int = 0
    added_by: str = ""
    added_at: str = ""
    flags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def source(self) -> str:
        """The file name the document came with (kept for callers that show `source`)."""
        return self.name


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _row_to_chunk(row: sqlite3.Row) -> Chunk:
    return Chunk(
        id=row["id"],
        doc_id=row["doc_id"],
        text=row["text"],
        title=row["title"],
        heading=tuple(json.loads(row["heading"])),
        page_start=row["page_start"],
        page_end=row["page_end"],
        position=row["position"],
        ocr=bool(row["ocr"]),
    )


def _row_to_document(row: sqlite3.Row) -> DocumentRecord:
    values = dict(row)
    values["flags"] = tuple(json.loads(values.get("flags") or "[]"))
    return DocumentRecord(**values)


class CatalogError(RuntimeError):
    """The catalog database cannot be opened or read (damaged, or not a catalog)."""


class Catalog:
    """Thread-safe read access to the catalog database (Streamlit serves sessions from threads)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        try:
            self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
            self._conn.row_factory = sqlite3.Row
            self._lock = threading.RLock()
            with self._lock:
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA foreign_keys=ON")
                self._migrate()
        except sqlite3.DatabaseError as exc:
            raise CatalogError(
                f"资料库目录 {path.parent} 中的目录数据库 {path.name} 已损坏，无法读取（{exc}）。"
                "请用 python -m library restore 备份文件 恢复。"
            ) from exc

    def _migrate(self) -> None:
        """Bring the schema to SCHEMA_VERSION one recorded step at a time. Each step reads the version inside
        its own write transaction, so two processes opening a new catalog at once never apply a step twice."""
        while True:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                version = self._conn.execute("PRAGMA user_version").fetchone()[0]
                if version == 0 and self._has_table("documents"):
                    version = 1  # catalogs made before versioning hold the v1 schema
                if version >= SCHEMA_VERSION:
                    self._conn.execute("COMMIT")
                    return
                for statement in _statements(MIGRATIONS[version]):
                    self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {version + 1}")
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def _has_table(self, name: str) -> bool:
        row = self._conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone()
        return row is not None

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        """Run one statement and return its rows (for modules that own their own tables: users, logs, quizzes)."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def executescript(self, script: str) -> None:
        with self._lock:
            self._conn.executescript(script)

    # --- generation: moved by every change, so derived indexes know which artefact matches
    def generation(self) -> int:
        rows = self.execute("SELECT value FROM meta WHERE key = 'generation'")
        return int(rows[0]["value"]) if rows else 0

    def meta(self, key: str) -> str | None:
        rows = self.execute("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    # --- documents
    def documents(self) -> list[DocumentRecord]:
        rows = self.execute("SELECT * FROM documents ORDER BY title")
        return [_row_to_document(row) for row in rows]

    def document(self, doc_id: str) -> DocumentRecord | None:
        rows = self.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))
        return _row_to_document(rows[0]) if rows else None

    def documents_titled(self, title: str) -> list[DocumentRecord]:
        rows = self.execute("SELECT * FROM documents WHERE title = ? ORDER BY added_at", (title,))
        return [_row_to_document(row) for row in rows]

    def document_count(self) -> int:
        return int(self.execute("SELECT COUNT(*) AS n FROM documents")[0]["n"])

    # --- chunks
    def chunk_count(self) -> int:
        return int(self.execute("SELECT COUNT(*) AS n FROM chunks")[0]["n"])

    def chunks_by_ids(self, ids: Iterable[str]) -> dict[str, Chunk]:
        ids = list(ids)
        found: dict[str, Chunk] = {}
        for start in range(0, len(ids), 500):  # SQLite caps bound parameters
            batch = ids[start : start + 500]
            marks = ",".join("?" * len(batch))
            for row in self.execute(f"SELECT * FROM chunks WHERE id IN ({marks})", batch):
                found[row["id"]] = _row_to_chunk(row)
        return found

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        rows = self.execute("SELECT * FROM chunks WHERE doc_id = ? ORDER BY position", (doc_id,))
        return [_row_to_chunk(row) for row in rows]

    def neighbours(self, chunk: Chunk, before: int = 1, after: int = 1) -> list[Chunk]:
        """The chunk with its neighbours in document order, to show a citation in context."""
        rows = self.execute(
            "SELECT * FROM chunks WHERE doc_id = ? AND position BETWEEN ? AND ? ORDER BY position",
            (chunk.doc_id, chunk.position - before, chunk.position + after),
        )
        return [_row_to_chunk(row) for row in rows]

    def iter_chunks(self) -> Iterator[Chunk]:
        """All chunks in a stable order (document, position): the order derived indexes are built in."""
        for row in self.execute("SELECT * FROM chunks ORDER BY doc_id, position"):
            yield _row_to_chunk(row)

    def iter_tokens(self, exclude_docs: Iterable[str] = ()) -> Iterator[tuple[str, str, list[str]]]:
        """(chunk id, doc id, BM25 tokens) in the same order as iter_chunks, optionally without some documents."""
        excluded = set(exclude_docs)
        for row in self.execute("SELECT id, doc_id, tokens FROM chunks ORDER BY doc_id, position"):
            if row["doc_id"] not in excluded:
                yield row["id"], row["doc_id"], row["tokens"].split()

    def chunk_ids(self) -> set[str]:
        return {row["id"] for row in self.execute("SELECT id FROM chunks")}


@dataclass(frozen=True)
class StagedDocument:
    """A document ready to become visible: its record, chunks and their BM25 tokens."""

    record: DocumentRecord
    chunks: Sequence[Chunk]
    tokens: Sequence[Sequence[str]]
    replaces: str | None = None


class CatalogWriter(Catalog):
    """The write half of the catalog. Only the library writer holds one (under the write lock)."""

    def commit(self, staged: Sequence[StagedDocument], removed: Sequence[str], generation: int) -> None:
        """Make documents visible, drop removed and replaced ones, and move to `generation`: one transaction."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for doc_id in {*removed, *(s.replaces for s in staged if s.replaces)}:
                    self._delete(doc_id)
                for item in staged:
                    self._insert(item)
                self._set_meta("generation", str(generation))
                self._set_meta("last_writer", PROCESS_TOKEN)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def _delete(self, doc_id: str) -> None:
        self._conn.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
        self._conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))

    def _insert(self, item: StagedDocument) -> None:
        record = item.record
        self._delete(record.doc_id)
        values = dict(record.__dict__, added_at=record.added_at or _now(), flags=json.dumps(list(record.flags)))
        self._conn.execute(
            "INSERT INTO documents(doc_id, name, title, file_type, size_bytes, pages, ocr_pages, n_chunks, n_chars, "
            "pipeline_version, added_by, added_at, flags) VALUES (:doc_id, :name, :title, :file_type, :size_bytes, "
            ":pages, :ocr_pages, :n_chunks, :n_chars, :pipeline_version, :added_by, :added_at, :flags)",
            values,
        )
        self._conn.executemany(
            "INSERT OR REPLACE INTO chunks(id, doc_id, position, text, title, heading, page_start, page_end, tokens, "
            "ocr) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    c.id,
                    c.doc_id,
                    c.position,
                    c.text,
                    c.title,
                    json.dumps(c.heading, ensure_ascii=False),
                    c.page_start,
                    c.page_end,
                    " ".join(toks),
                    int(c.ocr),
                )
                for c, toks in zip(item.chunks, item.tokens, strict=True)
            ],
        )

    def replace_tokens(self, tokens_by_id: Iterable[tuple[str, Sequence[str]]], generation: int) -> None:
        """Store re-tokenized chunks (after a tokenizer change) and move to `generation`, in one transaction."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(
                    "UPDATE chunks SET tokens = ? WHERE id = ?", [(" ".join(t), cid) for cid, t in tokens_by_id]
                )
                self._set_meta("generation", str(generation))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._set_meta(key, value)

    def _set_meta(self, key: str, value: str) -> None:
        self._conn.execute(
            "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (each migration runs inside one explicit transaction)."""
    return [part.strip() for part in script.split(";") if part.strip()]

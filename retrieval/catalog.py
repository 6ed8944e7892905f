"""The catalog (SQLite in the data dir): documents and their chunks, the source of truth for every index.

A document becomes visible to search only when `commit_document` has written it and its chunks in one
transaction; vectors written before a crash are orphans that search ignores and the next ingest removes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from retrieval.types import Chunk

SCHEMA = """
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


@dataclass(frozen=True)
class DocumentRecord:
    doc_id: str
    source: str
    title: str
    file_type: str
    size_bytes: int
    n_chunks: int
    n_chars: int
    pipeline_version: str
    added_at: str = ""


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
    )


class Catalog:
    """Thread-safe access to the catalog database (Streamlit serves sessions from threads)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        """Run one statement and return its rows (for modules that own their own tables)."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def executescript(self, script: str) -> None:
        with self._lock:
            self._conn.executescript(script)

    # --- generation: bumped on every change, so derived indexes know when they are stale
    def generation(self) -> int:
        rows = self.execute("SELECT value FROM meta WHERE key = 'generation'")
        return int(rows[0]["value"]) if rows else 0

    def _bump_generation(self) -> None:
        self._conn.execute(
            "INSERT INTO meta(key, value) VALUES('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    # --- documents
    def documents(self) -> list[DocumentRecord]:
        rows = self.execute("SELECT * FROM documents ORDER BY title")
        return [DocumentRecord(**dict(row)) for row in rows]

    def document(self, doc_id: str) -> DocumentRecord | None:
        rows = self.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))
        return DocumentRecord(**dict(rows[0])) if rows else None

    def document_by_source(self, source: str) -> DocumentRecord | None:
        rows = self.execute("SELECT * FROM documents WHERE source = ?", (source,))
        return DocumentRecord(**dict(rows[0])) if rows else None

    def commit_document(
        self,
        record: DocumentRecord,
        chunks: Sequence[Chunk],
        tokens: Sequence[Sequence[str]],
        replaces: str | None = None,
    ) -> None:
        """Write a document, its chunks and their BM25 tokens atomically, removing the document it replaces."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for old in {replaces, record.doc_id} - {None}:
                    self._conn.execute("DELETE FROM chunks WHERE doc_id = ?", (old,))
                    self._conn.execute("DELETE FROM documents WHERE doc_id = ?", (old,))
                self._conn.execute("DELETE FROM documents WHERE source = ?", (record.source,))
                values = dict(record.__dict__, added_at=record.added_at or _now())
                self._conn.execute(
                    "INSERT INTO documents VALUES (:doc_id, :source, :title, :file_type, :size_bytes, :n_chunks, "
                    ":n_chars, :pipeline_version, :added_at)",
                    values,
                )
                self._conn.executemany(
                    "INSERT OR REPLACE INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                        )
                        for c, toks in zip(chunks, tokens, strict=True)
                    ],
                )
                self._bump_generation()
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def delete_document(self, doc_id: str) -> bool:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            deleted = self._conn.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,)).rowcount
            deleted += self._conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,)).rowcount
            if deleted:
                self._bump_generation()
            self._conn.execute("COMMIT")
            return bool(deleted)

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

    def iter_tokens(self) -> Iterator[tuple[str, str, list[str]]]:
        """(chunk id, doc id, BM25 tokens) in the same order as iter_chunks."""
        for row in self.execute("SELECT id, doc_id, tokens FROM chunks ORDER BY doc_id, position"):
            yield row["id"], row["doc_id"], row["tokens"].split()

    def replace_tokens(self, tokens_by_id: Iterable[tuple[str, Sequence[str]]]) -> None:
        """Store re-tokenized chunks (after a tokenizer change) in one transaction."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany(
                "UPDATE chunks SET tokens = ? WHERE id = ?", [(" ".join(t), cid) for cid, t in tokens_by_id]
            )
            self._bump_generation()
            self._conn.execute("COMMIT")

    def chunk_ids(self) -> set[str]:
        return {row["id"] for row in self.execute("SELECT id FROM chunks")}

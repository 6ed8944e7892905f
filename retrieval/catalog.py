"""The catalog: documents and their chunks, the source of truth for every index — an SQLite file in the data dir
(default) or a PostgreSQL database shared by replicas (settings.database_url), through retrieval.db.

`Catalog` reads; `CatalogWriter` (used only by library.service.Library, the one writer) changes documents.
A document becomes visible to search only when a writer transaction has stored it and its chunks together,
and that same transaction moves the catalog's generation to the one whose BM25 artefact was published first.
A generation also carries a random stamp, so an artefact published by a writer that died before its commit is
never taken for the one a later writer (maybe on another machine) committed under the same number.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import bindparam, text
from sqlalchemy.exc import SQLAlchemyError

from retrieval.db import Database, Row, Schema, Transaction, unreachable_message
from retrieval.types import Chunk

# Who committed last: a reader in another process reopens its local vector store when this is not itself.
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
# An empty database (SQLite or PostgreSQL) gets the newest schema at once.
_FRESH = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    file_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    pages INTEGER NOT NULL DEFAULT 1,
    ocr_pages INTEGER NOT NULL DEFAULT 0,
    n_chunks INTEGER NOT NULL,
    n_chars INTEGER NOT NULL,
    pipeline_version TEXT NOT NULL,
    added_by TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL,
    flags TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX documents_by_title ON documents(title);
CREATE TABLE chunks (
    id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    title TEXT NOT NULL,
    heading TEXT NOT NULL,
    page_start INTEGER,
    page_end INTEGER,
    tokens TEXT NOT NULL DEFAULT '',
    ocr INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX chunks_by_doc ON chunks(doc_id, position);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _legacy_version(tx: Transaction) -> int:
    """SQLite catalogs made before schema_versions kept their version in PRAGMA user_version (or none: v1)."""
    if tx.dialect != "sqlite":
        return 0
    version = int(tx.execute("PRAGMA user_version")[0][0])
    if version == 0 and tx.has_table("documents"):
        return 1
    return version


CATALOG_SCHEMA = Schema("catalog", _FRESH, MIGRATIONS, legacy=_legacy_version)


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


def new_stamp() -> str:
    """A generation's stamp: random, so two writers never give the same generation the same stamp."""
    return uuid.uuid4().hex


def _row_to_chunk(row: Row) -> Chunk:
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


def _row_to_document(row: Row) -> DocumentRecord:
    values = dict(row)
    values["flags"] = tuple(json.loads(values.get("flags") or "[]"))
    return DocumentRecord(**values)


@dataclass(frozen=True)
class GenerationState:
    """Which generation the catalog serves: its number and the stamp its writer gave it."""

    number: int
    stamp: str


class CatalogError(RuntimeError):
    """The catalog database cannot be opened or read (damaged, unreachable, or not a catalog)."""


class Catalog:
    """Thread-safe read access to the catalog (Streamlit and the API serve requests from threads).

    `location` is an SQLite file path, a database URL (sqlite:///…, postgresql://…), or an open Database to share.
    """

    def __init__(self, location: Path | str | Database):
        self._owns_database = not isinstance(location, Database)
        self.db = location if isinstance(location, Database) else Database(location)
        self.path = Path(self.db.url.removeprefix("sqlite:///")) if self.db.dialect == "sqlite" else None
        try:
            self.db.migrate(CATALOG_SCHEMA)
            if self.db.dialect == "sqlite" and self.db.execute("PRAGMA user_version")[0][0] != SCHEMA_VERSION:
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")  # older code reads the version here
        except SQLAlchemyError as exc:
            raise CatalogError(self._open_failed(exc)) from exc

    def _open_failed(self, exc: SQLAlchemyError) -> str:
        if self.path is None:
            return unreachable_message(self.db.location, exc)
        if "database is locked" in str(exc):  # busy, not damaged: nothing to restore
            return (
                f"资料库目录 {self.path.parent} 中的目录数据库 {self.path.name} 正被另一个进程长时间占用，请稍后再试。"
            )
        return (
            f"资料库目录 {self.path.parent} 中的目录数据库 {self.path.name} 已损坏，"
            f"无法读取（{exc.__cause__ or exc}）。"
            f"请先把它（连同 {self.path.name}-wal、{self.path.name}-shm，如有）移出该目录，"
            "再用 python -m library restore 备份文件 恢复；没有备份时，"
            "python -m ingest --rebuild --from-sources 可从保存的原文件重建文档（账号、提问记录和试卷无法找回）。"
        )

    @property
    def shared(self) -> bool:
        """True when processes on other machines read and write the same catalog (PostgreSQL)."""
        return self.db.shared

    def close(self) -> None:
        if self._owns_database:
            self.db.close()

    def execute(self, sql: str, params: object = ()) -> list[Row]:
        """Run one statement and return its rows (for modules that own their own tables: users, logs, quizzes).
        Portable SQL with named parameters (:name and a dict); `?` with a tuple is still accepted."""
        return self.db.execute(sql, params)  # type: ignore[arg-type]

    def executescript(self, script: str) -> None:
        with self.db.transaction(write=True) as tx:
            tx.script(script)

    # --- generation: moved by every change, so derived indexes know which artefact matches
    def generation(self) -> int:
        return self.generation_state().number

    def generation_state(self) -> GenerationState:
        """Number and stamp in one small read (checked before every query)."""
        rows = self.execute("SELECT key, value FROM meta WHERE key IN ('generation', 'generation_stamp')")
        values = {row["key"]: row["value"] for row in rows}
        return GenerationState(int(values.get("generation", 0)), values.get("generation_stamp", ""))

    def meta(self, key: str) -> str | None:
        rows = self.execute("SELECT value FROM meta WHERE key = :key", {"key": key})
        return rows[0]["value"] if rows else None

    # --- documents
    def documents(self) -> list[DocumentRecord]:
        rows = self.execute("SELECT * FROM documents ORDER BY title, doc_id")
        return [_row_to_document(row) for row in rows]

    def document(self, doc_id: str) -> DocumentRecord | None:
        rows = self.execute("SELECT * FROM documents WHERE doc_id = :doc_id", {"doc_id": doc_id})
        return _row_to_document(rows[0]) if rows else None

    def documents_titled(self, title: str) -> list[DocumentRecord]:
        rows = self.execute("SELECT * FROM documents WHERE title = :title ORDER BY added_at", {"title": title})
        return [_row_to_document(row) for row in rows]

    def document_count(self) -> int:
        return int(self.execute("SELECT COUNT(*) AS n FROM documents")[0]["n"])

    # --- chunks
    def chunk_count(self) -> int:
        return int(self.execute("SELECT COUNT(*) AS n FROM chunks")[0]["n"])

    def chunks_by_ids(self, ids: Iterable[str]) -> dict[str, Chunk]:
        return {cid: chunk for cid, (chunk, _) in self.indexed_chunks(ids).items()}

    def indexed_chunks(self, ids: Iterable[str]) -> dict[str, tuple[Chunk, tuple[str, ...]]]:
        """Chunks by id with the BM25 tokens they were indexed under (the same row: no second read)."""
        ids = list(ids)
        found: dict[str, tuple[Chunk, tuple[str, ...]]] = {}
        query = text("SELECT * FROM chunks WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))
        with self.db.transaction() as tx:
            for start in range(0, len(ids), 500):  # SQLite caps bound parameters
                for row in tx.conn.execute(query, {"ids": ids[start : start + 500]}).mappings():
                    found[row["id"]] = (_row_to_chunk(Row(row)), tuple(row["tokens"].split()))
        return found

    def openings(self, chars: int = 200) -> dict[str, str]:
        """Each document's first characters (a subtitle such as ——在…大会上的报告 names the document too)."""
        rows = self.execute(_OPENINGS, {"n": chars})
        return {row["doc_id"]: row["opening"] for row in rows}

    def opening(self, doc_id: str, chars: int = 200) -> str:
        """One document's first characters (its date line: （2018年1月2日）)."""
        rows = self.execute(_OPENINGS + " AND doc_id = :doc_id", {"n": chars, "doc_id": doc_id})
        return rows[0]["opening"] if rows else ""

    def heading_rows(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """Each document's distinct heading paths, with its title: the library's outline, without the texts."""
        rows = self.execute("SELECT DISTINCT doc_id, title, heading FROM chunks")
        return [(row["doc_id"], row["title"], tuple(json.loads(row["heading"]))) for row in rows]

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        rows = self.execute("SELECT * FROM chunks WHERE doc_id = :doc_id ORDER BY position", {"doc_id": doc_id})
        return [_row_to_chunk(row) for row in rows]

    def neighbours(self, chunk: Chunk, before: int = 1, after: int = 1) -> list[Chunk]:
        """The chunk with its neighbours in document order, to show a citation in context."""
        rows = self.execute(
            "SELECT * FROM chunks WHERE doc_id = :doc_id AND position BETWEEN :low AND :high ORDER BY position",
            {"doc_id": chunk.doc_id, "low": chunk.position - before, "high": chunk.position + after},
        )
        return [_row_to_chunk(row) for row in rows]

    def iter_chunks(self) -> Iterator[Chunk]:
        """All chunks in a stable order (document, position): the order derived indexes are built in."""
        with self.db.engine.connect() as conn:  # streamed: the writer reads a large library's texts per commit
            query = text("SELECT * FROM chunks ORDER BY doc_id, position")
            result = conn.execution_options(yield_per=2000).execute(query)
            for row in result.mappings():
                yield _row_to_chunk(Row(row))

    def iter_tokens(self, exclude_docs: Iterable[str] = ()) -> Iterator[tuple[str, str, list[str]]]:
        """(chunk id, doc id, BM25 tokens) in the same order as iter_chunks, optionally without some documents.
        Streamed in batches: a replica builds its BM25 from a large shared catalog without holding every row."""
        excluded = set(exclude_docs)
        with self.db.engine.connect() as conn:
            result = conn.execution_options(yield_per=5000).execute(
                text("SELECT id, doc_id, tokens FROM chunks ORDER BY doc_id, position")
            )
            for chunk_id, doc_id, tokens in result:
                if doc_id not in excluded:
                    yield chunk_id, doc_id, tokens.split()

    def chunk_ids(self) -> set[str]:
        return {row[0] for row in self.execute("SELECT id FROM chunks")}


@dataclass(frozen=True)
class StagedDocument:
    """A document ready to become visible: its record, chunks and their BM25 tokens."""

    record: DocumentRecord
    chunks: Sequence[Chunk]
    tokens: Sequence[Sequence[str]]
    replaces: str | None = None


_OPENINGS = "SELECT doc_id, substr(text, 1, :n) AS opening FROM chunks WHERE position = 0"
_INSERT_DOCUMENT = (
    "INSERT INTO documents(doc_id, name, title, file_type, size_bytes, pages, ocr_pages, n_chunks, n_chars, "
    "pipeline_version, added_by, added_at, flags) VALUES (:doc_id, :name, :title, :file_type, :size_bytes, "
    ":pages, :ocr_pages, :n_chunks, :n_chars, :pipeline_version, :added_by, :added_at, :flags)"
)
_UPSERT_CHUNK = (
    "INSERT INTO chunks(id, doc_id, position, text, title, heading, page_start, page_end, tokens, ocr) "
    "VALUES (:id, :doc_id, :position, :text, :title, :heading, :page_start, :page_end, :tokens, :ocr) "
    "ON CONFLICT(id) DO UPDATE SET doc_id = excluded.doc_id, position = excluded.position, text = excluded.text, "
    "title = excluded.title, heading = excluded.heading, page_start = excluded.page_start, "
    "page_end = excluded.page_end, tokens = excluded.tokens, ocr = excluded.ocr"
)


class CatalogWriter(Catalog):
    """The write half of the catalog. Only the library writer holds one (under the write lock)."""

    def commit(
        self, staged: Sequence[StagedDocument], removed: Sequence[str], generation: int, stamp: str = ""
    ) -> None:
        """Make documents visible, drop removed and replaced ones, and move to `generation`: one transaction."""
        with self.db.transaction(write=True) as tx:
            for doc_id in {*removed, *(s.replaces for s in staged if s.replaces)}:
                _delete(tx, doc_id)
            for item in staged:
                _insert(tx, item)
            _set_generation(tx, generation, stamp)
            _set_meta(tx, "last_writer", PROCESS_TOKEN)

    def replace_tokens(
        self, tokens_by_id: Iterable[tuple[str, Sequence[str]]], generation: int, stamp: str = ""
    ) -> None:
        """Store re-tokenized chunks (after a tokenizer change) and move to `generation`, in one transaction."""
        with self.db.transaction(write=True) as tx:
            tx.executemany(
                "UPDATE chunks SET tokens = :tokens WHERE id = :id",
                [{"tokens": " ".join(t), "id": cid} for cid, t in tokens_by_id],
            )
            _set_generation(tx, generation, stamp)

    def set_meta(self, key: str, value: str) -> None:
        with self.db.transaction(write=True) as tx:
            _set_meta(tx, key, value)


def _delete(tx: Transaction, doc_id: str) -> None:
    tx.execute("DELETE FROM chunks WHERE doc_id = :doc_id", {"doc_id": doc_id})
    tx.execute("DELETE FROM documents WHERE doc_id = :doc_id", {"doc_id": doc_id})


def _insert(tx: Transaction, item: StagedDocument) -> None:
    record = item.record
    _delete(tx, record.doc_id)
    values = dict(record.__dict__, added_at=record.added_at or _now(), flags=json.dumps(list(record.flags)))
    tx.execute(_INSERT_DOCUMENT, values)
    tx.executemany(
        _UPSERT_CHUNK,
        [
            {
                "id": c.id,
                "doc_id": c.doc_id,
                "position": c.position,
                "text": c.text,
                "title": c.title,
                "heading": json.dumps(c.heading, ensure_ascii=False),
                "page_start": c.page_start,
                "page_end": c.page_end,
                "tokens": " ".join(toks),
                "ocr": int(c.ocr),
            }
            for c, toks in zip(item.chunks, item.tokens, strict=True)
        ],
    )


def _set_generation(tx: Transaction, generation: int, stamp: str) -> None:
    _set_meta(tx, "generation", str(generation))
    _set_meta(tx, "generation_stamp", stamp)


def _set_meta(tx: Transaction, key: str, value: str) -> None:
    tx.execute(
        "INSERT INTO meta(key, value) VALUES (:key, :value) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        {"key": key, "value": value},
    )

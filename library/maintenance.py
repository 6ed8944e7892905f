"""`python -m library check [--repair]`, backup and restore: the catalog is the truth; vectors, BM25 generations
and the manifest are derived from it and can always be rebuilt; stored sources let the text be re-parsed."""

from __future__ import annotations

import io
import json
import logging
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from library.service import Library
from retrieval.lexical import load_published

log = logging.getLogger(__name__)
BACKUP_CATALOG = "catalog.sqlite3"
BACKUP_SOURCES = "sources/"


@dataclass
class Health:
    documents: int = 0
    chunks: int = 0
    vectors: int = 0
    generation: int = 0
    orphan_vectors: int = 0
    missing_vectors: int = 0
    bm25_ok: bool = True
    missing_sources: list[str] = field(default_factory=list)  # titles of documents with no stored file
    unlisted_sources: int = 0  # stored files no document refers to
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(library: Library) -> Health:
    """Compare catalog, vectors, the BM25 generation and stored sources; loads no model."""
    catalog = library.catalog
    health = Health(catalog.document_count(), catalog.chunk_count(), generation=catalog.generation())
    chunk_ids = catalog.chunk_ids()
    if library.vectors is not None:
        vector_ids = library.vectors.ids()
        health.vectors = len(vector_ids)
        health.orphan_vectors = len(vector_ids - chunk_ids)
        health.missing_vectors = len(chunk_ids - vector_ids)
    published = load_published(library.settings.bm25_dir, health.generation)
    health.bm25_ok = published is not None and set(published.state.chunk_ids) == chunk_ids
    stored = library.sources.ids()
    documents = catalog.documents()
    health.missing_sources = [d.title for d in documents if d.doc_id not in stored]
    health.unlisted_sources = len(stored - {d.doc_id for d in documents})
    _describe(health)
    return health


def _describe(health: Health) -> None:
    if health.orphan_vectors:
        health.problems.append(f"{health.orphan_vectors} 个向量没有对应的段落（可自动清理）")
    if health.missing_vectors:
        health.problems.append(f"{health.missing_vectors} 个段落缺少向量（可自动补算）")
    if not health.bm25_ok:
        health.problems.append(f"第 {health.generation} 代关键词索引缺失或与目录不一致（可自动重建）")
    if health.missing_sources:
        health.problems.append(
            f"{len(health.missing_sources)} 个文档没有保存原文件（无法自动修复，文字仍在目录中；需要时请重新上传）"
        )


def repair(library: Library) -> Health:
    """Fix what is derived (orphan and missing vectors, the BM25 generation); report the rest."""
    before = check(library)
    if before.missing_vectors or not before.bm25_ok or before.orphan_vectors:
        library.repair_derived()
    return check(library)


def backup(library: Library, target: Path) -> Path:
    """A consistent copy while the app runs: SQLite's online backup of the catalog (documents, accounts, logs,
    quizzes), then the stored sources, in one .tar.gz. Vectors and BM25 are derived and left out."""
    if library.settings.database_url:
        raise RestoreError(
            "目录在 PostgreSQL 中：请用 pg_dump 备份数据库（原文件也保存在数据库里），向量和关键词索引可随时重建。"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with tempfile.TemporaryDirectory() as tmp:
        snapshot = Path(tmp) / BACKUP_CATALOG
        source = sqlite3.connect(library.settings.catalog_path)
        destination = sqlite3.connect(snapshot)
        with destination:
            source.backup(destination)
        source.close()
        destination.close()
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(snapshot, BACKUP_CATALOG)
            for doc_id in sorted(library.sources.ids()):
                _add_bytes(archive, f"{BACKUP_SOURCES}{doc_id}", library.sources.get(doc_id) or b"")
                meta = library.sources.meta(doc_id)
                if meta:
                    _add_bytes(archive, f"{BACKUP_SOURCES}{doc_id}.json", json.dumps(meta, ensure_ascii=False).encode())
    partial.replace(target)
    return target


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


class RestoreError(RuntimeError):
    """The backup cannot be restored here; the message says why (Chinese)."""


def restore(library: Library, archive_path: Path) -> int:
    """Restore a backup into an empty data dir, then rebuild vectors and BM25; returns the passages indexed."""
    if library.settings.database_url:
        raise RestoreError("目录在 PostgreSQL 中：请用 pg_restore 恢复数据库，然后运行 python -m ingest --rebuild。")
    if library.catalog.document_count():
        raise RestoreError("当前资料库不是空的：请把备份恢复到一个新的空数据目录（设置 SHUXIANG_DATA_DIR）。")
    try:
        catalog_bytes, sources = _read_backup(archive_path)
    except (OSError, tarfile.TarError) as exc:
        raise RestoreError(f"无法读取备份文件 {archive_path}：{exc}") from exc
    library.restore_catalog(catalog_bytes, sources)
    return library.rebuild()


def _read_backup(path: Path) -> tuple[bytes, dict[str, bytes]]:
    with tarfile.open(path, "r:gz") as archive:
        members = {m.name: m for m in archive.getmembers() if m.isfile()}
        if BACKUP_CATALOG not in members:
            raise RestoreError("备份文件中没有目录数据库，不是本系统的备份。")
        catalog_bytes = archive.extractfile(members[BACKUP_CATALOG]).read()
        sources = {
            name.removeprefix(BACKUP_SOURCES): archive.extractfile(member).read()
            for name, member in members.items()
            if name.startswith(BACKUP_SOURCES) and "/" not in name.removeprefix(BACKUP_SOURCES)
        }
    return catalog_bytes, sources

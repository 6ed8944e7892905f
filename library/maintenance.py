"""`python -m library check [--repair]`, backup and restore: the catalog is the truth; vectors, BM25 generations
and the manifest are derived from it and can always be rebuilt; stored sources let the text be re-parsed."""

from __future__ import annotations

import io
import json
import logging
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect

from library import pgtools
from library.service import LEGS, Library
from library.sources import CatalogLostError, check_not_lost
from retrieval.bigram_leg import CharBigramIndex
from retrieval.catalog import GenerationState
from retrieval.lexical import generation_dir, leg_dir, load_published
from retrieval.vectors import VectorStoreDamaged

log = logging.getLogger(__name__)
BACKUP_FORMAT = 2  # 1: catalog.sqlite3 + sources/ without a manifest; 2: manifest.json naming the backend
BACKUP_MANIFEST = "manifest.json"
BACKUP_CATALOG = "catalog.sqlite3"  # SQLite: the catalog file
BACKUP_SOURCES = "sources/"  # SQLite: the stored source files (PostgreSQL keeps them in the database)
BACKUP_PG_DUMP = "catalog.pgdump"  # PostgreSQL: pg_dump --format=custom --no-owner of the whole database
SQLITE, POSTGRESQL = "sqlite", "postgresql"
BACKEND_LABELS = {SQLITE: " SQLite ", POSTGRESQL: " PostgreSQL "}
# not content: a new library has these too
_BOOKKEEPING = {"schema_versions", "meta", "login_failures", "login_sessions"}
_TABLE_LABELS = {
    "documents": "文档",
    "chunks": "段落",
    "sources": "原文件",
    "users": "账号",
    "api_tokens": "API令牌",
    "questions": "提问记录",
    "quizzes": "试卷",
    "quiz_attempts": "答题记录",
    "quiz_daily": "每日一练",
    "quiz_programme": "学习计划",
}


@dataclass
class Health:
    documents: int = 0
    chunks: int = 0
    vectors: int = 0
    generation: int = 0
    orphan_vectors: int = 0
    missing_vectors: int = 0
    vectors_damaged: str = ""  # why Chroma's files cannot be opened
    bm25_ok: bool = True  # this data dir's BM25 and bigram legs of the current generation
    shared_ok: bool | None = None  # the same legs in the shared database (None: the catalog is not shared)
    missing_sources: list[str] = field(default_factory=list)  # titles of documents with no stored file
    unlisted_sources: int = 0  # stored files no document refers to
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(library: Library) -> Health:
    """Compare catalog, vectors, the BM25 generation (here and in a shared database) and stored sources;
    loads no model."""
    catalog = library.catalog
    state = catalog.generation_state()
    health = Health(catalog.document_count(), catalog.chunk_count(), generation=state.number)
    chunk_ids = catalog.chunk_ids()
    vector_ids = _vector_ids(library, health)
    if vector_ids is not None:
        health.vectors = len(vector_ids)
        health.orphan_vectors = len(vector_ids - chunk_ids)
        health.missing_vectors = len(chunk_ids - vector_ids)
    health.bm25_ok = _local_legs_ok(library, state, chunk_ids)
    if library.artefacts is not None:
        health.shared_ok = all(library.artefacts.intact(kind, state.number, state.stamp) for kind in LEGS)
    stored = library.sources.ids()
    documents = catalog.documents()
    health.missing_sources = [d.title for d in documents if d.doc_id not in stored]
    health.unlisted_sources = len(stored - {d.doc_id for d in documents})
    _describe(health)
    _check_catalog_kept(library, health)
    return health


def _vector_ids(library: Library, health: Health) -> set[str] | None:
    try:
        vectors = library.vectors
    except VectorStoreDamaged as exc:
        health.vectors_damaged = str(exc)
        return None
    return vectors.ids() if vectors is not None else None


def _local_legs_ok(library: Library, state: GenerationState, chunk_ids: set[str]) -> bool:
    """The current generation's BM25 and bigram legs in the data dir load and cover exactly the catalog."""
    root = library.settings.bm25_dir
    if library.artefacts is not None and not generation_dir(root, state.number).exists():
        return True  # not written on this machine: its readers download the shared copy (checked apart)
    published = load_published(root, state.number, state.stamp)
    folder = leg_dir(root, state.number, state.stamp, "bigram")
    bigram = CharBigramIndex.load(folder) if folder is not None else None
    if published is None or bigram is None:
        return False
    return set(published.state.chunk_ids) == chunk_ids == set(bigram.chunk_ids)


def _describe(health: Health) -> None:
    if health.vectors_damaged:
        health.problems.append(f"{health.vectors_damaged}（可自动重建：--repair 会重新计算全部向量）")
    if health.orphan_vectors:
        health.problems.append(f"{health.orphan_vectors} 个向量没有对应的段落（可自动清理）")
    if health.missing_vectors:
        health.problems.append(f"{health.missing_vectors} 个段落缺少向量（可自动补算）")
    if not health.bm25_ok:
        health.problems.append(f"第 {health.generation} 代关键词索引缺失或与目录不一致（可自动重建）")
    if health.shared_ok is False:
        health.problems.append(
            f"共享数据库中第 {health.generation} 代的关键词索引缺失或校验不符，其他机器只能各自重建（可自动重新发布）"
        )
    if health.missing_sources:
        health.problems.append(
            f"{len(health.missing_sources)} 个文档没有保存原文件（无法自动修复，文字仍在目录中；需要时请重新上传）"
        )


def _check_catalog_kept(library: Library, health: Health) -> None:
    """An empty catalog beside stored sources was emptied or lost: only the operator can bring it back."""
    try:
        check_not_lost(health.documents == 0, library.sources)
    except CatalogLostError as exc:
        health.problems.append(f"{exc}（无法自动修复）")


def repair(library: Library) -> Health:
    """Fix what is derived (damaged, orphan and missing vectors, the BM25 generation here and in a shared
    database) through the writer; report the rest."""
    before = check(library)
    if before.vectors_damaged:
        library.rebuild()  # moves the damaged files aside and embeds every passage again
    elif before.missing_vectors or not before.bm25_ok or before.orphan_vectors:
        library.repair_derived()  # a new generation, published here and in the shared database
    elif before.shared_ok is False:
        library.republish_current()
    return check(library)


def backup(library: Library, target: Path) -> Path:
    """A consistent copy while the app runs, in one .tar.gz with a manifest naming the backend. SQLite: the online
    backup of the catalog file (documents, accounts, logs, quizzes, tokens) and the stored sources. PostgreSQL:
    `pg_dump` of the database, which holds all of that and the sources too. Vectors and BM25 are derived and
    left out; `restore` rebuilds them."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    backend = _backend(library)
    try:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as tmp:
            if backend == POSTGRESQL:
                snapshot = Path(tmp) / BACKUP_PG_DUMP
                pgtools.dump(library.settings.database_url, snapshot, library.settings.pg_bin_dir)
            else:
                snapshot = Path(tmp) / BACKUP_CATALOG
                _sqlite_snapshot(_sqlite_path(library), snapshot)
            with tarfile.open(partial, "w:gz") as archive:
                _add_bytes(archive, BACKUP_MANIFEST, _manifest(backend))
                archive.add(snapshot, snapshot.name)
                if backend == SQLITE:
                    _add_sources(archive, library)
        partial.replace(target)
    except pgtools.PgToolError as exc:
        raise RestoreError(f"备份失败：{exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return target


def _backend(library: Library) -> str:
    return POSTGRESQL if library.catalog.db.shared else SQLITE


def _sqlite_path(library: Library) -> Path:
    """The catalog file (the data dir's catalog.sqlite3, or the file a sqlite:/// SHUXIANG_DATABASE_URL names)."""
    return Path(library.catalog.db.engine.url.database or library.settings.catalog_path)


def _manifest(backend: str) -> bytes:
    data = {"format": BACKUP_FORMAT, "backend": backend, "created_at": datetime.now(UTC).isoformat(timespec="seconds")}
    return json.dumps(data, ensure_ascii=False).encode()


def _sqlite_snapshot(catalog: Path, snapshot: Path) -> None:
    source = sqlite3.connect(catalog)
    destination = sqlite3.connect(snapshot)
    try:
        with destination:
            source.backup(destination)
    finally:
        source.close()
        destination.close()


def _add_sources(archive: tarfile.TarFile, library: Library) -> None:
    for doc_id in sorted(library.sources.ids()):
        _add_bytes(archive, f"{BACKUP_SOURCES}{doc_id}", library.sources.get(doc_id) or b"")
        meta = library.sources.meta(doc_id)
        if meta:
            _add_bytes(archive, f"{BACKUP_SOURCES}{doc_id}.json", json.dumps(meta, ensure_ascii=False).encode())


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


class RestoreError(RuntimeError):
    """The backup cannot be made or restored here; the message says why (Chinese)."""


def restore(library: Library, archive_path: Path) -> int:
    """Restore a backup into an empty library, then rebuild vectors and BM25; returns the passages indexed."""
    restore_stored(library, archive_path)
    return library.rebuild()


def restore_stored(library: Library, archive_path: Path) -> None:
    """What the backup holds (catalog, accounts, logs, quizzes, sources) put in place, derived parts not yet
    rebuilt. Refused, with nothing changed, when the backup is unreadable, from the other backend, or the library
    is not empty; a failed pg_restore rolls back its one transaction."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            members = {m.name: m for m in archive.getmembers() if m.isfile()}
            backend = _archive_backend(archive, members)
            _check_target(library, backend)
            if backend == SQLITE:
                catalog_bytes, sources = _read_sqlite_backup(archive, members)
                library.restore_catalog(catalog_bytes, sources)
                return
            with tempfile.TemporaryDirectory(dir=library.settings.data_dir, prefix=".restore-") as tmp:
                dump = Path(tmp) / BACKUP_PG_DUMP
                with archive.extractfile(members[BACKUP_PG_DUMP]) as packed, open(dump, "wb") as out:
                    shutil.copyfileobj(packed, out, 2**20)
                library.restore_database(lambda: _pg_restore_into_empty(library, dump))
                log.info("restored %s into %s", archive_path, library.catalog.db.location)
    except (OSError, tarfile.TarError, EOFError, zlib.error) as exc:
        raise RestoreError(f"无法读取备份文件 {archive_path}：{exc}") from exc
    except pgtools.PgToolError as exc:
        raise RestoreError(f"恢复失败，数据库保持原样：{exc}") from exc


def _archive_backend(archive: tarfile.TarFile, members: dict[str, tarfile.TarInfo]) -> str:
    """The backend a backup came from: its manifest says so (backups made before the manifest are SQLite)."""
    if BACKUP_MANIFEST in members:
        try:
            manifest = json.loads(archive.extractfile(members[BACKUP_MANIFEST]).read())
        except ValueError as exc:
            raise RestoreError(f"备份文件的说明（{BACKUP_MANIFEST}）已损坏：{exc}") from exc
        if manifest.get("format", 0) > BACKUP_FORMAT:
            raise RestoreError("这个备份来自更新版本的程序：请升级程序后再恢复。")
        backend = manifest.get("backend")
    else:
        backend = SQLITE
    needed = BACKUP_PG_DUMP if backend == POSTGRESQL else BACKUP_CATALOG
    if backend not in (SQLITE, POSTGRESQL) or needed not in members:
        raise RestoreError("备份文件中没有目录数据库，不是本系统的备份。")
    return backend


def _check_target(library: Library, backend: str) -> None:
    here = _backend(library)
    if backend != here:
        raise RestoreError(
            f"这是{BACKEND_LABELS[backend]}资料库的备份，而当前资料库使用{BACKEND_LABELS[here]}："
            "两种数据库之间不能直接恢复。"
            + (
                "请在未设置 SHUXIANG_DATABASE_URL 的空数据目录中恢复。"
                if backend == SQLITE
                else "请设置 SHUXIANG_DATABASE_URL 指向一个新建的空 PostgreSQL 数据库后再恢复。"
            )
        )
    if here == SQLITE and _sqlite_path(library).resolve() != library.settings.catalog_path.resolve():
        raise RestoreError("恢复到 SQLite 时只能使用数据目录中的 catalog.sqlite3：请不要设置 SHUXIANG_DATABASE_URL。")
    content = stored_content(library)
    if content:
        where = (
            "请把备份恢复到一个新建的空数据库（createdb 新库名，再让 SHUXIANG_DATABASE_URL 指向它）。"
            if here == POSTGRESQL
            else "请把备份恢复到一个新的空数据目录（设置 SHUXIANG_DATA_DIR）。"
        )
        raise RestoreError(f"当前资料库不是空的（已有{'、'.join(content)}）：{where}")


def stored_content(library: Library) -> list[str]:
    """What the library already holds (documents, accounts, question log, …), by table; empty for a new one."""
    db = library.catalog.db
    with db.transaction() as tx:
        present = set(inspect(tx.conn).get_table_names()) - _BOOKKEEPING
        tables = [t for t in _TABLE_LABELS if t in present] + sorted(present - set(_TABLE_LABELS))
        return [_TABLE_LABELS.get(t, t) for t in tables if tx.execute(f'SELECT 1 FROM "{t}" LIMIT 1')]


def _pg_restore_into_empty(library: Library, dump: Path) -> None:
    """Under the write lock: still empty (no writer slipped in since the check), then pg_restore."""
    content = stored_content(library)
    if content:
        raise RestoreError(f"当前资料库不是空的（已有{'、'.join(content)}），没有恢复。")
    pgtools.restore(library.settings.database_url, dump, library.settings.pg_bin_dir)


def _read_sqlite_backup(
    archive: tarfile.TarFile, members: dict[str, tarfile.TarInfo]
) -> tuple[bytes, dict[str, bytes]]:
    catalog_bytes = archive.extractfile(members[BACKUP_CATALOG]).read()
    sources = {
        name.removeprefix(BACKUP_SOURCES): archive.extractfile(member).read()
        for name, member in members.items()
        if name.startswith(BACKUP_SOURCES) and "/" not in name.removeprefix(BACKUP_SOURCES)
    }
    return catalog_bytes, sources

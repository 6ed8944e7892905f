"""library check / --repair / backup / restore on a real library (Chroma, bm25s, jieba, the bundled model)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

import numpy as np
import pytest
from conftest import FARM, LAW, PROJECT, REPORT

from library import maintenance
from library.questions import QuestionLog
from library.service import Library
from library.tokens import TokenStore
from library.users import UserStore
from retrieval.kb import KnowledgeBase
from retrieval.lexical import generation_dir
from retrieval.settings import Settings
from retrieval.types import Answer

QUESTION = "政协委员每届任期几年"


def test_a_healthy_library_checks_clean(library: Library) -> None:
    library.add("law.md", LAW.encode())
    health = maintenance.check(library)
    assert health.ok and health.documents == 1 and health.chunks == health.vectors > 0


def test_repair_fixes_what_is_derived_and_reports_the_rest(library: Library, kb: KnowledgeBase) -> None:
    library.add("law.md", LAW.encode())
    library.add("farm.md", FARM.encode())
    library.vectors.add(["orphan"], np.ones((1, library.embedder.dim), dtype=np.float32), ["gone"])
    some = sorted(kb.catalog.chunk_ids())[:2]
    library.vectors.delete(some)
    shutil.rmtree(library.settings.bm25_dir)
    farm = next(d for d in kb.documents() if d.title == "乡村振兴工作要点")
    library.sources.delete(farm.doc_id)
    health = maintenance.check(library)
    assert (health.orphan_vectors, health.missing_vectors, health.bm25_ok) == (1, 2, False)
    assert health.missing_sources == ["乡村振兴工作要点"]
    repaired = maintenance.repair(library)
    assert (repaired.orphan_vectors, repaired.missing_vectors, repaired.bm25_ok) == (0, 0, True)
    assert repaired.problems == [p for p in repaired.problems if "原文件" in p]  # only what cannot be derived
    assert "任期五年" in kb.search(QUESTION, k=1)[0].chunk.text


def test_an_unreadable_bigram_leg_is_searched_around_reported_and_repaired(library: Library, kb: KnowledgeBase) -> None:
    library.add("law.md", LAW.encode())
    bigram = generation_dir(library.settings.bm25_dir, kb.catalog.generation()) / "bigram"
    (bigram / "data.csc.index.npy").write_bytes(b"")  # a 0-byte array: numpy raises EOFError
    assert "任期五年" in kb.search(QUESTION, k=1)[0].chunk.text  # built in memory instead
    health = maintenance.check(library)
    assert not health.bm25_ok and any("关键词索引" in p for p in health.problems)
    assert maintenance.repair(library).ok


def test_backup_taken_during_an_ingest_restores_a_library_that_answers_the_same(
    library: Library, kb: KnowledgeBase, tmp_path: Path, tokenizer, embedder
) -> None:
    library.add("law.md", LAW.encode(), added_by="张三")
    UserStore(kb.catalog).add("zhang", "organizer", "password-123")
    QuestionLog(kb.catalog).record(Answer(QUESTION, "任期五年。"), 10)
    big = "\n\n".join(f"第{n}条 委员应当参加第{n}次读书活动。" for n in range(1, 300))
    writer = threading.Thread(target=lambda: library.add("big.md", f"# 读书规定\n\n{big}\n\n{REPORT}".encode()))
    writer.start()
    archive = maintenance.backup(library, tmp_path / "backup.tar.gz")
    writer.join()

    fresh = Settings(data_dir=tmp_path / "restored")
    restored = Library(fresh, tokenizer=tokenizer, embedder=embedder)
    count = maintenance.restore(restored, archive)
    assert count == restored.catalog.chunk_count() > 0
    reader = KnowledgeBase(fresh, tokenizer=tokenizer, embedder=embedder)
    for record in reader.documents():  # whole documents only: the snapshot was consistent
        assert len(reader.chunks_of(record.doc_id)) == record.n_chunks
    assert "任期五年" in reader.search(QUESTION, k=1)[0].chunk.text
    assert UserStore(reader.catalog).authenticate("zhang", "password-123").role == "organizer"
    assert QuestionLog(reader.catalog).find()[0].question == QUESTION
    assert maintenance.check(restored).ok


def test_restore_refuses_a_library_that_is_not_empty(library: Library, tmp_path: Path) -> None:
    library.add("law.md", LAW.encode())
    archive = maintenance.backup(library, tmp_path / "b.tar.gz")
    with pytest.raises(maintenance.RestoreError, match="不是空的"):
        maintenance.restore(library, archive)
    (tmp_path / "junk.tar.gz").write_bytes(b"not a backup")
    empty = Library(Settings(data_dir=tmp_path / "empty"), embedder=None)
    with pytest.raises(maintenance.RestoreError, match="无法读取"):
        maintenance.restore(empty, tmp_path / "junk.tar.gz")


# --- PostgreSQL: pg_dump / pg_restore of the whole database (catalog, accounts, logs, tokens, sources)
def _drop_and_recreate(cluster, url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _contents(library: Library) -> tuple:
    catalog = library.catalog
    return (
        sorted((d.doc_id, d.n_chunks) for d in catalog.documents()),
        sorted(u.name for u in UserStore(catalog).users()),
        [q.question for q in QuestionLog(catalog).find()],
        sorted(library.sources.ids()),
        catalog.generation(),
    )


@pytest.mark.server
def test_postgres_backup_during_use_restores_into_a_recreated_empty_database(
    postgres_cluster, tmp_path: Path, tokenizer, embedder
) -> None:
    url = postgres_cluster.new_database()
    settings = Settings(data_dir=tmp_path / "a", database_url=url)
    library = Library(settings, tokenizer=tokenizer, embedder=embedder)
    library.add("law.md", LAW.encode(), added_by="张三")
    UserStore(library.catalog).add("zhang", "organizer", "password-123")
    QuestionLog(library.catalog).record(Answer(QUESTION, "任期五年。"), 10)
    token = TokenStore(library.catalog).add("portal", "trainer")
    big = "\n\n".join(f"第{n}条 委员应当参加第{n}次读书活动。" for n in range(1, 300))
    writer = threading.Thread(target=lambda: library.add("big.md", f"# 读书规定\n\n{big}\n\n{REPORT}".encode()))
    writer.start()
    archive = maintenance.backup(library, tmp_path / "pg.tar.gz")
    writer.join()
    with tarfile.open(archive) as packed:
        names = packed.getnames()
        manifest = json.loads(packed.extractfile(maintenance.BACKUP_MANIFEST).read())
    assert manifest["backend"] == "postgresql" and maintenance.BACKUP_PG_DUMP in names
    library.close()

    _drop_and_recreate(postgres_cluster, url)  # the server lost the library; the data dir is new too
    fresh = Settings(data_dir=tmp_path / "b", database_url=url)
    restored = Library(fresh, tokenizer=tokenizer, embedder=embedder)
    count = maintenance.restore(restored, archive)
    assert count == restored.catalog.chunk_count() > 0
    reader = KnowledgeBase(fresh, tokenizer=tokenizer, embedder=embedder)
    for record in reader.documents():  # whole documents only: pg_dump reads one snapshot
        assert len(reader.chunks_of(record.doc_id)) == record.n_chunks
        assert restored.sources.get(record.doc_id)  # the stored source came back with it
    assert "任期五年" in reader.search(QUESTION, k=1)[0].chunk.text
    assert UserStore(reader.catalog).authenticate("zhang", "password-123").role == "organizer"
    assert QuestionLog(reader.catalog).find()[0].question == QUESTION
    assert TokenStore(reader.catalog).verify(token).role == "trainer"
    assert maintenance.check(restored).ok
    assert restored.add("farm.md", FARM.encode()).status == "added"  # identity columns and generation go on

    before = _contents(restored)
    with pytest.raises(maintenance.RestoreError, match=r"不是空的（已有文档、段落.*新建的空数据库"):
        maintenance.restore(restored, archive)
    assert _contents(restored) == before


@pytest.mark.server
def test_backups_do_not_cross_backends_and_missing_tools_are_named(
    postgres_cluster, library: Library, tmp_path: Path, tokenizer, embedder
) -> None:
    library.add("law.md", LAW.encode())
    sqlite_archive = maintenance.backup(library, tmp_path / "sqlite.tar.gz")
    pg = Library(Settings(data_dir=tmp_path / "pg", database_url=postgres_cluster.new_database()), embedder=None)
    with pytest.raises(maintenance.RestoreError, match=r"SQLite 资料库的备份.*PostgreSQL"):
        maintenance.restore(pg, sqlite_archive)
    assert maintenance.stored_content(pg) == []  # refused before anything was written
    broken = tmp_path / "broken.tar.gz"
    with tarfile.open(broken, "w:gz") as packed:
        for name, data in ((maintenance.BACKUP_MANIFEST, b'{"format": 2, "backend": "postgresql"}'),
                           (maintenance.BACKUP_PG_DUMP, b"PGDMP truncated")):  # fmt: skip
            info = tarfile.TarInfo(name)
            info.size = len(data)
            packed.addfile(info, io.BytesIO(data))
    with pytest.raises(maintenance.RestoreError, match="恢复失败，数据库保持原样：pg_restore 失败"):
        maintenance.restore(pg, broken)
    assert maintenance.stored_content(pg) == []
    pg.add("law.md", LAW.encode())  # the library still works after the failed restore
    pg_archive = maintenance.backup(pg, tmp_path / "pg.tar.gz")
    empty = Library(Settings(data_dir=tmp_path / "empty"), embedder=None)
    with pytest.raises(maintenance.RestoreError, match=r"PostgreSQL 资料库的备份.*SQLite"):
        maintenance.restore(empty, pg_archive)

    no_tools = Settings(data_dir=tmp_path / "pg", database_url=pg.settings.database_url, pg_bin_dir=tmp_path)
    with pytest.raises(maintenance.RestoreError, match="找不到可执行的 pg_dump"):
        maintenance.backup(Library(no_tools, embedder=None), tmp_path / "never.tar.gz")
    assert not list(tmp_path.glob("never.tar.gz*"))


@pytest.mark.server
def test_the_cli_backs_up_postgres_and_refuses_a_full_target(postgres_cluster, tmp_path: Path) -> None:
    url = postgres_cluster.new_database()
    library = Library(Settings(data_dir=tmp_path / "a", database_url=url), embedder=None)
    library.add("law.md", LAW.encode())
    library.close()
    env = {**os.environ, "SHUXIANG_DATA_DIR": str(tmp_path / "a"), "SHUXIANG_DATABASE_URL": url}
    archive = tmp_path / "cli.tar.gz"
    made = subprocess.run([sys.executable, "-m", "library", "backup", str(archive)], env=env, **_TEXT)
    assert made.returncode == 0 and "已备份到" in made.stdout, made.stderr
    refused = subprocess.run([sys.executable, "-m", "library", "restore", str(archive)], env=env, **_TEXT)
    assert refused.returncode == 2 and refused.stderr.startswith("错误：当前资料库不是空的")
    assert "Traceback" not in refused.stderr


_TEXT = {"capture_output": True, "text": True, "timeout": 600, "cwd": PROJECT}


def test_pg_tools_are_found_off_path_and_named_when_absent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from library import pgtools

    monkeypatch.setenv("PATH", str(tmp_path))  # not on PATH: Debian's versioned folders are searched
    if not list(Path("/usr/lib/postgresql").glob("*/bin/pg_dump")):
        pytest.skip("no /usr/lib/postgresql/*/bin/pg_dump on this machine")
    assert pgtools.find_tool("pg_restore").match("/usr/lib/postgresql/*/bin/pg_restore")
    monkeypatch.setattr(pgtools, "DEBIAN_BINDIRS", str(tmp_path / "*" / "bin"))
    with pytest.raises(pgtools.PgToolError, match=r"找不到 pg_dump（PostgreSQL 客户端工具）.*apt-get install"):
        pgtools.find_tool("pg_dump")


def test_the_password_goes_through_the_environment_not_the_command_line() -> None:
    from library import pgtools

    uri, env = pgtools.connection("postgresql://shuxiang:s3cret@db.example:5433/library?sslmode=require")
    assert "s3cret" not in uri and env["PGPASSWORD"] == "s3cret"
    assert uri == "postgresql://shuxiang@db.example:5433/library?sslmode=require"

"""One suite against each storage backend by name: `embedded` (SQLite + Chroma in the data dir) and `server`
(PostgreSQL + `chroma run`, both real, on loopback). Then what only the server setup has: replicas with their own
data dirs sharing one library, one writer across them, and migrations of catalogs made by earlier code."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import LAW, LIBRARY, add_folder, write_files

from library.lock import LibraryBusyError
from library.questions import QuestionLog
from library.roles import User
from library.service import Library
from library.sources import DatabaseSourceStore, SourceStore
from library.users import LoginError, UserStore
from retrieval.catalog import _V1, _V2, CatalogWriter
from retrieval.kb import KnowledgeBase
from retrieval.lexical import LexicalIndex, generation_dir, publish
from retrieval.settings import Settings

QUESTION = "政协委员每届任期几年？"
NEW_LAW = LAW.replace("每届任期五年", "每届任期六年")


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.server)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """Settings values that select the backend (the data dir comes separately: replicas have their own)."""
    if request.param == "embedded":
        return {}
    return {
        "database_url": request.getfixturevalue("database_url"),
        "chroma_url": request.getfixturevalue("chroma_url"),
    }


def replica(tmp_path: Path, name: str, backend: dict[str, str], tokenizer, embedder) -> tuple[Library, KnowledgeBase]:
    settings = Settings(data_dir=tmp_path / name, **backend)
    return Library(settings, tokenizer=tokenizer, embedder=embedder), KnowledgeBase(
        settings, tokenizer=tokenizer, embedder=embedder
    )


def cited_text(kb: KnowledgeBase, question: str) -> str:
    answer = kb.ask(question)
    return answer.text + "".join(c.chunk.text for c in answer.citations)


def test_add_replace_remove_and_the_stores(backend, tmp_path: Path, tokenizer, embedder) -> None:
    writer, kb = replica(tmp_path, "data", backend, tokenizer, embedder)
    write_files(tmp_path / "lib", LIBRARY)
    report = add_folder(writer, tmp_path / "lib")
    assert [o.status for o in report.outcomes] == ["added"] * 3
    assert kb.catalog.shared == bool(backend)
    assert kb.index.vectors.shared == bool(backend)
    assert kb.index.vectors.count() == kb.catalog.chunk_count()
    assert "五年" in cited_text(kb, QUESTION)

    law = next(d for d in kb.documents() if d.title == "某市政协委员履职条例")
    assert writer.sources.get(law.doc_id) == LAW.encode()
    assert isinstance(writer.sources, DatabaseSourceStore if backend else SourceStore)
    outcome = writer.replace(law.doc_id, "law.md", NEW_LAW.encode())
    assert outcome.status == "replaced"
    assert "六年" in cited_text(kb, QUESTION) and "五年" not in cited_text(kb, QUESTION)
    assert writer.sources.get(law.doc_id) is None
    assert writer.reindex(outcome.doc_id).status == "replaced"

    writer.remove([outcome.doc_id])
    assert "任期" not in cited_text(kb, QUESTION)
    assert kb.index.vectors.count() == kb.catalog.chunk_count()

    users = UserStore(kb.catalog)
    users.add("organizer1", "organizer", "a-long-password")
    for _ in range(5):
        with pytest.raises(LoginError):
            users.authenticate("organizer1", "wrong")
    with pytest.raises(LoginError, match="锁定"):
        users.authenticate("organizer1", "a-long-password")
    token = users.open_session(users.get("organizer1"))  # a login kept by the browser, known to every replica
    assert users.session_user(token) == users.get("organizer1") and users.session_user("forged") is None
    users.set_password("organizer1", "another-long-password")  # a new password ends the user's sessions
    assert users.session_user(token) is None

    log = QuestionLog(kb.catalog)
    first = log.record(kb.ask(QUESTION), 12.0, "organizer1")
    log.record(kb.ask("乡村振兴的粮食产量目标是多少？"), 8.0)
    log.rate(first, -1, "没找到")
    assert [q.question for q in log.unanswered()] == [QUESTION]
    assert log.most_asked()[0][1] == 1 and log.find()[0].question.startswith("乡村振兴")
    writer.close()
    kb.close()


@pytest.mark.server
def test_replicas_with_their_own_data_dirs_share_one_library(
    database_url: str, chroma_url: str, tmp_path: Path, tokenizer, embedder
) -> None:
    shared = {"database_url": database_url, "chroma_url": chroma_url}
    writer_a, reader_a = replica(tmp_path, "machine-a", shared, tokenizer, embedder)
    writer_b, reader_b = replica(tmp_path, "machine-b", shared, tokenizer, embedder)
    assert reader_b.is_empty()

    added = writer_a.add("law.md", LAW.encode(), added_by="甲")
    assert added.status == "added"
    assert "五年" in cited_text(reader_b, QUESTION)
    generation = reader_b.catalog.generation()
    # B downloaded A's artefacts from the shared database into its own cache dir; A's published one is A's.
    assert generation_dir(reader_b.settings.bm25_cache_dir, generation).is_dir()
    assert not (tmp_path / "machine-b" / "bm25").exists()
    assert generation_dir(reader_a.settings.bm25_dir, generation).is_dir()

    replaced = writer_b.replace(added.doc_id, "law.md", NEW_LAW.encode(), added_by="乙")  # writes go anywhere
    assert replaced.status == "replaced"
    for reader in (reader_a, reader_b):
        assert "六年" in cited_text(reader, QUESTION) and "五年" not in cited_text(reader, QUESTION)
    assert writer_a.sources.get(replaced.doc_id) == NEW_LAW.encode()  # sources are shared too

    writer_a.remove([replaced.doc_id])
    for reader in (reader_a, reader_b):
        assert reader.documents() == [] and "任期" not in cited_text(reader, QUESTION)
        assert reader.search("委员任期", k=5) == []
    for handle in (writer_a, writer_b, reader_a, reader_b):
        handle.close()


@pytest.mark.server
def test_an_artefact_left_by_a_writer_that_died_is_not_served(
    database_url: str, chroma_url: str, tmp_path: Path, tokenizer, embedder
) -> None:
    shared = {"database_url": database_url, "chroma_url": chroma_url}
    writer_a, _ = replica(tmp_path, "machine-a", shared, tokenizer, embedder)
    _, reader_b = replica(tmp_path, "machine-b", shared, tokenizer, embedder)
    # On machine B a writer published generation 1 (a document about something else) and died before committing.
    dead = LexicalIndex.build([("x", "gone", ["任期", "十年"])], 1, reader_b.tokenizer.version, stamp="dead-writer")
    publish(dead, reader_b.settings.bm25_dir)
    writer_a.add("law.md", LAW.encode())  # commits generation 1 for real, from machine A
    assert reader_b.catalog.generation() == 1
    assert reader_b.index.lexical().state.stamp != "dead-writer"
    assert "五年" in cited_text(reader_b, QUESTION)
    writer_a.close()
    reader_b.close()


@pytest.mark.server
def test_one_writer_at_a_time_across_machines(database_url: str, chroma_url: str, tmp_path: Path, tokenizer) -> None:
    shared = {"database_url": database_url, "chroma_url": chroma_url}
    writer_a = Library(Settings(data_dir=tmp_path / "a", **shared), tokenizer=tokenizer, embedder=None)
    writer_b = Library(Settings(data_dir=tmp_path / "b", **shared), tokenizer=tokenizer, embedder=None)
    with writer_a._writing(check_model=False), pytest.raises(LibraryBusyError, match="另一个进程正在写入"):
        writer_b.add("law.md", LAW.encode())
    assert writer_b.add("law.md", LAW.encode()).status == "added"  # released with the block
    writer_a.close()
    writer_b.close()


@pytest.mark.server
def test_a_replica_starting_later_does_not_rewrite_the_shared_library(
    database_url: str, chroma_url: str, tmp_path: Path, tokenizer, embedder
) -> None:
    """The manifest lives in the shared catalog: a new replica's prepare finds it and changes nothing."""
    shared = {"database_url": database_url, "chroma_url": chroma_url}
    writer_a, _ = replica(tmp_path, "a", shared, tokenizer, embedder)
    writer_a.add("law.md", LAW.encode())
    generation = writer_a.catalog.generation()
    writer_b, reader_b = replica(tmp_path, "b", shared, tokenizer, embedder)
    assert writer_b.prepare() is None
    assert reader_b.catalog.generation() == generation and reader_b.needs_rebuild() is None
    assert json.loads(reader_b.catalog.meta("manifest"))["embedding_model"] == embedder.name
    for handle in (writer_a, writer_b, reader_b):
        handle.close()


def test_a_catalog_made_by_the_previous_code_opens_with_its_accounts(tmp_path: Path) -> None:
    """Version 2 (PRAGMA user_version, no schema_versions table), with the users table as the app made it."""
    from library.users import SCHEMA as USERS_SQL

    path = tmp_path / "catalog.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(_V1 + _V2 + USERS_SQL + "PRAGMA user_version = 2;")
    conn.execute("INSERT INTO users VALUES ('amy', 'organizer', 'hash', '2025-01-01')")
    conn.execute("INSERT INTO meta VALUES ('generation', '7')")
    conn.commit()
    conn.close()
    catalog = CatalogWriter(path)
    assert catalog.generation() == 7
    assert [u.name for u in UserStore(catalog).users()] == ["amy"]
    versions = {r["component"]: r["version"] for r in catalog.execute("SELECT * FROM schema_versions")}
    assert versions == {"catalog": 2, "users": 2}  # version 2 of users adds login sessions
    assert UserStore(catalog).session_user(UserStore(catalog).open_session(User("amy", "organizer"))).name == "amy"
    assert catalog.execute("PRAGMA user_version")[0][0] == 2
    catalog.close()

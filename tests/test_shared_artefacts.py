"""The writer's derived artefacts (BM25 and the character-bigram leg) per generation: published in the data dir
(SQLite) and shipped through the shared database (PostgreSQL), so a replica with its own data dir downloads and
loads them instead of rebuilding — and rebuilds, still answering correctly, when the shared copy is damaged."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import LAW

from library.service import Library
from retrieval.artefact_store import SharedArtefacts
from retrieval.db import Database
from retrieval.kb import KnowledgeBase
from retrieval.lexical import generation_dir
from retrieval.settings import Settings

QUESTION = "政协委员每届任期几年？"
NEW_LAW = LAW.replace("每届任期五年", "每届任期六年")


def machine(tmp_path: Path, name: str, tokenizer, **backend: str) -> tuple[Library, KnowledgeBase]:
    """A writer and a reader sharing one data dir (one machine); BM25 and bigram legs only."""
    settings = Settings(data_dir=tmp_path / name, embedding_model="none", **backend)
    return Library(settings, tokenizer=tokenizer, embedder=None), KnowledgeBase(
        settings, tokenizer=tokenizer, embedder=None
    )


def cited_text(kb: KnowledgeBase, question: str = QUESTION) -> str:
    answer = kb.ask(question)
    return answer.text + "".join(c.chunk.text for c in answer.citations)


def bigram_text(kb: KnowledgeBase, query: str) -> str:
    hits = kb.searcher.bigram_leg(query, 3)
    return "".join(c.text for c in kb.catalog.chunks_by_ids([cid for cid, _ in hits]).values())


# --- the store itself (SQLite here: the same SQL runs on PostgreSQL below)
@pytest.fixture
def store(tmp_path: Path) -> SharedArtefacts:
    database = Database(tmp_path / "shared.sqlite3")
    yield SharedArtefacts(database, part_bytes=1000)  # small parts: every file spans several
    database.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "made"
    (made / "sub").mkdir(parents=True)
    (made / "big.bin").write_bytes(bytes(range(256)) * 20)  # 5,120 bytes: 6 parts
    (made / "small.json").write_text('{"a": 1}')
    (made / "empty").write_bytes(b"")
    (made / "sub" / "not-shipped").write_text("sub-folders are artefacts of their own")
    return made


def test_an_artefact_comes_back_byte_for_byte_in_parts(store: SharedArtefacts, folder: Path, tmp_path: Path) -> None:
    assert store.put("bm25", 3, "s3", folder) == 5120 + 8
    assert store.db.execute("SELECT COUNT(*) AS n FROM artefact_parts")[0]["n"] == 6 + 1
    target = tmp_path / "cache" / "gen-3"
    assert store.fetch("bm25", 3, "s3", target)
    assert sorted(p.name for p in target.iterdir()) == ["big.bin", "empty", "small.json"]
    for name in ("big.bin", "small.json", "empty"):
        assert (target / name).read_bytes() == (folder / name).read_bytes()
    assert not any(p.name.endswith(".tmp") for p in target.parent.iterdir())


def test_a_missing_stamp_part_or_checksum_is_refused(store: SharedArtefacts, folder: Path, tmp_path: Path) -> None:
    store.put("bm25", 3, "s3", folder)
    target = tmp_path / "cache" / "gen-3"
    assert not store.fetch("bm25", 3, "another-writer", target)
    assert not store.fetch("bigram", 3, "s3", target)
    store.db.execute("UPDATE artefact_parts SET data = :d WHERE file = 'big.bin' AND part = 2", {"d": b"x" * 1000})
    assert not store.fetch("bm25", 3, "s3", target)
    store.put("bm25", 3, "s3", folder)  # published again: whole again
    store.db.execute("DELETE FROM artefact_parts WHERE file = 'big.bin' AND part = 5")
    assert not store.fetch("bm25", 3, "s3", target)
    assert not target.exists() and list(target.parent.iterdir()) == []  # nothing half-written left behind


def test_intact_checks_every_part_without_writing(store: SharedArtefacts, folder: Path) -> None:
    store.put("bm25", 3, "s3", folder)
    assert store.intact("bm25", 3, "s3") and not store.intact("bm25", 3, "another-writer")
    store.db.execute("UPDATE artefact_parts SET data = :d WHERE file = 'big.bin' AND part = 1", {"d": b"x" * 1000})
    assert not store.intact("bm25", 3, "s3")


def test_pruning_keeps_the_committed_generation_and_the_one_before(store: SharedArtefacts, folder: Path) -> None:
    for generation, stamp in [(1, "a"), (2, "b"), (3, "dead"), (3, "c"), (4, "next-writer")]:
        store.put("bm25", generation, stamp, folder)
    store.prune(3, "c")
    kept = store.db.execute("SELECT DISTINCT generation, stamp FROM artefact_parts ORDER BY generation")
    assert [(r["generation"], r["stamp"]) for r in kept] == [(2, "b"), (3, "c")]
    assert [r["generation"] for r in store.db.execute("SELECT generation FROM artefacts ORDER BY 1")] == [2, 3]


# --- one machine (SQLite): the bigram leg is published with each generation and loaded, not built
def test_the_bigram_leg_is_published_per_generation_and_loaded(tmp_path: Path, tokenizer) -> None:
    writer, kb = machine(tmp_path, "data", tokenizer)
    added = writer.add("law.md", LAW.encode())
    assert (generation_dir(writer.settings.bm25_dir, 1) / "bigram").is_dir()
    assert "五年" in cited_text(kb) and "五年" in bigram_text(kb, "每届任期")
    replaced = writer.replace(added.doc_id, "law.md", NEW_LAW.encode())
    assert (generation_dir(writer.settings.bm25_dir, 2) / "bigram").is_dir()
    assert "六年" in bigram_text(kb, "每届任期") and "五年" not in bigram_text(kb, "每届任期")
    writer.remove([replaced.doc_id])
    assert kb.searcher.bigram_leg("每届任期", 3) == []
    assert kb.index.loads == {"bm25 published": 3, "bigram published": 3}
    assert kb.index.artefacts is None  # nothing goes to a database on one machine
    writer.close()
    kb.close()


# --- replicas on two machines sharing PostgreSQL
@pytest.mark.server
def test_a_replica_downloads_what_the_writer_published_instead_of_rebuilding(
    database_url: str, tmp_path: Path, tokenizer
) -> None:
    writer_a, reader_a = machine(tmp_path, "machine-a", tokenizer, database_url=database_url)
    writer_b, reader_b = machine(tmp_path, "machine-b", tokenizer, database_url=database_url)
    assert reader_b.is_empty()

    added = writer_a.add("law.md", LAW.encode())
    assert "五年" in cited_text(reader_b) and "五年" in bigram_text(reader_b, "每届任期")
    assert reader_b.index.loads == {"bm25 downloaded": 1, "bigram downloaded": 1}
    assert "五年" in bigram_text(reader_a, "每届任期")  # the writer's machine loads what it published
    cached = generation_dir(reader_b.settings.bm25_cache_dir, reader_b.catalog.generation())
    assert (cached / "state.json").is_file() and (cached / "bigram").is_dir()

    replaced = writer_b.replace(added.doc_id, "law.md", NEW_LAW.encode())  # written on the other machine
    for reader in (reader_a, reader_b):
        assert "六年" in cited_text(reader) and "五年" not in cited_text(reader)
        assert "五年" not in bigram_text(reader, "每届任期")
    assert reader_a.index.loads == {"bm25 published": 1, "bigram published": 1, "bm25 downloaded": 1,
                                    "bigram downloaded": 1}  # fmt: skip

    writer_a.remove([replaced.doc_id])
    for reader in (reader_a, reader_b):
        assert "任期" not in cited_text(reader) and reader.search("委员任期", k=5) == []
        assert reader.searcher.bigram_leg("每届任期", 3) == []
        assert not any(how.endswith("built") for how in reader.index.loads)
    shared = writer_a.artefacts.db.execute("SELECT DISTINCT generation FROM artefacts ORDER BY generation")
    now = reader_a.catalog.generation()
    assert [r["generation"] for r in shared] == [now - 1, now]  # older generations pruned
    for handle in (writer_a, writer_b, reader_a, reader_b):
        handle.close()


@pytest.mark.server
def test_a_damaged_or_missing_shared_artefact_is_rebuilt_and_answers_correctly(
    database_url: str, tmp_path: Path, tokenizer
) -> None:
    writer_a, _ = machine(tmp_path, "machine-a", tokenizer, database_url=database_url)
    _, reader_b = machine(tmp_path, "machine-b", tokenizer, database_url=database_url)
    writer_a.add("law.md", LAW.encode())
    generation = writer_a.catalog.generation()
    db = writer_a.artefacts.db
    db.execute(
        "UPDATE artefact_parts SET data = :junk WHERE kind = 'bm25' AND generation = :g AND file = 'state.json'",
        {"junk": b'{"generation": 1, "stamp": "half-written"', "g": generation},
    )
    db.execute("DELETE FROM artefacts WHERE kind = 'bigram' AND generation = :g", {"g": generation})
    assert "五年" in cited_text(reader_b) and "五年" in bigram_text(reader_b, "每届任期")
    assert reader_b.index.loads == {"bm25 built": 1, "bigram built": 1}
    cache = reader_b.settings.bm25_cache_dir
    assert not any(p.name.endswith(".tmp") for p in cache.iterdir())  # the refused download left nothing
    writer_a.close()
    reader_b.close()


@pytest.mark.server
def test_check_reports_a_damaged_or_missing_shared_artefact_and_repair_republishes_it(
    database_url: str, tmp_path: Path, tokenizer
) -> None:
    from library import maintenance

    writer, _ = machine(tmp_path, "machine-a", tokenizer, database_url=database_url)
    _, replica = machine(tmp_path, "machine-b", tokenizer, database_url=database_url)
    writer.add("law.md", LAW.encode())
    generation = writer.catalog.generation()
    assert maintenance.check(writer).shared_ok is True
    db = writer.artefacts.db
    damages = [
        ("UPDATE artefact_parts SET data = :junk WHERE kind = 'bm25' AND generation = :g AND file = 'state.json'",
         {"junk": b'{"generation": 1}', "g": generation}),
        ("DELETE FROM artefact_parts WHERE kind = 'bigram' AND generation = :g", {"g": generation}),
        ("DELETE FROM artefacts WHERE kind = 'bm25' AND generation = :g", {"g": generation}),
    ]  # fmt: skip
    for statement, params in damages:
        db.execute(statement, params)
        health = maintenance.check(writer)
        assert (health.shared_ok, health.bm25_ok) == (False, True)  # this machine's own copy is whole
        assert any("共享数据库" in p and "可自动重新发布" in p for p in health.problems)
        repaired = maintenance.repair(writer)
        assert repaired.ok and repaired.shared_ok is True
        assert writer.catalog.generation() == generation  # republished as it was: readers keep their generation
    assert "五年" in cited_text(replica) and "五年" in bigram_text(replica, "每届任期")
    assert replica.index.loads == {"bm25 downloaded": 1, "bigram downloaded": 1}
    writer.close()
    replica.close()


def test_a_folder_committed_in_batches_builds_the_bigram_leg_once(tmp_path: Path, tokenizer) -> None:
    """Intermediate generations of a big folder publish BM25 only: building the bigram leg per batch made the
    folder's cost grow with the square of its size. The folder's last generation has both."""
    from library.files import Upload

    writer, kb = machine(tmp_path, "data", tokenizer)
    writer.settings = writer.settings.model_copy(update={"commit_batch_chunks": 1})
    uploads = [
        Upload(f"law{n}.md", LAW.replace("某市", f"第{n}市").replace("五年", f"{n + 5}年").encode()) for n in range(3)
    ]
    writer.add_many(uploads)
    generations = sorted(p for p in writer.settings.bm25_dir.glob("gen-*") if p.is_dir())
    assert [(g / "bigram").is_dir() for g in generations] == [False, True]  # the last two kept
    assert "7年" in bigram_text(kb, "每届任期 7年")
    writer.close()
    kb.close()

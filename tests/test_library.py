"""The one writer over a real index (Chroma in tmp_path, bm25s, jieba, the bundled model): idempotence, the
duplicate policy, replace and remove with nothing stale, bad input, crash safety, generations, the manifest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import FARM, LAW, LIBRARY, REPORT, add_folder, write_files

from ingest.pipeline import parse
from library.files import uploads_from_paths
from library.lock import LibraryBusyError, write_lock
from library.progress import ProgressHooks
from library.seed import seed_if_new
from library.service import Library
from retrieval.embeddings import Embedder
from retrieval.kb import KnowledgeBase
from retrieval.lexical import generation_dir
from retrieval.settings import Settings
from retrieval.store import IndexMismatchError

QUESTION = "政协委员每届任期几年"


def statuses(report) -> dict[str, str]:
    return {o.name: o.status for o in report.outcomes}


def test_add_indexes_every_chunk_in_catalog_chroma_and_a_published_bm25(
    library: Library, kb: KnowledgeBase, tmp_path: Path
) -> None:
    write_files(tmp_path / "lib", LIBRARY)
    report = add_folder(library, tmp_path / "lib")
    assert statuses(report) == {"farm.md": "added", "law.md": "added", "report.txt": "added"}
    catalog_ids = kb.catalog.chunk_ids()
    assert len(catalog_ids) == sum(o.chunks for o in report.outcomes)
    assert kb.index.vectors.ids() == catalog_ids
    assert set(kb.index.lexical().state.chunk_ids) == catalog_ids
    assert generation_dir(kb.settings.bm25_dir, kb.catalog.generation()).is_dir()
    titles = sorted(d.title for d in kb.documents())
    assert titles == ["乡村振兴工作要点", "关于信访工作的调研报告", "某市政协委员履职条例"]
    assert library.sources.ids() == {d.doc_id for d in kb.documents()}


def test_same_bytes_again_are_reported_as_existing_and_change_nothing(
    library: Library, kb: KnowledgeBase, tmp_path: Path
) -> None:
    write_files(tmp_path / "lib", LIBRARY)
    add_folder(library, tmp_path / "lib")
    before = (kb.catalog.chunk_ids(), kb.index.vectors.count(), kb.catalog.generation())
    outcome = library.add("副本.md", LAW.encode())
    assert outcome.status == "exists"
    assert outcome.label == "已存在（《某市政协委员履职条例》）"
    assert (kb.catalog.chunk_ids(), kb.index.vectors.count(), kb.catalog.generation()) == before


def test_same_title_new_bytes_is_a_conflict_until_replace_is_asked(library: Library, kb: KnowledgeBase) -> None:
    first = library.add("law.md", LAW.encode())
    newer = LAW.replace("任期五年", "任期四年").encode()
    conflict = library.add("law-2024.md", newer)
    assert conflict.status == "conflict" and conflict.existing_id == first.doc_id
    assert "任期五年" in kb.search(QUESTION, k=1)[0].chunk.text

    replaced = library.add("law-2024.md", newer, replace=True)
    assert replaced.status == "replaced" and replaced.existing_id == first.doc_id
    assert [d.doc_id for d in kb.documents()] == [replaced.doc_id]
    texts = [h.chunk.text for h in kb.search(QUESTION, k=10)]
    assert any("任期四年" in t for t in texts) and not any("任期五年" in t for t in texts)
    assert kb.index.vectors.ids() == kb.catalog.chunk_ids()
    assert not library.sources.has(first.doc_id)


def test_replace_by_id_and_remove_leave_nothing_stale(library: Library, kb: KnowledgeBase) -> None:
    old = library.add("law.md", LAW.encode())
    library.add("farm.md", FARM.encode())
    new = library.replace(old.doc_id, "条例修订版.md", LAW.replace("任期五年", "任期三年").encode())
    assert new.status == "replaced"
    assert "任期三年" in kb.search(QUESTION, k=1)[0].chunk.text
    report = library.remove([new.doc_id])
    assert statuses(report) == {"条例修订版.md": "removed"}
    assert all(h.chunk.doc_id != new.doc_id for h in kb.search(QUESTION, k=10))
    assert [d.title for d in kb.documents()] == ["乡村振兴工作要点"]
    assert kb.index.vectors.ids() == kb.catalog.chunk_ids()
    assert set(kb.index.lexical().state.chunk_ids) == kb.catalog.chunk_ids()


def test_a_conflict_names_the_day_the_organizers_added_the_document(library: Library) -> None:
    """17:10 UTC is the next morning in Shanghai: the 文档列表 said 12-03 and the conflict 12-02 (walkthrough)."""
    first = library.add("law.md", LAW.encode())
    evening = {"at": "2026-12-02T17:10:00+00:00", "id": first.doc_id}
    library.catalog.execute("UPDATE documents SET added_at = :at WHERE doc_id = :id", evening)
    conflict = library.add("law-2024.md", LAW.replace("任期五年", "任期四年").encode())
    assert "（2026-12-03 入库）" in conflict.reason  # settings.timezone: Asia/Shanghai by default


def test_remove_unknown_id_reports_and_changes_nothing(library: Library, kb: KnowledgeBase) -> None:
    library.add("law.md", LAW.encode())
    generation = kb.catalog.generation()
    report = library.remove(["nope"])
    assert report.outcomes[0].status == "failed" and "没有这个文档" in report.outcomes[0].reason
    assert kb.catalog.generation() == generation


def test_the_same_file_twice_in_one_upload_is_stored_once(library: Library, kb: KnowledgeBase) -> None:
    from library.service import Upload

    report = library.add_many([Upload("a.md", LAW.encode()), Upload("b.md", LAW.encode())])
    assert [o.status for o in report.outcomes] == ["added", "exists"]
    assert len(kb.documents()) == 1


def test_bad_input_is_reported_and_nothing_stored_changes(library: Library, kb: KnowledgeBase, tmp_path: Path) -> None:
    write_files(tmp_path / "good", {"law.md": LAW})
    add_folder(library, tmp_path / "good")
    before = kb.catalog.chunk_ids()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "scan.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (bad / "empty.md").write_text("  \n", encoding="utf-8")
    (bad / "notes.xyz").write_text("政协", encoding="utf-8")
    (bad / "garbled.txt").write_bytes(bytes(range(128, 256)) * 4)
    report = library.add_many(uploads_from_paths([bad, tmp_path / "missing.md"]))
    reasons = {o.name: o.reason for o in report.outcomes}
    assert set(statuses(report).values()) == {"failed"}
    assert "PDF" in reasons["scan.pdf"]
    assert "空" in reasons["empty.md"]
    assert "不支持" in reasons["notes.xyz"]
    assert "不存在" in reasons["missing.md"]
    assert not report.ok
    assert kb.catalog.chunk_ids() == before == kb.index.vectors.ids()


def test_file_over_the_size_limit_is_refused(tokenizer, embedder: Embedder, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", max_upload_mb=1)
    library = Library(settings, tokenizer=tokenizer, embedder=embedder)
    outcome = library.add("big.txt", ("政协委员" * 300_000).encode())
    assert outcome.status == "failed" and "1 MB" in outcome.reason
    assert library.is_empty()


def test_killed_writer_leaves_no_visible_document_and_the_next_write_completes(
    library: Library, kb: KnowledgeBase
) -> None:
    """A writer killed after storing vectors but before the catalog commit: its vectors stay invisible."""
    library.add("farm.md", FARM.encode())
    parsed = parse("law.md", LAW.encode())
    vectors = library.embedder.encode_documents([c.text for c in parsed.chunks])
    library.vectors.add([c.id for c in parsed.chunks], vectors, [c.doc_id for c in parsed.chunks])
    assert all(h.chunk.title == "乡村振兴工作要点" for h in kb.search(QUESTION, k=10))

    assert library.add("law.md", LAW.encode()).status == "added"
    assert kb.index.vectors.ids() == kb.catalog.chunk_ids()
    assert "任期五年" in kb.search(QUESTION, k=1)[0].chunk.text


def test_orphan_vectors_are_removed_by_the_next_write(library: Library, kb: KnowledgeBase) -> None:
    library.add("farm.md", FARM.encode())
    library.vectors.add(["orphan"], np.ones((1, library.embedder.dim), dtype=np.float32), ["gone"])
    library.add("law.md", LAW.encode())
    assert "orphan" not in kb.index.vectors.ids()


def test_readers_follow_generations_and_never_write(library: Library, kb: KnowledgeBase) -> None:
    library.add("law.md", LAW.encode())
    first = kb.index.lexical()
    library.add("report.txt", REPORT.encode())
    second = kb.index.lexical()
    assert second.state.generation == first.state.generation + 1
    assert "60日内办结" in kb.search("信访事项多少日内办结", k=1)[0].chunk.text
    published = sorted(p.name for p in kb.settings.bm25_dir.iterdir())
    kb.search("政协", k=3)
    assert sorted(p.name for p in kb.settings.bm25_dir.iterdir()) == published


def test_a_second_writer_is_refused_while_one_writes(library: Library, settings: Settings) -> None:
    with write_lock(settings.lock_path), pytest.raises(LibraryBusyError, match="另一个进程"):
        library.add("law.md", LAW.encode())


def test_progress_hooks_see_every_stage(library: Library) -> None:
    seen: list[tuple[str, str]] = []
    shares: list[tuple[str, float]] = []
    done = []

    def stage(name: str, stage: str, share: float) -> None:
        seen.append((name, stage))
        shares.append((stage, share))

    hooks = ProgressHooks(stage=stage, file_done=done.append)
    library.add("law.md", LAW.encode(), hooks=hooks)
    assert [s for _, s in dict.fromkeys(seen)] == ["read", "chunk", "embed", "commit"]
    # embedding is announced before it starts (a bench timing stages by these hooks depends on it)
    assert next(share for stage, share in shares if stage == "embed") == 0.0
    assert [o.status for o in done] == ["added"]


def test_another_embedding_model_gets_a_clear_message_and_a_rebuild(
    settings: Settings, tokenizer, embedder: Embedder, tmp_path: Path
) -> None:
    write_files(tmp_path / "lib", LIBRARY)
    writer = Library(settings, tokenizer=tokenizer, embedder=embedder)
    add_folder(writer, tmp_path / "lib")
    writer.close()
    other = Embedder("another-model", embedder.model)
    reopened = KnowledgeBase(settings, tokenizer=tokenizer, embedder=other)
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        reopened.search("政协委员", k=3)
    other_writer = Library(settings, tokenizer=tokenizer, embedder=other)
    with pytest.raises(IndexMismatchError):
        add_folder(other_writer, tmp_path / "lib")
    assert other_writer.rebuild() == reopened.catalog.chunk_count()
    assert reopened.search(QUESTION, k=1)[0].chunk.heading[-1] == "第三条"
    reopened.close()


def test_rebuild_from_sources_reparses_every_document(library: Library, kb: KnowledgeBase) -> None:
    library.add("law.md", LAW.encode())
    ids = kb.catalog.chunk_ids()
    assert library.rebuild(from_sources=True) == len(ids)
    assert kb.catalog.chunk_ids() == ids == kb.index.vectors.ids()


def test_dense_leg_can_be_turned_off(tmp_path: Path, tokenizer) -> None:
    settings = Settings(data_dir=tmp_path / "data", embedding_model="none")
    writer = Library(settings, tokenizer=tokenizer)
    write_files(tmp_path / "lib", LIBRARY)
    add_folder(writer, tmp_path / "lib")
    kb = KnowledgeBase(settings, tokenizer=tokenizer)
    assert kb.embedder is None and not settings.chroma_dir.exists()
    assert "60日内办结" in kb.search("信访事项多少日内办结", k=1)[0].chunk.text
    kb.close()


def test_seeding_happens_once_and_an_emptied_library_stays_empty(tokenizer, embedder: Embedder, tmp_path: Path) -> None:
    write_files(tmp_path / "corpus", {"law.md": LAW})
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")
    writer = Library(settings, tokenizer=tokenizer, embedder=embedder)
    report = seed_if_new(writer)
    assert report is not None and statuses(report) == {"law.md": "added"}
    writer.remove([d.doc_id for d in writer.documents()])
    assert seed_if_new(writer) is None
    assert writer.is_empty()


def test_old_catalog_schema_is_migrated(tmp_path: Path) -> None:
    import sqlite3

    from retrieval.catalog import MIGRATIONS, SCHEMA_VERSION, Catalog

    path = tmp_path / "catalog.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute(
        "INSERT INTO documents VALUES ('d1', '/abs/path/law.md', '条例', 'md', 10, 0, 0, '1', '2025-01-01T00:00:00')"
    )
    conn.commit()
    conn.close()
    catalog = Catalog(path)
    (record,) = catalog.documents()
    assert (record.name, record.title, record.ocr_pages) == ("/abs/path/law.md", "条例", 0)
    assert catalog.execute("PRAGMA user_version")[0][0] == SCHEMA_VERSION


def test_an_emptied_catalog_is_never_reseeded_and_sources_rebuild_it(
    tokenizer, embedder: Embedder, tmp_path: Path
) -> None:
    from library.sources import CatalogLostError

    write_files(tmp_path / "corpus", {"farm.md": FARM})
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")
    writer = Library(settings, tokenizer=tokenizer, embedder=embedder)
    seed_if_new(writer)
    writer.add("law.md", LAW.encode(), added_by="张三")
    writer.close()
    settings.catalog_path.unlink()  # the catalog lost (emptied, deleted)
    for extra in settings.data_dir.glob("catalog.sqlite3-*"):
        extra.unlink()
    writer = Library(settings, tokenizer=tokenizer, embedder=embedder)
    with pytest.raises(CatalogLostError, match="--from-sources"):
        seed_if_new(writer)
    assert writer.rebuild(from_sources=True) > 0
    titles = {d.title: d for d in writer.documents()}
    assert set(titles) == {"乡村振兴工作要点", "某市政协委员履职条例"}
    assert (titles["某市政协委员履职条例"].name, titles["某市政协委员履职条例"].added_by) == ("law.md", "张三")
    kb = KnowledgeBase(settings, tokenizer=tokenizer, embedder=embedder)
    assert "任期五年" in kb.search(QUESTION, k=1)[0].chunk.text
    assert kb.index.vectors.ids() == kb.catalog.chunk_ids()


def test_rebuild_works_when_chroma_files_are_damaged(library: Library, settings: Settings) -> None:
    library.add("law.md", LAW.encode())
    for sqlite in settings.chroma_dir.glob("*.sqlite3"):
        sqlite.write_bytes(b"garbage" * 100)
    assert library.rebuild() == library.catalog.chunk_count()
    assert list(settings.data_dir.glob("chroma.damaged-*"))
    assert library.vectors.ids() == library.catalog.chunk_ids()


def test_two_processes_opening_a_new_catalog_at_once_migrate_it_once(tmp_path: Path) -> None:
    import threading

    from retrieval.catalog import SCHEMA_VERSION, Catalog

    # The race (SQLite refusing the switch to WAL at once while another connection makes it) hit about 1 opening in
    # 50 before the retry, so the test opens 30 new catalogs, six at a time.
    for round_ in range(30):
        path = tmp_path / f"catalog-{round_}.sqlite3"
        errors: list[BaseException] = []

        def open_it(path: Path = path, errors: list[BaseException] = errors) -> None:
            try:
                Catalog(path).close()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert Catalog(path).execute("PRAGMA user_version")[0][0] == SCHEMA_VERSION

"""Ingest into a real index (Chroma in tmp_path, bm25s, jieba, the bundled model): idempotence, bad input,
replacement, crash safety and the model manifest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import LAW, LIBRARY, write_files

from ingest.pipeline import Ingester, collect_files
from retrieval.embeddings import Embedder
from retrieval.kb import KnowledgeBase
from retrieval.settings import Settings
from retrieval.store import IndexMismatchError


def statuses(report) -> dict[str, str]:
    return {Path(o.path).name: o.status for o in report.outcomes}


def test_ingest_indexes_every_chunk_in_catalog_chroma_and_bm25(kb: KnowledgeBase, tmp_path: Path) -> None:
    write_files(tmp_path / "lib", LIBRARY)
    report = Ingester(kb).ingest([tmp_path / "lib"])
    assert statuses(report) == {"farm.md": "added", "law.md": "added", "report.txt": "added"}
    catalog_ids = kb.catalog.chunk_ids()
    assert len(catalog_ids) == sum(o.chunks for o in report.outcomes)
    assert kb.index.vectors.ids() == catalog_ids
    assert set(kb.index.lexical().state.chunk_ids) == catalog_ids
    titles = sorted(d.title for d in kb.documents())
    assert titles == ["乡村振兴工作要点", "关于信访工作的调研报告", "某市政协委员履职条例"]


def test_reingest_changes_nothing(kb: KnowledgeBase, tmp_path: Path) -> None:
    write_files(tmp_path / "lib", LIBRARY)
    Ingester(kb).ingest([tmp_path / "lib"])
    before = (kb.catalog.chunk_ids(), kb.index.vectors.count(), kb.catalog.generation())
    report = Ingester(kb).ingest([tmp_path / "lib"])
    assert set(statuses(report).values()) == {"unchanged"}
    assert (kb.catalog.chunk_ids(), kb.index.vectors.count(), kb.catalog.generation()) == before


def test_index_survives_reopening(settings: Settings, tokenizer, embedder: Embedder, tmp_path: Path) -> None:
    write_files(tmp_path / "lib", LIBRARY)
    first = KnowledgeBase(settings, tokenizer=tokenizer, embedder=embedder)
    Ingester(first).ingest([tmp_path / "lib"])
    expected = [h.chunk.id for h in first.search("政协委员每届任期几年", k=3)]
    first.close()
    reopened = KnowledgeBase(settings, tokenizer=tokenizer, embedder=embedder)
    assert [h.chunk.id for h in reopened.search("政协委员每届任期几年", k=3)] == expected
    reopened.close()


def test_changed_file_replaces_its_old_version(kb: KnowledgeBase, tmp_path: Path) -> None:
    (path,) = write_files(tmp_path / "lib", {"law.md": LAW})
    Ingester(kb).ingest([path])
    old_ids = kb.catalog.chunk_ids()
    path.write_text(LAW.replace("任期五年", "任期四年"), encoding="utf-8")
    report = Ingester(kb).ingest([path])
    assert statuses(report) == {"law.md": "replaced"}
    assert len(kb.documents()) == 1
    assert kb.index.vectors.ids() == kb.catalog.chunk_ids() != old_ids
    top = kb.search("政协委员每届任期", k=1)[0].chunk.text
    assert "任期四年" in top and "任期五年" not in top


def test_same_content_under_another_name_is_not_duplicated(kb: KnowledgeBase, tmp_path: Path) -> None:
    write_files(tmp_path / "a", {"law.md": LAW})
    write_files(tmp_path / "b", {"copy.md": LAW})
    Ingester(kb).ingest([tmp_path / "a"])
    report = Ingester(kb).ingest([tmp_path / "b"])
    assert report.outcomes[0].status == "unchanged" and "相同" in report.outcomes[0].reason
    assert len(kb.documents()) == 1


def test_bad_files_are_skipped_with_reasons_and_nothing_stored_changes(kb: KnowledgeBase, tmp_path: Path) -> None:
    write_files(tmp_path / "good", {"law.md": LAW})
    Ingester(kb).ingest([tmp_path / "good"])
    before = kb.catalog.chunk_ids()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "table.xls").write_bytes(b"\xd0\xcf\x11\xe0 not really")
    (bad / "broken.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3 truncated")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (bad / "garbled.txt").write_bytes("政协".encode() + b"\x81\x20\xff\xfe" * 50)
    report = Ingester(kb).ingest([bad, tmp_path / "missing.md"])
    reasons = {Path(o.path).name: o.reason for o in report.outcomes}
    assert set(statuses(report).values()) == {"skipped"}
    assert "为空" in reasons["empty.txt"]
    assert "不支持" in reasons["table.xls"]
    assert "PDF" in reasons["broken.pdf"]
    assert "二进制" in reasons["binary.txt"]
    assert "编码" in reasons["garbled.txt"]
    assert "不存在" in reasons["missing.md"]
    assert not report.ok
    assert kb.catalog.chunk_ids() == before == kb.index.vectors.ids()


def test_mixed_batch_is_ok_when_something_was_ingested(kb: KnowledgeBase, tmp_path: Path) -> None:
    write_files(tmp_path / "lib", {"law.md": LAW, "empty.md": ""})
    report = Ingester(kb).ingest([tmp_path / "lib"])
    assert statuses(report) == {"law.md": "added", "empty.md": "skipped"}
    assert report.ok


def test_killed_ingest_leaves_no_visible_document_and_a_rerun_completes(kb: KnowledgeBase, tmp_path: Path) -> None:
    """A run killed after storing vectors but before the catalog commit: its vectors must stay invisible."""
    write_files(tmp_path / "lib", LIBRARY)
    ingester = Ingester(kb)
    ingester.ingest([tmp_path / "lib" / "farm.md"])
    from ingest.chunker import chunk_document
    from ingest.loaders import load
    from ingest.pipeline import content_id

    law = tmp_path / "lib" / "law.md"
    chunks = chunk_document(load(law), content_id(law.read_bytes()), kb.settings.chunk_size)
    kb.index.vectors.add([c.id for c in chunks], kb.index.embed_chunks(chunks), [c.doc_id for c in chunks])
    hits = kb.search("政协委员每届任期几年", k=10)
    assert all(h.chunk.title == "乡村振兴工作要点" for h in hits)
    assert [d.title for d in kb.documents()] == ["乡村振兴工作要点"]

    report = ingester.ingest([law])
    assert statuses(report) == {"law.md": "added"}
    assert kb.index.vectors.ids() == kb.catalog.chunk_ids()
    assert "任期五年" in kb.search("政协委员每届任期几年", k=1)[0].chunk.text


def test_orphan_vectors_are_removed_by_the_next_ingest(kb: KnowledgeBase, tmp_path: Path) -> None:
    write_files(tmp_path / "lib", {"law.md": LAW})
    kb.index.vectors.add(["orphan"], np.ones((1, kb.embedder.dim), dtype=np.float32), ["gone"])
    Ingester(kb).ingest([tmp_path / "lib"])
    assert "orphan" not in kb.index.vectors.ids()


def test_another_embedding_model_gets_a_clear_message_and_a_rebuild(
    settings: Settings, tokenizer, embedder: Embedder, tmp_path: Path
) -> None:
    write_files(tmp_path / "lib", LIBRARY)
    built = KnowledgeBase(settings, tokenizer=tokenizer, embedder=embedder)
    Ingester(built).ingest([tmp_path / "lib"])
    built.close()
    other = Embedder("another-model", embedder.model)
    reopened = KnowledgeBase(settings, tokenizer=tokenizer, embedder=other)
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        reopened.search("政协委员", k=3)
    with pytest.raises(IndexMismatchError):
        Ingester(reopened).ingest([tmp_path / "lib"])
    assert reopened.index.rebuild_vectors() == reopened.catalog.chunk_count()
    assert reopened.search("政协委员每届任期几年", k=1)[0].chunk.heading[-1] == "第三条"
    reopened.close()


def test_dense_leg_can_be_turned_off(tmp_path: Path, tokenizer) -> None:
    settings = Settings(data_dir=tmp_path / "data", embedding_model="none")
    kb = KnowledgeBase(settings, tokenizer=tokenizer)
    assert kb.embedder is None
    write_files(tmp_path / "lib", LIBRARY)
    Ingester(kb).ingest([tmp_path / "lib"])
    assert not settings.chroma_dir.exists()
    assert "60日内办结" in kb.search("信访事项多少日内办结", k=1)[0].chunk.text
    kb.close()


def test_collect_files_walks_folders_and_skips_hidden(tmp_path: Path) -> None:
    write_files(tmp_path / "lib" / "sub", {"b.md": "乙"})
    write_files(tmp_path / "lib", {"a.txt": "甲"})
    write_files(tmp_path / "lib" / ".git", {"config": "x"})
    names = [p.relative_to(tmp_path / "lib").as_posix() for p in collect_files([tmp_path / "lib"])]
    assert names == ["a.txt", "sub/b.md"]

"""library check / --repair / backup / restore on a real library (Chroma, bm25s, jieba, the bundled model)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from conftest import FARM, LAW, REPORT

from library import maintenance
from library.questions import QuestionLog
from library.service import Library
from library.users import UserStore
from retrieval.kb import KnowledgeBase
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

"""FeedbackStore: ratings live in the catalog's SQLite file, beside the documents they cite."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.catalog import Catalog
from retrieval.feedback import FeedbackStore
from retrieval.types import Answer, Chunk, Citation


def answer(question: str = "政协委员每届任期几年？") -> Answer:
    chunks = [Chunk(id=f"chunk-{n}", doc_id="d", text="第三条 政协委员每届任期五年。", title="条例") for n in (1, 2)]
    citations = tuple(Citation(n, c) for n, c in enumerate(chunks, start=1))
    return Answer(question, "政协委员每届任期五年。[1][2]", citations, mode="extractive")


def test_feedback_is_stored_with_the_cited_chunks_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    store = FeedbackStore(Catalog(path))
    first = store.add(answer(), 1)
    second = store.add(answer("换一个问题"), -1, "  引用的条文不对  ")
    assert second > first
    store.catalog.close()

    records = FeedbackStore(Catalog(path)).recent()
    assert [r.id for r in records] == [second, first]  # newest first
    newest = records[0]
    assert (newest.question, newest.rating, newest.comment, newest.mode) == (
        "换一个问题",
        -1,
        "引用的条文不对",
        "extractive",
    )
    assert newest.answer == "政协委员每届任期五年。[1][2]"
    assert newest.chunk_ids == ("chunk-1", "chunk-2")
    assert newest.created_at


def test_rating_must_be_thumbs_up_or_down(tmp_path: Path) -> None:
    store = FeedbackStore(Catalog(tmp_path / "catalog.sqlite3"))
    with pytest.raises(ValueError, match="rating"):
        store.add(answer(), 0)
    assert store.recent() == []


def test_recent_is_limited(tmp_path: Path) -> None:
    store = FeedbackStore(Catalog(tmp_path / "catalog.sqlite3"))
    for _ in range(5):
        store.add(answer(), 1)
    assert len(store.recent(limit=3)) == 3

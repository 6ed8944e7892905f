"""The quiz generator's view of the library follows uploads and deletions document by document, and in a large
library reads distractor pools from a sample plus the chosen materials (real catalog, real jieba)."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_library import build_library, doc_id, quiz_settings

import quiz.generate
from library.service import Library
from quiz.generate import QuizGenerator
from quiz.library import DocumentTerms
from retrieval.kb import KnowledgeBase
from retrieval.tokenizer import ChineseTokenizer

PETITION_RULE = "信访事项应当自受理之日起60日内办结"
TERM_RULE = "委员每届任期五年"


@pytest.fixture
def kb(tmp_path: Path, tokenizer: ChineseTokenizer) -> KnowledgeBase:
    handle = build_library(tmp_path, tokenizer)
    yield handle
    handle.close()


def writer(tmp_path: Path, tokenizer: ChineseTokenizer) -> Library:
    return Library(quiz_settings(tmp_path / "data"), tokenizer=tokenizer, embedder=None)


def test_a_deleted_document_leaves_nothing_in_the_view_and_an_upload_is_read_alone(
    kb: KnowledgeBase, tmp_path: Path, tokenizer: ChineseTokenizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    generator = QuizGenerator(kb)
    view = generator.library()
    assert view.states(PETITION_RULE) and {"60日", "五年"} <= view.pool("number")

    library = writer(tmp_path, tokenizer)
    library.remove([doc_id(kb, "信访事项办理规定")])
    view = generator.library()
    assert not view.states(PETITION_RULE)
    assert "60日" not in view.pool("number")
    assert view.states(TERM_RULE)  # the others stay

    analysed: list[int] = []
    original = DocumentTerms.of.__func__

    def counting(cls, chunks, tokenizer):
        chunks = list(chunks)
        analysed.append(len(chunks))
        return original(cls, chunks, tokenizer)

    monkeypatch.setattr(DocumentTerms, "of", classmethod(counting))
    library.add("notice.md", "# 通知\n\n第一条 会议材料应当在会前7日内送达。\n".encode())
    library.close()
    view = generator.library()
    assert view.states("会议材料应当在会前7日内送达") and "7日" in view.pool("number")
    assert len(analysed) == 1  # only the new document was analysed


def test_a_large_library_reads_pools_from_the_materials_and_a_sample(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quiz.generate, "POOL_DOCUMENTS", 0)
    generator = QuizGenerator(kb)
    view = generator.library([doc_id(kb, "信访事项办理规定")])
    assert "60日" in view.pool("number")  # the material's own terms
    assert "五年" not in view.pool("number")  # another document, outside the sample of none
    assert view.states(TERM_RULE)  # while every document's text is still searched

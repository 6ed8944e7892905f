"""Dataset loaders on tiny files, and the project's dev set checked against the corpus it is about."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import NO_SHARED, PROJECT, SHARED

from eval.corpus import load_corpus
from eval.datasets import contains_any, load_qa_jsonl, load_squad, sample_items, write_paragraphs

DEV_QA = PROJECT / "eval" / "data" / "dev_qa.jsonl"


def write_jsonl(path: Path, rows: list[dict | str]) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_items_with_and_without_evidence(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "qa.jsonl",
        [
            {"id": "q1", "question": "任期几年？", "evidence": "每届任期五年", "doc": "law.md", "answer": "五年"},
            "",
            {"id": "q2", "question": "明天天气如何？"},
        ],
    )
    first, second = load_qa_jsonl(path)
    assert (first.id, first.evidences, first.doc, first.answers, first.answerable) == (
        "q1",
        ("每届任期五年",),
        "law.md",
        ("五年",),
        True,
    )
    assert (second.answerable, second.evidences, second.type, second.strict_doc) == (False, (), "unanswerable", False)


def test_jsonl_errors_name_the_line(tmp_path: Path) -> None:
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"id": "q1", "question": "a"}, {"id": "q2"}])
    with pytest.raises(ValueError, match=r"bad.jsonl:2"):
        load_qa_jsonl(bad)
    twice = write_jsonl(tmp_path / "twice.jsonl", [{"id": "q1", "question": "a"}, {"id": "q1", "question": "b"}])
    with pytest.raises(ValueError, match="occurs twice"):
        load_qa_jsonl(twice)


SQUAD = {
    "version": "v1.0",
    "data": [
        {
            "id": "A0",
            "title": "战国无双3",
            "paragraphs": [
                {
                    "id": "DEV_0",
                    "context": "《战国无双3》是由光荣和ω-force开发的游戏。",
                    "qas": [
                        {
                            "id": "DEV_0_QUERY_0",
                            "question": "由哪两个公司开发？",
                            "answers": [
                                {"text": "光荣和ω-force", "answer_start": 9},
                                {"text": "光荣和ω-force", "answer_start": 9},
                                {"text": "光荣和ω-force开发", "answer_start": 9},
                            ],
                        },
                        {
                            "id": "DEV_0_QUERY_1",
                            "question": "是什么？",
                            "answers": [{"text": "游戏", "answer_start": 20}],
                        },
                    ],
                }
            ],
        },
        {
            "id": "A1",
            "title": "长城",
            "paragraphs": [
                {
                    "id": "DEV_1",
                    "context": "长城全长两万多公里。",
                    "qas": [{"id": "DEV_1_QUERY_0", "question": "多长？", "answers": [{"text": "两万多公里"}]}],
                }
            ],
        },
    ],
}


def test_squad_paragraphs_become_documents_and_answers_evidence(tmp_path: Path) -> None:
    path = tmp_path / "dev.json"
    path.write_text(json.dumps(SQUAD, ensure_ascii=False), encoding="utf-8")
    squad = load_squad(path)
    assert [p.id for p in squad.paragraphs] == ["DEV_0", "DEV_1"]
    first = squad.items[0]
    assert first.evidences == ("光荣和ω-force", "光荣和ω-force开发")  # duplicates dropped, order kept
    assert (first.doc, first.strict_doc, first.answers) == ("DEV_0.txt", True, first.evidences)
    assert [i.doc for i in squad.items] == ["DEV_0.txt", "DEV_0.txt", "DEV_1.txt"]
    files = write_paragraphs(squad.paragraphs, tmp_path / "docs")
    assert [f.name for f in files] == ["DEV_0.txt", "DEV_1.txt"]
    assert files[1].read_text(encoding="utf-8") == "长城全长两万多公里。"


def test_limit_is_a_seeded_sample_in_file_order(tmp_path: Path) -> None:
    path = tmp_path / "dev.json"
    path.write_text(json.dumps(SQUAD, ensure_ascii=False), encoding="utf-8")
    sampled = load_squad(path, limit=2).items
    assert len(sampled) == 2
    assert sampled == load_squad(path, limit=2).items
    ids = [i.id for i in load_squad(path).items]
    assert [i.id for i in sampled] == [i for i in ids if i in {s.id for s in sampled}]
    assert sample_items(list(sampled), None) == list(sampled)


def test_dev_set_shape() -> None:
    items = load_qa_jsonl(DEV_QA)
    assert len(items) == 163
    assert sum(not i.answerable for i in items) == 25
    assert all(i.doc for i in items if i.answerable)


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.is_dir(), reason=NO_SHARED)
def test_every_dev_evidence_is_in_its_document_as_the_loaders_read_it() -> None:
    """The eval compares against loaded, cleaned text: each evidence must survive the loaders."""
    texts = {doc.name: doc.text for doc in load_corpus([SHARED / "corpus"])}
    missing = [i.id for i in load_qa_jsonl(DEV_QA) if i.answerable and not contains_any(texts[i.doc], i.evidences)]
    assert missing == []

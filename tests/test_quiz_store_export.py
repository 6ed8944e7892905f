"""Saved quizzes, attempts, 每日一练 and the three exports, on a real catalog; exports reopened with their libraries."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from quiz_library import build_library, doc_id

from quiz.daily import daily_items
from quiz.export import XLSX_COLUMNS, to_docx, to_wjx, to_xlsx, wjx_answer_key
from quiz.generate import Material, QuizGenerator, QuizRequest
from quiz.model import QuizError
from quiz.score import score
from quiz.store import SCHEMA_KEY, SCHEMA_VERSION, QuizStore
from retrieval.kb import KnowledgeBase


@pytest.fixture
def kb(tmp_path: Path, tokenizer) -> KnowledgeBase:
    handle = build_library(tmp_path, tokenizer)
    yield handle
    handle.close()


@pytest.fixture
def items(kb: KnowledgeBase):
    request = QuizRequest((Material(doc_id(kb, "信访事项办理规定")), Material(doc_id(kb, "委员履职条例"))),
                          {"单选": 2, "多选": 1, "判断": 2, "填空": 2}, seed=3)  # fmt: skip
    return QuizGenerator(kb).generate(request).items


def test_save_list_rename_duplicate_delete(kb: KnowledgeBase, items) -> None:
    store = QuizStore(kb.catalog)
    assert kb.catalog.execute("SELECT value FROM meta WHERE key = ?", (SCHEMA_KEY,))[0]["value"] == str(SCHEMA_VERSION)
    saved = store.save("信访测验", items, "王老师", ["d1"])
    assert (saved.name, saved.items, saved.created_by, saved.materials) == ("信访测验", items, "王老师", ("d1",))
    assert store.get(str(saved.id)) == saved
    with pytest.raises(QuizError, match="已有名为「信访测验」的试卷"):
        store.save("信访测验", items)
    copy = store.duplicate(saved.id, "信访测验二")
    store.rename(copy.id, "信访测验（复习）")
    assert sorted(q.name for q in store.list()) == ["信访测验", "信访测验（复习）"]
    store.delete(copy.id)
    assert [q.name for q in store.list()] == ["信访测验"]
    with pytest.raises(QuizError, match="找不到试卷「信访测验（复习）」"):
        store.get("信访测验（复习）")


def test_a_hand_edit_with_a_key_outside_the_options_is_refused_and_the_quiz_stays(kb, items) -> None:
    store = QuizStore(kb.catalog)
    saved = store.save("信访测验", items)
    number = next(n for n, i in enumerate(items) if i.type == "单选")
    broken = list(items)
    broken[number] = items[number].with_changes(answer="F")
    with pytest.raises(QuizError, match=f"第 {number + 1} 题：答案「F」不在选项中"):
        store.update_items(saved.id, broken)
    assert store.get(saved.id).items == items


def test_attempts_give_scores_and_item_shares(kb, items) -> None:
    store = QuizStore(kb.catalog)
    saved = store.save("信访测验", items)
    right = score(items, [i.answer for i in items])
    half = score(items, [i.answer if n % 2 == 0 else "" for n, i in enumerate(items)])
    assert (right.score, right.total) == (len(items), len(items))
    store.record(right, "张委员", quiz_id=saved.id)
    store.record(half, "", quiz_id=saved.id)
    stats = store.stats(saved.id)
    assert stats.attempts == 2
    assert stats.item_shares == tuple(1.0 if n % 2 == 0 else 0.5 for n in range(len(items)))
    assert stats.mean_percent == pytest.approx(50 * (1 + half.score / len(items)))


def test_fill_in_answers_accept_the_same_number_in_another_script(kb: KnowledgeBase) -> None:
    request = QuizRequest((Material(doc_id(kb, "委员履职条例")),), {"填空": 3}, seed=3)
    fill = next(i for i in QuizGenerator(kb).generate(request).items if i.answer == "五年")
    assert [score([fill], [given]).score for given in ("五年", " 五 年 ", "5年", "５年", "四年", "5日", "")] == [
        1, 1, 1, 1, 0, 0, 0,
    ]  # fmt: skip


def test_daily_practice_is_the_same_for_everyone_and_counts_streaks(kb: KnowledgeBase) -> None:
    store = QuizStore(kb.catalog)
    generator = QuizGenerator(kb)
    with pytest.raises(QuizError, match="还没有选定每日一练的资料"):
        daily_items(generator, store, date(2025, 3, 1))
    store.set_programme([doc_id(kb, "信访事项办理规定"), doc_id(kb, "委员履职条例")], "王老师")
    first = daily_items(generator, store, date(2025, 3, 1))
    assert len(first) == 5
    assert daily_items(QuizGenerator(kb), store, date(2025, 3, 1)) == first
    for day in (date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 3)):
        day_items = daily_items(generator, store, day)
        store.record(score(day_items, [i.answer for i in day_items]), "张委员", day=day.isoformat())
    assert store.streak("张委员", date(2025, 3, 3)) == 3
    assert store.streak("张委员", date(2025, 3, 4)) == 3  # today's not done yet
    assert store.streak("张委员", date(2025, 3, 5)) == 0
    assert [r.day for r in store.daily_history("张委员")] == ["2025-03-03", "2025-03-02", "2025-03-01"]


def test_word_export_has_the_paper_then_answers_with_sources(items) -> None:
    document = Document(io.BytesIO(to_docx("信访测验", items)))
    texts = [p.text for p in document.paragraphs]
    answers_at = texts.index("答案与解析")
    paper, key = texts[:answers_at], texts[answers_at:]
    assert paper[0] == "信访测验"
    assert paper[1] == f"1. （{items[0].type}题）{items[0].stem}"
    assert not any(t.startswith("1. 答案") for t in paper)
    assert key[1] == f"1. 答案：{items[0].answer}"
    assert f"出处：{items[0].source.label}" in key


def test_excel_export_has_one_row_an_item(items) -> None:
    sheet = load_workbook(io.BytesIO(to_xlsx("信访测验", items))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == XLSX_COLUMNS
    assert len(rows) == len(items) + 1
    first = dict(zip(XLSX_COLUMNS, rows[1]))
    assert (first["题型"], first["题干"], first["正确答案"]) == (items[0].type, items[0].stem, items[0].answer)
    assert [first[f"选项{letter}"] for letter in "ABCDEF"][: len(items[0].options)] == list(items[0].options)
    assert first["出处"] == items[0].source.label


def test_wjx_text_follows_the_batch_import_syntax(items) -> None:
    blocks = to_wjx("信访测验", items).strip().split("\n\n")
    assert blocks[0] == "信访测验"
    for number, (block, item) in enumerate(zip(blocks[1:], items), start=1):
        lines = block.split("\n")
        tag = {"单选": "[单选题]", "多选": "[多选题]", "判断": "[判断题]", "填空": "[填空题]"}[item.type]
        assert lines[0] == f"{number}. {item.stem.removesuffix('（多选）')}{tag}"  # not “（多选）[多选题]”
        assert "（多选）[多选题]" not in lines[0]
        assert lines[1:] == list(item.options)
    assert wjx_answer_key(items).splitlines()[0] == f"1. {items[0].answer}"

"""Items of a replaced document (user walkthrough: replacing 公务员法 with a copy that changed one sentence made 8 of 15
items stale): an item stays current while the new version still states its sentence with its key, and members see it
on the new version's passage; and 已保存的试卷 exports stale items only when the trainer says so, as the API does."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from quiz_library import PETITIONS, doc_id, quiz_settings
from quiz_pages import BUILD, TAKE, answer, click, page_library, run
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from library.roles import User
from library.service import Library
from quiz.generate import Material, QuizGenerator, QuizRequest
from quiz.model import QuizItem
from quiz.store import QuizStore

PETITION_RULES = "信访事项办理规定"
EXPORT_SKIP, EXPORT_INCLUDE = "不导出这些题（默认）", "照原样导出这些题"  # ui/quiz_build.py's choice (a page script)
# The new version: 第一条's period changes (60日 → 45日); 第二条 gains a sentence; 第三条 gains a comma.
AMENDED = (
    PETITIONS.replace("60日", "45日")
    .replace("30日内提出复查意见。", "30日内提出复查意见。复查意见应当书面告知信访人。")
    .replace("之日起90日", "之日起，90日")
)


@pytest.fixture
def kb(tmp_path: Path, tokenizer, monkeypatch: pytest.MonkeyPatch):
    yield from page_library(tmp_path, tokenizer, monkeypatch)


def as_user(script: str, user: User) -> AppTest:
    at = AppTest.from_file(script, default_timeout=60)
    at.session_state["user"] = user
    return run(at)


def replace_petitions(kb, tmp_path: Path, tokenizer, text: str = AMENDED) -> str:
    """Replace the rules as an organizer does (资料库管理 → 替换); the new version's id."""
    writer = Library(quiz_settings(tmp_path / "data"), tokenizer=tokenizer, embedder=None)
    try:
        outcome = writer.replace(doc_id(kb, PETITION_RULES), "petitions.md", text.encode())
    finally:
        writer.close()
    assert outcome.status == "replaced"
    return outcome.doc_id


def changed(item: QuizItem) -> bool:
    """An item made from the sentence the new version changed (its explanation quotes the original)."""
    return "60日" in item.explanation


def petition_quiz(kb) -> tuple[QuizStore, int, list[QuizItem]]:
    request = QuizRequest((Material(doc_id(kb, PETITION_RULES)),), {"单选": 3, "填空": 2, "判断": 2}, seed=0)
    items = list(QuizGenerator(kb).generate(request).items)
    store = QuizStore(kb.catalog)
    return store, store.save("信访小测", items, "王老师").id, items


def test_a_replacement_that_changes_one_sentence_leaves_the_other_items_current(kb, tmp_path, tokenizer) -> None:
    store, quiz_id, items = petition_quiz(kb)
    stale = tuple(n for n, item in enumerate(items) if changed(item))
    assert 0 < len(stale) < len(items)
    new_id = replace_petitions(kb, tmp_path, tokenizer)

    assert store.stale_positions(items) == stale
    assert store.stale_counts(store.list()) == {quiz_id: len(stale)}
    assert store.get(quiz_id).items == tuple(items)  # the stored quiz stays as the trainer saved it
    new_chunks = {c.id: c for c in kb.catalog.chunks_of(new_id)}
    for item, now in zip(items, store.current(items)):
        if changed(item):
            assert now is None
            continue
        # the same question on the new version's passage, its answer marked where it stands there
        assert now.with_changes(source=item.source) == item and now.source.chunk_id in new_chunks
        assert now.source.doc_id == new_id and now.source.passage == new_chunks[now.source.chunk_id].text
        marked = [now.source.passage[s:e] for s, e in now.source.answer_spans]
        assert marked == [item.source.passage[s:e] for s, e in item.source.answer_spans]

    # a version that rewords a sentence (not only its spacing or punctuation) makes its items stale; deleting the
    # document makes all of them stale
    reworded = AMENDED.replace("提出复核意见", "作出复核决定")
    replace_petitions(kb, tmp_path, tokenizer, reworded)
    third = {n for n, item in enumerate(items) if "复核" in item.explanation}
    assert third and set(store.stale_positions(items)) == set(stale) | third
    writer = Library(quiz_settings(tmp_path / "data"), tokenizer=tokenizer, embedder=None)
    writer.remove([doc_id(kb, PETITION_RULES)])
    writer.close()
    assert store.stale_positions(items) == tuple(range(len(items)))


def sources_shown(at: AppTest) -> list[str]:
    return [h.value for h in at.html if "sx-quiz-source" in h.value]


def test_a_member_answers_the_current_items_and_sees_the_new_passage_with_the_answer_marked(
    kb, tmp_path, tokenizer
) -> None:
    store = QuizStore(kb.catalog)
    request = QuizRequest((Material(doc_id(kb, PETITION_RULES)),), {"单选": 3}, seed=0)
    items = list(QuizGenerator(kb).generate(request).items)  # one on each article's period
    quiz_id = store.save("信访小测", items, "王老师").id
    replace_petitions(kb, tmp_path, tokenizer)
    fresh = [n for n, item in enumerate(items) if not changed(item)]
    assert len(fresh) == 2

    member = as_user(TAKE, User("张委员", "member"))
    assert any(i.value == "有 1 道题的出处文档已被删除或替换，本次不再作答，得分只计其余 2 题。" for i in member.info)
    key = f"quiz-{quiz_id}-2"
    for number, position in enumerate(fresh, start=1):
        answer(member, key, number, items[position])
    click(member, "交卷")
    assert any(s.value == "得分：2 / 2（100%）" for s in member.subheader)
    shown = sources_shown(member)
    assert len(shown) == 2
    second = next(h for h in shown if "复查" in h)
    assert "复查意见应当书面告知信访人" in second  # the new version's passage
    assert '<span class="sx-quiz-answer" style="color:#dc2626;font-weight:700">30日</span>' in second
    third = next(h for h in shown if "复核" in h)
    assert "之日起，" in third and ">90日</span>内提出复核意见" in third

    trainer = as_user(BUILD, User("王老师", "trainer"))
    assert any(c.value.startswith("有 2 道题的出处文档已换成新版本") for c in trainer.caption)
    assert any(w.value.startswith("有 1 道题的出处已失效（第 1 题）") for w in trainer.warning)


# --- exports on 已保存的试卷 ------------------------------------------------------------------------------------------
@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """What the page's download buttons hand out, by file name (the last run's)."""
    served: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        served[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return served


def exported_stems(served: dict[str, bytes], name: str) -> dict[str, list[str]]:
    """Each export's items (their stems, the answer key's lines)."""
    rows = list(load_workbook(io.BytesIO(served[f"{name}.xlsx"])).active.iter_rows(min_row=2, values_only=True))
    paper = [p.text for p in Document(io.BytesIO(served[f"{name}.docx"])).paragraphs]
    return {
        "xlsx": [row[1] for row in rows],
        "docx": [p.split("题）", 1)[1] for p in paper if "题）" in p],
        "wjx": [line for line in served[f"{name}.txt"].decode().splitlines() if line.endswith("题]")],
        "key": served[f"{name}.答案.txt"].decode().splitlines(),
    }


def test_an_export_with_stale_items_offers_the_choice_and_leaves_them_out_by_default(
    kb, tmp_path, tokenizer, downloads
) -> None:
    _, quiz_id, items = petition_quiz(kb)
    replace_petitions(kb, tmp_path, tokenizer)
    stale = [n for n, item in enumerate(items) if changed(item)]
    fresh = [item for item in items if not changed(item)]

    at = as_user(BUILD, User("王老师", "trainer"))
    choice = at.radio(key=f"export-stale-{quiz_id}")
    numbers = "、".join(str(n + 1) for n in stale)
    assert choice.label == f"导出：有 {len(stale)} 道题的出处已失效（第 {numbers} 题），答案未必仍然成立"
    assert choice.options == [EXPORT_SKIP, EXPORT_INCLUDE] and choice.value == EXPORT_SKIP
    assert any(c.value == f"导出其余 {len(fresh)} 题（与委员答题时一致），题号重排。" for c in at.caption)
    left_out = exported_stems(downloads, "信访小测")
    assert left_out["xlsx"] == left_out["docx"] == [i.stem for i in fresh]
    assert len(left_out["wjx"]) == len(fresh)
    assert left_out["key"] == [f"{n}. {i.answer}" for n, i in enumerate(fresh, start=1)]

    downloads.clear()
    choice.set_value(EXPORT_INCLUDE)
    run(at)
    assert any(c.value.startswith(f"导出全部 {len(items)} 题，第 {numbers} 题照原样") for c in at.caption)
    everything = exported_stems(downloads, "信访小测")
    assert everything["xlsx"] == everything["docx"] == [i.stem for i in items]
    assert everything["key"] == [f"{n}. {i.answer}" for n, i in enumerate(items, start=1)]


def test_a_quiz_without_stale_items_exports_everything_without_asking(kb, downloads) -> None:
    _, quiz_id, items = petition_quiz(kb)
    at = as_user(BUILD, User("王老师", "trainer"))
    assert not [r for r in at.radio if r.key == f"export-stale-{quiz_id}"]
    assert exported_stems(downloads, "信访小测")["xlsx"] == [i.stem for i in items]

"""智能组卷 and 练习答题 through AppTest: a real library in a temporary data dir (no embedding model)."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_library import doc_id
from quiz_pages import BUILD, TAKE, answer, click, page_library, run
from streamlit.testing.v1 import AppTest

from library.roles import User
from quiz.generate import Material, QuizGenerator, QuizRequest
from quiz.model import LETTERS
from quiz.store import QuizStore


@pytest.fixture
def kb(tmp_path: Path, tokenizer, monkeypatch: pytest.MonkeyPatch):
    yield from page_library(tmp_path, tokenizer, monkeypatch)


def test_build_page_needs_a_trainer(kb) -> None:
    at = run(AppTest.from_file(BUILD, default_timeout=60))
    assert [t.label for t in at.text_input][:2] == ["用户名", "密码"] and not at.multiselect
    at = AppTest.from_file(BUILD, default_timeout=60)
    at.session_state["user"] = User("张委员", "member")
    at = run(at)
    assert "没有权限" in at.warning[0].value and "培训管理员或资料库管理员" in at.warning[0].value


def test_trainer_generates_edits_and_saves_a_quiz(kb) -> None:
    at = AppTest.from_file(BUILD, default_timeout=60)
    at.session_state["user"] = User("王老师", "trainer")
    run(at)
    at.multiselect[0].set_value([doc_id(kb, "信访事项办理规定")])
    for kind in ("多选", "判断", "填空"):
        at.number_input(key=f"count-{kind}").set_value(0)
    run(at)
    click(at, "生成题目")
    assert any("已生成" in c.value for c in at.caption)
    draft = at.session_state["quiz_draft"]
    assert [i.type for i in draft] == ["单选"] * 3  # the material has three sentences
    assert any("单选题只能出 3 道（要求 5 道）" in c.value for c in at.caption)
    # a hand edit whose key is not among the options is refused with the reason
    single = 1
    [t for t in at.text_input if t.label.startswith("答案")][single].set_value("F")
    click(at, "保存修改", single)
    assert any("答案「F」不在选项中" in e.value for e in at.error)
    assert at.session_state["quiz_draft"][single].answer in LETTERS
    at.text_input(key="quiz_name").set_value("信访小测")
    click(at, "保存试卷")
    assert at.success[0].value.startswith("已保存试卷「信访小测」")
    saved = QuizStore(kb.catalog).get("信访小测")
    assert saved.created_by == "王老师" and len(saved.items) == len(draft)


def test_member_takes_a_quiz_and_sees_score_and_sources(kb) -> None:
    request = QuizRequest((Material(doc_id(kb, "信访事项办理规定")), Material(doc_id(kb, "委员履职条例"))),
                          {"单选": 1, "多选": 1, "判断": 1, "填空": 1}, seed=2)  # fmt: skip
    items = QuizGenerator(kb).generate(request).items
    QuizStore(kb.catalog).save("信访小测", items, "王老师")
    at = AppTest.from_file(TAKE, default_timeout=60)
    at.session_state["user"] = User("张委员", "member")
    run(at)
    assert at.info[0].value == "培训管理员还没有选定每日一练的资料，请稍后再来。"
    key = f"quiz-{QuizStore(kb.catalog).get('信访小测').id}"
    for number, item in enumerate(items, start=1):
        if item.type != "填空":  # the 填空 item is left blank: wrong
            answer(at, key, number, item)
    click(at, "交卷")
    assert any(m.value == f"得分：{len(items) - 1} / {len(items)}（{100 * (len(items) - 1) / len(items):.0f}%）"
               for m in at.subheader)  # fmt: skip
    sources = [h.value for h in at.html if "sx-quiz-source" in h.value]
    assert len(sources) == len(items)
    assert all('class="sx-quiz-answer"' in s for s in sources)
    stats = QuizStore(kb.catalog).stats(QuizStore(kb.catalog).get("信访小测").id)
    assert stats.attempts == 1

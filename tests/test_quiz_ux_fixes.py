"""Defects of a trainer's and a member's walkthrough: refused edits in view, reworded stems kept with a warning,
a confirmed quiz deletion, lenient 填空 scoring, and items whose source document left the library."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_library import PETITIONS, doc_id, quiz_settings
from quiz_pages import BUILD, TAKE, answer, click, page_library, run
from streamlit.testing.v1 import AppTest

from library.roles import User
from library.service import Library
from quiz.editing import anchor, apply_edit
from quiz.generate import Material, QuizGenerator, QuizRequest
from quiz.model import BLANK, LETTERS, QuizError, QuizItem, Source
from quiz.score import is_correct, score
from quiz.store import QuizStore
from quiz.verdict import REWORDED_WARNING


@pytest.fixture
def kb(tmp_path: Path, tokenizer, monkeypatch: pytest.MonkeyPatch):
    yield from page_library(tmp_path, tokenizer, monkeypatch)


PETITION_RULES = "信访事项办理规定"
PROMPT_STEM = "根据《信访事项办理规定》，信访事项应当自受理之日起____内办结。"


def options_box(at: AppTest):
    """The options field of the first item's form."""
    return next(t for t in at.text_area if t.label.startswith("选项"))


def as_user(script: str, user: User) -> AppTest:
    at = AppTest.from_file(script, default_timeout=60)
    at.session_state["user"] = user
    return run(at)


def single_choices(kb) -> list[QuizItem]:
    request = QuizRequest((Material(doc_id(kb, PETITION_RULES)),), {"单选": 3}, seed=0)
    return list(QuizGenerator(kb).generate(request).items)


def the_prompt_item(kb) -> QuizItem:
    return next(i for i in single_choices(kb) if i.stem == PROMPT_STEM)


def chunk_of(kb, item: QuizItem):
    return kb.catalog.chunks_by_ids([item.source.chunk_id])[item.source.chunk_id]


def item_expander(at: AppTest, number: int):
    return next(x for x in at.expander if x.label.startswith(f"第 {number} 题 · "))


def outside_expanders(at: AppTest, elements) -> list:
    inside = {id(e) for x in at.expander for e in [*x.error, *x.warning, *x.success]}
    return [e for e in elements if id(e) not in inside]


# --- 1. a trainer's edits -------------------------------------------------------------------------------------------
def test_a_reworded_stem_is_kept_with_a_warning_and_what_breaks_the_item_is_refused(kb) -> None:
    item = the_prompt_item(kb)
    chunk, library = chunk_of(kb, item), QuizGenerator(kb).library()
    opening = item.with_changes(stem="根据本规定，信访事项应当自受理之日起____内办结。")
    shorter = apply_edit(item, opening, chunk, library)
    assert shorter.warnings == () and shorter.item.source == item.source  # another 根据…， opening: no warning
    reworded = apply_edit(item, item.with_changes(stem="信访事项须在受理后____内办结。"), chunk, library)
    assert reworded.warnings == (REWORDED_WARNING,)
    assert reworded.item.stem == "信访事项须在受理后____内办结。" and reworded.item.source == item.source
    options, reworded_stem = list(item.options), "信访事项须在受理后____内办结。"
    key = options[LETTERS.index(item.answer)]
    others = [o for o in options if o != key]
    for changes, reason in (
        ({"options": (key, key, *others[1:])}, "实质相同"),
        ({"answer": "F"}, "答案「F」不在选项中"),
        ({"stem": "信访事项须在受理后____内办结，____内答复。"}, "单选题题干应有一处空"),
        ({"options": ("45日", *others), "answer": "A"}, "答案「45日」不在出处段落中"),
    ):
        with pytest.raises(QuizError, match=reason):
            apply_edit(item, item.with_changes(**{"stem": reworded_stem, **changes}), chunk, library)
    # the reworded item is saved as it was kept
    store = QuizStore(kb.catalog)
    saved = store.save("信访小测", [reworded.item])
    assert saved.items == (reworded.item,)


def test_the_highlight_stays_on_the_span_the_item_was_made_from(kb) -> None:
    chunk = next(c for c in kb.chunks_of(doc_id(kb, PETITION_RULES)) if "复核" in c.text)
    passage = chunk.text
    start = passage.index("90日")
    made = QuizItem(
        "填空", "复核机构应当自收到复核请求之日起____内提出复核意见。", "90日",
        explanation="原文：复核机构应当自收到复核请求之日起90日内提出复核意见。",
        source=Source.of_chunk(chunk, ((start, start + 3),)), origin="manual",
    )  # fmt: skip
    edited = apply_edit(made, made.with_changes(stem="复核意见须在收到复核请求后____内提出。"), chunk, None)
    assert edited.warnings == (REWORDED_WARNING,)
    assert edited.item.source.answer_spans == ((start, start + 3),)


def test_a_hand_written_item_in_other_words_is_added_with_a_warning(kb) -> None:
    chunks = kb.chunks_of(doc_id(kb, PETITION_RULES))
    written = QuizItem("填空", "复查意见须在收到复查请求后____内提出。", "30日", origin="manual")
    added = anchor(written, chunks, None)
    assert added.warnings == (REWORDED_WARNING,) and "复查" in added.item.source.passage
    with pytest.raises(QuizError, match="未添加"):
        anchor(written.with_changes(answer="45日"), chunks, None)


def draft_page(kb) -> AppTest:
    at = as_user(BUILD, User("王老师", "trainer"))
    at.multiselect[0].set_value([doc_id(kb, PETITION_RULES)])
    for kind in ("多选", "判断", "填空"):
        at.number_input(key=f"count-{kind}").set_value(0)
    run(at)
    click(at, "生成题目")
    return run(at)


def test_a_refused_edit_is_said_at_once_outside_the_item_and_can_be_given_up(kb) -> None:
    at = draft_page(kb)
    draft = list(at.session_state["quiz_draft"])
    first = draft[0]
    options_box(at).set_value("\n".join([first.options[0], *first.options]))  # a doubled option
    click(at, "保存修改")
    errors = outside_expanders(at, at.error)
    assert len(errors) == 1 and errors[0].value.startswith("第 1 题修改未保存：选项")
    assert "题目保持原样" in errors[0].value
    title = item_expander(at, 1)
    assert title.label.endswith("（修改未保存）") and title.proto.expanded
    assert list(at.session_state["quiz_draft"]) == draft
    run(at)  # any later rerun: still said, the form still holds the edit
    assert outside_expanders(at, at.error)
    assert options_box(at).value.count("\n") == len(first.options)
    at.button(key="discard-0").click()
    run(at)
    assert not at.error and not item_expander(at, 1).label.endswith("（修改未保存）")
    assert options_box(at).value == "\n".join(first.options)


def test_a_reworded_stem_is_saved_in_the_draft_with_a_warning_in_view(kb) -> None:
    at = draft_page(kb)
    index = next(n for n, i in enumerate(at.session_state["quiz_draft"]) if i.stem == PROMPT_STEM)
    [t for t in at.text_area if t.label.startswith("题干")][index].set_value("信访事项须在受理后____内办结。")
    click(at, "保存修改", index)
    assert at.session_state["quiz_draft"][index].stem == "信访事项须在受理后____内办结。"
    warnings = outside_expanders(at, at.warning)
    assert [w.value for w in warnings] == [f"第 {index + 1} 题的修改已保存。请注意：{REWORDED_WARNING}。"]
    assert not at.error


# --- 2. deleting a saved quiz ---------------------------------------------------------------------------------------
def test_deleting_a_saved_quiz_is_confirmed_and_reported(kb) -> None:
    store = QuizStore(kb.catalog)
    items = single_choices(kb)
    saved = store.save("信访小测", items, "王老师")
    store.record(score(items, [i.answer for i in items]), "张委员", quiz_id=saved.id)
    at = as_user(BUILD, User("王老师", "trainer"))
    at.button(key="delete-quiz").click()
    run(at)
    assert any(w.value == "确定删除试卷「信访小测」吗？它的 1 次作答记录和统计也会一并删除，删除后无法恢复。"
               for w in at.warning)  # fmt: skip
    assert [q.name for q in store.list()] == ["信访小测"]
    at.button(key=f"no-delete-quiz-{saved.id}").click()
    run(at)
    assert not any("确定删除" in w.value for w in at.warning) and store.list()
    at.button(key="delete-quiz").click()
    run(at)
    at.button(key=f"yes-delete-quiz-{saved.id}").click()
    run(at)
    assert [s.value for s in at.success] == ["已删除试卷「信访小测」（含 1 次作答记录）。"]
    assert store.list() == [] and any(i.value == "还没有保存的试卷。" for i in at.info)


# --- 3. 填空 scoring -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "right", "wrong"),
    [
        ("1名", ["1", "一", "一名", "1 名", "１名", "1名。"], ["10", "1人", "11", "2", ""]),
        ("五年", ["5", "五", "5年", "５ 年"], ["5日", "四年", "50"]),
        ("30日", ["30", "三十日", "三十"], ["3", "300", "30年"]),
        ("1.5%", ["1.5", "1.5％", "１.５%"], ["15", "15%"]),
        ("第一次", ["第1次", "第一次"], ["1", "一次"]),
        ("书香政协", ["“书香政协”", "书香 政协", "书香政协。"], ["书香", "政协", "书香政"]),
        ("十四五", ["十四五"], ["15", "十五"]),
    ],
)
def test_a_fill_in_answer_is_marked_as_a_grader_would(key: str, right: list[str], wrong: list[str]) -> None:
    item = QuizItem("填空", f"本届共有{BLANK}。", key)
    assert [g for g in right if not is_correct(item, g)] == []
    assert [g for g in wrong if is_correct(item, g)] == []


# --- 4. items whose source document left the library ----------------------------------------------------------------
def two_document_quiz(kb) -> tuple[QuizStore, int, list[QuizItem]]:
    request = QuizRequest((Material(doc_id(kb, PETITION_RULES)), Material(doc_id(kb, "委员履职条例"))),
                          {"单选": 2, "判断": 1, "填空": 2}, seed=3)  # fmt: skip
    items = list(QuizGenerator(kb).generate(request).items)
    store = QuizStore(kb.catalog)
    return store, store.save("两份资料的小测", items, "王老师").id, items


def replace_petitions(tmp_path: Path, tokenizer) -> None:
    """A new version of the rules: a new content hash, a new document id; one sentence changed (60日 → 45日)."""
    writer = Library(quiz_settings(tmp_path / "data"), tokenizer=tokenizer, embedder=None)
    try:
        amended = PETITIONS.replace("60日", "45日").encode()
        assert writer.add("petitions.md", amended, replace=True).status == "replaced"
    finally:
        writer.close()


def changed_by_the_new_rules(item: QuizItem) -> bool:
    """An item of the sentence replace_petitions changes (its explanation quotes the original): the only stale ones;
    the new version still states the other items' sentences."""
    return "60日" in item.explanation


def remove_petitions(kb, tmp_path: Path, tokenizer) -> None:
    writer = Library(quiz_settings(tmp_path / "data"), tokenizer=tokenizer, embedder=None)
    try:
        assert writer.remove([doc_id(kb, PETITION_RULES)]).outcomes[0].status == "removed"
    finally:
        writer.close()


def test_items_of_a_replaced_document_are_flagged_skipped_and_removable(kb, tmp_path: Path, tokenizer) -> None:
    old_id = doc_id(kb, PETITION_RULES)
    store, quiz_id, items = two_document_quiz(kb)
    stale = tuple(n for n, i in enumerate(items) if i.source.doc_id == old_id and changed_by_the_new_rules(i))
    kept = [n for n, i in enumerate(items) if i.source.doc_id == old_id and n not in stale]
    assert stale and kept and store.stale_positions(items) == ()
    replace_petitions(tmp_path, tokenizer)
    assert doc_id(kb, PETITION_RULES) != old_id
    assert store.stale_positions(items) == stale  # the items of the rules' other sentences stay
    assert store.get(quiz_id).items == tuple(items)  # nothing changes until the trainer acts

    at = as_user(BUILD, User("王老师", "trainer"))
    numbers = "、".join(str(n + 1) for n in stale)
    said = f"有 {len(stale)} 道题的出处已失效（第 {numbers} 题）：出处文档已被删除，或替换后的新版本改动了"
    assert any(w.value.startswith(said) for w in at.warning)

    member = as_user(TAKE, User("张委员", "member"))
    fresh = [n for n in range(len(items)) if n not in stale]
    assert any(i.value == f"有 {len(stale)} 道题的出处文档已被删除或替换，本次不再作答，得分只计其余 {len(fresh)} 题。"
               for i in member.info)  # fmt: skip
    key = f"quiz-{quiz_id}-{len(fresh)}"
    for number, position in enumerate(fresh, start=1):
        answer(member, key, number, items[position])
    click(member, "交卷")
    assert any(s.value == f"得分：{len(fresh)} / {len(fresh)}（100%）" for s in member.subheader)
    shares = store.stats(quiz_id).item_shares
    assert [shares[n] for n in fresh] == [1.0] * len(fresh) and [shares[n] for n in stale] == [0.0] * len(stale)

    at.button(key=f"drop-stale-{quiz_id}").click()
    run(at)
    assert [s.value for s in at.success] == [f"已从试卷「两份资料的小测」删除 {len(stale)} 道出处失效的题。"]
    assert store.get(quiz_id).items == tuple(items[n] for n in fresh)
    assert store.stats(quiz_id).item_shares == (1.0,) * len(fresh)  # the attempt's marks follow the kept items
    assert not any("出处已失效" in w.value for w in at.warning)


def test_a_quiz_whose_every_source_is_gone_cannot_be_taken(kb, tmp_path: Path, tokenizer) -> None:
    store = QuizStore(kb.catalog)
    items = single_choices(kb)
    saved = store.save("信访小测", items, "王老师")
    remove_petitions(kb, tmp_path, tokenizer)
    member = as_user(TAKE, User("张委员", "member"))
    assert any("出处文档都已被删除或替换，暂时无法作答" in w.value for w in member.warning)
    assert not [b for b in member.button if b.label == "交卷"]
    with pytest.raises(QuizError, match="请直接删除整份试卷"):
        store.remove_items(saved.id, range(len(items)))


def test_saving_the_daily_programme_says_when_it_takes_effect(kb) -> None:
    """It said “明天起” even when no member had opened today's practice, which then came from the new materials."""
    from datetime import date

    from quiz.daily import daily_items

    at = as_user(BUILD, User("王老师", "trainer"))
    picker = next(m for m in at.multiselect if m.label == "每日一练的资料")
    picker.set_value([doc_id(kb, PETITION_RULES)])
    click(at, "保存每日一练资料")
    assert any(s.value == "已保存。每日一练从这些资料出题。" for s in at.success)
    daily_items(QuizGenerator(kb), QuizStore(kb.catalog), date.today(), 2)  # a member opens today's practice
    click(at, "保存每日一练资料")
    assert any("明天起" in s.value for s in at.success)


def test_a_list_shows_the_stem_without_its_source_prefix() -> None:
    """Item titles were cut at 40 characters, most of them 根据《关于全市…》 (user walkthrough)."""
    from ui.quiz_view import short_stem

    stem = "根据《关于全市政协系统党的建设工作的调研报告》（一、经验做法），县政协选派____委员担任监督员。"
    item = QuizItem("填空", stem, "54名")
    assert short_stem(item) == "县政协选派____委员担任监督员。"
    long = item.with_changes(stem="根据《某规定》，" + "委" * 50)
    assert short_stem(long) == "委" * 40 + "…"


# --- 5. a refusal in a long draft, stale items in the quiz pickers (second walkthrough) ------------------------------
def test_a_refused_edit_is_said_beside_the_save_button_and_in_a_toast(kb) -> None:
    """The refusal was said only above the item: off the screen when the trainer clicked 保存修改 under a long item."""
    at = draft_page(kb)
    first = at.session_state["quiz_draft"][0]
    options_box(at).set_value("\n".join([first.options[0], *first.options]))  # a doubled option
    click(at, "保存修改")
    [above] = outside_expanders(at, at.error)
    assert [t.value for t in at.toast] == [above.value.split("。")[0]]  # 第 1 题修改未保存：…, wherever one looks
    assert at.toast[0].value.startswith("第 1 题修改未保存：选项")
    panel = list(item_expander(at, 1).children.values())
    form = next(n for n, c in enumerate(panel) if getattr(c, "type", None) == "form")
    assert [type(c).__name__ for c in panel[form].children.values()][-2:] == ["Error", "Button"]  # above 保存修改
    assert [e.value for e in item_expander(at, 1).error] == [above.value]  # the same words beside the button,
    assert panel[form + 1].label == "放弃修改，恢复原题"  # and giving up is right under it
    run(at)  # a later rerun: the toast was said once; the refusal stays beside the button and above the item
    assert not at.toast and len(item_expander(at, 1).error) == 1 and len(outside_expanders(at, at.error)) == 1
    at.button(key="discard-0").click()
    run(at)
    assert not at.error and not at.toast


def test_the_quiz_pickers_count_the_items_a_member_answers_and_tell_trainers_of_stale_ones(
    kb, tmp_path: Path, tokenizer
) -> None:
    """The pickers counted items of deleted or replaced documents, which members skip (user walkthrough)."""
    store, quiz_id, items = two_document_quiz(kb)
    stale = sum(map(changed_by_the_new_rules, items))
    of_the_rules = sum(i.source.doc_id == doc_id(kb, PETITION_RULES) for i in items)
    whole = store.save("信访小测", single_choices(kb), "李老师")  # every item from the rules, one of 60日
    member, trainer = User("张委员", "member"), User("王老师", "trainer")
    assert picker(TAKE, member) == ["信访小测（3 题）", f"两份资料的小测（{len(items)} 题）"]
    assert picker(BUILD, trainer) == ["信访小测（3 题，李老师）", f"两份资料的小测（{len(items)} 题，王老师）"]
    replace_petitions(tmp_path, tokenizer)
    assert store.stale_counts(store.list()) == {whole.id: 1, quiz_id: stale}
    fresh = len(items) - stale
    assert picker(TAKE, member) == ["信访小测（2 题）", f"两份资料的小测（{fresh} 题）"]
    assert picker(TAKE, trainer) == ["信访小测（2 题，另有 1 题来源已变更）",
                                     f"两份资料的小测（{fresh} 题，另有 {stale} 题来源已变更）"]  # fmt: skip
    assert picker(BUILD, trainer) == ["信访小测（2 题，另有 1 题来源已变更，李老师）",
                                      f"两份资料的小测（{fresh} 题，另有 {stale} 题来源已变更，王老师）"]  # fmt: skip
    remove_petitions(kb, tmp_path, tokenizer)  # deleted: every item of the rules is stale
    assert picker(TAKE, member) == ["信访小测（暂无可作答的题）", f"两份资料的小测（{len(items) - of_the_rules} 题）"]
    assert picker(BUILD, trainer)[0] == "信访小测（0 题，另有 3 题来源已变更，李老师）"


def picker(script: str, user: User) -> list[str]:
    """The saved quizzes as the page's picker lists them."""
    at = as_user(script, user)
    return next(s for s in at.selectbox if s.label in ("试卷", "选择试卷")).options

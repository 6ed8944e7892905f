"""练习答题 (members): take a saved quiz or 每日一练, get the score, review each item against its source."""

from __future__ import annotations

from datetime import date

import streamlit as st

from quiz.daily import daily_items
from quiz.model import FALSE, LETTERS, TRUE, QuizError, QuizItem
from quiz.score import QuizResult, score
from ui import resources
from ui.auth import current_user
from ui.quiz_view import ask_about, passage_html, quiz_label, short_stem

RESULT = "quiz_result"  # (which quiz, the result) of the last submission on this page


def answer_widget(item: QuizItem, key: str) -> str:
    """The member's answer in the stored form: letters, 正确/错误, or the blanks joined with |."""
    label = item.stem
    if item.type == "单选":
        choice = st.radio(label, range(len(item.options)), format_func=lambda i: f"{LETTERS[i]}. {item.options[i]}",
                          index=None, key=key)  # fmt: skip
        return "" if choice is None else LETTERS[choice]
    if item.type == "多选":
        st.markdown(label)
        ticked = [st.checkbox(f"{LETTERS[i]}. {o}", key=f"{key}-{i}") for i, o in enumerate(item.options)]
        return "".join(LETTERS[i] for i, on in enumerate(ticked) if on)
    if item.type == "判断":
        return st.radio(label, (TRUE, FALSE), index=None, key=key, horizontal=True) or ""
    blanks = item.stem.count("____")
    values = [st.text_input(label if n == 0 else f"第 {n + 1} 空", key=f"{key}-{n}") for n in range(blanks)]
    return "|".join(v.strip() for v in values)


def take(items: tuple[QuizItem, ...], quiz_key: str) -> list[str] | None:
    with st.form(f"take-{quiz_key}"):
        answers = []
        for number, item in enumerate(items, start=1):
            st.markdown(f"**第 {number} 题（{item.type}）**")
            answers.append(answer_widget(item, f"{quiz_key}-{number}"))
        return answers if st.form_submit_button("交卷", type="primary") else None


def review(items: tuple[QuizItem, ...], result: QuizResult) -> None:
    st.subheader(f"得分：{result.score} / {result.total}（{result.percent:.0f}%）")
    for number, (item, mark) in enumerate(zip(items, result.results), start=1):
        icon = "✅" if mark.correct else "❌"
        with st.expander(f"{icon} 第 {number} 题 · {short_stem(item)}", expanded=not mark.correct):
            st.markdown(item.stem)
            for letter, option in zip(LETTERS, item.options):
                st.markdown(f"{letter}. {option}")
            st.markdown(f"你的答案：**{mark.given or '（未作答）'}**　正确答案：**{item.answer}**")
            st.caption(item.explanation)
            st.html(passage_html(item))
            if st.button("在学习问答中追问", key=f"ask-{number}"):
                ask_about(item)


def show_or_take(items: tuple[QuizItem, ...], quiz_key: str, record) -> None:
    last = st.session_state.get(RESULT)
    if last and last[0] == quiz_key:
        review(items, last[1])
        if st.button("再做一次", key=f"again-{quiz_key}"):
            st.session_state.pop(RESULT)
            st.rerun()
        return
    answers = take(items, quiz_key)
    if answers is not None:
        result = score(items, answers)
        record(result)
        st.session_state[RESULT] = (quiz_key, result)
        st.rerun()


def current_items(store, items: tuple[QuizItem, ...]) -> dict[int, QuizItem]:
    """The items still drawn from the library, by their position: an item of a replaced document whose sentence the
    new version still states is shown on the new version's passage; a notice when some are left out."""
    current = {n: item for n, item in enumerate(store.current(items)) if item is not None}
    stale = len(items) - len(current)
    if stale and current:
        st.info(f"有 {stale} 道题的出处文档已被删除或替换，本次不再作答，得分只计其余 {len(current)} 题。")
    elif stale:
        st.warning("这些题目的出处文档都已被删除或替换，暂时无法作答，请等培训管理员更新。")
    return current


st.title("练习答题")
user = current_user()
kb = resources.knowledge_base()
generator, store = resources.quiz_services(kb)
name = user.name if user else ""
daily, quizzes = st.tabs(["每日一练", "试卷练习"])
with daily:
    today = date.today()
    try:
        items = daily_items(generator, store, today, kb.settings.quiz_daily_items)
    except QuizError as exc:
        st.info(str(exc))
    else:
        if user:
            st.caption(f"连续练习 {store.streak(name, today)} 天")
        kept = tuple(current_items(store, items).values())
        if kept:
            show_or_take(kept, f"daily-{today}", lambda r: store.record(r, name, day=today.isoformat()))
        if user:
            history = store.daily_history(name)
            if history:
                st.dataframe({"日期": [h.day for h in history], "得分": [f"{h.score}/{h.total}" for h in history]},
                             hide_index=True)  # fmt: skip
with quizzes:
    saved = store.list()
    if not saved:
        st.info("还没有可以练习的试卷，请等培训管理员组卷。")
    else:
        trainer = bool(user and user.can("trainer"))
        stale_counts = store.stale_counts(saved)
        labels = {q.id: quiz_label(q, stale_counts[q.id], trainer) for q in saved}  # the items a member answers
        chosen = st.selectbox("选择试卷", saved, format_func=lambda q: labels[q.id])
        current = current_items(store, chosen.items)
        positions = list(current)
        # fewer items, another paper: neither answers nor a result of the full one carry over
        quiz_key = f"quiz-{chosen.id}" + ("" if len(positions) == len(chosen.items) else f"-{len(positions)}")
        if positions:
            show_or_take(
                tuple(current.values()),
                quiz_key,
                lambda r: store.record(r, name, quiz_id=chosen.id, positions=positions),
            )
        if trainer:
            stats = store.stats(chosen.id)
            st.caption(f"本卷作答 {stats.attempts} 次，平均得分率 {stats.mean_percent:.0f}%")

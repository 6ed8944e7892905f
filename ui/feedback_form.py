"""👍/👎 on an answer with an optional comment, stored on the logged question for organizers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from library.questions import QuestionLog

if TYPE_CHECKING:
    from ui.answer_view import Turn

SAVED = "feedback_saved"  # session state: turn id -> rating stored with its comment (the form is done)
RATED = "feedback_rated"  # session state: turn id -> rating stored on the click, before any comment


def render_feedback(store: QuestionLog, turn: Turn) -> None:
    saved: dict[str, int] = st.session_state.setdefault(SAVED, {})
    if turn.id in saved:
        st.caption(f"{'👍' if saved[turn.id] > 0 else '👎'} 已收到您的反馈，谢谢！")
        return
    rating = st.feedback("thumbs", key=f"rating-{turn.id}")
    if rating is None:
        return
    value = 1 if rating == 1 else -1  # st.feedback("thumbs"): 1 = 👍, 0 = 👎
    rated: dict[str, int] = st.session_state.setdefault(RATED, {})
    if rated.get(turn.id) != value:
        # Most members click a thumb and move on: the click itself is the feedback organizers need.
        store.rate(int(turn.id), value)
        rated[turn.id] = value
    st.caption("已记录您的评价。如愿意，可补充说明后提交。")
    comment = st.text_input(
        "补充说明（可选）", key=f"comment-{turn.id}", placeholder="例如：引用的条文不对、回答不完整……", max_chars=500
    )
    if st.button("提交反馈", key=f"send-{turn.id}"):
        store.rate(int(turn.id), value, comment)  # the same row: the comment joins the rating
        saved[turn.id] = value
        st.caption("已收到您的反馈，谢谢！")

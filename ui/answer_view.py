"""One question and its answer in the chat: the cited answer, its passages with context, and feedback."""

from __future__ import annotations

import html
import time
from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from retrieval.kb import KnowledgeBase
from retrieval.scoped import OUTSIDE_FILTER, ask_in_scope
from retrieval.types import Answer, Citation
from ui import auth, resources
from ui.feedback_form import render_feedback
from ui.highlight import answer_html, citation_html, context_html

MODE_LABELS = {
    "extractive": "摘录式回答：句子摘自下列原文",
    "llm": "大模型回答：仅依据下列段落生成，请对照原文核对",
}


@dataclass(frozen=True)
class Turn:
    id: str  # the question log's id: feedback is stored on that row
    answer: Answer
    outside_filter: bool = False  # the chosen documents had no answer: this one is the whole library's


def render_turn(kb: KnowledgeBase, turn: Turn) -> None:
    with st.chat_message("user"):
        st.text(turn.answer.question)
    with st.chat_message("assistant"):
        render_answer(kb, turn.answer, turn.outside_filter)
        render_feedback(resources.question_log(kb.settings), turn)


def render_answer(kb: KnowledgeBase, answer: Answer, outside_filter: bool = False) -> None:
    if outside_filter:
        st.info(OUTSIDE_FILTER)  # the citations below name the other documents
    if not answer.found:
        st.info(answer.text)  # our own fixed wording (no answer + how to rephrase), never document text
    else:
        st.html(answer_html(answer.text))
        st.caption(MODE_LABELS.get(answer.mode, ""))
    notices = [n for n in answer.notices if n not in kb.notices]  # model notices are for organizers only
    if notices:
        items = "".join(f"<li>{html.escape(n)}</li>" for n in notices)
        st.html(f'<ul class="sx-notices" style="color:#b45309;font-size:.9rem;margin:0">{items}</ul>')
    for citation in answer.citations:
        render_citation(kb, citation, answer.query_terms)


def render_citation(kb: KnowledgeBase, citation: Citation, terms: Sequence[str]) -> None:
    with st.container(border=True):
        st.html(citation_html(citation, terms))
        with st.expander("查看上下文"):
            st.html(context_html(kb.neighbours(citation.chunk, 1, 1), citation, terms))


def new_turn(kb: KnowledgeBase, question: str, doc_ids: list[str] | None) -> Turn:
    """Answer a new question, streaming the LLM's text while it arrives, and render the checked answer."""
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        started = time.perf_counter()
        scoped = ask_in_scope(question, doc_ids, lambda q, scope: _answer(kb, q, scope))
        answer, outside = scoped.answer, scoped.outside_filter
        questions = resources.question_log(kb.settings)
        user = auth.current_user()
        latency = (time.perf_counter() - started) * 1000
        log_id = questions.record(answer, latency, user.name if user else "", outside_filter=outside)
        turn = Turn(str(log_id), answer, outside)
        render_answer(kb, answer, outside)
        render_feedback(questions, turn)
    return turn


def _answer(kb: KnowledgeBase, question: str, doc_ids: list[str] | None) -> Answer:
    llm = resources.llm_answerer(kb)
    with st.spinner("正在检索资料……"):
        if llm is None:
            return kb.ask(question, doc_ids)
        run = llm.start(question, doc_ids)
    placeholder = st.empty()
    text = ""
    for delta in run.deltas():
        text += delta
        placeholder.html(answer_html(text + " ▌"))
    placeholder.empty()  # the streamed draft gives way to the checked answer
    return run.result()

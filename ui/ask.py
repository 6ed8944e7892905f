"""学习问答: a member asks a study question and gets a short answer whose every sentence cites the library."""

from __future__ import annotations

import streamlit as st

from retrieval.kb import KnowledgeBase
from retrieval.store import IndexMismatchError
from ui import auth, conversations, resources
from ui.answer_view import new_turn, render_turn
from ui.examples import example_questions

HISTORY = "history"
PICKED = "picked_example"


# The document filter shows whole titles: reports often share a long beginning (关于加强……的调研报告（2023年）and
# （2024年）), and Streamlit cuts a chip after about eight characters and an option at the widget's width. Chips wrap
# instead; the option list grows wider than the sidebar. Streamlit 1.6x gives a multiselect no say in either (its
# one format_func labels both chips and options), hence this style, checked in Chromium (test_ask_scope_browser);
# the box grows with its chips rather than scrolling them out of sight.
FULL_TITLES_CSS = """<style>
.st-key-doc_filter div:has(> [data-testid="stMultiSelectTagsContainer"]) {max-height: none;}
.st-key-doc_filter [data-tag] {height: auto; max-width: 100%; white-space: normal;}
.st-key-doc_filter [data-tag] > span[title] {white-space: normal; overflow-wrap: anywhere; line-height: 1.35;
  padding: 0.2rem 0;}
[data-testid="stMultiSelectDropdown"] {width: max(var(--trigger-width), min(48rem, 90vw)) !important;}
[data-testid="stMultiSelectDropdown"] [role="listbox"] [role="presentation"] {width: 100% !important;}
</style>"""


def sidebar(kb: KnowledgeBase) -> list[str] | None:
    titles = {d.doc_id: d.title for d in kb.documents()}
    with st.sidebar:
        st.html(FULL_TITLES_CSS)
        chosen = st.multiselect(
            "检索范围",
            list(titles),
            format_func=titles.__getitem__,
            key="doc_filter",
            placeholder="全部资料",
            select_all=False,  # none chosen already means all; its label is English (“Select all”)
        )
        model = kb.settings.llm_model if kb.settings.llm_enabled else ""
        st.caption(f"回答方式：{'大模型（' + model + '）' if model else '摘录式（原文句子）'}")
        st.button("清空对话", on_click=clear_history)
    return chosen or None


def clear_history() -> None:
    conversations.clear(HISTORY)


def pick(question: str) -> None:
    st.session_state[PICKED] = question


def welcome(kb: KnowledgeBase) -> None:
    st.markdown("向资料库提问，回答中的每句话都标注出处 **[n]**，可在下方展开原文核对。试试这些问题：")
    for number, question in enumerate(example_questions(kb.documents())):
        st.button(question, key=f"example-{number}", on_click=pick, args=(question,))


st.title("学习问答")
if resources.settings().members_must_login:
    auth.require_role("member", "trainer")
kb = resources.knowledge_base()
if kb.is_empty():
    st.info("资料库还是空的，请联系资料库管理员在“资料库管理”页上传学习资料。")
    st.stop()
try:
    kb.index.check_readable()
except IndexMismatchError:
    st.error("资料库正在更新向量索引，暂时无法回答，请稍后再试。")  # organizers see the how-to on their page
    st.stop()

doc_ids = sidebar(kb)
history = conversations.history(HISTORY)
question = st.chat_input("请输入学习中的问题，按回车提问", max_chars=500) or st.session_state.pop(PICKED, None)
if not history and not question:
    welcome(kb)
for turn in history:
    render_turn(kb, turn)
if question and question.strip():
    history.append(new_turn(kb, question.strip(), doc_ids))

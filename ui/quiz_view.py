"""Shared pieces of the quiz pages: an item's review HTML, a saved quiz as pickers list it, the hand-over to 学习问答.

The source passage is escaped and only our own tags are added: the answer in red (学习强国's hint).
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

import streamlit as st

from quiz.model import LETTERS, QuizItem
from ui.highlight import TEXT_STYLE

if TYPE_CHECKING:
    from quiz.store import SavedQuiz

ANSWER_STYLE = "color:#dc2626;font-weight:700"
ASK_PAGE = "ui/ask.py"
ASK_KEY = "picked_example"  # ui/ask.py asks the question it finds here


def passage_html(item: QuizItem) -> str:
    """The cited passage with the answer's spans in red."""
    passage = item.source.passage
    out, position = [], 0
    for start, end in sorted(item.source.answer_spans):
        if start < position:
            continue
        out.append(html.escape(passage[position:start]))
        out.append(f'<span class="sx-quiz-answer" style="{ANSWER_STYLE}">{html.escape(passage[start:end])}</span>')
        position = end
    out.append(html.escape(passage[position:]))
    head = html.escape(item.source.label)
    return (
        f'<div class="sx-quiz-source"><div style="font-weight:600;margin-bottom:.3rem">{head}</div>'
        f'<div style="{TEXT_STYLE}">{"".join(out)}</div></div>'
    )


CITED_PREFIX = re.compile(r"^根据《[^》]*》(?:（[^）]*）)?，")
SHORT_STEM_CHARS = 40


def short_stem(item: QuizItem, chars: int = SHORT_STEM_CHARS) -> str:
    """The stem as a list shows it: without its 根据《…》， (the source line says that), cut with an ellipsis."""
    stem = CITED_PREFIX.sub("", item.stem)
    return stem if len(stem) <= chars else stem[:chars] + "…"


def quiz_label(quiz: SavedQuiz, stale: int, trainer: bool = False, author: bool = False) -> str:
    """A saved quiz as a picker lists it: the number of items a member answers (those of a deleted or replaced
    document are skipped); a trainer is also told how many items lost their source, and, with author, who made it."""
    answered = len(quiz.items) - stale
    parts = [f"{answered} 题" if answered or trainer else "暂无可作答的题"]
    if trainer and stale:
        parts.append(f"另有 {stale} 题来源已变更")
    if author and quiz.created_by:
        parts.append(quiz.created_by)
    return f"{quiz.name}（{'，'.join(parts)}）"


def options_text(item: QuizItem) -> str:
    return "\n".join(f"{letter}. {option}" for letter, option in zip(LETTERS, item.options))


def ask_about(item: QuizItem) -> None:
    """Hand the item's question to 学习问答."""
    st.session_state[ASK_KEY] = item.stem.replace("____", "什么").removesuffix("（多选）")
    st.switch_page(ASK_PAGE)

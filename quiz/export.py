"""Exports: Word (the paper, then 答案与解析 with sources), Excel (one row an item), 问卷星 batch-import text.

问卷星's text import (设计问卷 → 批量添加题目 / 文本导入), as we could verify it from a third-party SDK that mirrors
问卷星's own parser (TxtToActivityService): a question line "序号. 题目[题型]", then one option per line without a
letter, a blank line between questions; the tags [单选题] [多选题] [判断题] [填空题]. How the text import marks
the correct answers of an exam we could not verify, so the paste text carries no answers (a stray line would become
an option) and wjx_answer_key() gives the key separately, to set in 问卷星's 考试 settings.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Literal

from quiz.model import LETTERS, QuizItem

Format = Literal["docx", "xlsx", "wjx"]
FORMATS: tuple[Format, ...] = ("docx", "xlsx", "wjx")
XLSX_COLUMNS = ("题型", "题干", *(f"选项{letter}" for letter in LETTERS), "正确答案", "解析", "出处")
WJX_TAGS = {"单选": "[单选题]", "多选": "[多选题]", "判断": "[判断题]", "填空": "[填空题]"}


def answer_text(item: QuizItem) -> str:
    return item.answer


def to_docx(title: str, items: Sequence[QuizItem]) -> bytes:
    from docx import Document
    from docx.enum.text import WD_BREAK

    document = Document()
    document.add_heading(title, level=1)
    for number, item in enumerate(items, start=1):
        document.add_paragraph(f"{number}. （{item.type}题）{item.stem}")
        for letter, option in zip(LETTERS, item.options):
            document.add_paragraph(f"{letter}. {option}", style="List Paragraph")
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    document.add_heading("答案与解析", level=1)
    for number, item in enumerate(items, start=1):
        document.add_paragraph(f"{number}. 答案：{answer_text(item)}")
        if item.explanation:
            document.add_paragraph(f"解析：{item.explanation}")
        document.add_paragraph(f"出处：{item.source.label}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_xlsx(title: str, items: Sequence[QuizItem]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31] or "试卷"  # Excel's limit on sheet names
    sheet.append(XLSX_COLUMNS)
    for item in items:
        options = list(item.options) + [""] * (len(LETTERS) - len(item.options))
        sheet.append([item.type, item.stem, *options, answer_text(item), item.explanation, item.source.label])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_wjx(title: str, items: Sequence[QuizItem]) -> str:
    """Paste text for 问卷星's batch import (see the module docstring for what is verified)."""
    blocks = [title]
    for number, item in enumerate(items, start=1):
        stem = " ".join(item.stem.split()).removesuffix("（多选）")  # the tag says it: not “（多选）[多选题]”
        lines = [f"{number}. {stem}{WJX_TAGS[item.type]}"]
        lines += [" ".join(option.split()) for option in item.options]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def wjx_answer_key(items: Sequence[QuizItem]) -> str:
    return "\n".join(f"{n}. {item.answer}" for n, item in enumerate(items, start=1)) + "\n"


def export(title: str, items: Sequence[QuizItem], fmt: Format) -> bytes:
    if fmt == "docx":
        return to_docx(title, items)
    if fmt == "xlsx":
        return to_xlsx(title, items)
    return to_wjx(title, items).encode("utf-8")

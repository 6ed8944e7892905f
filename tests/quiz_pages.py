"""What the quiz page tests share: the pages' scripts, a library in the environment the pages read, and how to
run a page and click its buttons in AppTest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PROJECT
from quiz_library import build_library
from streamlit.testing.v1 import AppTest

from quiz.model import LETTERS, QuizItem
from retrieval.kb import KnowledgeBase

BUILD = str(PROJECT / "ui" / "quiz_build.py")
TAKE = str(PROJECT / "ui" / "quiz_take.py")


def page_library(tmp_path: Path, tokenizer, monkeypatch: pytest.MonkeyPatch) -> Iterator[KnowledgeBase]:
    """The quiz library, in the data dir the pages open (no embedding model): a test module's `kb` fixture."""
    handle = build_library(tmp_path, tokenizer)
    monkeypatch.setenv("SHUXIANG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SHUXIANG_EMBEDDING_MODEL", "none")
    yield handle
    handle.close()


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, label: str, number: int = 0) -> AppTest:
    [b for b in at.button if b.label == label][number].click()
    return run(at)


def answer(at: AppTest, key: str, number: int, item: QuizItem) -> None:
    """Give item `number` (1-based) of the quiz whose widgets are keyed `key` its right answer."""
    if item.type == "单选":
        at.radio(key=f"{key}-{number}").set_value(LETTERS.index(item.answer))
    elif item.type == "判断":
        at.radio(key=f"{key}-{number}").set_value(item.answer)
    elif item.type == "多选":
        for letter in item.answer:
            at.checkbox(key=f"{key}-{number}-{LETTERS.index(letter)}").check()
    else:
        for blank, part in enumerate(item.answer.split("|")):
            at.text_input(key=f"{key}-{number}-{blank}").set_value(part)

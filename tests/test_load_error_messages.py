"""What organizers read when a file cannot be loaded: Chinese — what is wrong, then what to do — with the parsing
library's own (English) words kept only in a details panel and the log (walkthrough: pypdf's “Stream has ended
unexpectedly” was the headline)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfWriter
from streamlit.testing.v1 import AppTest

from library.progress import Outcome
from library.service import Library

ENGLISH_WORD = re.compile(r"(?<![.\w])[a-z]{4,}")  # “Stream has ended unexpectedly” (not .docx, ocr_enabled)


def pdf(password: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(300, 300)
    if password:
        writer.encrypt(user_password=password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BROKEN = {
    "truncated.pdf": pdf()[:300],
    "locked.pdf": pdf("secret"),
    "notes.pdf": "这其实是一个文本文件".encode() * 20,
    "gbk-damaged.txt": b"\x81\x20\xff\xfe\x80" * 50,
    "report.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),  # a Word 97-2003 .doc renamed
    "scan.png": b"\x89PNG\r\n\x1a\n" + bytes(100),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_file_that_cannot_be_loaded_is_explained_in_chinese(library: Library, name: str) -> None:
    outcome = library.add(name, BROKEN[name])
    assert outcome.status == "failed"
    assert not ENGLISH_WORD.search(outcome.label), outcome.label  # the headline (bars, report lines, CLI)
    assert outcome.advice and not ENGLISH_WORD.search(outcome.advice), outcome.advice
    assert outcome.detail == "" or outcome.detail not in outcome.label


def test_the_parser_s_words_are_kept_as_detail(library: Library) -> None:
    broken = library.add("truncated.pdf", BROKEN["truncated.pdf"])
    assert broken.reason.startswith("PDF 文件损坏") and "下载" in broken.advice and ENGLISH_WORD.search(broken.detail)
    renamed = library.add("report.docx", BROKEN["report.docx"])
    assert "旧版 Word（.doc）" in renamed.advice and "另存为" in renamed.advice
    text = library.add("gbk-damaged.txt", BROKEN["gbk-damaged.txt"])
    assert "UTF-8" in text.advice and "另存为" in text.advice


def _outcome_page() -> None:
    import streamlit as st

    from ui.library_upload import _outcome_line

    _outcome_line(st.session_state["outcome"], st.session_state["outcome"].label)


def test_the_page_shows_what_to_do_and_the_detail_apart(library: Library) -> None:
    outcome: Outcome = library.add("truncated.pdf", BROKEN["truncated.pdf"])
    at = AppTest.from_function(_outcome_page)
    at.session_state["outcome"] = outcome
    at.run()
    assert not at.exception
    (error,) = at.error
    assert outcome.reason in error.value and outcome.advice in error.value and outcome.detail not in error.value
    assert "技术详情" in at.expander[0].label and at.code[0].value == outcome.detail

"""A member asking for a hotline's number is told the library has none: laws say where to complain and how soon
it is handled (七个工作日内), never the number, and a figure of days is no answer to 电话是多少."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from quiz_library import open_library

from retrieval.kb import KnowledgeBase
from retrieval.tokenizer import ChineseTokenizer

COMPLAINTS = (
    "# 环境投诉条例\n\n"
    "第一条 环境保护主管部门应当向社会公开受理举报的电话、信箱或者电子邮件地址，"
    "接到举报的部门应当自收到举报之日起七个工作日内予以处理，并告知举报人。\n\n"
    "第二条 环境保护主管部门应当定期公布环境质量状况。\n\n"
    "第三条 举报人的姓名、住址等个人信息应当予以保密。\n"
)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, tokenizer: ChineseTokenizer) -> Iterator[KnowledgeBase]:
    yield from open_library(tmp_path_factory, tokenizer, "phone", {"投诉.md": COMPLAINTS})


def test_the_hotline_number_is_not_in_the_library(library: KnowledgeBase) -> None:
    assert not library.ask("环境保护主管部门的举报电话是多少？").found


def test_how_soon_a_report_is_handled_is(library: KnowledgeBase) -> None:
    answer = library.ask("举报以后，环保部门多少天内得处理？")
    assert answer.found and "七个工作日内" in answer.text

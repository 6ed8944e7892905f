"""A directional complement (撤出来, 交上去, 批下来) tells which way the verb goes: jieba's search mode makes a
token of it, rare in the laws, and it weighed like the question's topic."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from quiz_library import open_library

from retrieval.kb import KnowledgeBase
from retrieval.query import weighted_query
from retrieval.tokenizer import ChineseTokenizer

COOPERATIVES = """# 合作社条例

第一条 合作社成员退社，应当在会计年度终了的三个月前提出。

第二条 合作社财务人员发现账目问题的，应当及时查出来并向理事会报告。

第三条 合作社应当建立成员名册。
"""
QUESTION = "我是合作社成员，现在想撤出来，得提前多久说？"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, tokenizer: ChineseTokenizer) -> Iterator[KnowledgeBase]:
    yield from open_library(tmp_path_factory, tokenizer, "directional", {"合作社.md": COOPERATIVES})


def test_a_directional_complement_is_a_function_word(library: KnowledgeBase) -> None:
    tokenizer, lexical = library.tokenizer, library.index.lexical()
    assert "出来" in tokenizer.tokenize(QUESTION) and lexical.document_frequency("出来") > 0
    assert tokenizer.term_classes(QUESTION)["出来"] == "function"
    assert "出来" not in weighted_query(QUESTION, tokenizer, lexical)


def test_the_member_leaving_gets_the_notice_period(library: KnowledgeBase) -> None:
    answer = library.ask(QUESTION)
    assert answer.found and "三个月前" in answer.text

"""A passage holding the kind of answer asked (多久 → a duration, 罚多少 → a sum) ranks above its neighbours that
speak of the same thing without it: the member's words rarely tell the two apart, the asked kind does."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from quiz_library import open_library

from retrieval.kb import KnowledgeBase
from retrieval.search import SearchOptions
from retrieval.settings import Settings
from retrieval.tokenizer import ChineseTokenizer

COOPERATIVES = """# 合作社条例

第一条 成员退出合作社，应当向理事长提出，理事长不得拒绝。

第二条 成员退出合作社，应当在会计年度终了的三个月前向理事长提出。

第三条 合作社应当为成员退社提供便利，不得设置不合理的退社条件。

第四条 合作社应当建立财务制度。

第五条 合作社可以开展农业技术培训。

第六条 合作社应当依法纳税。

第七条 合作社的盈余按照章程分配。

第八条 合作社应当召开成员大会。

第九条 合作社可以依法合并或者分立。

第十条 合作社应当按照章程进行清算。
"""
QUESTION = "我想从合作社退出来，得多久前跟理事长说？"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, tokenizer: ChineseTokenizer) -> Iterator[KnowledgeBase]:
    yield from open_library(tmp_path_factory, tokenizer, "typed", {"合作社.md": COOPERATIVES})


def first_article(kb: KnowledgeBase, options: SearchOptions) -> str:
    return kb.search(QUESTION, 3, options=options)[0].chunk.text[:3]


def test_the_passage_holding_a_duration_answers_how_long(library: KnowledgeBase) -> None:
    shipped = SearchOptions.from_settings(library.settings)
    assert Settings.model_fields["type_boost"].default > 0
    assert first_article(library, replace(shipped, type_boost=0.0)) == "第一条"  # the words alone pick the wrong one
    assert first_article(library, shipped) == "第二条"

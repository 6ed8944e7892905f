"""A list question's passage lists what it asks for (哪几种处罚 → 处罚种类包括：警告、罚款…), not only names it."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_library import build_library

from retrieval.kb import KnowledgeBase
from retrieval.list_heads import ListOf, list_heads
from retrieval.search import SearchOptions
from retrieval.tokenizer import ChineseTokenizer

TRAFFIC = """# 某市道路交通安全条例

第八十七条 交通警察对道路交通安全违法行为，应当及时纠正，依法给予处罚。

第八十八条 交通警察对道路交通安全违法行为给予的处罚种类包括：警告、罚款、暂扣或者吊销机动车驾驶证、拘留。

第八十九条 交通警察执行职务时，应当按照规定着装，佩带人民警察标志，持有人民警察证件。
"""

OFFICES = """# 某市机关办公用房管理办法

第十一条 党政机关办公用房配置方式包括调剂、置换、租用和建设。

第十二条 使用单位需要办公用房的，由机关事务管理部门优先整合现有办公用房资源调剂解决。
"""


@pytest.mark.parametrize(
    ("question", "heads"),
    [
        ("违反交规，交警能给哪几种处罚？", ("处罚",)),
        ("机关缺办公用房，一般有哪几种解决办法？", ("解决办法", "办法")),
        ("监委能给他哪几种政务处分？", ("政务处分", "处分")),
        ("哪些地方的老板得管好顾客的安全？", ("地方",)),
        ("意见提出的主要任务有哪些？", ("主要任务", "任务")),
        ("交通信号都包括哪些？", ("交通信号", "信号")),
        ("交规里说的交通信号，都包括哪些？", ()),  # the comma cuts the noun off: no head, no boost
        ("选民名单要在选举日前多少天公布？", ()),
    ],
)
def test_the_head_of_a_list_question(tokenizer: ChineseTokenizer, question: str, heads: tuple[str, ...]) -> None:
    assert list_heads(question, tokenizer) == heads


def test_a_list_of_the_head_is_told_from_a_mention(tokenizer: ChineseTokenizer) -> None:
    penalties = ListOf(["处罚"], lambda head: (), tokenizer.words)
    assert penalties.held_by("对违法行为的处罚种类包括：警告、罚款、暂扣或者吊销机动车驾驶证、拘留。")
    assert not penalties.held_by("交通警察应当及时纠正，依法给予处罚。")  # names it, lists nothing
    assert not penalties.held_by("处罚应当公正。警告、罚款由交通警察当场作出。")  # list and head in different clauses
    conduct = ListOf(["行为"], lambda head: (), tokenizer.words)
    assert not conduct.held_by("学校、幼儿园发现无民事行为能力人遭受家庭暴力的，应当报案。")  # 行为 inside a word


def test_the_thesaurus_word_for_the_head_counts(tokenizer: ChineseTokenizer) -> None:
    ways = ListOf(["办法"], lambda head: ("方式",) if head == "办法" else (), tokenizer.words)
    assert ways.held_by("党政机关办公用房配置方式包括调剂、置换、租用和建设。")


@pytest.fixture
def library(tmp_path: Path, tokenizer: ChineseTokenizer):
    kb = build_library(tmp_path, tokenizer, {"traffic.md": TRAFFIC, "offices.md": OFFICES})
    yield kb
    kb.close()


def test_the_passage_listing_the_asked_penalties_is_raised(library: KnowledgeBase) -> None:
    searcher = library.searcher
    chunks = {c.id: c for d in library.documents() for c in library.chunks_of(d.doc_id)}
    mentions = next(c for c in chunks.values() if "及时纠正" in c.text)
    lists = next(c for c in chunks.values() if "警告、罚款" in c.text)
    fused = [(mentions.id, 1.1), (lists.id, 1.0)]  # the mention leads on words
    question = "违反交规，交警能给哪几种处罚？"
    boosted = searcher._field_boosted(fused, chunks, question, SearchOptions(1.0, 0.0, list_boost=0.3))
    assert boosted == [(lists.id, 1.3), (mentions.id, 1.1)]
    unboosted = searcher._field_boosted(fused, chunks, question, SearchOptions(1.0, 0.0))
    assert unboosted == fused


def test_a_question_that_asks_no_list_is_not_raised(library: KnowledgeBase) -> None:
    searcher = library.searcher
    chunks = {c.id: c for d in library.documents() for c in library.chunks_of(d.doc_id)}
    tied = [(cid, 1.0) for cid in sorted(chunks)]
    boosted = searcher._field_boosted(tied, chunks, "处罚由谁作出？", SearchOptions(1.0, 0.0, list_boost=0.3))
    assert all(score == 1.0 for _, score in boosted)

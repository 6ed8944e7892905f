"""A rule that semicolons cut into sentences is answered whole up to its full stop: the condition and the first
consequence (医师应当提出医学意见；) say the question's words, the consequence asked for follows them."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_library import build_library

from retrieval.kb import KnowledgeBase
from retrieval.structured import rule_run

MATERNAL = "\n\n".join(
    [
        "# 中华人民共和国母婴保健法",
        "第八条 婚前医学检查包括对下列疾病的检查：（一）严重遗传性疾病；（二）指定传染病；（三）有关精神病。",
        "第九条 经婚前医学检查，对患指定传染病在传染期内或者有关精神病在发病期内的，医师应当提出医学意见；"
        "准备结婚的男女双方应当暂缓结婚。",
        "第十条 经婚前医学检查，对诊断患医学上认为不宜生育的严重遗传性疾病的，医师应当向男女双方说明情况，"
        "提出医学意见。",
    ]
)


def test_a_sentence_ending_in_a_semicolon_runs_on_to_the_full_stop() -> None:
    sentences = ["第九条 对患传染病在传染期内的，医师应当提出医学意见；", "双方应当暂缓结婚。", "第十条 其他。"]
    assert rule_run(sentences, 0) == (0, 2)
    assert rule_run(sentences, 1) == (1, 2)


def test_list_items_and_long_runs_stay_single_sentences() -> None:
    items = ["下列事项应当讨论：", "（一）甲；", "（二）乙；", "（三）丙。"]
    assert rule_run(items, 1) == (1, 2)  # an item: the whole list is list_run's
    assert rule_run(["第一条 甲应当如此；", "（一）乙；"], 0) == (0, 1)  # items follow: no rule goes on
    long = ["第一条 " + "甲" * 100 + "；", "乙" * 60 + "。"]
    assert rule_run(long, 0) == (0, 1)
    assert rule_run(["第一条 甲应当如此；"], 0) == (0, 1)  # the passage ends: nothing to run on to


@pytest.fixture
def maternal_library(tmp_path: Path):
    kb = build_library(tmp_path, files={"maternal.md": MATERNAL})
    yield kb
    kb.close()


def test_the_consequence_after_the_semicolon_is_in_the_answer(maternal_library: KnowledgeBase) -> None:
    answer = maternal_library.ask("未婚夫婚检查出有传染病，医生说还在传染期，我们下个月还能照原计划领证吗？")
    assert answer.found
    assert "暂缓结婚" in answer.text

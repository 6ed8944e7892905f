"""A question asking what a term covers finds the article defining it (“消防设施”包括哪些 → 消防设施，是指…)."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_library import build_library

from retrieval.answer import ExtractiveAnswerer
from retrieval.definitions import AskedTerms
from retrieval.kb import KnowledgeBase
from retrieval.tokenizer import ChineseTokenizer

QUESTION = "“消防设施”包括哪些？"
# Rules saying 消防设施 in short articles outrank the definition on words alone: it says the term once, among
# other terms, in a long article.
FIRE = "\n\n".join(
    [
        "# 消防管理办法（节选）",
        "第一条 单位应当对建筑消防设施每年至少进行一次全面检测。",
        "第二条 任何单位、个人不得损坏、挪用或者擅自拆除、停用消防设施、器材。",
        "第三条 住宅区的物业服务企业应当对管理区域内的共用消防设施进行维护管理。",
        (
            "第四条 本办法下列用语的含义：（一）消防设施，是指火灾自动报警系统、自动灭火系统、消火栓系统、防烟"
            "排烟系统以及应急广播和应急照明、安全疏散设施等。（二）消防产品，是指专门用于火灾预防、灭火救援和"
            "火灾防护、避难、逃生的产品。（三）公众聚集场所，是指宾馆、饭店、商场、集贸市场、客运车站候车室、"
            "客运码头候船厅、民用机场航站楼、体育场馆、会堂以及公共娱乐场所等。"
        ),
    ]
)

# 包括 is a word of the library, as in any real one (a library that never says it takes the question for off-topic)
MEETINGS = "# 会议规则（节选）\n\n第一条 会议议程包括审议工作报告和讨论年度计划。"


@pytest.fixture(scope="module")
def words() -> ChineseTokenizer:
    return ChineseTokenizer()


def test_the_asked_term_is_the_quoted_one(words: ChineseTokenizer) -> None:
    asked = AskedTerms.of(words, QUESTION)
    assert asked.terms == ("消防设施",)
    assert asked.defined_in("（一）消防设施，是指火灾自动报警系统")
    assert not asked.defined_in("单位应当对消防设施每年至少进行一次全面检测")


def test_a_question_not_asking_a_meaning_asks_no_term(words: ChineseTokenizer) -> None:
    assert not AskedTerms.of(words, "消防设施多久检测一次？")


@pytest.fixture
def fire_library(tmp_path: Path, words: ChineseTokenizer):
    kb = build_library(tmp_path, words, {"fire.md": FIRE, "meetings.md": MEETINGS})
    yield kb
    kb.close()


def test_the_definition_answers(fire_library: KnowledgeBase) -> None:
    """The rules that say 消防设施 in short articles outrank the definition on words; its sentence answers."""
    kb = fire_library
    assert kb.settings.definition_boost > 0
    answer = kb.ask(QUESTION)
    assert answer.found
    assert answer.text.startswith("第四条 本办法下列用语的含义：（一）消防设施，是指火灾自动报警系统")
    assert "消防产品" not in answer.text  # the term asked, not every term the article defines
    hits = kb.search(QUESTION, 5)
    settings = kb.settings.model_copy(update={"definition_boost": 0.0})
    plain = ExtractiveAnswerer(kb.tokenizer, settings, kb.thesaurus, kb.cilin, kb.answerer.refusal_model)
    draft = plain.draft(QUESTION, hits, kb.index.lexical(), kb.catalog.chunks_of)
    assert not draft.answer.text.startswith("第四条")

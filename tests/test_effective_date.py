"""When a law takes effect is asked in everyday verbs (什么时候开始实行, 哪天生效, 从哪天起执行); every law states
it one way, 本法自…起施行: asked with 什么时候 / 哪天, those verbs count as 施行."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_library import build_library, other_regulations

from retrieval.kb import KnowledgeBase
from retrieval.synonyms import Thesaurus
from retrieval.tokenizer import ChineseTokenizer

FIRE = "\n\n".join(
    [
        "# 中华人民共和国消防法",
        "第一条 为了预防火灾和减少火灾危害，加强应急救援工作，制定本法。",
        "第十条 对按照国家工程建设消防技术标准需要进行消防设计的建设工程，实行建设工程消防设计审查验收制度。",
        "第十五条 公众聚集场所投入使用、营业前消防安全检查实行告知承诺管理。",
        "第七十四条 本法自2009年5月1日起施行。",
    ]
)
TOPICS = ("全民阅读", "公共图书馆", "非物质文化遗产", "博物馆", "档案", "公共文化服务")
OTHERS = other_regulations(TOPICS, "本市实行{topic}工作责任制，执行统一的{topic}标准。")


@pytest.fixture
def fire_library(tmp_path: Path):
    kb = build_library(tmp_path, files={"fire.md": FIRE, **OTHERS})
    yield kb
    kb.close()


def test_the_verbs_count_as_shixing_only_when_a_date_is_asked(tokenizer: ChineseTokenizer) -> None:
    thesaurus = Thesaurus(tokenizer)
    asked = "消防法是什么时候开始实行的？"
    assert "施行" in thesaurus.for_question(asked).expand(tokenizer.tokenize(asked))
    not_a_date = "哪些建设工程实行消防设计审查验收制度？"
    assert thesaurus.for_question(not_a_date) is thesaurus


ASKED = ("消防法是什么时候开始实行的？", "消防法从哪天开始生效？", "消防法哪天起开始执行？")


@pytest.mark.parametrize("question", ASKED)
def test_a_laws_effective_date_is_found_whatever_verb_asks_it(fire_library: KnowledgeBase, question: str) -> None:
    assert fire_library.search(question, k=1)[0].chunk.text.startswith("第七十四条")
    answer = fire_library.ask(question)
    assert answer.found and "2009年5月1日" in answer.text

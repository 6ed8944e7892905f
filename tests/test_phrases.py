"""A passage that says a stretch of the question word for word is raised (填空: 团结和民主是…的（ ）)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from quiz_library import build_library

from retrieval.kb import KnowledgeBase
from retrieval.phrases import QuestionPhrases
from retrieval.tokenizer import ChineseTokenizer

BLANK = "团结和民主是中国人民政治协商会议的（  ）。"

# Short articles repeat the body's name, 团结 and 民主; the sentence that answers the blank sits in a long article
# where its words are diluted.
CHARTER = "\n\n".join(
    [
        "# 中国人民政治协商会议章程（节选）",
        (
            "第一条 中国人民政治协商会议是中国人民爱国统一战线的组织，中国人民政治协商会议是我国政治生活中发"
            "扬社会主义民主的重要形式。"
        ),
        (
            "第二条 中国人民政治协商会议全国委员会和地方委员会的工作原则是：坚持中国共产党领导，坚持大团结大"
            "联合，坚持发扬社会主义民主。"
        ),
        "第三条 中国人民政治协商会议以宪法为根本的活动准则，依照中国人民政治协商会议章程进行工作。",
        "第四条 中国人民政治协商会议各级组织要加强团结，发扬民主，中国人民政治协商会议委员要维护团结。",
        "第五条 中国人民政治协商会议倡导团结，维护民主，中国人民政治协商会议的民主监督是协商式监督。",
        (
            "第六条 各级委员会应当密切联系各界群众，反映社情民意，推进协商民主广泛多层制度化发展，在重大问题"
            "上深入调查研究，积极建言献策，开展民主监督，参与政治协商，做好团结联谊工作，不断加强自身建设，提"
            "高履职能力，为实现中华民族伟大复兴凝聚智慧和力量。团结和民主是中国人民政治协商会议的两大主题。各"
            "参加单位和个人要坚持大团结大联合，坚持求同存异，促进政党关系、民族关系、宗教关系、阶层关系、海内"
            "外同胞关系的和谐。"
        ),
    ]
)


@pytest.fixture(scope="module")
def tokenizer_for_phrases() -> ChineseTokenizer:
    return ChineseTokenizer()


def test_a_question_said_word_for_word_is_credited_whole(tokenizer_for_phrases: ChineseTokenizer) -> None:
    phrases = QuestionPhrases.of(tokenizer_for_phrases, BLANK)
    assert phrases.share_said("团结和民主是中国人民政治协商会议的两大主题。") == 1.0
    # the body's name alone is one word, the word legs' business
    assert phrases.share_said("中国人民政治协商会议是爱国统一战线的组织。") == 0.0


def test_a_short_collocation_is_no_phrase(tokenizer_for_phrases: ChineseTokenizer) -> None:
    """月内答复 and 国家主席 (two words) are in passages on anything: only runs of six characters count."""
    phrases = QuestionPhrases.of(tokenizer_for_phrases, "政协提案交给承办单位以后，得在几个月内答复？")
    assert phrases.share_said("并自交办之日起三个月内答复。") == 0.0


@pytest.fixture
def charter(tmp_path: Path, tokenizer: ChineseTokenizer):
    kb = build_library(tmp_path, tokenizer, {"charter.md": CHARTER})
    yield kb
    kb.close()


def test_the_blank_finds_the_sentence_that_says_it(charter: KnowledgeBase) -> None:
    """On words alone (the bigram leg, which also sees the stretch, set aside) 第四条 leads: it says 团结, 民主
    and the name in a short article; 第六条, which says the question's whole stretch, comes third."""
    words_only = replace(charter.searcher.defaults, bigram_weight=0.0)
    assert charter.searcher.defaults.phrase_boost > 0
    assert "两大主题" in charter.search(BLANK, 1, options=words_only)[0].chunk.text
    without = charter.search(BLANK, 1, options=replace(words_only, phrase_boost=0.0))[0]
    assert "两大主题" not in without.chunk.text

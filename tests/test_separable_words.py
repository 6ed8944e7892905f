"""A separable word said apart in a question (献完血, 当过兵, 离了婚) finds the texts that say it whole (献血)."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_library import build_library

from retrieval.kb import KnowledgeBase
from retrieval.tokenizer import ChineseTokenizer

BLOOD = "\n\n".join(
    [
        "# 献血管理办法（节选）",
        "第一条 国家实行无偿献血制度，提倡十八周岁至五十五周岁的健康公民自愿献血。",
        "第二条 血站对献血者每次采集血液量一般为二百毫升，最多不得超过四百毫升，两次采集间隔期不少于六个月。",
    ]
)
# what jieba makes of 上回献完血…才能再献 without the rejoined word: 回献, 完血, 再献 and 才能, said only here
TALENT = "\n\n".join(
    [
        "# 人才工作意见（节选）",
        "一、人才培养。坚持德才兼备，人尽其才，才能充分发挥各类人才的积极性。",
        "二、人才评价。以能力和业绩为导向，让各类人才的才能得到施展。",
        "三、人才流动。破除身份壁垒，才能人尽其才、才尽其用。",
    ]
)


@pytest.fixture(scope="module")
def words() -> ChineseTokenizer:
    return ChineseTokenizer()


@pytest.mark.parametrize(
    ("said_apart", "word"),
    [
        ("上回献完血", "献血"),
        ("他当过兵", "当兵"),
        ("离了婚", "离婚"),
        ("请个假", "请假"),
        ("受过伤", "受伤"),
        ("他当了三年兵", "当兵"),
        ("被判过刑", "判刑"),  # 被判 is a rare dictionary entry: it does not hold the verb
        ("无偿献过好几次血", "献血"),
    ],
)
def test_a_word_said_apart_is_a_token(words: ChineseTokenizer, said_apart: str, word: str) -> None:
    assert word in words.tokenize(said_apart)


@pytest.mark.parametrize(
    ("text", "not_a_word"),
    [
        ("一个人", "一人"),
        ("为了解决", "为解"),
        ("为了人民", "为人"),
        ("每个月", "每月"),
        ("做完工作", "做工"),
        ("第一次会议", "第会"),
        ("通过国家审查", "通国"),
        ("每三个月报告一次", "每月"),
        ("上一年年底", "上年"),
        # jieba's cut holds the verb or the noun in another word: 判处, 至少, 实行; 以上, 工作日, 家暴, 一次性
        ("判处十年以上有期徒刑", "处以"),
        ("每年至少一次将处理情况报告委托人", "少将"),
        ("国家实行九年义务教育制度", "行义"),
        ("自受理之日起五个工作日内", "起工"),
        ("挨了家暴去法院", "挨家"),
        ("发给其遗属一次性抚恤金", "属性"),
    ],
)
def test_a_particle_that_belongs_to_a_word_joins_nothing(words: ChineseTokenizer, text: str, not_a_word: str) -> None:
    assert not_a_word not in words.tokenize(text)


@pytest.fixture
def blood_library(tmp_path: Path, words: ChineseTokenizer):
    kb = build_library(tmp_path, words, {"blood.md": BLOOD, "talent.md": TALENT})
    yield kb
    kb.close()


def test_the_question_said_apart_is_answered_from_the_text_said_whole(blood_library: KnowledgeBase) -> None:
    answer = blood_library.ask("上回献完血，得隔多久才能再献？")
    assert answer.found
    assert "六个月" in answer.text
    assert answer.citations[0].chunk.title.startswith("献血")

"""A question word the domain thesaurus says otherwise (手机卡 → 电话卡) stands whole: the pieces jieba's search mode
cuts from it (手机) are no words of the question, and do not pull in passages about phones."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_library import build_library

from retrieval.kb import KnowledgeBase
from retrieval.synonyms import Thesaurus
from retrieval.tokenizer import ChineseTokenizer

PHONES_AT_SCHOOL = "\n\n".join(
    [
        "# 未成年人保护法（节选）",
        "第三十三条 未经学校允许，未成年学生不得将手机等智能终端产品带入课堂，带入学校的应当统一管理。",
        "第三十四条 学校应当合理安排未成年学生的学习时间，保障其休息、娱乐和体育锻炼的时间。",
    ]
)
PHONE_CARDS = "\n\n".join(
    [
        "# 反电信网络诈骗法（节选）",
        "第九条 电信业务经营者应当依法全面落实电话用户真实身份信息登记制度。",
        "第十条 办理电话卡不得超出国家有关规定限制的数量。",
        "第十一条 电信业务经营者对监测识别的涉诈异常电话卡用户应当重新进行实名核验。",
    ]
)


def test_the_pieces_of_a_word_the_thesaurus_knows_are_not_searched(tokenizer: ChineseTokenizer) -> None:
    tokens = tokenizer.tokenize("想办多少张手机卡就能办多少张吗")
    assert "手机" in tokens  # jieba's search mode cuts it…
    expanded = Thesaurus(tokenizer).expand(tokens)
    assert "手机" not in expanded  # …but 手机卡 is 电话卡 here
    assert "电话卡" in expanded


@pytest.fixture
def phone_library(tmp_path: Path, tokenizer: ChineseTokenizer):
    kb = build_library(tmp_path, tokenizer, {"minors.md": PHONES_AT_SCHOOL, "fraud.md": PHONE_CARDS})
    yield kb
    kb.close()


def test_a_question_on_phone_cards_is_answered_from_the_phone_card_rule(phone_library: KnowledgeBase) -> None:
    answer = phone_library.ask("手机卡能随便办吗？")
    assert answer.found
    assert "不得超出国家有关规定限制的数量" in answer.text
    assert "课堂" not in answer.text


PATIENTS = "\n\n".join(
    [
        "# 医疗条例（节选）",
        "第二十三条 医疗卫生人员不得泄露患者的隐私和个人信息。",
        "第二十四条 医疗卫生人员应当向患者说明病情和医疗措施。",
    ]
)


def test_an_entry_jieba_cuts_in_pieces_is_a_word_of_the_question(tokenizer: ChineseTokenizer) -> None:
    question = "医生把我的病情往外说，这样行吗？"
    assert "往外说" not in tokenizer.tokenize(question)  # jieba: 往外 说
    view = Thesaurus(tokenizer).for_question(question)
    assert view.phrases == ("往外说",)
    assert "泄露" in view.expand(tokenizer.tokenize(question))


@pytest.fixture
def patient_library(tmp_path: Path, tokenizer: ChineseTokenizer):
    kb = build_library(tmp_path, tokenizer, {"patients.md": PATIENTS})
    yield kb
    kb.close()


def test_a_question_said_in_a_phrase_is_answered_from_the_rule_it_means(patient_library: KnowledgeBase) -> None:
    answer = patient_library.ask("医生把我的病情往外说，这样行吗？")
    assert answer.found
    assert "不得泄露" in answer.text


ID_CARDS = "\n\n".join(
    [
        "# 居民身份证法（节选）",
        "第十条 申请领取居民身份证，应当填写《居民身份证申领登记表》，交验居民户口簿。",
        "第十五条 任何组织或者个人不得扣押居民身份证。",
    ]
)


def test_the_pieces_of_a_word_the_library_says_whole_weigh_less(tmp_path: Path, tokenizer) -> None:
    # 身份证 → 居民身份证: the whole words match the concept; their pieces 居民 and 身份 must not count it again
    from retrieval.query import PIECE_WEIGHT, weighted_query

    kb = build_library(tmp_path, tokenizer, {"id.md": ID_CARDS})
    try:
        lexical = kb.index.lexical()
        weights = weighted_query(
            "宾馆能扣我的身份证吗", tokenizer, lexical, kb.thesaurus.for_question("宾馆能扣我的身份证吗")
        )
        assert weights["居民身份证"] == 1.0 and weights["身份证"] == 1.0
        assert weights["居民"] == PIECE_WEIGHT < 1.0
        assert weights["身份"] == PIECE_WEIGHT  # the question's own 身份证 cut in pieces too
    finally:
        kb.close()

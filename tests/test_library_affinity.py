"""A question made of everyday Chinese the library rarely says (新买的手机需要贴膜吗) is off the library's subjects:
its words' share of the library against their share of everyday Chinese (jieba's counts) says so, and the shipped
refusal model weighs that."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from quiz_library import build_library

from retrieval.affinity import library_affinity, word_affinity
from retrieval.kb import KnowledgeBase
from retrieval.lexical import LexicalIndex
from retrieval.refusal import Evidence, RefusalModel
from retrieval.synonyms import Thesaurus
from retrieval.terms import weigh_terms
from retrieval.tokenizer import ChineseTokenizer

WAGES = "\n\n".join(
    [
        "# 劳动合同法（节选）",
        "第二十条 劳动者在试用期的工资不得低于本单位相同岗位最低档工资或者劳动合同约定工资的百分之八十。",
        "第三十条 用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。",
        "第三十一条 用人单位应当严格执行劳动定额标准，安排加班的，应当按照国家有关规定向劳动者支付加班费。",
        "第四十七条 经济补偿按劳动者在本单位工作的年限，每满一年支付一个月工资的标准向劳动者支付。",
        "第七十二条 非全日制用工小时计酬标准不得低于用人单位所在地人民政府规定的最低小时工资标准。",
        "第八十五条 用人单位未及时足额支付劳动报酬的，由劳动行政部门责令限期支付劳动报酬、加班费或者经济补偿。",
        "第九十条 劳动者违反本法规定解除劳动合同，给用人单位造成损失的，应当承担赔偿责任。",
        "第九十一条 未成年学生不得将手机带入课堂，学校应当统一管理。",
    ]
)


@pytest.fixture
def wage_library(tmp_path: Path):
    kb = build_library(tmp_path, files={"wages.md": WAGES})
    yield kb
    kb.close()


@pytest.fixture(scope="module")
def large_wage_index(tokenizer: ChineseTokenizer) -> LexicalIndex:
    """The wage articles repeated to 8,000 passages, 手机 in one: everyday text that size says it in several."""
    *wages, phones = [tokenizer.tokenize(text) for text in WAGES.split("\n\n")[1:]]
    rows = [(f"c{n}", f"d{n // 100}", wages[n % len(wages)]) for n in range(7999)] + [("c7999", "d80", phones)]
    return LexicalIndex.build(rows, generation=1, tokenizer_version=tokenizer.version)


def affinity_of(lexical: LexicalIndex, tokenizer: ChineseTokenizer, question: str) -> float:
    terms = weigh_terms(tokenizer.term_classes(question), lexical, Thesaurus(tokenizer))
    return library_affinity(terms, lexical, tokenizer.everyday_share)


def test_the_librarys_own_words_weigh_more_than_everyday_ones(wage_library: KnowledgeBase) -> None:
    lexical, share = wage_library.index.lexical(), wage_library.tokenizer.everyday_share
    assert share("手机") > 0 and share("工资") > 0  # everyday Chinese says both about as often…
    # …the library does not
    assert word_affinity("工资", lexical, share("工资")) > word_affinity("手机", lexical, share("手机")) > 0
    assert word_affinity("贴膜", lexical, share("贴膜")) is None  # expected in no passage, said in none: no sign


def test_an_everyday_question_is_off_a_large_librarys_subjects(
    large_wage_index: LexicalIndex, tokenizer: ChineseTokenizer
) -> None:
    assert affinity_of(large_wage_index, tokenizer, "新买的手机需要贴膜吗？") < 1.0
    assert affinity_of(large_wage_index, tokenizer, "试用期工资最低能给多少？") == 1.0
    assert affinity_of(large_wage_index, tokenizer, "？？？") == 1.0  # no word to compare: no sign either way


def test_a_small_library_gives_no_sign(wage_library: KnowledgeBase) -> None:
    # nine passages: 手机 is expected in far less than one of them, so saying it once or never tells nothing
    lexical = wage_library.index.lexical()
    assert affinity_of(lexical, wage_library.tokenizer, "新买的手机需要贴膜吗？") == 1.0


def test_the_domain_dictionarys_counts_are_no_everyday_chinese(tokenizer: ChineseTokenizer) -> None:
    # the user dictionary gives 书香政协 and 全国政协 a count of 100000 to keep them whole; everyday Chinese says the
    # first never and the second far less often than 手机
    assert tokenizer.everyday_share("书香政协") == 0
    assert 0 < tokenizer.everyday_share("全国政协") < tokenizer.everyday_share("手机")


def test_the_shipped_refusal_model_trusts_evidence_less_for_an_everyday_question() -> None:
    model = RefusalModel.load()
    assert model is not None and "affinity" in model.features
    evidence = Evidence(0.6, 0.6, 0.2, 1.0, 1.0, 0.0, 0.6, 1.0, 0.6, 0.2)
    assert model.probability(replace(evidence, affinity=0.3)) < model.probability(replace(evidence, affinity=1.0))

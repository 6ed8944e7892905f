"""A word the library says only inside longer words of another meaning (挂号 only in 挂号信) is no word of the
library: a question's 挂号 must not match registered mail, and counts as a word the library never uses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from quiz_library import open_library

from retrieval.inside_words import said_only_inside
from retrieval.kb import KnowledgeBase
from retrieval.query import weighted_query
from retrieval.terms import weigh_terms
from retrieval.tokenizer import ChineseTokenizer

POST = """# 邮政服务条例

第一条 邮政企业应当对挂号信给据投递，收件人签收。

第二条 用户交寄的电冰箱等大件物品，邮政企业可以要求用户自行包装。

第三条 严禁公车私用，邮政企业的车辆只能用于投递。
"""
SHOPS = """# 商场管理条例

第一条 商场应当在醒目位置公示商品价格。
"""
PEOPLE = """# 人物志

许申，字维之，广东海阳人。许申见其粗糙，遂改铸之。
"""
QUESTION = "去医院看专家门诊，挂号一次要多少钱？"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, tokenizer: ChineseTokenizer) -> Iterator[KnowledgeBase]:
    yield from open_library(
        tmp_path_factory, tokenizer, "inside", {"邮政.md": POST, "商场.md": SHOPS, "人物.md": PEOPLE}
    )


def test_a_prefix_of_a_compound_is_said_only_inside_it(library: KnowledgeBase) -> None:
    lexical, share = library.index.lexical(), library.tokenizer.everyday_share
    assert lexical.document_frequency("挂号") > 0  # jieba's search mode indexes the piece of 挂号信
    assert said_only_inside("挂号", QUESTION, lexical, share)
    assert not said_only_inside("挂号", "挂号信几天能到？", lexical, share)  # the question says the longer word itself


def test_a_head_or_a_half_of_a_phrase_keeps_its_sense(library: KnowledgeBase) -> None:
    lexical, share = library.index.lexical(), library.tokenizer.everyday_share
    assert lexical.document_frequency("冰箱") > 0 and lexical.document_frequency("公车") > 0
    assert not said_only_inside("冰箱", "冰箱能寄吗？", lexical, share)  # 电冰箱 is a kind of 冰箱
    assert not said_only_inside("公车", "公车能私用吗？", lexical, share)  # 公车私用 speaks of 公车


def test_a_name_is_never_judged_so(library: KnowledgeBase) -> None:
    """jieba's HMM glues the name to the next character (许申见); every passage naming 许申 holds that token too,
    but the name is what the question asks about (CMRC 2018 lost such questions from the top 5)."""
    lexical, share = library.index.lexical(), library.tokenizer.everyday_share
    assert lexical.document_frequency("许申") == lexical.document_frequency("许申见") > 0
    assert share("许申") == 0
    assert not said_only_inside("许申", "许申是哪里人？", lexical, share)
    assert weighted_query("许申是哪里人？", library.tokenizer, lexical)["许申"] > 0


def test_the_search_drops_it_and_the_answer_counts_it_unseen(library: KnowledgeBase) -> None:
    lexical, tokenizer = library.index.lexical(), library.tokenizer
    assert weighted_query(QUESTION, tokenizer, lexical).get("挂号", 0.0) == 0.0
    classes = tokenizer.term_classes(QUESTION)
    plain = weigh_terms(classes, lexical, refined=True)
    judged = weigh_terms(classes, lexical, refined=True, everyday_share=tokenizer.everyday_share, question=QUESTION)
    assert "挂号" not in plain.unseen and "挂号" in judged.unseen
    assert judged.weights["挂号"] > plain.weights["挂号"]  # the rarest evidence: what the library does not hold

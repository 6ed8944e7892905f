"""A question's word jieba cut across a word the library says (在外地摊上了官司 → 在外 / 地摊, 不讲理由 → 不讲理 /
由) is read as the library's word: jieba settles an ambiguous cut by everyday frequency, the library's words are
the better judge."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from quiz_library import open_library

from retrieval.kb import KnowledgeBase
from retrieval.misjoined import library_recut, recut, recut_classes
from retrieval.query import weighted_query
from retrieval.tokenizer import ChineseTokenizer

SHOPPING = """# 网络购物条例

第一条 经营者采用网络、电视、电话、邮购等方式销售商品，消费者有权自收到商品之日起七日内退货，且无需说明理由。

第二条 经营者提供商品或者服务，应当向消费者出具发票等购货凭证或者服务单据。

第三条 经营者不得以格式条款作出排除或者限制消费者权利的规定。
"""
LAWYERS = """# 律师执业条例

第一条 律师执业不受地域限制，可以在外地代理诉讼。

第二条 律师应当保守在执业活动中知悉的国家秘密、商业秘密。

第三条 律师不得在同一案件中为双方当事人担任代理人。
"""
TAXES = """# 税收征收条例

第一条 税由税务机关依照法律征收，任何单位和个人不得擅自减免。

第二条 税款可以按月交，也可以按季度交。

第三条 纳税人因有特殊困难，不能按期缴纳税款的，可以延期缴纳税款，但是最长不得超过三个月。
"""
QUESTION = "网上买的衣服到手不喜欢，不讲理由的话几天之内还能退？"
GLUED = "今年生意不好，税能不能缓一缓再交？"


def test_a_token_straddling_a_library_word_gives_way_to_it() -> None:
    says = {"外地", "代理", "律师"}.__contains__
    cut = recut("我在外地摊上了官司", ["我", "在外", "地摊", "上", "了", "官司"], says, lambda word: True)
    assert cut.misjoined == {"在外", "地摊"}
    assert cut.words == ("外地",)
    assert cut.tokens(["在外", "地摊", "官司"]) == ["官司", "外地"]


def test_a_commoner_word_is_not_recut_into_a_rarer_one() -> None:
    frequency = {"美国": 0.001, "国人": 0.0001}.get
    cut = recut("美国人来中国", ["美国", "人"], {"国人"}.__contains__, lambda word: True, lambda w: frequency(w, 0.0))
    assert not cut.misjoined


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, tokenizer: ChineseTokenizer) -> Iterator[KnowledgeBase]:
    yield from open_library(
        tmp_path_factory, tokenizer, "misjoined", {"购物.md": SHOPPING, "律师.md": LAWYERS, "税收.md": TAXES}
    )


def test_the_word_leg_and_the_answer_read_the_library_word(library: KnowledgeBase) -> None:
    lexical, tokenizer = library.index.lexical(), library.tokenizer
    assert "不讲理" in tokenizer.words(QUESTION)  # jieba's cut, which no text says
    weights = weighted_query(QUESTION, tokenizer, lexical)
    assert weights.get("理由") == 1.0 and "不讲理" not in weights
    classes = recut_classes(QUESTION, tokenizer, lexical)
    assert "理由" in classes and "不讲理" not in classes


def test_the_member_gets_the_seven_days(library: KnowledgeBase) -> None:
    answer = library.ask(QUESTION)
    assert answer.found
    assert "七日内退货" in answer.text


def test_a_noun_the_hmm_glued_to_a_modal_is_read_alone(library: KnowledgeBase) -> None:
    lexical, tokenizer = library.index.lexical(), library.tokenizer
    assert "税能" in tokenizer.words(GLUED)  # jieba's HMM: 税能 / 不能, a word no text says
    weights = weighted_query(GLUED, tokenizer, lexical)
    assert weights.get("税") == 1.0 and "税能" not in weights
    classes = recut_classes(GLUED, tokenizer, lexical)
    assert classes.get("税") == "noun" and "税能" not in classes  # no longer the heaviest, unseen noun


def test_a_unit_and_then_before_a_modal_is_no_word_of_talent_or_genius(library: KnowledgeBase) -> None:
    # 几个人才能办 counts people (人 | 才能办), 看多少天才行 days: jieba's 人才 / 天才 are no topic of the question
    lexical, tokenizer = library.index.lexical(), library.tokenizer
    asked = (
        ("起码得凑够几个人才能办？", "人才"),
        ("贴出来让大伙看多少天才行？", "天才"),
        ("起码要3人才能办吗？", "人才"),
    )
    for question, glued in asked:
        assert glued in tokenizer.tokenize(question)
        assert glued in library_recut(question, tokenizer, lexical).misjoined
        assert glued not in recut_classes(question, tokenizer, lexical)
    assert "人才" not in library_recut("单位缺人才能怎么办？", tokenizer, lexical).misjoined  # talent, asked


def test_a_one_character_verb_is_not_split_off(library: KnowledgeBase) -> None:
    lexical, tokenizer = library.index.lexical(), library.tokenizer
    assert "再交" in tokenizer.words(GLUED) and lexical.document_frequency("交") > 0
    cut = library_recut(GLUED, tokenizer, lexical)
    assert "再交" not in cut.misjoined and "交" not in cut.words  # 交 alone says too little to stand for it

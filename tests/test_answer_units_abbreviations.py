"""Issue 9, second round: abbreviations spelled out from the library's own words, answers that carry the asked unit,
and section answers only for headings that carry the question. Real jieba, bm25s and catalog on small libraries;
each test shows the behaviour with the lever and, where it is a switch, that the same question fails without it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_files

from library.files import uploads_from_paths
from library.service import Library
from retrieval.abbreviations import abbreviations_of, is_subsequence
from retrieval.answer_types import Asked, asked_units, has_unit
from retrieval.kb import KnowledgeBase
from retrieval.settings import Settings
from retrieval.synonyms import Thesaurus
from retrieval.tokenizer import ChineseTokenizer

VILLAGE = """# 某省村民自治条例

第一条 村民委员会由主任、副主任和委员共三至七人组成，村民委员会成员中应当有妇女成员。

第二条 村民委员会每届任期五年，届满应当及时举行换届选举。村民委员会成员可以连选连任。

第三条 村民委员会应当自新一届村民委员会产生之日起十日内完成工作移交。

第四条 村民委员会向村民会议、村民代表会议负责并报告工作。村民委员会每年至少报告一次工作。

第五条 推动村党组织书记通过法定程序兼任村委会主任，推动一肩挑。

第六条 家庭暴力受害人可以向人民法院申请人身安全保护令。

第七条 村民委员会应当协助做好家庭暴力的预防工作。
"""

CARD = """# 某市证件管理办法

第一条 公安机关应当自公民提交申请之日起六十日内发放证件。

第二条 十六周岁至二十五周岁的，发给有效期十年的证件；二十六周岁至四十五周岁的，发给有效期二十年的证件。

第三条 证件工本费由省人民政府价格主管部门规定。
"""

# Articles on other matters: in a real library 村民 and 委员会 are far from everywhere.
OTHER = "# 某市公共服务办法\n\n" + "\n\n".join(
    f"第{n}条 {text}"
    for n, text in enumerate(
        [
            "公共图书馆应当免费向公众开放阅览室和自习室。",
            "博物馆每周至少开放五天，节假日应当正常开放。",
            "公共文化设施管理单位应当公示服务项目和开放时间。",
            "公交车辆应当按照核定的线路、站点和时间运营。",
            "出租汽车经营者应当按照规定安装计价器和服务评价设备。",
            "城市道路照明设施由市政管理部门负责维护。",
            "公园绿地内禁止擅自搭建建筑物和构筑物。",
            "供水单位应当保证供水水质符合国家标准。",
        ],
        start=1,
    )
)

REPORT = """关于全市政协系统党的建设工作的调研报告

一、基本情况

全市政协系统坚持党组成员联系党员委员、党员委员联系党外委员、委员联系界别群众的“三联系”工作制度，委员联系群众更加经常。

二、工作建议

（一）加强党建示范引领

要把坚持党的全面领导摆在政协工作首位。

（二）创新党建引领机制

建立健全政协党建工作责任制。
"""


def build(tmp_path: Path, tokenizer: ChineseTokenizer, files: dict[str, str]) -> KnowledgeBase:
    write_files(tmp_path / "lib", files)
    settings = Settings(data_dir=tmp_path / "data", embedding_model="none")
    writer = Library(settings, tokenizer=tokenizer, embedder=None)
    writer.add_many(uploads_from_paths([tmp_path / "lib"], settings))
    writer.close()
    return KnowledgeBase(settings, tokenizer=tokenizer)


@pytest.fixture
def library(tmp_path: Path, tokenizer: ChineseTokenizer) -> KnowledgeBase:
    files = {"village.md": VILLAGE, "card.md": CARD, "report.txt": REPORT, "other.md": OTHER}
    kb = build(tmp_path, tokenizer, files)
    yield kb
    kb.close()


def view(kb: KnowledgeBase, **overrides: object) -> KnowledgeBase:
    return KnowledgeBase(kb.settings.model_copy(update=overrides), tokenizer=kb.tokenizer, embedder=None)


# -- abbreviations --------------------------------------------------------------------------------------------
def test_subsequence() -> None:
    assert is_subsequence("医保", "医疗保险") and is_subsequence("委会", "委员会")
    assert not is_subsequence("保医", "医疗保险")


def test_abbreviations_are_spelled_out_with_the_librarys_words(library: KnowledgeBase) -> None:
    table = abbreviations_of(library.index.lexical())
    assert table.expansions("村委会") == ("村民", "委员会")  # two words that occur together spell it
    assert table.alternatives("村委会") == (("村民委员会", "村民", "委员会"),)  # present when both words are
    assert table.expansions("家暴") == ("家庭暴力",)  # one word that spells it
    assert table.expansions("委员会") == ()  # a word the library uses often is no abbreviation
    assert table.expansions("红烧肉") == ()  # nor is a word it cannot spell


def without_domain_thesaurus(kb: KnowledgeBase, empty: Path) -> KnowledgeBase:
    """The library's own spellings alone (the domain thesaurus also knows 村委会 = 村民委员会)."""
    empty.write_text("", encoding="utf-8")
    kb.thesaurus = kb.searcher.thesaurus = Thesaurus(kb.tokenizer, empty)
    return kb


def test_an_abbreviation_finds_the_passages_that_spell_it_out(library: KnowledgeBase, tmp_path: Path) -> None:
    question = "村委会由几个人组成？"  # the library writes 村民委员会, and uses 村委会 once, in another article
    empty = tmp_path / "synonyms.txt"
    on = without_domain_thesaurus(view(library), empty).search(question, k=1)
    off = without_domain_thesaurus(view(library, abbreviations=False), empty).search(question, k=1)
    assert "三至七人" in on[0].chunk.text
    assert "三至七人" not in off[0].chunk.text


def test_an_abbreviation_counts_as_covered_by_its_spelled_out_form(library: KnowledgeBase) -> None:
    answer = library.ask("村委会由几个人组成？")
    assert answer.found and "三至七人" in answer.text


# -- units ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "sentence", "held"),
    [
        ("身份证能用多少年？", "发给有效期二十年的证件", True),
        ("身份证能用多少年？", "六十日内发放证件", False),  # a number of days does not answer 多少年
        ("身份证能用多少年？", "本办法自2004年1月1日起施行", False),  # a calendar year is no duration
        ("一共有多少名委员？", "城镇新增就业1200万人以上", True),
        ("一共有多少名委员？", "依照本法第六十八条处理", False),
        ("总理最多能连着当几届？", "连续任职不得超过两届", True),
        ("按工资的百分之几交？", "按职工工资总额的百分之二拨缴", True),
        ("罚多少钱？", "处二百元以下罚款", True),
        ("闯一次红灯要扣几分？", "一次记12分", True),  # measure words beyond money and time
        ("闯一次红灯要扣几分？", "不得少于三分之二", False),  # a fraction is no number of points
        ("身高最低要求是多少厘米？", "身高一百六十公分以上", True),
        ("身高最低要求是多少厘米？", "体重五十公斤以上", False),
        ("一年查处了多少起案件？", "查处案件三百余起", True),
        ("信访事项多少天办结？", "自受理之日起六十日之内办结", True),
        ("全会的议案要多少人赞成？", "应经全体委员过半数通过", True),  # a share of a body counts its people
        ("要多少人联名？", "五分之一以上的村民联名", True),
        ("多少天内答复？", "应经全体委员过半数通过", False),
    ],
)
def test_units(question: str, sentence: str, held: bool) -> None:
    assert has_unit(sentence, asked_units(question)) is held


def test_only_amount_questions_ask_for_units() -> None:
    assert Asked.of("村委会一届干几年？").units == ("年", "周年")
    assert Asked.of("有哪几种处分？").units == ()  # a list, not a number of 种
    assert Asked.of("政协的主要职能是什么？").units == ()


def test_the_answer_carries_the_asked_unit(library: KnowledgeBase) -> None:
    question = "三十岁的人新办的证件能用多少年？"
    answer = library.ask(question)
    assert answer.found and "二十年" in answer.text and "六十日" not in answer.text


def test_an_amount_question_without_the_amount_is_refused(library: KnowledgeBase) -> None:
    draft = library.answerer.draft(
        "证件工本费是多少钱？", library.search("证件工本费是多少钱？", k=5), library.index.lexical()
    )
    assert draft.evidence is not None and draft.evidence.unit_missing == 1.0
    assert not library.ask("证件工本费是多少钱？").found  # the text names who sets the fee, not the fee


# -- sections -------------------------------------------------------------------------------------------------
def test_a_heading_that_lacks_the_question_is_not_answered_with_its_sub_headings(library: KnowledgeBase) -> None:
    answer = library.ask("政协系统坚持的“三联系”工作制度是哪三个联系？")
    assert answer.found
    assert "党组成员联系党员委员" in answer.text
    assert "加强党建示范引领" not in answer.text


def test_a_heading_that_carries_the_question_is_still_answered_with_its_sub_headings(library: KnowledgeBase) -> None:
    answer = library.ask("调研报告提出了哪些工作建议？")
    assert "加强党建示范引领" in answer.text and "创新党建引领机制" in answer.text


# -- thesaurus phrases --------------------------------------------------------------------------------------------
def test_a_thesaurus_phrase_matches_its_pieces(library: KnowledgeBase) -> None:
    """政协 = 政治协商会议: the texts' 中国人民政治协商会议 yields 政治, 协商, 会议, never the token 政治协商会议."""
    from retrieval.synonyms import pieces, present

    text_tokens = set(library.tokenizer.tokenize("中国人民政治协商会议全国委员会的主要职能"))
    assert "政治协商会议" not in text_tokens
    (alternative,) = library.thesaurus.alternatives("政协")
    assert alternative == ("政治协商会议", "政治", "协商", "会议")  # 商会 straddles two pieces: no piece
    assert present(alternative, text_tokens)
    assert not present(alternative, set(library.tokenizer.tokenize("政治理论学习会议")))
    assert pieces("公务用车", library.tokenizer.tokenize("公务用车")) == ["公务", "用车"]

"""Issue 9: a question that names a document (个保法, 二十大报告, 2021年政府工作报告) is answered from it. Real jieba,
bm25s and catalog on a small library; the switch test shows the same question answered from another law without it."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_library import build_library

from retrieval.document_names import DocumentNames, Title, candidate_names, name_starts, spells, titles_of
from retrieval.kb import KnowledgeBase
from retrieval.tokenizer import ChineseTokenizer

PRIVACY = """# 中华人民共和国个人信息保护法

第一条 为了保护个人信息权益，规范个人信息处理活动，促进个人信息合理利用，根据宪法，制定本法。

第二十八条 敏感个人信息包括生物识别、宗教信仰、特定身份、医疗健康、金融账户、行踪轨迹等信息。

第七十四条 本法自2021年11月1日起施行。
"""

LABOUR = """# 中华人民共和国劳动合同法

第一条 为了完善劳动合同制度，明确劳动合同双方当事人的权利和义务，制定本法。

第九十七条 本法施行前已依法订立且在本法施行之日存续的劳动合同，继续履行；连续订立固定期限劳动合同的次数，\
自本法施行后续订固定期限劳动合同时开始计算。

第九十八条 本法自2008年1月1日起施行。
"""

CONGRESS = """# 高举中国特色社会主义伟大旗帜 为全面建设社会主义现代化国家而团结奋斗

——在中国共产党第二十次全国代表大会上的报告

同志们：现在，我代表第十九届中央委员会向大会作报告。

发挥人民政协作为专门协商机构作用，加强制度化、规范化、程序化等功能建设。
"""

CITY = """# 关于全市政协系统党的建设工作的调研报告

各级政协组织要发挥人民政协作为团结联谊的平台作用，市政协机关每年开展两次委员培训。
"""


@pytest.fixture
def library(tmp_path: Path, tokenizer: ChineseTokenizer) -> KnowledgeBase:
    kb = build_library(
        tmp_path, tokenizer, {"privacy.md": PRIVACY, "labour.md": LABOUR, "congress.md": CONGRESS, "city.md": CITY}
    )
    yield kb
    kb.close()


def never_everyday(_: str) -> bool:
    return False


def title(short: str, full: str | None = None) -> Title:
    return Title(short, full or short, short)


@pytest.mark.parametrize(
    ("name", "short", "named"),
    [
        ("宪法", "宪法", True),  # the whole title
        ("劳动合同法", "劳动合同法", True),
        ("合同法", "劳动合同法", True),  # a title's ending
        ("个保法", "个人信息保护法", True),  # a contraction that starts the title
        ("消法", "消费者权益保护法", True),
        ("党章", "中国共产党章程", True),  # 章 names a …章程
        ("政协章程", "中国人民政治协商会议章程", True),  # characters close together
        ("二十大报告", "在中国共产党第二十次全国代表大会上的报告", True),
        ("个保法", "劳动合同法", False),  # not its characters
        ("法", "宪法", False),
        ("报告", "调研报告", False),  # the kind alone
        ("政协报告", "关于全市政协系统党的建设工作的调研报告", False),  # neither starts it nor keeps close
        ("保护条例", "个人信息保护法", False),  # another kind of document
    ],
)
def test_which_names_spell_which_titles(name: str, short: str, named: bool) -> None:
    assert spells(name, title(short), never_everyday) is named


def test_an_everyday_word_names_no_document() -> None:
    assert spells("合同法", title("劳动合同法"), lambda word: word == "合同法")  # three characters in the title
    assert not spells("合法", title("劳动合法权益法"), lambda word: word == "合法")


def test_a_subtitle_line_of_the_opening_is_a_name_too() -> None:
    titles = titles_of([("d1", "高举旗帜 团结奋斗")], {"d1": "——在中国共产党第二十次全国代表大会上的报告\n同志们："})
    assert [t.short for t in titles] == ["在中国共产党第二十次全国代表大会上的报告"]  # the title ends in no kind


def test_a_name_starts_after_no_noun(tokenizer: ChineseTokenizer) -> None:
    names = DocumentNames([title("信访工作条例")], never_everyday)
    question = "中国共产党党组工作条例规定党组成员一般是几个人？"  # a regulation the library lacks
    assert names.named(question, name_starts(question, tokenizer.tagged_words(question))) == []
    question = "按信访工作条例，信访事项多久办结？"
    assert names.named(question, name_starts(question, tokenizer.tagged_words(question))) == ["信访工作条例"]


def test_a_name_said_with_a_demonstrative_names_the_document(tokenizer: ChineseTokenizer) -> None:
    names = DocumentNames([title("母婴保健法"), title("信访工作条例")], never_everyday)
    for question, named in [
        ("母婴保健这部法最早是从哪天开始执行的？", ["母婴保健法"]),
        ("信访工作这个条例对办理期限有什么规定？", ["信访工作条例"]),
        ("这部法最早是从哪天开始执行的？", []),  # no name before the demonstrative
        ("现在这版母婴保健法是哪天起实行的？", ["母婴保健法"]),  # …or after it: 这版 is no noun before the name
    ]:
        assert names.named(question, name_starts(question, tokenizer.tagged_words(question))) == named


def test_a_year_picks_that_years_report(tokenizer: ChineseTokenizer) -> None:
    names = DocumentNames(
        [title("政府工作报告", "政府工作报告（2021年）"), Title("r22", "政府工作报告（2022年）", "政府工作报告")],
        never_everyday,
    )
    for question, named in [
        ("2021年政府工作报告提出的增长目标是多少？", ["政府工作报告"]),
        ("政府工作报告提出的增长目标是多少？", ["政府工作报告", "r22"]),
        ("2025年政府工作报告提出的增长目标是多少？", []),  # a report the library lacks
    ]:
        assert names.named(question, name_starts(question, tokenizer.tagged_words(question))) == named


def test_a_named_law_answers_rather_than_another(library: KnowledgeBase) -> None:
    question = "个保法是哪天开始施行的？"  # shares 施行/开始 with the labour law's articles, nothing with the title
    assert [library.catalog.document(d).title for d in library.searcher.named_documents(question)] == [
        "中华人民共和国个人信息保护法"
    ]
    on = library.ask(question)
    assert on.found and "2021年11月1日" in on.text and "劳动合同" not in on.text
    off = KnowledgeBase(
        library.settings.model_copy(update={"named_boost": 0.0, "named_answer_bonus": 0.0}),
        tokenizer=library.tokenizer,
    ).ask(question)
    assert "劳动合同" in off.text.split("[1]")[0]  # the labour law's sentence leads


def test_a_report_named_by_its_congress_answers(library: KnowledgeBase) -> None:
    answer = library.ask("二十大报告给人民政协定了个什么角色？")
    assert answer.found and "专门协商机构" in answer.text
    assert answer.citations[0].chunk.title.startswith("高举中国特色社会主义伟大旗帜")


def test_inside_a_quoted_title_only_the_whole_title_is_a_name() -> None:
    question = "《监察法实施条例》是哪一年公布施行的？"
    assert [question[s:e] for s, e in candidate_names(question, range(len(question)))] == ["监察法实施条例"]


def test_a_question_quoting_a_document_the_library_lacks_is_refused_and_told_so(library: KnowledgeBase) -> None:
    question = "《个人信息保护法实施条例》是哪天开始施行的？"  # the law is in the library, its regulation is not
    assert library.searcher.missing_documents(question) == ["个人信息保护法实施条例"]
    answer = library.ask(question)
    assert not answer.found and "没有收录《个人信息保护法实施条例》" in answer.text
    assert library.ask("《个人信息保护法》是哪天开始施行的？").found  # quoted without 中华人民共和国: held
    assert library.searcher.missing_documents("《中华人民共和国个人信息保护法》是哪天开始施行的？") == []

"""What a stem keeps and what it is cited with: the clauses of a long sentence (who acts and what follows; a frame
such as 在…期间， only if room is left), the list or situation or year it belongs to; and the lists items come from."""

from __future__ import annotations

import re

from quiz.generate import MAX_STEM_CHARS, window

RECALL = (
    "在人民代表大会闭会期间，县级以上的地方各级人民代表大会常务委员会主任会议或者常务委员会五分之一以上组成人员联名，"
    "可以向常务委员会提出对由该级人民代表大会选出的上一级人民代表大会代表的罢免案。"
)
RELIGION = (
    "中国人民政治协商会议全国委员会和地方委员会宣传和协助贯彻执行国家的宗教信仰自由政策，支持政府依法管理宗教事务，"
    "坚持独立自主自办的原则，积极引导宗教与社会主义社会相适应，坚持我国宗教的中国化方向，"
    "团结宗教界爱国人士和宗教信仰者为祖国的建设和统一贡献力量。"
)


def kept(text: str, key: str) -> str:
    start = text.index(key)
    left, right = window(text, start, start + len(key), MAX_STEM_CHARS)
    assert left is not None
    return text[left:right]


def test_a_stem_keeps_the_predicate_rather_than_the_frame() -> None:
    stem = kept(RECALL, "五分之一")
    assert stem.endswith("罢免案。")  # without it the stem asks about a 联名 for nothing
    assert not stem.startswith("在人民代表大会闭会期间")


def test_a_stem_keeps_who_acts() -> None:
    assert kept(RELIGION, "宗教事务").startswith("中国人民政治协商会议全国委员会和地方委员会")


def test_a_short_sentence_is_kept_whole() -> None:
    text = "在闭会期间，常务委员会可以补选代表。"
    assert kept(text, "补选") == text


def test_a_sentence_pointing_to_another_article_is_not_used_alone() -> None:
    from quiz.generate import CROSS_REFERENCE

    assert CROSS_REFERENCE.search("对本条例第三十一条第六项规定的信访事项应当自受理之日起60日内办结。")
    assert CROSS_REFERENCE.search("依照本法第十二条的规定处理。")
    assert not CROSS_REFERENCE.search("信访事项应当自受理之日起60日内办结。")


def _sentences(text: str):
    from quiz.library import sentences_of
    from retrieval.types import Chunk

    chunk = Chunk("c1", "d1", text, "政府工作报告", ("二、总体要求",), None, None, 0)
    return sentences_of(chunk)


def test_an_item_of_a_list_is_cited_with_what_the_list_is_of() -> None:
    from quiz.generate import cited, list_frame

    targets = _sentences(
        "今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上；居民消费价格涨幅3%左右。"
    )
    prices = next(s for s in targets if "居民消费价格" in s.text)
    assert cited(prices, "居民消费价格涨幅____左右。").startswith("根据《政府工作报告》（今年发展主要预期目标），")
    seats = _sentences(
        "地方各级人民代表大会的代表名额，按照下列规定确定：（一）省的代表名额基数为三百五十名；"
        "（二）人口超过一千万的，不得超过一千名。"
    )
    assert list_frame(seats[-1]) == "地方各级人民代表大会的代表名额"  # the subject, not 按照下列规定确定


def test_a_sentence_of_no_list_has_no_frame() -> None:
    from quiz.generate import list_frame
    from quiz.text import claim_of

    plain = _sentences("全国委员会每届任期五年。全体会议每年举行一次。")
    assert list_frame(plain[1]) == ""
    speech = _sentences("各位代表：\n现在，我代表国务院，向大会报告政府工作，请予审议。")
    assert len(speech) == 2 and list_frame(speech[1]) == ""  # an address opens a speech, not a list
    stem = "根据《政府工作报告》（今年发展主要预期目标），居民消费价格涨幅____左右。"
    assert claim_of(stem) == "居民消费价格涨幅____左右。"


def test_a_sentence_inside_a_numbered_item_is_cited_with_the_item_it_belongs_to() -> None:
    """Blind review: “代表总名额不得超过____” without the level (省 or 乡) it is the ceiling of."""
    from quiz.generate import list_frame

    seats = _sentences(
        "地方各级人民代表大会的代表名额，按照下列规定确定：（一）省的代表名额基数为三百五十名，每十五万人可以增加一名代表；"
        "但是，代表总名额不得超过一千名；（二）乡的代表名额基数为四十五名；但是，代表总名额不得超过一百六十名。"
    )
    ceilings = [s for s in seats if "总名额" in s.text]
    assert [list_frame(s) for s in ceilings] == [
        "地方各级人民代表大会的代表名额：省的代表名额基数为三百五十名",
        "地方各级人民代表大会的代表名额：乡的代表名额基数为四十五名",
    ]


def test_a_conditional_sentence_is_cited_with_the_situation_it_continues() -> None:
    """Blind review: “如果只选一人，候选人应为____” is about another election (另行选举时), not any."""
    from quiz.generate import cited

    text = "另行选举时，根据在第一次投票时得票多少的顺序，确定候选人名单。如果只选一人，候选人应为二人。"
    alone = next(s for s in _sentences(text) if s.text.startswith("如果"))
    assert cited(alone, "如果只选一人，候选人应为____。").startswith("根据《政府工作报告》（另行选举时），")
    plain = _sentences("全国委员会每届任期五年。如遇非常情况，可以延长任期。")
    assert cited(plain[1], "如遇非常情况，可以延长____。").startswith("根据《政府工作报告》，")


def test_a_report_section_on_another_year_is_cited_with_that_year() -> None:
    """Blind review: 城镇新增就业1244万人 in the 2024 report's review of 2023 read as a 2024 figure."""
    from quiz.generate import cited
    from quiz.library import sentences_of
    from retrieval.types import Chunk

    def first_sentence(heading: str):
        chunk = Chunk("c1", "d1", "城镇新增就业1244万人。", "政府工作报告（2024年）", (heading,), None, None, 0)
        return sentences_of(chunk)[0]

    stem = "城镇新增就业____。"
    review = cited(first_sentence("一、2023年工作回顾"), stem)
    assert review.startswith("根据《政府工作报告（2024年）》（2023年工作回顾），")
    assert cited(first_sentence("二、2024年经济社会发展总体要求"), stem).startswith("根据《政府工作报告（2024年）》，")


def test_a_list_item_too_long_to_be_an_option_does_not_end_the_list(tokenizer) -> None:
    """政协章程 第四十四条: its third power is a long clause; the list went on after it, and was cut to two members
    (the 章程 gave no 多选 at all); nor is the list a set phrase because its intro names one (中国人民政治协商会议)."""
    from quiz.generate import inside_set_phrase
    from quiz.library import Analyzer

    powers = _sentences(
        "中国人民政治协商会议全国委员会全体会议行使下列职权：\n（一）修改章程，监督章程的实施；\n（二）选举全国委员会的主席和常务委员；\n"
        "（三）协商讨论国家的大政方针以及经济建设、政治建设、文化建设、社会建设中的重要问题，提出建议和批评；\n"
        "（四）听取和审议常务委员会的工作报告；\n（五）讨论本会重大工作原则并作出决议。"
    )
    (group,) = [g for g in Analyzer(tokenizer).lists(powers) if g.vertical]
    assert group.texts == (
        "修改章程",
        "选举全国委员会的主席和常务委员",
        "听取和审议常务委员会的工作报告",
        "讨论本会重大工作原则并作出决议",
    )
    assert not inside_set_phrase(group)


ELECTIONS = """# 选举工作规定

第一条 选举委员会履行下列职责：
（一）划分选举本级代表的选区；
（二）进行选民登记，审查选民资格；
（三）确定选举日期并予以公布。

第二条 选民小组承担下列任务：
（一）组织选民讨论代表候选人；
（二）协助选举委员会发放选民证；
（三）向选民宣传选举法律法规。
"""

PETITION_DUTIES = """# 信访部门工作规定

第一条 信访部门履行下列职责：
（一）受理、转送、交办信访事项；
（二）督促检查重要信访事项的处理和落实；
（三）承担本级党委和政府交办的其他事项。
"""


def test_a_numbered_list_draws_its_wrong_options_from_its_own_document(tmp_path, tokenizer) -> None:
    """Blind review: a 信访 body's duties offered among an election committee's are absurd at sight."""
    from quiz_library import build_library, items_over_seeds

    kb = build_library(tmp_path, tokenizer, {"elections.md": ELECTIONS, "petitions.md": PETITION_DUTIES})
    try:
        items = items_over_seeds(kb, "选举工作规定", {"多选": 1})
    finally:
        kb.close()
    options = {option for item in items for option in item.options}
    petitions = {re.split("[，；。]", line[3:])[0] for line in PETITION_DUTIES.splitlines() if line.startswith("（")}
    assert not options & petitions  # no list of 职责 in its own text: no item rather than another text's duties


def test_a_sentence_without_its_subject_is_not_used_alone() -> None:
    """Blind review rejected “在代表大会闭会期间，须经常务委员会组成人员的过半数通过” as a statement: of what?"""
    from quiz.generate import _Run

    orphan, whole = _sentences(
        "在代表大会闭会期间，须经常务委员会组成人员的过半数通过。在闭会期间，常务委员会可以补选代表。"
    )
    assert not _Run.usable(orphan)
    assert _Run.usable(whole)


def test_a_number_its_heading_names_is_a_period_name_not_a_fact() -> None:
    """新时代十年 under “一、过去五年的工作和新时代十年的伟大变革” became “新时代三年的伟大变革” in a 判断 item."""
    from quiz.generate import named_by_heading
    from quiz.library import sentences_of
    from quiz.spans import Span
    from retrieval.types import Chunk

    text = "新时代十年的伟大变革，具有里程碑意义。研发经费支出从一万亿元增加到二万八千亿元。"
    chunk = Chunk("c1", "d1", text, "二十大报告", ("一、过去五年的工作和新时代十年的伟大变革",), None, None, 0)
    period, spending = sentences_of(chunk)

    def span(sentence, key: str) -> Span:
        start = sentence.text.index(key)
        return Span(start, start + len(key), key, "number", "年")

    assert named_by_heading(span(period, "十年"), period)
    assert not named_by_heading(span(spending, "一万亿元"), spending)


def test_a_sentence_naming_what_the_one_before_said_is_not_used_alone() -> None:
    """Blind review (session 11): “这一思想是…” — which 思想?"""
    from quiz.generate import _Run

    pointing, plain = _sentences("这一思想是当代中国马克思主义。委员应当认真学习党的创新理论。")
    assert not _Run.usable(pointing)
    assert _Run.usable(plain)

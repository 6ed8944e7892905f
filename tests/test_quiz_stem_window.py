"""The clauses of a long sentence a stem keeps: who acts and what follows; a frame (在…期间，) only if room is left."""

from __future__ import annotations

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

    targets = _sentences("今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上；居民消费价格涨幅3%左右。")  # noqa: E501
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

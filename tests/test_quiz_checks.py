"""Each check rejects a crafted bad item, and a good item passes them all."""

from __future__ import annotations

import pytest

from quiz.checks import check_item, check_items
from quiz.model import BLANK, FALSE, TRUE, QuizItem, Source
from quiz.verdict import REWORDED_WARNING, STATED_BUT_FALSE, Verdict, judge, reworded_problems

PASSAGE = "第四条 信访事项应当自受理之日起60日内办结。情况复杂的，延长期限不得超过30日。"
OTHER = "第九条 复查机构应当自收到复查请求之日起90日内提出复查意见。"
START = PASSAGE.index("60日")


def single(**changes: object) -> QuizItem:
    item = QuizItem(
        type="单选",
        stem=f"信访事项应当自受理之日起{BLANK}内办结。",
        answer="B",
        options=("30日", "60日", "90日", "120日"),
        explanation="原文：信访事项应当自受理之日起60日内办结。",
        source=Source("d1", "信访工作条例", ("第四条",), "", "c1", PASSAGE, ((START, START + 3),)),
    )
    return item.with_changes(**changes)


def test_a_well_made_item_passes() -> None:
    assert check_item(single()) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"answer": "E"}, "答案「E」不在选项中"),
        ({"answer": "BC"}, "单选题必须恰有一个正确答案"),
        ({"options": ("30日", "60日", "６０ 日", "120日")}, "选项「60日」与「６０ 日」实质相同"),
        ({"options": ("30日", "45日", "90日", "120日")}, "答案「45日」不在出处段落中"),
        ({"stem": f"信访事项应当自登记之日起{BLANK}内办结。"}, "题干填入答案后与出处原文不符"),
        ({"stem": "信访" * 120 + BLANK}, "题干长度应在"),
        ({"options": ("30日", "60日")}, "单选题应有 3–6 个选项"),
        ({"source": Source()}, "没有出处段落"),
    ],
)
def test_a_bad_single_choice_is_rejected(changes: dict, problem: str) -> None:
    assert any(problem in p for p in check_item(single(**changes))), check_item(single(**changes))


def test_a_distractor_that_also_fits_the_passage_is_rejected() -> None:
    passage = PASSAGE + "特殊信访事项应当自受理之日起30日内办结。"
    item = single(source=Source("d1", "信访工作条例", (), "", "c1", passage, ((START, START + 3),)))
    assert check_item(item) == ["选项「30日」填入后也是资料原文，不止一个正确答案"]


def test_fill_in_blank_needs_one_answer_per_blank() -> None:
    item = QuizItem(
        type="填空", stem=f"信访事项应当自受理之日起{BLANK}内办结，延长不得超过{BLANK}。", answer="60日",
        source=single().source,
    )  # fmt: skip
    assert check_item(item) == [f"题干有 2 处空（{BLANK}），答案有 1 项（多个空用 | 分隔）"]


def test_true_or_false_must_match_the_passage() -> None:
    base = QuizItem(
        type="判断",
        stem="根据《信访工作条例》，信访事项应当自受理之日起60日内办结。",
        answer=TRUE,
        options=(TRUE, FALSE),
        explanation="原文：信访事项应当自受理之日起60日内办结。",
        source=single().source,
    )
    assert check_item(base) == []
    assert check_item(base.with_changes(answer=FALSE)) == ["判断题答案为“错误”，但陈述与资料原文一致"]
    changed = base.with_changes(stem="根据《信访工作条例》，信访事项应当自受理之日起90日内办结。")
    assert check_item(changed) == ["判断题答案为“正确”，但陈述在出处段落中找不到"]
    assert check_item(changed.with_changes(answer=FALSE)) == []
    assert check_item(base.with_changes(answer="对")) == ["判断题的答案应为“正确”或“错误”，现为「对」"]


def test_multiple_choice_distractors_must_not_be_in_the_list() -> None:
    passage = (
        "第五条 信访工作应当遵循下列原则：（一）坚持党的全面领导；（二）坚持以人民为中心；（三）坚持落实信访工作责任。"
    )
    item = QuizItem(
        type="多选",
        stem="根据《信访工作条例》，信访工作应当遵循下列哪些原则？（多选）",
        answer="AB",
        options=("坚持党的全面领导", "坚持以人民为中心", "坚持落实信访工作责任", "坚持依法按政策解决问题"),
        explanation="原文：" + passage,
        source=Source("d1", "信访工作条例", (), "", "c1", passage),
    )
    assert check_item(item) == ["干扰项「坚持落实信访工作责任」也出现在出处段落中，可能也是正确答案"]
    assert check_item(item.with_changes(answer="ABC")) == []
    assert check_item(item.with_changes(answer="A")) == ["多选题至少要有两个正确答案"]


def test_near_duplicate_stems_are_dropped_across_types() -> None:
    fill = QuizItem(type="填空", stem=single().stem, answer="60日", source=single().source)
    report = check_items([single(), fill])
    assert report.kept == (single(),)
    assert report.rejected == ((fill, ("与第 1 题重复或几乎相同",)),)
    assert report.pass_rate == 0.5


def test_the_edit_verdict_warns_of_a_reworded_stem_and_refuses_what_the_checks_would() -> None:
    """judge: a trainer's rewording is kept with a warning while the item stays checkable in its passage's clause."""
    assert judge(single()) == Verdict()
    reworded = single(stem=f"信访事项须在受理后{BLANK}内办结。")
    assert judge(reworded) == Verdict(warnings=(REWORDED_WARNING,)) and reworded_problems(reworded) == []
    rival = "第四条 一般规定。信访事项应当自受理之日起60日内办结。第五条 特别规定：信访事项应当自受理之日起30日内办结。"
    start = rival.index("60日")  # the passage's clause around the key, with 30日 in its place, is the passage too
    both = reworded.with_changes(source=Source("d1", "信访工作条例", (), "", "c1", rival, ((start, start + 3),)))
    assert judge(both).refusals == ("选项「30日」填入后也是资料原文，不止一个正确答案",)
    stated = QuizItem(
        type="判断", stem="依据本条例第四条，信访事项应当自受理之日起60日内办结。", answer=FALSE, options=(TRUE, FALSE),
        explanation="原文：信访事项应当自受理之日起60日内办结。", source=single().source,
    )  # fmt: skip
    assert judge(stated) == Verdict((STATED_BUT_FALSE,))

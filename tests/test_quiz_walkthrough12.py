"""Defects of walkthrough 12: an edit that made an item false was saved with a wording warning (30日 made 60日 in a
正确 判断, 领导成员 made 非领导成员 in a 单选), and a distractor was the key in other words (专门委员会 for 专委会,
各专委会 typed in by a trainer)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from quiz_library import QUIZ_LIBRARY, build_library, doc_id

from quiz import distractors
from quiz.checks import check_item
from quiz.editing import apply_edit
from quiz.generate import QuizGenerator
from quiz.model import BLANK, FALSE, TRUE, QuizError, QuizItem, Source
from quiz.verdict import REWORDED_WARNING, judge
from retrieval.kb import KnowledgeBase
from retrieval.tokenizer import ChineseTokenizer

CIVIL_SERVANTS = """# 中华人民共和国公务员法

第三十八条 领导成员的考核由主管机关按照有关规定办理。

第三十九条 公务员辞去公职，应当向任免机关提出书面申请。
"""

PERSIMMONS = """关于县政协助力产业发展的调研报告

县政协围绕包抓的柿子产业，采取党组和班子成员包片、各专委会包镇、政协委员包户的网格化管理方式，协助县政府破解柿子产业发展难题。

政协常务委员会每年听取一次工作汇报。

专门委员会负责联系界别群众。
"""

PETITION_RULES = "信访事项办理规定"
REVIEW = "复核机构应当自收到复核请求之日起90日内提出复核意见。"
APPRAISAL = "领导成员的考核由主管机关按照有关规定办理。"


@pytest.fixture
def kb(tmp_path: Path, tokenizer: ChineseTokenizer) -> Iterator[KnowledgeBase]:
    files = {**QUIZ_LIBRARY, "civil.md": CIVIL_SERVANTS, "persimmons.txt": PERSIMMONS}
    handle = build_library(tmp_path, tokenizer, files)
    yield handle
    handle.close()


def chunk_saying(kb: KnowledgeBase, title: str, words: str):
    return next(c for c in kb.chunks_of(doc_id(kb, title)) if words in c.text)


def true_statement(kb: KnowledgeBase, title: str, sentence: str) -> tuple[QuizItem, object]:
    chunk = chunk_saying(kb, title, sentence)
    start = chunk.text.index(sentence)
    item = QuizItem(
        "判断", f"根据《{title}》，{sentence}", TRUE, (TRUE, FALSE), f"原文：{sentence}",
        source=Source.of_chunk(chunk, ((start, start + len(sentence)),)), origin="manual",
    )  # fmt: skip
    return item, chunk


def appraisal_choice(kb: KnowledgeBase) -> tuple[QuizItem, object]:
    chunk = chunk_saying(kb, "中华人民共和国公务员法", APPRAISAL)
    start = chunk.text.index("主管机关")
    item = QuizItem(
        "单选", f"根据《中华人民共和国公务员法》，领导成员的考核由{BLANK}按照有关规定办理。", "A",
        ("主管机关", "上级机关", "审判机关", "检察机关"), f"原文：{APPRAISAL}",
        source=Source.of_chunk(chunk, ((start, start + 4),)), origin="manual",
    )  # fmt: skip
    return item, chunk


# --- 1. an edit that makes an item false ----------------------------------------------------------------------------
def test_a_true_statement_whose_number_is_changed_is_refused(kb) -> None:
    item, chunk = true_statement(kb, PETITION_RULES, REVIEW)
    library = QuizGenerator(kb).library()
    assert judge(item, library).refusals == ()
    with pytest.raises(QuizError, match="题干中的“60日”与原文“90日”不符"):
        apply_edit(item, item.with_changes(stem=item.stem.replace("90日", "60日")), chunk, library)
    # the same number in other words, in another order, without its framing: a rewording, kept with a warning
    for stem in (
        "复核机构须在收到复核请求后九十日内提出复核意见。",
        "复核意见应当由复核机构自收到复核请求之日起90天内提出。",
        "根据本规定，复核机构应当在收到复核请求后的90日以内提出复核意见。",
    ):
        assert apply_edit(item, item.with_changes(stem=stem), chunk, library).warnings == (REWORDED_WARNING,), stem
    # the opposite edit stays refused: a 错误 statement that says the passage's words
    with pytest.raises(QuizError, match="陈述与资料原文一致"):
        apply_edit(item, item.with_changes(answer=FALSE), chunk, library)


def test_a_negation_or_another_body_put_in_a_true_statement_is_refused(kb) -> None:
    item, chunk = true_statement(kb, "中华人民共和国公务员法", APPRAISAL)
    library = QuizGenerator(kb).library()
    for stem, reason in (
        ("非领导成员的考核由主管机关按照有关规定办理。", "题干中的“非领导成员”与原文“领导成员”不符"),
        ("领导成员的考核不由主管机关按照有关规定办理。", "题干中的“不由主管机”与原文“由主管机”不符"),
        ("领导成员的考核由任免机关按照有关规定办理。", "题干中的“任免机关”与原文“主管机关”不符"),
        ("领导成员的考核由上级主管机关按照有关规定办理。", "题干中的“上级主管机关”与原文“主管机关”不符"),
    ):
        with pytest.raises(QuizError, match=reason):
            apply_edit(item, item.with_changes(stem=stem), chunk, library)
    for stem in ("领导成员的考核，依照有关规定由主管机关办理。", "领导成员的考核由有关主管机关按照有关规定办理。"):
        assert apply_edit(item, item.with_changes(stem=stem), chunk, library).warnings == (REWORDED_WARNING,), stem


def test_a_single_choice_whose_stem_is_negated_is_refused_while_its_key_stands(kb) -> None:
    item, chunk = appraisal_choice(kb)
    library = QuizGenerator(kb).library()
    assert check_item(item, library) == []
    negated = item.stem.replace("领导成员", "非领导成员")
    with pytest.raises(QuizError, match="题干中的“非领导成员”与原文“领导成员”不符"):
        apply_edit(item, item.with_changes(stem=negated), chunk, library)
    with pytest.raises(QuizError, match="题干中的“非领导成员”与原文“领导成员”不符"):  # 填空 alike
        blank = QuizItem("填空", negated, "主管机关", explanation=item.explanation, source=item.source)
        apply_edit(blank.with_changes(stem=item.stem), blank, chunk, library)
    reworded = f"领导成员的考核，由{BLANK}依照有关规定办理。"
    assert apply_edit(item, item.with_changes(stem=reworded), chunk, library).warnings == (REWORDED_WARNING,)


def test_a_bound_turned_the_other_way_is_refused_and_said_otherwise_is_kept() -> None:
    passage = "第三十条 情况复杂的，经本机关负责人批准，可以适当延长办结期限，但延长期限不得超过30日。"
    original = passage.removeprefix("第三十条 ")
    source = Source("d1", "信访工作条例", ("第三十条",), "", "c1", passage, ((6, len(passage)),))
    item = QuizItem("判断", original, TRUE, (TRUE, FALSE), f"原文：{original}", source=source)
    assert judge(item).refusals == ()
    for stem, reason in (
        ("情况复杂的，经本机关负责人批准，可以适当延长办结期限，但延长期限可以超过30日。", "“超过”与原文“不得超过”"),
        (
            "情况复杂的，经本机关负责人批准，可以适当延长办结期限，但延长期限不得超过三十五日。",
            "“三十五日”与原文“30日”",
        ),
        (
            "情况复杂的，经上级机关负责人批准，可以适当延长办结期限，但延长期限不得超过30日。",
            "“上级机关”与原文“本机关”",
        ),
    ):
        assert any(reason in r for r in judge(item.with_changes(stem=stem)).refusals), stem
    for stem in (
        "情况复杂的，经本机关负责人批准，可以适当延长办结期限，但延长期限最多30日。",
        "情况复杂的，经本机关负责人批准，可以适当延长办结期限，但延长期限禁止超过三十天。",
        "经本机关负责人批准，情况复杂的可以适当延长办结期限。",  # a clause dropped, its number with it
    ):
        assert judge(item.with_changes(stem=stem)).warnings == (REWORDED_WARNING,), stem


# --- 2. a distractor that is the key in other words -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        ("专委会", "专门委员会", True),
        ("专委会", "各专委会", True),
        ("各专门委员会", "专委会", True),
        ("本机关", "该机关", True),
        ("有关部门", "部门", True),
        ("人民代表大会的常务委员会", "人大常委会", True),
        ("各级人民政府", "本级人民政府", False),  # levels, not pointers
        ("常务委员会", "专门委员会", False),
        ("中央委员会", "中央纪律检查委员会", False),  # no rule beyond the thesaurus: 中央委员会 is no 中央纪委
    ],
)
def test_an_abbreviation_or_a_pointer_leaves_one_answer(left: str, right: str, same: bool) -> None:
    from quiz.text import same_answer  # the thesaurus's abbreviations (retrieval/data/synonyms.txt)

    assert same_answer(left, right) is same


def test_a_single_choice_offering_the_key_in_other_words_is_refused(kb) -> None:
    chunk = chunk_saying(kb, "关于县政协助力产业发展的调研报告", "包镇")
    start = chunk.text.index("专委会")
    item = QuizItem(
        "单选", f"县政协采取党组和班子成员包片、各{BLANK}包镇、政协委员包户的网格化管理方式。", "A",
        ("专委会", "常务委员会", "全国委员会", "地方委员会"), source=Source.of_chunk(chunk, ((start, start + 3),)),
    )  # fmt: skip
    library = QuizGenerator(kb).library()
    assert judge(item, library).refusals == ()
    for distractor in ("专门委员会", "各专委会"):
        edited = item.with_changes(options=(item.options[0], distractor, *item.options[2:]))
        assert check_item(edited, library) == [f"选项「专委会」与「{distractor}」实质相同"]
        with pytest.raises(QuizError, match="实质相同"):
            apply_edit(item, edited, chunk, library)


def test_the_full_name_of_the_key_is_never_drawn_as_a_distractor(kb) -> None:
    generator = QuizGenerator(kb)
    library = generator.library()
    sentence = next(s for s in PERSIMMONS.splitlines() if "包镇" in s)
    span = next(s for s in generator.analyzer.spans(sentence) if s.text == "专委会")
    pool = distractors.candidates(span, library, random.Random(0), sentence[: span.start], sentence[span.end :])
    assert "专门委员会" in pool  # the library's term of the same kind …
    chosen = distractors.choose(span.text, pool, sentence, lambda d: False)
    assert chosen and "专门委员会" not in chosen  # … is the key's full name: no distractor
    assert distractors.names_the_same("专门委员会", "专委会") and not distractors.names_the_same("常务委员会", "专委会")

"""Faults the session-9 blind review named (41 of 90 items kept; 判断 11/25, 填空 4/15): kinds that took every shared
sentence, true statements that are true by their tone, items that give one another away."""

from __future__ import annotations

from pathlib import Path

from quiz_library import build_library, doc_id, items_over_seeds

from quiz.checks import fact_of, gives_away
from quiz.generate import Material, QuizGenerator, QuizRequest
from quiz.model import FALSE, TRUE, QuizItem, Source
from retrieval.tokenizer import ChineseTokenizer

TERMS = """# 委员会议规定

第一条 全国委员会每届任期五年，委员可以连任。

第二条 全体会议每年举行一次，由常务委员会召集。

第三条 常务委员会会议一般每半年举行一次，必要时可以临时召开。

第四条 提案应当在会议闭幕后三个月内办复，并向提案人书面答复。

第五条 专门委员会组织视察，每次视察时间一般不超过七天。

第六条 委员连续二次无故不出席全体会议的，应当书面说明理由。
"""


def test_kinds_take_turns_at_the_sentences_they_share(tmp_path: Path, tokenizer: ChineseTokenizer) -> None:
    """Every sentence holds a number: 判断 filled whole first took all of them and left 单选 none."""
    kb = build_library(tmp_path, tokenizer, {"terms.md": TERMS})
    try:
        request = QuizRequest((Material(doc_id(kb, "委员会议规定")),), {"判断": 6, "单选": 3}, 0)
        result = QuizGenerator(kb).generate(request)
    finally:
        kb.close()
    assert result.produced["单选"] >= 2 and result.produced["判断"] >= 2


SLOGANS = """# 履职学习材料

第一条 各级政协组织要坚持用党的创新理论凝心铸魂，不断增强政治判断力、政治领悟力、政治执行力。

第二条 各级政协组织要坚持团结和民主两大主题，广泛凝聚共识，不断巩固共同思想政治基础。

第三条 政协委员要坚持为国履职、为民尽责，不断提高政治把握能力和调查研究能力。

第四条 全国委员会每届任期五年，常务委员会会议一般每半年举行一次。

第五条 提案应当在会议闭幕后三个月内办复，并书面答复提案人。
"""


def test_a_true_statement_is_a_fact_that_could_have_been_false(tmp_path: Path, tokenizer: ChineseTokenizer) -> None:
    """Slogans are 正确 by their tone (blind review: 9 of 25 判断 rejected as such): the fact is judged first."""
    kb = build_library(tmp_path, tokenizer, {"slogans.md": SLOGANS})
    try:
        items = items_over_seeds(kb, "履职学习材料", {"判断": 2})
    finally:
        kb.close()
    assert len(items) == 8 and {item.answer for item in items} == {TRUE, FALSE}
    assert all("全国委员会每届任期" in item.stem or "会议闭幕后" in item.stem for item in items)


def _judgement(statement: str, original: str) -> QuizItem:
    answer = TRUE if statement == original else FALSE
    return QuizItem(
        type="判断",
        stem=f"根据《章程》，{statement}",
        answer=answer,
        options=(TRUE, FALSE),
        explanation=f"原文：{original}",
        source=Source(),
        kind="original" if answer == TRUE else "term-swap",
    )


def test_a_true_statement_gives_away_the_false_one_of_the_same_fact() -> None:
    false = _judgement("全国委员会设专门委员会主持会务。", "全国委员会设常务委员会主持会务。")
    true = _judgement("地方委员会设常务委员会主持会务。", "地方委员会设常务委员会主持会务。")
    assert fact_of(false) == {"员会设常务委员会"}
    assert gives_away(false, true) and gives_away(true, false)
    other = _judgement("全体会议每年举行一次。", "全体会议每年举行一次。")
    assert not gives_away(false, other)


def test_a_blank_filled_in_another_item_is_given_away() -> None:
    passage = "今年发展主要预期目标是：国内生产总值增长5%左右。"
    start = passage.index("5%")
    blank = QuizItem(
        type="填空",
        stem="根据《政府工作报告》，国内生产总值增长____左右。",
        answer="5%",
        options=(),
        explanation="",
        source=Source(passage=passage, answer_spans=((start, start + 2),)),
        kind="number",
    )
    statement = _judgement("今年国内生产总值增长5%左右。", "今年国内生产总值增长5%左右。")
    assert gives_away(blank, statement)

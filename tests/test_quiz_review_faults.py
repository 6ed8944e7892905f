"""Faults the blind reviews of generated quizzes named (session 7), each on a small real library or a unit: what is
not worth a blank (stock pairs, set phrases, a report's 五年来, one member of an open list), false statements that
change a fact of the key's kind (never a turned rule, never a change the library states elsewhere), half the 判断
false in no telling order, distractors of the key's kind, one word asked once per quiz."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_library import COMMITTEE_PRINCIPLES, RULES, build_library, doc_id

from quiz.distractors import names_the_same
from quiz.generate import Material, QuizGenerator, QuizRequest
from quiz.model import BLANK, FALSE, TRUE
from quiz.text import claim_of
from retrieval.kb import KnowledgeBase
from retrieval.tokenizer import ChineseTokenizer

CHARTER = """# 政协工作规则

第一条 全国委员会和地方委员会应当加强联系，沟通情况，交流经验。

第二条 全国委员会和地方委员会每年至少召开一次全体会议。

第三条 全国委员会和地方委员会可以组织委员开展视察和专题调研。

第四条 全国委员会主席主持常务委员会的工作，副主席协助主席工作。

第五条 各级地方委员会的主席主持常务委员会的工作，秘书长协助主席工作。

第六条 委员每届任期五年，可以连任，连任不得超过三届。

第七条 专门委员会每季度至少召开一次会议，会议应当有过半数委员出席。

第八条 五年来，委员共提交提案一千二百件，立案九百件。

第九条 提案应当在全体会议闭幕后三十日内交付承办单位办理。

第十条 委员应当参加书香政协、委员读书、专题协商、民主监督等履职活动。
"""


@pytest.fixture
def kb(tmp_path: Path, tokenizer: ChineseTokenizer) -> KnowledgeBase:
    handle = build_library(tmp_path, tokenizer, {"charter.md": CHARTER})
    yield handle
    handle.close()


def items(kb: KnowledgeBase, kind: str, count: int, seed: int):
    request = QuizRequest((Material(doc_id(kb, "政协工作规则")),), {kind: count}, seed)
    return QuizGenerator(kb).generate(request).items


def test_the_partner_of_a_stock_pair_and_a_reports_years_are_not_blanked(kb: KnowledgeBase) -> None:
    made = [i for seed in range(6) for kind in ("填空", "单选") for i in items(kb, kind, 4, seed)]
    assert made
    stems = [claim_of(i.stem) for i in made]
    assert not any(f"全国委员会和{BLANK}" in s or f"{BLANK}和地方委员会" in s for s in stems)  # 3 times in the text
    assert not any(s.startswith(f"{BLANK}来") for s in stems)  # 五年来
    fills = [claim_of(i.stem) for i in made if i.type == "填空"]
    assert not any(f"、{BLANK}" in s or f"{BLANK}、" in s for s in fills)


def test_a_swap_the_library_states_elsewhere_is_no_false_statement(kb: KnowledgeBase) -> None:
    library = QuizGenerator(kb).library()
    assert library.states_near("地方委员会", "主席主持常务委员会的工作")  # 第五条, with 的 between
    assert not library.states_near("专门委员会", "主席主持常务委员会的工作")
    false_claims = [claim_of(i.stem) for seed in range(8) for i in items(kb, "判断", 6, seed) if i.answer == FALSE]
    assert false_claims
    assert not any(claim.startswith("地方委员会主席主持常务委员会的工作") for claim in false_claims)


def test_half_the_statements_to_judge_are_false_in_no_telling_order(kb: KnowledgeBase) -> None:
    orders = set()
    for seed in range(6):
        answers = tuple(i.answer for i in items(kb, "判断", 4, seed))
        assert len(answers) == 4
        assert answers.count(FALSE) == answers.count(TRUE) == 2
        orders.add(answers)
    assert len(orders) > 1  # made false and true in turn, asked in a shuffled order


def test_a_body_named_with_or_without_geji_is_one_body() -> None:
    assert names_the_same("地方各级党委", "地方党委")
    # and one body at another level: 县级党委 for 各级党委 leaves the statement true, or the item two answers
    assert names_the_same("县级党委", "各级党委")
    assert not names_the_same("县级党委", "县级人民政府")


def test_a_statement_trades_a_name_only_for_one_of_its_kind() -> None:
    from quiz.distractors import comparable

    assert comparable("专门委员会", "常务委员会", 3)
    assert not comparable("统战工作", "信访工作", 3)  # a planted word, not a changed fact
    assert not comparable("本级人民代表大会常务委员会", "地方委员会")  # a 政协 body is no people's congress
    assert comparable("上级党委", "本级党委")


def test_false_statements_change_a_fact_and_never_turn_a_rule(kb: KnowledgeBase) -> None:
    made = [i for seed in range(8) for i in items(kb, "判断", 6, seed) if i.answer == FALSE]
    assert made
    assert {i.kind for i in made} <= {"number-swap", "body-swap", "term-swap", "right-swap"}
    assert not any("不得连任" in i.stem or "应当超过三届" in i.stem for i in made)  # 可以连任, 不得超过 kept


def test_numbers_that_are_no_facts_are_not_asked() -> None:
    from quiz.generate import habitual_number

    assert habitual_number("五年", "", "来，我们坚持…")
    assert habitual_number("十年", "", "前，我们面对的形势是…")
    assert habitual_number("三千万人", "互联网上网人数达十亿", "。")  # 十亿三千万人
    assert habitual_number("一项", "是凝聚民心的", "重要工作。")
    assert habitual_number("三件", "经历了", "大事：一是…，二是…")
    assert habitual_number("一人", "至少应有代表", "。")  # a count of one is what a reader assumes (session-9 review)
    assert habitual_number("七十周年", "中华人民共和国成立", "，")  # an anniversary is arithmetic
    assert habitual_number("一年", "是实现“十四五”规划目标任务的关键", "。")  # every year of a report is one
    assert not habitual_number("一年", "用工之日起满", "不与劳动者订立书面劳动合同的")
    assert not habitual_number("三人", "至少应有代表", "。")
    assert not habitual_number("二十日", "选举日的", "以前公布")


SET_PHRASES = """# 学习材料

第一条 坚持以习近平同志为核心的党中央集中统一领导，推进政协工作。

第二条 在以习近平同志为核心的党中央坚强领导下，全面完成年度任务。

第三条 紧密团结在以习近平同志为核心的党中央周围，凝聚共识。

第四条 始终同以习近平同志为核心的党中央保持高度一致，加强学习。

第五条 委员每届任期五年，可以连任，连任不得超过三届。
"""


def test_a_set_phrase_the_texts_repeat_is_not_blanked(tmp_path: Path, tokenizer: ChineseTokenizer) -> None:
    kb = build_library(tmp_path, tokenizer, {"phrases.md": SET_PHRASES})
    try:
        request = QuizRequest((Material(doc_id(kb, "学习材料")),), {"填空": 5, "单选": 5}, 0)
        made = QuizGenerator(kb).generate(request).items
        assert made  # 五年 and 三届 are asked
        assert "党中央" not in {i.answer for i in made if i.type == "填空"}
        assert not any(f"为核心的{BLANK}" in i.stem for i in made)
    finally:
        kb.close()


def test_a_share_in_words_a_figure_of_speech_and_a_local_body_keep_their_kind(tokenizer: ChineseTokenizer) -> None:
    from quiz.distractors import fits_after, number_variants
    from quiz.library import Analyzer

    analyzer = Analyzer(tokenizer)
    (share,) = [s for s in analyzer.spans("基本养老保险参保率稳定在百分之九十五。") if s.kind == "number"]
    variants = number_variants(share)
    assert variants and all(v.startswith("百分之") for v in variants)  # not 五分之一
    assert not [s for s in analyzer.spans("实现了中华民族的千年梦想。") if s.kind == "number"]
    assert not fits_after("省、自治区、直辖市的", "全国委员会")
    assert fits_after("省、自治区、直辖市的", "地方委员会")


def test_an_inline_list_of_no_common_form_makes_no_multiple_choice(tmp_path: Path, tokenizer: ChineseTokenizer) -> None:
    # the quiz tests' 委员履职条例 (it lists 书香政协、委员读书、专题协商…), with a second list of 原则 for the first's
    # wrong options (a numbered list's come from its own text's lists of the same noun)
    kb = build_library(tmp_path, tokenizer, {"rules.md": RULES + COMMITTEE_PRINCIPLES})
    try:
        made = []
        for seed in range(4):
            request = QuizRequest((Material(doc_id(kb, "委员履职条例")),), {"多选": 3}, seed)
            made += QuizGenerator(kb).generate(request).items
        assert made  # the vertical lists of 原则 still make items
        # the activities share no ending: their options would be principles (坚持团结民主) offered as activities
        assert not [i for i in made if i.kind == "enumeration"]
    finally:
        kb.close()


def test_a_word_is_asked_once_per_quiz() -> None:
    from quiz.checks import is_near_duplicate
    from quiz.model import QuizItem

    def fill(stem: str, answer: str, kind: str = "term") -> QuizItem:
        return QuizItem(type="填空", stem=stem, answer=answer, kind=kind)

    first = fill(f"把农村{BLANK}建成坚强战斗堡垒。", "党组织")
    again = fill(f"发挥村{BLANK}对集体经济组织的领导核心作用。", "党组织")
    assert is_near_duplicate(again, first)
    term, other_term = fill(f"委员每届任期{BLANK}。", "五年", "number"), fill(f"常委会任期{BLANK}。", "五年", "number")
    assert not is_near_duplicate(term, other_term)  # a number recurs as different facts

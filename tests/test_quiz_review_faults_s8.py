"""Faults the session-8 blind review named (51 of 100 items kept), on a small real library: blanks and statements
inside set phrases (坚持____基本原则), blanks on a word the document repeats (信访人), rights as 单选 keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_library import build_library, doc_id

from quiz.generate import Material, QuizGenerator, QuizRequest
from quiz.text import set_phrase_ranges
from retrieval.kb import KnowledgeBase
from retrieval.tokenizer import ChineseTokenizer

RULES = """# 信访学习材料

第一条 各级机关应当坚持四项基本原则，做好新时代信访工作。

第二条 信访工作联席会议每年至少召开两次全体会议。

第三条 委员在全体会议上有表决权、发言权和建议权。

第四条 信访人可以采用书信、电话、走访等形式提出信访事项。

第五条 信访人提出信访事项，应当客观真实。

第六条 信访人对答复意见不服的，可以请求复查。

第七条 信访人应当遵守信访秩序。

第八条 信访人捏造歪曲事实的，应当承担责任。

第九条 信访人的合法权益受法律保护。

第十条 信访人在信访过程中应当遵守法律法规。

第十一条 信访人可以委托代表提出信访事项。

第十二条 信访人的个人隐私应当予以保密。

第十三条 信访人对复查意见不服的，可以请求复核。
"""


@pytest.fixture
def kb(tmp_path: Path, tokenizer: ChineseTokenizer) -> KnowledgeBase:
    handle = build_library(tmp_path, tokenizer, {"rules.md": RULES})
    yield handle
    handle.close()


def made(kb: KnowledgeBase, kind: str, seeds: int = 6) -> list:
    generator = QuizGenerator(kb)
    found = []
    for seed in range(seeds):
        request = QuizRequest((Material(doc_id(kb, "信访学习材料")),), {kind: 6}, seed)
        found += generator.generate(request).items
    return found


def keys(items) -> set[str]:
    return {item.options["ABCD".index(item.answer)] if item.type == "单选" else item.answer for item in items}


def test_set_phrases_are_found_whatever_the_quotation_marks() -> None:
    text = "增强“四个意识”、坚定“四个自信”，坚持四项基本原则。"
    assert [text[start:end] for start, end in set_phrase_ranges(text)] == ["四个意识", "四个自信", "四项基本原则"]
    assert set_phrase_ranges("信访事项应当及时办结。") == []


def test_no_blank_inside_a_set_phrase_nor_on_a_word_the_document_repeats(kb: KnowledgeBase) -> None:
    fills, singles = made(kb, "填空"), made(kb, "单选")
    assert fills and singles  # 两次 and the like are still asked
    asked = keys(fills) | keys(singles)
    assert "四项" not in asked  # 坚持四项基本原则
    assert "信访人" not in asked  # ten times in its document: its topic word
    assert not {"表决权", "发言权", "建议权"} & keys(singles)  # a right's rivals read as filler


def test_a_sentence_opening_with_a_short_condition_is_not_used_alone() -> None:
    from quiz.generate import _Run
    from quiz.library import Sentence
    from retrieval.types import Chunk

    def sentence(text: str) -> Sentence:
        return Sentence(Chunk("c1", "d1", text, "信访工作条例", (), None, None, 0), text, 0, 0)

    assert not _Run.usable(sentence("职责不清的，由本级党委和政府或者其指定的机关、单位受理。"))
    assert _Run.usable(sentence("信访事项应当自受理之日起60日内办结。"))
    assert _Run.usable(sentence("中华人民共和国年满十八周岁的公民，都有选举权和被选举权。"))


def test_a_name_is_blanked_where_a_rule_or_definition_pins_it() -> None:
    from quiz.generate import pins_a_name
    from quiz.spans import Span

    call = "督促领导干部特别是高级干部严于律己。"
    rule = "各级机关应当组织领导干部学习宪法。"
    assert not pins_a_name(call, Span(2, 6, "领导干部", "term", "n"))
    assert pins_a_name(rule, Span(8, 12, "领导干部", "term", "n"))
    assert pins_a_name("参政议政是对重要问题开展调查研究。", Span(0, 4, "参政议政", "term", "n"))


DEADLINES = """# 办理时限规定

第一条 受理机关应当自收到申请之日起30日内作出决定。

第二条 复查机关应当自收到复查请求之日起30日内提出复查意见。

第三条 复核机关应当自收到复核请求之日起30日内提出复核意见。

第四条 督查机关应当自收到督查建议之日起30日内书面反馈。

第五条 上级机关应当自收到报告之日起30日内予以答复。
"""


def test_a_number_is_the_key_of_one_item_of_a_quiz(tmp_path: Path, tokenizer: ChineseTokenizer) -> None:
    kb = build_library(tmp_path, tokenizer, {"deadlines.md": DEADLINES})
    try:
        request = QuizRequest((Material(doc_id(kb, "办理时限规定")),), {"填空": 5}, 0)
        answers = [item.answer for item in QuizGenerator(kb).generate(request).items]
    finally:
        kb.close()
    assert answers.count("30日") == 1  # five deadlines of 30日: the first item gives the others away

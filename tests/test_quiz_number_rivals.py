"""Number distractors a member would not reject from general knowledge (session-9 blind review: 新满二十七周岁 for
an age limit of eighteen, 二〇三八年 for the 二〇三五年 milestone)."""

from __future__ import annotations

from quiz.distractors import number_variants
from quiz.library import Analyzer
from quiz.text import numeral_value
from retrieval.tokenizer import ChineseTokenizer


def number_span(tokenizer: ChineseTokenizer, sentence: str):
    (span,) = [s for s in Analyzer(tokenizer).spans(sentence) if s.kind == "number"]
    return span


def test_an_age_limit_has_the_ages_next_to_it_as_rivals(tokenizer: ChineseTokenizer) -> None:
    age = number_span(tokenizer, "中华人民共和国年满十八周岁的公民，都有选举权和被选举权。")
    assert age.text == "十八周岁"
    assert set(number_variants(age)) == {"十六周岁", "十七周岁", "十九周岁", "二十周岁"}  # not 三十六 or 二十七


def test_a_milestone_year_has_milestone_years_as_rivals(tokenizer: ChineseTokenizer) -> None:
    year = number_span(tokenizer, "到二〇三五年基本实现社会主义现代化。")
    values = [numeral_value(v.removesuffix("年")) for v in number_variants(year)]
    assert values and all(v % 5 == 0 for v in values)  # 二〇三〇、二〇四〇年, never 二〇三八年


def test_another_year_keeps_its_near_neighbours(tokenizer: ChineseTokenizer) -> None:
    year = number_span(tokenizer, "二〇二二年召开党的二十大。")
    assert "二〇二〇年" in number_variants(year) and "二〇二四年" in number_variants(year)

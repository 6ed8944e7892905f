"""Scoring a member's answers: letters for choices, 正确/错误, and 填空 text compared as a grader would."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from quiz.model import ANSWER_SEPARATOR, QuizItem
from quiz.text import chinese_number, digit_by_digit, norm, numeral_value
from retrieval.tokenizer import normalize


@dataclass(frozen=True)
class ItemResult:
    given: str
    correct: bool


@dataclass(frozen=True)
class QuizResult:
    results: tuple[ItemResult, ...]

    @property
    def score(self) -> int:
        return sum(r.correct for r in self.results)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def percent(self) -> float:
        return 100 * self.score / self.total if self.total else 0.0


# Units and measure words a member may leave out after a number (1 for 1名, 五 for 五年), longest first.
UNITS = tuple(sorted((
    "个工作日", "个月", "周年", "小时", "分钟", "万元", "亿元", "公里", "平方米", "万人", "个百分点",
    "年", "日", "天", "月", "周", "人", "名", "位", "次", "届", "件", "项", "岁", "元", "亩", "个", "条", "款",
    "章", "节", "倍", "票", "家", "户", "所", "%",
), key=len, reverse=True))  # fmt: skip
_EDGE_PUNCTUATION = " 。，、；：！？,.;:!?\"'“”‘’（）()"
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_CHINESE_NUMERAL = re.compile(r"[〇零一二两三四五六七八九十百千]+")


@dataclass(frozen=True)
class Quantity:
    """A number as written in an answer: 第 in front or not, its value, the unit after it."""

    ordinal: bool
    value: float
    unit: str

    def answers(self, key: Quantity) -> bool:
        """The same number, the unit the key's or left out (10 never answers 1名, nor 5日 五年)."""
        return self.ordinal == key.ordinal and self.value == key.value and self.unit in ("", key.unit)


def _compact(text: str) -> str:
    """Width and case folded, no spaces, no punctuation at the ends; "." and "%" inside kept (0.5 is not 5)."""
    return "".join(normalize(text).split()).strip(_EDGE_PUNCTUATION)


def _chinese_value(numeral: str) -> float | None:
    """Only a numeral written the usual way: 十五, 一百零五, 二〇二四, 两 (十四五 is a name, not 15)."""
    value = numeral_value(numeral)
    if value is None:
        return None
    usual = {chinese_number(int(value)), digit_by_digit(int(value))}
    return value if numeral.replace("两", "二") in usual or numeral in usual else None


def quantities(text: str) -> list[Quantity]:
    """Every way to read text as a number and a unit (五亿元: 五 + 亿元, 五亿 + 元); [] for other text."""
    text = _compact(text)
    ordinal = text.startswith("第")
    text = text.removeprefix("第")
    digits = _DIGITS.match(text)
    if digits:
        splits = [(float(digits.group()), text[digits.end() :])]
    else:
        run = _CHINESE_NUMERAL.match(text)
        ends = range(1, run.end() + 1) if run else ()
        splits = [(_chinese_value(text[:end]), text[end:]) for end in ends]
    return [Quantity(ordinal, value, unit) for value, unit in splits if value is not None and unit in ("", *UNITS)]


def _same_text(given: str, key: str) -> bool:
    keys = quantities(key)
    if keys:  # compared as numbers: norm() drops the point, and 15 is not 1.5
        return any(g.answers(k) for g in quantities(given) for k in keys)
    return norm(given) == norm(key)  # width, case, spaces and punctuation do not count


def is_correct(item: QuizItem, given: str) -> bool:
    given = (given or "").strip()
    if item.type == "多选":
        return sorted(given.upper()) == sorted(item.answer)
    if item.type in ("单选", "判断"):
        return given.upper() == item.answer.upper() if item.type == "单选" else given == item.answer
    parts = given.split(ANSWER_SEPARATOR)
    keys = item.answer.split(ANSWER_SEPARATOR)
    return len(parts) == len(keys) and all(_same_text(p, k) for p, k in zip(parts, keys))


def score(items: Sequence[QuizItem], answers: Sequence[str]) -> QuizResult:
    """One result per item; a missing answer is wrong."""
    given = list(answers) + [""] * (len(items) - len(answers))
    return QuizResult(tuple(ItemResult(g, is_correct(item, g)) for item, g in zip(items, given)))

"""Scoring a member's answers: letters for choices, 正确/错误, and 填空 text compared like the checks compare."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from quiz.model import ANSWER_SEPARATOR, QuizItem
from quiz.text import norm, numeral_value


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


def _same_text(given: str, key: str) -> bool:
    a, b = norm(given), norm(key)
    if a == b:
        return True
    # 五年 = 5年, 六十日 = 60日: the same number with the same unit
    unit = len(b) - len(b.rstrip("年日天月人名次届件项岁元亩"))
    if unit and a.endswith(b[-unit:]) and b.endswith(a[len(a) - unit :]):
        left, right = numeral_value(a[: len(a) - unit]), numeral_value(b[: len(b) - unit])
        return left is not None and left == right
    return False


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

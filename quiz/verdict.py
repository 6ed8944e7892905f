"""The verdict on a trainer's edit: the item checks (quiz.checks), except that a stem a trainer reworded is kept with
a warning while its key still stands in the cited passage and the item stays checkable there (judge).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from quiz.checks import check_item, stem_problems
from quiz.model import BLANK, FALSE, QuizItem
from quiz.text import claim_of, norm

if TYPE_CHECKING:
    from quiz.library import LibraryView

# What the checks say of a stem that is not the passage's own words: a trainer's rewording, not a wrong item.
REWORDED = ("题干填入答案后与出处原文不符", "判断题答案为“正确”，但陈述在出处段落中找不到")
STATED_BUT_FALSE = "判断题答案为“错误”，但陈述与资料原文一致"
REWORDED_WARNING = "题干与出处原文的字句不完全一致（答案仍在出处中，高亮不变），请核对措辞是否忠实于原文"
# A 根据/依据/按照…， opening of any length names the material; it is no part of the claim.
LOOSE_PREFIX = re.compile(r"^(?:根据|依据|按照|按)(?:《[^》]{1,60}》|[^，,。《]){1,60}[，,]")
CLAUSE_ENDS = "。；！？\n"
CLAUSE_REACH = 80


@dataclass(frozen=True)
class Verdict:
    """Why an item cannot be kept (refusals), or what a trainer should look at in a kept one (warnings)."""

    refusals: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def judge(item: QuizItem, library: LibraryView | None = None) -> Verdict:
    """The checks, except that a reworded stem only warns while the item stays checkable in its passage."""
    problems = check_item(item, library)
    if not problems and false_but_stated(item):
        return Verdict((STATED_BUT_FALSE,))
    if not problems or not set(problems) <= set(REWORDED):
        return Verdict(tuple(problems))
    refusals = reworded_problems(item, library)
    if refusals:
        return Verdict(tuple(refusals))
    return Verdict(warnings=() if in_source_words(item) else (REWORDED_WARNING,))


def false_but_stated(item: QuizItem) -> bool:
    """A 判断 item keyed 错误 whose claim, once an unusual 依据…， opening is set aside, is the passage's text."""
    return item.type == "判断" and item.answer == FALSE and norm(_claim(item.stem)) in norm(item.source.passage)


def reworded_problems(item: QuizItem, library: LibraryView | None = None) -> list[str]:
    """The checks a reworded stem skipped: a 单选 item's other options asked in the passage's own clause."""
    if item.type != "单选":
        return []  # 填空: its keys stand in the passage (checked); 判断 正确: its explanation cites the original
    if item.stem.count(BLANK) != 1:
        return [f"单选题题干应有一处空（{BLANK}）"]
    clause = source_clause(item)
    if clause is None:
        return ["答案在出处中的位置不对"]
    return stem_problems(item.with_changes(stem=clause), library)


def source_clause(item: QuizItem) -> str | None:
    """The passage's clause around the answer with a blank in its place: the item as its source words it."""
    if not item.source.answer_spans:
        return None
    passage = item.source.passage
    start, end = item.source.answer_spans[0]
    left = max([start - CLAUSE_REACH, *(passage.rfind(ch, 0, start) + 1 for ch in CLAUSE_ENDS)])
    rights = [i + 1 for i in (passage.find(ch, end) for ch in CLAUSE_ENDS) if i >= 0]
    right = min([end + CLAUSE_REACH, len(passage), *rights])
    return passage[max(left, 0) : start] + BLANK + passage[end:right]


def in_source_words(item: QuizItem) -> bool:
    """The stem (filled with its keys) says what the passage says, whatever 根据…， opens it."""
    claim = _claim(item.stem)
    for key in item.key_texts if item.type in ("单选", "填空") else ():
        claim = claim.replace(BLANK, key, 1)
    return norm(claim) in norm(item.source.passage)


def _claim(stem: str) -> str:
    """The stem without its 根据《…》， opening, or else without a looser 依据…， one."""
    claim = claim_of(stem)
    return claim if claim != stem.strip() else LOOSE_PREFIX.sub("", claim, count=1)

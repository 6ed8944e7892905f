"""Checks every item must pass, rule-made, LLM-made or hand-made, before anyone sees it.

The answer stands in the cited passage; the stem filled with the key stands in the passage and filled with a
distractor does not (nor anywhere in the library, when it is given); options are distinct after normalising width,
spaces and punctuation; 单选 has exactly one key; no near-duplicate stems in one quiz; length limits.
Problems are Chinese sentences a trainer can act on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from quiz.model import BLANK, FALSE, ITEM_TYPES, LETTERS, TRUE, QuizItem
from quiz.text import claim_of, norm, same_answer, similarity

if TYPE_CHECKING:
    from quiz.library import LibraryView

MAX_STEM, MIN_STEM = 200, 6
MAX_OPTION = 60
MAX_EXPLANATION = 600
NEAR_DUPLICATE = 0.7
STATEMENTS_QUESTION = "下列说法正确的有哪些？（多选）"
OPTION_COUNTS = {"单选": (3, 6), "多选": (3, 6)}


@dataclass(frozen=True)
class CheckReport:
    kept: tuple[QuizItem, ...]
    rejected: tuple[tuple[QuizItem, tuple[str, ...]], ...]

    @property
    def pass_rate(self) -> float:
        total = len(self.kept) + len(self.rejected)
        return len(self.kept) / total if total else 1.0


def check_items(items: Sequence[QuizItem], library: LibraryView | None = None) -> CheckReport:
    """Each item on its own, then against the ones kept before it (duplicates across types too)."""
    kept: list[QuizItem] = []
    rejected: list[tuple[QuizItem, tuple[str, ...]]] = []
    for item in items:
        problems = check_item(item, library)
        twin = next((n for n, other in enumerate(kept, start=1) if is_near_duplicate(item, other)), None)
        if twin is not None:
            problems.append(f"与第 {twin} 题重复或几乎相同")
        if problems:
            rejected.append((item, tuple(problems)))
        else:
            kept.append(item)
    return CheckReport(tuple(kept), tuple(rejected))


def check_item(item: QuizItem, library: LibraryView | None = None) -> list[str]:
    problems = structure_problems(item)
    if problems:
        return problems  # the rest assumes a well-formed item
    problems += length_problems(item)
    problems += option_problems(item)
    problems += source_problems(item)
    if not problems:
        problems += stem_problems(item, library)
    return problems


def structure_problems(item: QuizItem) -> list[str]:
    if item.type not in ITEM_TYPES:
        return [f"不支持的题型「{item.type}」"]
    if not item.stem.strip():
        return ["题干为空"]
    if not item.answer.strip():
        return ["没有填写答案"]
    if item.type == "判断":
        if item.answer not in (TRUE, FALSE):
            return [f"判断题的答案应为“{TRUE}”或“{FALSE}”，现为「{item.answer}」"]
        return [] if tuple(item.options) == (TRUE, FALSE) else [f"判断题的选项应为“{TRUE}”“{FALSE}”"]
    if item.type == "填空":
        blanks = item.stem.count(BLANK)
        parts = len(item.key_texts)
        if blanks != parts:
            return [f"题干有 {blanks} 处空（{BLANK}），答案有 {parts} 项（多个空用 | 分隔）"]
        return ["填空题不设选项"] if item.options else []
    low, high = OPTION_COUNTS[item.type]
    if not low <= len(item.options) <= high:
        return [f"{item.type}题应有 {low}–{high} 个选项，现有 {len(item.options)} 个"]
    letters = LETTERS[: len(item.options)]
    outside = [ch for ch in item.answer if ch not in letters]
    if outside:
        return [f"答案「{''.join(outside)}」不在选项中（选项为 {'、'.join(letters)}）"]
    if len(set(item.answer)) != len(item.answer):
        return ["答案中有重复的选项字母"]
    if item.type == "单选" and len(item.answer) != 1:
        return ["单选题必须恰有一个正确答案"]
    if item.type == "多选" and len(item.answer) < 2:
        return ["多选题至少要有两个正确答案"]
    return []


def length_problems(item: QuizItem) -> list[str]:
    problems = []
    if not MIN_STEM <= len(item.stem) <= MAX_STEM:
        problems.append(f"题干长度应在 {MIN_STEM}–{MAX_STEM} 字之间，现为 {len(item.stem)} 字")
    long = [o for o in item.options if len(o) > MAX_OPTION]
    if long:
        problems.append(f"选项「{long[0][:12]}…」超过 {MAX_OPTION} 字")
    if len(item.explanation) > MAX_EXPLANATION:
        problems.append(f"解析超过 {MAX_EXPLANATION} 字")
    return problems


def option_problems(item: QuizItem) -> list[str]:
    """Options that are one answer twice: the same words, or the same name with a pointer (各, 本, 该, 有关) or 的
    more, or an abbreviation and its full form (专委会 ~ 专门委员会, quiz.text.same_answer)."""
    seen: list[str] = []
    for option in item.options:
        if not norm(option):
            return [f"选项「{option}」是空的"]
        twin = next((other for other in seen if same_answer(other, option)), None)
        if twin is not None:
            return [f"选项「{twin}」与「{option}」实质相同"]
        seen.append(option)
    return []


def source_problems(item: QuizItem) -> list[str]:
    passage = item.source.passage
    if not passage.strip():
        return ["没有出处段落，无法核对答案"]
    folded = norm(passage)
    if item.type == "判断":
        original = item.explanation.removeprefix("原文：")
        return [] if norm(original) and norm(original) in folded else ["解析没有引用出处段落中的原文"]
    missing = [k for k in item.key_texts if norm(k) not in folded]
    if missing:
        return [f"答案「{missing[0]}」不在出处段落中"]
    for start, end in item.source.answer_spans:
        if not 0 <= start < end <= len(passage):
            return ["答案在出处中的位置不对"]
    if item.type != "多选" and item.source.answer_spans:
        marked = [passage[s:e] for s, e in item.source.answer_spans]
        if [norm(m) for m in marked] != [norm(k) for k in item.key_texts]:
            return ["答案在出处中的位置与答案不符"]
    return []


def stem_problems(item: QuizItem, library: LibraryView | None) -> list[str]:
    folded = norm(item.source.passage)
    if item.type == "判断":
        claim = claim_of(item.stem)
        stated = norm(claim) in folded
        if item.answer == TRUE and not stated:
            return ["判断题答案为“正确”，但陈述在出处段落中找不到"]
        if item.answer == FALSE and (stated or (library is not None and library.states(claim))):
            return ["判断题答案为“错误”，但陈述与资料原文一致"]
        return []
    if item.type == "多选":
        distractors = [o for i, o in enumerate(item.options) if LETTERS[i] not in item.answer]
        inside = [d for d in distractors if norm(d) in folded]
        return [f"干扰项「{inside[0]}」也出现在出处段落中，可能也是正确答案"] if inside else []
    stem = claim_of(item.stem)
    filled = _fill(stem, item.key_texts)
    if norm(filled) not in folded:
        return ["题干填入答案后与出处原文不符"]
    if item.type == "单选":
        if stem.count(BLANK) != 1:
            return [f"单选题题干应有一处空（{BLANK}）"]
        for index, option in enumerate(item.options):
            if LETTERS[index] == item.answer:
                continue
            sentence = stem.replace(BLANK, option)
            if norm(sentence) in folded or (library is not None and library.states(sentence)):
                return [f"选项「{option}」填入后也是资料原文，不止一个正确答案"]
    return []


def asks_statements(item: QuizItem) -> bool:
    """ "根据《…》，下列说法正确的有哪些？": the options are what the item asks about, not the stem."""
    return item.type == "多选" and item.stem.endswith(STATEMENTS_QUESTION)


def _fill(stem: str, parts: Sequence[str]) -> str:
    for part in parts:
        stem = stem.replace(BLANK, part, 1)
    return stem


def is_near_duplicate(item: QuizItem, other: QuizItem) -> bool:
    if asks_statements(item) and asks_statements(other):  # their stems differ in the section at most
        return bool({norm(o) for o in item.options} & {norm(o) for o in other.options})
    key = asked_word(item)
    if key and key == asked_word(other) and item.kind != "number":
        return True  # 党组织 asked four times in one quiz (blind review): one word, one item (a number recurs as
        # different facts: the generator asks one at most twice)
    a = norm(claim_of(item.stem).replace(BLANK, ""))
    b = norm(claim_of(other.stem).replace(BLANK, ""))
    if not a or not b:
        return False
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= 10 and shorter in longer:
        return True
    return similarity(a, b) >= NEAR_DUPLICATE


def gives_away(item: QuizItem, other: QuizItem) -> bool:
    """Two items of one quiz that ask one fact, or one that states what the other asks (blind review: “常务委员会
    主持会务” stated true in one item gave away the false 专门委员会 of another; the 5% growth target asked twice)."""
    facts, other_facts = fact_of(item), fact_of(other)
    if facts & other_facts:
        return True
    return any(fact in said_by(other) for fact in facts) or any(fact in said_by(item) for fact in other_facts)


# A fact is its key with this many characters of the text around it (增长5%左右, 设常务委员会主持会务).
FACT_CONTEXT = 3


def fact_of(item: QuizItem) -> set[str]:
    """What an item asks: the key in its context (单选, 填空), or the words a false statement changed."""
    if item.type in ("单选", "填空"):
        passage = item.source.passage
        return {
            norm(passage[max(0, start - FACT_CONTEXT) : end + FACT_CONTEXT]) for start, end in item.source.answer_spans
        }
    if item.type == "判断" and item.answer == FALSE and item.explanation.startswith("原文："):
        original, changed = norm(item.explanation.removeprefix("原文：")), norm(claim_of(item.stem))
        start = next((i for i, (a, b) in enumerate(zip(original, changed, strict=False)) if a != b), None)
        if start is None:
            return set()
        suffix = 0  # the words after the change, shared by both
        while suffix < min(len(original), len(changed)) - start and original[-1 - suffix] == changed[-1 - suffix]:
            suffix += 1
        return {original[max(0, start - FACT_CONTEXT) : len(original) - suffix + FACT_CONTEXT]}
    return set()


def said_by(item: QuizItem) -> str:
    """What an item shows a member as true: its stem with the key filled in, or its true options."""
    if item.type == "判断":
        return norm(claim_of(item.stem)) if item.answer == TRUE else ""
    if item.type == "多选":
        return "".join(norm(o) for i, o in enumerate(item.options) if LETTERS[i] in item.answer)
    return norm(_fill(claim_of(item.stem), item.key_texts))


def asked_word(item: QuizItem) -> str:
    """The word a 填空 or 单选 item asks for (its key), "" for other types."""
    if item.type not in ("填空", "单选"):
        return ""
    if item.type == "填空":
        return norm(item.answer)
    return norm(item.options[LETTERS.index(item.answer)]) if item.answer in LETTERS[: len(item.options)] else ""

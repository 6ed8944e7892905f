"""The verdict on a trainer's edit: the item checks (quiz.checks), except that a stem a trainer reworded is kept with
a warning while its key still stands in the cited passage, the item stays checkable there and the stem, read against
its source sentence, keeps every number, bound and negation of it (judge).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from quiz.checks import check_item, stem_problems
from quiz.distractors import LEVELS as LEVEL_WORDS
from quiz.distractors import scaled
from quiz.model import BLANK, FALSE, TRUE, QuizItem
from quiz.spans import ARTICLE_LABEL, BODY_SUFFIXES, UNITS
from quiz.text import claim_of, norm, numeral_value, same_answer
from retrieval.tokenizer import normalize

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
    """The checks a reworded stem skipped: what it says otherwise than its source sentence (changed_facts), and a
    单选 item's other options asked in the passage's own clause."""
    if item.type == "单选" and item.stem.count(BLANK) != 1:
        return [f"单选题题干应有一处空（{BLANK}）"]
    changed = changed_facts(item)
    if changed or item.type != "单选":
        return changed  # 填空: its keys stand in the passage (checked); 判断 正确: its explanation cites the original
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


# -- what a reworded stem must keep of its source sentence: numbers, bounds, negations ------------------------------
# A trainer may reorder, shorten and say a word otherwise (须 for 应当, 最多 for 不得超过, 禁止 for 不得); a stem
# that says another number, another bound or the opposite (非领导成员 for 领导成员) says something else: a 正确
# statement made false, or a key that no longer answers its stem.
SENTENCE_ENDS = "。！？!?\n"
# An opening clause that names a document (据《…》（…）， 按《…》规定，): the material, not the claim.
TITLED_CLAUSE = re.compile(r"^[^，,。《]{0,10}《[^》]{1,80}》[^，,。]{0,40}[，,]")
_NUMERAL = "〇零一二两三四五六七八九十百千万亿"
_QUANTITY_UNITS = sorted({*UNITS, "%", "月", "周", "分钟", "万", "亿", "万亿"}, key=len, reverse=True)
QUANTITY = re.compile(
    rf"(?P<number>百分之[{_NUMERAL}]+|[{_NUMERAL}]+分之[{_NUMERAL}]+|\d+(?:\.\d+)?|[{_NUMERAL}]+)"
    rf"(?P<unit>{'|'.join(map(re.escape, _QUANTITY_UNITS))})?"
)
_SAME_UNIT = {"天": "日", "周岁": "岁", "个工作日": "工作日"}
# Bounds: a quantity's direction, whatever words say it (不得超过 = 不超过 = 禁止超过 = 最多 = 30日以内).
AT_MOST, AT_LEAST = "至多", "至少"
COMPARISONS = {
    "超过": AT_LEAST, "多于": AT_LEAST, "高于": AT_LEAST, "大于": AT_LEAST, "至少": AT_LEAST, "最少": AT_LEAST,
    "最短": AT_LEAST, "少于": AT_MOST, "低于": AT_MOST, "小于": AT_MOST, "至多": AT_MOST, "最多": AT_MOST,
    "最长": AT_MOST,
}  # fmt: skip
_OTHER_WAY = {AT_MOST: AT_LEAST, AT_LEAST: AT_MOST}
_BOUND = re.compile(
    r"(?P<negated>不得|不能|不可|不应|不宜|不准|不许|不允许|禁止|严禁|不)?(?P<comparison>" + "|".join(COMPARISONS) + ")"
)
AFTER_QUANTITY = {"以内": AT_MOST, "之内": AT_MOST, "以下": AT_MOST, "内": AT_MOST, "以上": AT_LEAST}
CLAUSE_MARKS = "，,；;。！？!?：:"
NEGATION = re.compile("[不非未无没勿禁]")
NOT_NEGATIONS = re.compile("非常|不断|不仅|不但|不论|无论|不管|未来|不久|不少|不光")
# A body swapped for another (主管机关 → 任免机关, 县级人民政府 → 省级人民政府): the words changed right before a
# body's ending, or before its level's 级; connectives changed there (和 → 及, 由 → 经) name no other body.
BODY_ENDS = tuple(sorted((*BODY_SUFFIXES, "部门", "单位"), key=len, reverse=True))
CONNECTIVES = set("和与及或向由对在经把被将从给的、,")
# Verbs a body's name follows, not part of it: 召开常务委员会 said as 举行常务委员会.
NOT_MODIFIERS = frozenset((
    "召开", "举行", "设立", "成立", "组成", "产生", "选举", "选出", "报请", "提请", "提交", "报告", "报送", "移送",
    "交由", "通知", "告知", "召集", "主持", "设", "报", "送", "交",
))  # fmt: skip
LEVELS = frozenset(LEVEL_WORDS)
LEVEL_REACH = 4  # 上级 put before 主管机关
LEVEL_CHARACTERS = set("级以上下地方各本同")
MAX_MODIFIER = 6
CONTEXT = 4  # characters quoted after a changed word


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    text: str
    value: float | str
    unit: str


def changed_facts(item: QuizItem) -> list[str]:
    """What a reworded stem (its keys filled in) says otherwise than the words of its source sentence it keeps: a
    number or date, a bound (以上, 不超过), a negation added or dropped. A 判断 item keyed 错误 is checked as before
    (stem_problems: its claim must not be the passage's); a 多选 item asks its options, not its stem."""
    if item.type not in ("单选", "填空") and not (item.type == "判断" and item.answer == TRUE):
        return []
    original, claim = source_sentence(item), _filled_claim(item)
    titled = TITLED_CLAUSE.match(claim)
    if titled and norm(titled.group()) not in norm(original):
        claim = claim[titled.end() :]  # 据《政府工作报告（2024年）》， names the material: its year is no claim
    if not original or not claim:
        return []
    source, stem = _plain(original), _plain(claim)
    matcher = SequenceMatcher(None, source, stem, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= 2]
    if not blocks:
        return []
    # the clauses of the source the stem keeps: a framing clause before or after them may be dropped
    low = max(source.rfind(mark, 0, blocks[0].a) for mark in CLAUSE_MARKS) + 1
    ends = [i for i in (source.find(mark, blocks[-1].a + blocks[-1].size) for mark in CLAUSE_MARKS) if i >= 0]
    high = min(ends, default=len(source))
    return (
        _number_problems(source, stem, low, high, blocks)
        or _bound_problems(source, stem, low, high)
        or _negation_problems(source, stem, low, high, matcher)
        or _body_problems(source, stem, low, high, matcher)
    )


def source_sentence(item: QuizItem) -> str:
    """The words the item was made from: a 判断 item's cited original, else the passage's sentences holding its
    keys."""
    if item.type == "判断":
        return item.explanation.removeprefix("原文：")
    spans = item.source.answer_spans
    if not spans:
        return ""
    passage = item.source.passage
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    left = max(passage.rfind(ch, 0, start) for ch in SENTENCE_ENDS) + 1
    rights = [i + 1 for i in (passage.find(ch, end) for ch in SENTENCE_ENDS) if i >= 0]
    sentence = passage[left : min(rights, default=len(passage))]
    label = ARTICLE_LABEL.match(sentence)  # 第二十九条 is no number of the rule
    return sentence[label.end() :] if label and label.end() <= start - left else sentence


def _filled_claim(item: QuizItem) -> str:
    claim = _claim(item.stem)
    for key in item.key_texts if item.type in ("单选", "填空") else ():
        claim = claim.replace(BLANK, key, 1)
    return claim


def _plain(text: str) -> str:
    """NFKC and lower case, without spaces; punctuation stays (it bounds the words quoted back to the trainer)."""
    return "".join(normalize(text).split())


def quantities(text: str) -> list[Quantity]:
    """Numbers, dates and shares with their units: 30日, 三十日, 三分之二, 5.5%, 1200万人. A lone numeral without
    a unit (一 in 统一, 一律) is a word, not a quantity."""
    found = []
    for match in QUANTITY.finditer(text):
        number, unit = match.group("number"), match.group("unit") or ""
        if not number[0].isdigit() and "分之" not in number and not unit and len(number) < 2:
            continue
        found.append(Quantity(match.start(), match.end(), match.group(), *_value(number, unit)))
    return found


def _value(number: str, unit: str) -> tuple[float | str, str]:
    """A quantity as compared: 三十日 = 30日 = 30天, 百分之五 = 5%, 1200万人 = 一千二百万人."""
    if number.startswith("百分之"):
        number, unit = number.removeprefix("百分之"), "%"
    if "分之" in number:
        whole, part = (numeral_value(p) for p in number.split("分之", 1))
        return (round(part / whole, 6) if whole and part else number), unit
    value = float(number) if number[0].isdigit() else numeral_value(number)
    if value is None and ("万" in number or "亿" in number):
        value = scaled(number)
    for prefix, power in (("万亿", 1e12), ("亿", 1e8), ("万", 1e4)):
        if value is not None and unit.startswith(prefix):
            value, unit = value * power, unit.removeprefix(prefix)
            break
    return (round(value, 6) if value is not None else number), _SAME_UNIT.get(unit, unit)


def _number_problems(source: str, stem: str, low: int, high: int, blocks: list) -> list[str]:
    kept = [q for q in quantities(source) if q.end > low and q.start < high]
    unmatched = list(kept)
    for said in quantities(stem):
        twin = next((q for q in unmatched if _same_quantity(said, q)), None)
        if twin is None and any(_same_quantity(said, q) for q in kept):
            continue  # one number said twice
        if twin is not None:
            unmatched.remove(twin)
            continue
        where = _source_position(said.start, blocks)
        rival = min(unmatched, key=lambda q: abs(q.start - where), default=None)
        if rival is None:
            return [f"题干中的“{said.text}”在原文中没有"]
        return [f"题干中的“{said.text}”与原文“{rival.text}”不符"]
    return []


def _same_quantity(said: Quantity, original: Quantity) -> bool:
    return said.value == original.value and (said.unit == original.unit or not said.unit or not original.unit)


def _source_position(position: int, blocks: list) -> int:
    """Where in the source a position of the stem stands, by the last kept words before it."""
    before = [b for b in blocks if b.b <= position] or blocks[:1]
    block = before[-1]
    return block.a + (position - block.b)


def _bounds(text: str) -> list[tuple[str, str]]:
    """The bounds a text sets, as (words, direction): 不得超过 and 三十日以内 both say at most."""
    found = []
    for match in _BOUND.finditer(text):
        direction = COMPARISONS[match.group("comparison")]
        found.append((match.group(), _OTHER_WAY[direction] if match.group("negated") else direction))
    for quantity in quantities(text):
        rest = text[quantity.end :]
        after = next((w for w in sorted(AFTER_QUANTITY, key=len, reverse=True) if rest.startswith(w)), None)
        if after is not None:
            found.append((quantity.text + after, AFTER_QUANTITY[after]))
    return found


def _bound_problems(source: str, stem: str, low: int, high: int) -> list[str]:
    """A bound the stem sets that the source words it keeps do not (不得超过 made 超过); one dropped is allowed
    (60日内办结 said as 办结时限为60日)."""
    kept = _bounds(source[low:high])
    left = Counter(direction for _, direction in kept)
    for words, direction in _bounds(stem):
        if left[direction] > 0:
            left[direction] -= 1
            continue
        other = next((w for w, d in kept if d != direction), None)
        return [f"题干中的“{words}”与原文“{other}”不符" if other else f"题干中的“{words}”在原文中没有"]
    return []


def negations(text: str) -> int:
    """How many negations a text says (不, 非, 未, 无, 没, 勿, 禁): bounds and 非常, 不断 … are no negations."""
    return len(NEGATION.findall(NOT_NEGATIONS.sub("", _BOUND.sub("", text))))


def _negation_problems(source: str, stem: str, low: int, high: int, matcher: SequenceMatcher) -> list[str]:
    """A negation the stem adds to the source words it keeps (非领导成员 for 领导成员), or drops from them."""
    difference = negations(stem) - negations(source[low:high])
    if not difference:
        return []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        i1, i2 = max(i1, low), min(i2, high)  # a framing clause the stem dropped says nothing
        if tag == "equal" or (j1 == j2 and i1 >= i2):
            continue
        if (negations(stem[j1:j2]) - negations(source[i1:i2])) * difference > 0:
            if j1 == j2:  # dropped: quote the words before the gap too
                j1, i1 = _left_context(stem, j1), _left_context(source, i1)
            return [f"题干中的“{_words(stem, j1, j2)}”与原文“{_words(source, i1, i2)}”不符"]
    return ["题干增加了原文没有的否定" if difference > 0 else "题干删去了原文中的否定"]


def _left_context(text: str, start: int) -> int:
    left = start
    while left > max(0, start - CONTEXT // 2) and text[left - 1].isalnum():
        left -= 1
    return left


def _words(text: str, start: int, end: int) -> str:
    """The changed words with a few kept ones after them, up to a punctuation mark."""
    stop = min(len(text), end + CONTEXT)
    while end < stop and text[end].isalnum():
        end += 1
    return text[start:end].translate(FULL_WIDTH)


FULL_WIDTH = str.maketrans(",;:!?()", "，；：！？（）")  # as the passage has them (NFKC made them narrow)


def _body_problems(source: str, stem: str, low: int, high: int, matcher: SequenceMatcher) -> list[str]:
    """A body the stem names in place of the source's: 任免机关 for 主管机关, 上级主管机关 for 主管机关 (a pointer
    before it or 的 aside: 有关主管机关 is the source's 主管机关)."""
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        i1, i2 = max(i1, low), min(i2, high)
        if tag == "equal" or (j1 == j2 and i1 >= i2):
            continue
        said, original = stem[j1:j2], source[i1:i2]
        if not _modifier(said) or not _modifier(original) or not set(said + original) - CONNECTIVES:
            continue
        if said in NOT_MODIFIERS or original in NOT_MODIFIERS:
            continue  # 召开 → 举行 常务委员会: the same body
        level = (said or original) in LEVELS
        if not (said and original) and not level:
            continue  # words put before a body (并且 县政协) or dropped before it name no other one
        end = _body_end(stem, j2, LEVEL_REACH if level else 0)
        if end is not None and not same_answer(said + stem[j2:end], original + stem[j2:end]):
            return [f"题干中的“{said + stem[j2:end]}”与原文“{original + stem[j2:end]}”不符"]
    return []


def _body_end(text: str, start: int, reach: int) -> int | None:
    """Where the body's name whose words start here ends: a body's ending after words of its level (级以上 of 县级
    以上人民政府) or, after a level word put before it, within `reach` characters (主管 of 上级主管机关); none across
    a connective or punctuation."""
    for gap in range(MAX_MODIFIER + 1):
        between = text[start : start + gap]
        if len(between) < gap or not _modifier(between) or set(between) & CONNECTIVES:
            return None
        if gap > reach and not set(between) <= LEVEL_CHARACTERS:
            return None
        ending = next((e for e in BODY_ENDS if text.startswith(e, start + gap)), None)
        if ending is not None:
            return start + gap + len(ending)
    return None


def _modifier(piece: str) -> bool:
    """Words that can stand before a body's ending as part of its name: a few characters, no punctuation."""
    return len(piece) <= MAX_MODIFIER and all(ch.isalnum() for ch in piece)

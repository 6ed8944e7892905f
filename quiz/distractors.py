"""Distractors of the same kind as the key: plausible numbers with the same unit, sibling terms from the library.

A distractor is never one that would make a true sentence: the stem filled with it must not stand anywhere in the
library (LibraryView.states), and it must not already occur in the sentence (that would give the key away).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable

from quiz.library import LibraryView
from quiz.spans import BODY_MODIFIERS, Span
from quiz.text import chinese_number, digit_by_digit, norm, numeral_value, same_answer

FRACTIONS = ("二分之一", "三分之一", "三分之二", "四分之一", "四分之三", "五分之一", "五分之二", "五分之四", "十分之一")
NUMBER_FACTORS = (2.0, 0.5, 3.0, 1.5)
LARGE = 100  # from here on, distractors are a fifth or so off the key, not multiples of it
LARGE_FACTORS = (0.8, 1.25, 0.6, 1.5, 0.7, 1.3)
SMALL = 20  # below it, neighbours (五年 → 四年, 六年) are plausible; above, 4499万亩 is not
# A session's number is a place in a sequence, not an amount: 二十届 has 十九届 and 二十一届 as rivals, not 四十届.
SEQUENCE_UNITS = ("届",)
# An age limit's rivals are the ages near it (十六、二十周岁 for 十八), never its multiples: 二十七周岁 or 三十六周岁 is
# absurd to any member (blind review, session 9).
AGE_UNITS = ("周岁", "岁")
# 两, not 二, counts things (两件大事, 两个): 二 stays before the units of time and multiples (二年以下, 二日, 二倍).
TWO_AS_ER = ("年", "日", "天", "月", "个月", "倍", "周年", "周岁", "岁", "小时")


def number_variants(span: Span) -> list[str]:
    """Arithmetic neighbours of a number, in the key's script and unit: 60日 → 120日, 30日, 180日 …"""
    if span.family == "fraction" and span.text.startswith("百分之"):
        return _percent_variants(span.text)
    if span.family == "fraction":
        return [f for f in FRACTIONS if f != span.text]
    if span.family.startswith("year"):
        year = numeral_value(span.text.removesuffix("年"))
        if year is None:
            return []
        spell = digit_by_digit if span.family == "year-chinese" else str
        # a milestone year (二〇三五年) has milestone rivals: 二〇三八年 reads as made up (blind review, session 9)
        deltas = (-5, 5, -10, 10, -15, 15) if year % 5 == 0 else (-5, 5, -10, 3, -2, 2)
        return [f"{spell(int(year) + d)}年" for d in deltas]
    unit = "%" if span.family == "percent" else span.family.split("/")[0]
    number = span.text[: len(span.text) - len(unit)]
    value = numeral_value(number)
    if value is None:
        return []
    decimals = len(number.split(".")[1]) if "." in number else 0
    neighbours = [value + d for d in (1, -1, 2, -2)]
    if unit in SEQUENCE_UNITS or unit in AGE_UNITS:
        steps = neighbours
    elif value >= LARGE and not decimals:
        # 57, 228, 342 for 114: multiples of the key give it away (blind review); a fifth or so off does not
        steps = [_rounded_like(value * f, value) for f in LARGE_FACTORS]
    elif decimals:
        # 14.3%, 42.9%, 85.8% for 28.6%: halves and multiples of a decimal give it away alike
        steps = [round(value * f, decimals) for f in LARGE_FACTORS]
    else:
        steps = [value * f for f in NUMBER_FACTORS] + (neighbours if value < SMALL else [])
    variants = []
    for candidate in steps:
        if candidate <= 0 or candidate == value or (unit == "%" and value <= 100 < candidate):
            continue  # a share of at most 100% stays one (no 超过120% of a market)
        if decimals:
            text = f"{candidate:.{decimals}f}"
        elif candidate != int(candidate):
            continue
        else:
            text = str(int(candidate)) if number[0].isdigit() else _spelled(int(candidate), unit)
        variants.append(text + unit)
    return list(dict.fromkeys(variants))


def _rounded_like(candidate: float, key: float) -> float:
    """The candidate rounded as the key is (450 → 360, 560; 114 → 91, 142; 3000 → 2000, 4000)."""
    text = str(int(key))
    zeros = len(text) - len(text.rstrip("0"))
    return float(round(candidate, -zeros))


def _percent_variants(key: str) -> list[str]:
    """百分之九十五 → 百分之八十五 …: a share in words stays one (not 五分之一 for a 参保率 of 95%)."""
    value = numeral_value(key.removeprefix("百分之"))
    if value is None or value != int(value):
        return []
    steps = [value * f for f in NUMBER_FACTORS] + [value + d for d in (10, -10, 5, -5)]
    found = [int(v) for v in steps if 0 < v <= 100 and v == int(v) and v != value]
    return list(dict.fromkeys(f"百分之{chinese_number(v)}" for v in found))


def _spelled(value: int, unit: str) -> str:
    text = chinese_number(value)
    return "两" if text == "二" and unit not in TWO_AS_ER else text


def _closeness(key: float | None, text: str, unit_length: int) -> float:
    value = numeral_value(text[: len(text) - unit_length] if unit_length else text)
    if key is None or value is None or value <= 0 or key <= 0:
        return 99.0
    return abs(math.log(value / key))


def candidates(
    span: Span, library: LibraryView, rng: random.Random, before: str = "", after: str = "", doc_id: str = ""
) -> list[str]:
    """Same-kind candidates, the most plausible first (library terms of the same family, then the kind; bodies
    and rights of the key's own document first), that read naturally after the words `before` the key and stay
    false between `before` and `after`."""
    found = [candidate for candidate in _same_kind(span, library, rng, doc_id) if fits_after(before, candidate)]
    if span.kind == "number":
        found = [c for c in found if not still_true(span.text, c, before, after) and not out_of_order(c, before, after)]
    return found


_CN = "〇零一二两三四五六七八九十百千万亿"
_BOUND = rf"(?:百分之[{_CN}]+|[一二三四五六七八九十]+分之[一二三四五六七八九十]+|[\d.]+%?|[{_CN}]+)"
_UPPER = re.compile(f"^至({_BOUND})")
_LOWER = re.compile(f"({_BOUND})[^至]{{0,3}}至$")
MAJORITY = ("以上的多数", "的多数")
# 从____增加到二万八千亿元: the start of a rise is below its end, of a fall above it
_RISE_TO = re.compile(f"^(?:增加|增长|提高|提升|扩大|上升|升)到({_BOUND})")
_FALL_TO = re.compile(f"^(?:减少|下降|降低|缩小|降)到({_BOUND})")


def magnitude(text: str) -> float | None:
    """A number's size for comparison: a share as a fraction of one (三分之二 → 0.67, 30% → 0.3), else its value."""
    if match := re.fullmatch(r"([一二三四五六七八九十]+)分之([一二三四五六七八九十]+)", text):
        whole, part = numeral_value(match.group(1)), numeral_value(match.group(2))
        return part / whole if whole and part else None
    if text.startswith("百分之"):
        value = numeral_value(text.removeprefix("百分之"))
        return value / 100 if value is not None else None
    if text.endswith("%"):
        value = numeral_value(text[:-1])
        return value / 100 if value is not None else None
    found = amount(text)
    return found[0] if found else None


def scaled(text: str) -> float | None:
    """A sum with 万 / 亿 in it as one value: 二万八千亿元 → 2.8e12, 1.5万亿 → 1.5e12, 一万亿元 → 1e12."""
    number = re.match(rf"[\d.{_CN}]+", text)
    if number is None:
        return None
    high, has_yi, low = number.group().partition("亿")
    parts = ((high, 1e8), (low, 1.0)) if has_yi else ((high, 1.0),)
    value = 0.0
    for part, power in parts:
        if not part:
            continue
        above, has_wan, below = part.partition("万")
        upper = numeral_value(above) if above else 1.0  # 万亿: one 万
        lower = numeral_value(below) if below else 0.0
        if upper is None or lower is None:
            return None
        value += (upper * 1e4 + lower if has_wan else upper) * power
    return value


def out_of_order(candidate: str, before: str, after: str) -> bool:
    """A number that reads as absurd where it stands: a range's bound past its other bound (三分之二至二分之一,
    blind review), a rise's start above its end (从三万亿元增加到二万八千亿元) or a majority of at most half
    (四分之一以上的多数)."""
    rise, fall = _RISE_TO.match(after), _FALL_TO.match(after)
    if before.endswith("从") and (change := rise or fall):
        start, end = scaled(candidate), scaled(change.group(1))
        if start is not None and end is not None:
            return start >= end if rise else start <= end
    value = magnitude(candidate)
    if value is None:
        return False
    upper = _UPPER.match(after)
    if upper and (bound := magnitude(upper.group(1))) is not None and value >= bound:
        return True
    lower = _LOWER.search(before)
    if lower and (bound := magnitude(lower.group(1))) is not None and value <= bound:
        return True
    return after.startswith(MAJORITY) and ("分之" in candidate or candidate.endswith("%")) and value <= 0.5


# A bound, not an amount: a report's 超过60% is true of 超过30% too. A rule's bound is what it prescribes (应当…
# 三分之二以上, 六十日内): another bound there is another rule, a fair distractor.
PRESCRIBES = ("应当", "必须", "不得", "可以", "须")
AT_LEAST_BEFORE = ("超过", "不少于", "至少", "多于", "高于", "不低于", "达到", "突破")
AT_MOST_BEFORE = ("不超过", "不足", "少于", "低于", "不到", "不高于", "最多", "至多")
AT_LEAST_AFTER = ("以上", "多")
AT_MOST_AFTER = ("以下", "以内")


def still_true(key: str, candidate: str, before: str, after: str) -> bool:
    """Whether a number put in place of the key under a bound still makes a true statement."""
    if any(word in before + after for word in PRESCRIBES):
        return False
    (key_value, key_unit), (value, unit) = amount(key) or (None, ""), amount(candidate) or (None, "")
    if key_value is None or value is None or key_unit != unit:
        return False
    at_most = before.endswith(AT_MOST_BEFORE) or after.startswith(AT_MOST_AFTER)
    at_least = not at_most and (before.endswith(AT_LEAST_BEFORE) or after.startswith(AT_LEAST_AFTER))
    return (at_least and value < key_value) or (at_most and value > key_value)


def amount(text: str) -> tuple[float | None, str] | None:
    """An amount's value (None when unreadable) and unit: 30日 → (30.0, "日"); None for no amount."""
    match = _AMOUNT.match(text)
    return (numeral_value(match.group(1)), match.group(2)) if match else None


def _same_kind(span: Span, library: LibraryView, rng: random.Random, doc_id: str = "") -> list[str]:
    if span.kind == "number":
        unit = span.family.split("/")[0] if "/" in span.family else ""
        key = numeral_value(span.text[: len(span.text) - len(unit)] if unit else span.text.rstrip("%年"))
        seen = sorted(library.pool("number", span.family), key=lambda t: (_closeness(key, t, len(unit)), t))
        near = [t for t in seen if _closeness(key, t, len(unit)) < 1.7][:4]
        rng.shuffle(near)
        variants = number_variants(span)
        rng.shuffle(variants)
        return near[:2] + variants + near[2:]
    if span.kind == "member":
        return []  # members come from sibling lists (see sibling_members)
    same = sorted(library.pool(span.kind, span.family))
    rng.shuffle(same)
    if span.kind == "term":
        # dictionary tags are coarse (n: 常务委员会, 奢靡之风, 调研报告): only a term with the key's head character
        # (Chinese compounds end in their head: 官僚主义 ~ 形式主义) is the same kind of thing, so an option of
        # another kind cannot give the key away and a swapped statement stays plausible; other tags never are
        return [term for term in same if same_head(term, span.text)]
    other = sorted(library.pool(span.kind) - set(same))
    rng.shuffle(other)
    local = library.document_pool(doc_id, span.kind) if doc_id else set()
    if span.kind == "right":
        # rights a member could hold where the key is held: the document's own (表决权 in the 政协章程: 选举权,
        # 被选举权), else one sharing more than 权 (表决权 ~ 否决权), never 财产权 or 知识产权 for a vote
        return [t for t in same + other if t in local or shared_suffix(t, span.text) >= RIGHT_ENDING]
    # bodies of the key's system only (blind review: a 政协 body among people's-congress bodies, or 审判机关 for a
    # 党委, gives the key away); of those, the key's kind first (地方委员会 for 全国委员会) by the ending they
    # share, then the key's own document (选举法's bodies for a 选举法 item), then family
    system = body_system(span.text)
    ranked = [(t, 0) for t in same if body_system(t) == system] + [(t, 1) for t in other if body_system(t) == system]
    return [t for t, _ in sorted(ranked, key=lambda p: (-shared_suffix(p[0], span.text), p[0] not in local, p[1]))]


RIGHT_ENDING = 2


# One body, several names: swapping one for another leaves a statement true (党中央 ~ 中共中央).
SAME_BODY = {
    "党中央": "中共中央",
    "中国共产党中央委员会": "中共中央",
    "中央人民政府": "国务院",
    "全国人大": "全国人民代表大会",
    "全国人大常委会": "全国人民代表大会常务委员会",
    "全国政协": "中国人民政治协商会议全国委员会",
}
_AMOUNT = re.compile(r"^([\d.〇零一二两三四五六七八九十百千万亿]+)(.*)$")


def names_the_same(candidate: str, key: str) -> bool:
    """A distractor that would also be right: the same amount in other words (百年 = 一百年), a body or term
    that holds the key or is held by it (各级党委 ~ 地方各级党委, 全国委员会 ~ 中国人民政治协商会议全国委员会), or its
    abbreviation or full form (专门委员会 ~ 专委会: quiz.text.same_answer)."""
    amounts = amount(candidate), amount(key)
    if amounts[0] and amounts[1]:  # amounts compare by value: 15% holds the characters of 5% and is another amount
        (value_x, unit_x), (value_y, unit_y) = amounts
        return unit_x == unit_y and value_x is not None and value_x == value_y
    a, b = norm(SAME_BODY.get(candidate, candidate)), norm(SAME_BODY.get(key, key))
    if a in b or b in a or same_answer(candidate, key):
        return True
    # the same body at another level: 本级 ~ 地方 ~ 县级人民代表大会, 县级党委 ~ 本级党委 (blind review: the statement
    # stays true or the item has two answers)
    return without_level(a) == without_level(b)


LEVELS = (
    "县级以上的", "县级以上", "地方", "各级", "本级", "上级", "下级",
    "上一级", "同级", "县级", "乡级", "乡镇", "省级", "市级",
)  # fmt: skip


def without_level(name: str) -> str:
    """A body's name without the levels before it: 地方各级人民代表大会 → 人民代表大会."""
    stripped = True
    while stripped:
        stripped = False
        for level in LEVELS:
            if name.startswith(level) and len(name) > len(level):
                name, stripped = name[len(level) :], True
    return name


def core_name(name: str) -> str:
    """A body's name without the state's or the party's full title before it."""
    return name.removeprefix("中华人民共和国").removeprefix("中国共产党")


def shared_suffix(text: str, key: str) -> int:
    length = 0
    while length < min(len(text), len(key)) and text[-1 - length] == key[-1 - length]:
        length += 1
    return length


def comparable(candidate: str, key: str, ending: int = 2) -> bool:
    """Two names of one kind a statement can trade: the same ending of `ending` characters or more (常务委员会 ~
    专门委员会), lengths within a factor of two, and of one system (body_system: 地方委员会, a 政协 body, is no
    本级人民代表大会常务委员会)."""
    lengths = sorted((len(candidate), len(key)))
    same_system = body_system(candidate) == body_system(key)
    return shared_suffix(candidate, key) >= ending and lengths[1] <= 2 * lengths[0] and same_system


# The system a body belongs to, by the marks in its name; "" for a name that shows none (下级机关, 常务委员会).
BODY_SYSTEMS = (
    ("congress", ("人民代表大会", "人大")),
    ("cppcc", ("政治协商", "政协")),
    ("judiciary", ("审判", "检察", "法院", "公安")),
    ("party", ("党委", "党组", "党支部", "党的", "党中央", "纪律检查", "纪委", "中共")),
    ("government", ("人民政府", "国务院", "政府")),
)


def body_system(name: str) -> str:
    return next((system for system, marks in BODY_SYSTEMS if any(mark in name for mark in marks)), "")


def same_head(term: str, key: str) -> bool:
    return term[-1] == key[-1]


def shared_ending(members: list[str]) -> str:
    """The ending every member shares (建设 in 经济建设、政治建设、文化建设; 一新 in 面貌一新、体制一新), or ""."""
    ending = members[0]
    for member in members[1:]:
        while ending and not member.endswith(ending):
            ending = ending[1:]
    return ending if ending and all(len(m) > len(ending) for m in members) else ""


# a national body has no 各级 (各级中华人民共和国全国人民代表大会)
NATIONAL = ("全国", "中国", "中华人民共和国", "中央", "党中央", "国务院", "最高")


# a place below the nation: a body named after it is local (省、自治区、直辖市的____ is no 全国委员会)
LOCAL_PLACES = ("省", "自治区", "直辖市", "自治州", "市", "县", "乡", "镇", "市辖区")


def fits_after(before: str, candidate: str) -> bool:
    """Not a second modifier after one (“地方” + “本级人民代表大会”, “地方” + “地方人民代表大会”), nor a national
    body after one (各级中华人民共和国全国人民代表大会) or after places below the nation."""
    if candidate.startswith(NATIONAL) and (
        before.endswith(tuple(BODY_MODIFIERS)) or before.removesuffix("的").endswith(LOCAL_PLACES)
    ):
        return False  # 全国和地方中华人民共和国全国人民代表大会, 直辖市的全国委员会
    return not (before.endswith(tuple(BODY_MODIFIERS)) and candidate.startswith(tuple(BODY_MODIFIERS)))


def sibling_members(
    key: str,
    noun: str,
    doc_id: str,
    library: LibraryView,
    exclude: set[str],
    rng: random.Random,
    own_document: bool = False,
) -> list[str]:
    """Members of other lists, most alike first: enumerating the same noun (原则, 情形), ending in the same
    character (自治区 ~ 市辖区), from the same document, of a similar length. With `own_document`, only lists of
    the key's document enumerating the same noun (the other bodies' 职权 for one body's)."""

    def kept(member: tuple[str, str, str]) -> bool:
        text, its_noun, its_doc = member
        return norm(text) not in exclude and (not own_document or (its_doc == doc_id and its_noun == noun))

    members = [m for m in library.list_members() if kept(m)]
    rng.shuffle(members)

    def unlike(member: tuple[str, str, str]) -> tuple[int, int, int, int, int]:
        text, its_noun, its_doc = member
        return (
            0 if noun and its_noun == noun else 1,
            0 if max(len(text), len(key)) <= 2 * min(len(text), len(key)) else 1,  # 研究部署重点工作任务 ≁ 志愿服务
            0 if same_head(text, key) else 1,
            0 if its_doc == doc_id else 1,
            min(abs(len(text) - len(key)), 4),
        )

    return list(dict.fromkeys(text for text, _, _ in sorted(members, key=unlike)))


def choose(
    key: str,
    pool: list[str],
    sentence: str,
    makes_true_statement: Callable[[str], bool],
    count: int = 3,
) -> list[str]:
    """The first `count` candidates that differ from the key, are absent from the sentence and make no true
    statement in the library."""
    chosen: list[str] = []
    keys = {norm(key)}
    folded = norm(sentence)
    for text in pool:
        k = norm(text)
        if not k or k in keys or k in folded or norm(core_name(text)) in folded:
            continue  # 中华人民共和国全国人民代表大会 where the stem already says 全国人民代表大会
        if names_the_same(text, key) or makes_true_statement(text):
            continue
        if any(names_the_same(text, other) for other in chosen):
            continue  # 二人 and 两人 are one option twice
        chosen.append(text)
        keys.add(k)
        if len(chosen) == count:
            break
    return chosen

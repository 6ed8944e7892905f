"""What can be blanked in a sentence: numbers with units, dictionary terms, bodies, rights, enumeration members.

Pure functions over a sentence and its jieba word boundaries. A span found inside a word (一 in 统一, 三 in 三个代表)
is not a number; a span that is the whole sentence's only content is not worth asking.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from quiz.text import loose_numeral
from retrieval.tokenizer import USER_DICT, normalize

UNITS = (
    "个工作日", "工作日", "周年", "周岁", "个月", "小时", "万亿元", "亿元", "万元", "万人", "亿人", "万亩", "公里",
    "日", "天", "年", "人", "名", "次", "届", "件", "项", "岁", "元", "亩", "斤", "吨", "倍", "条",
)  # fmt: skip
_CN = "零〇一二两三四五六七八九十百千"
NUMBER = re.compile(
    rf"(?P<fraction>[{_CN}]+分之[{_CN}]+)"
    r"|(?P<percent>\d+(?:\.\d+)?%)"
    r"|(?P<year>(?:19|20)\d{2})年(?![\d{_CN}]{{1,2}}月)".replace("{_CN}", _CN)
    + rf"|(?P<count>(?:\d+(?:\.\d+)?|[{_CN}]+)(?:{'|'.join(UNITS)}))"
)
DATE = re.compile(
    rf"(?:\d{{4}}|[{_CN}]{{4}})年[\d{_CN}]{{1,2}}月(?:[\d{_CN}]{{1,3}}日)?|[\d{_CN}]{{1,2}}月[\d{_CN}]{{1,3}}日"
)
BODY_SUFFIXES = (
    "人民代表大会常务委员会", "常务委员会", "人民代表大会", "人民政府", "人民法院", "人民检察院", "监察委员会",
    "委员会", "国务院", "党中央", "中共中央", "政协", "党组", "党委", "常委会", "机关",
)  # fmt: skip
BODY_MODIFIERS = frozenset({"全国", "地方", "各级", "本级", "上级", "上一级", "县级", "省级", "中央", "国家", "最高"})
GENERIC_BODIES = frozenset({"机关", "国家机关", "有关机关", "委员会", "政协", "党组", "党委", "该机关", "原机关"})
MEMBER_MIN, MEMBER_MAX = 2, 14
LIST_MARKER = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.、．])\s*"
)
ARTICLE_LABEL = re.compile(r"^\s*第[一二三四五六七八九十百千零〇\d]+条\s*")


@dataclass(frozen=True)
class Span:
    """A blankable piece of a sentence: [start, end) in it, the text, its kind and family (unit, suffix, tag)."""

    start: int
    end: int
    text: str
    kind: str  # number | term | body | right | member
    family: str = ""


def word_offsets(sentence: str, words: Sequence[str]) -> Iterator[tuple[int, str]]:
    """(start, word) of each jieba word found in order (the words come from the normalized sentence, same length)."""
    position = 0
    folded = normalize(sentence)
    for word in words:
        found = folded.find(word, position)
        if found < 0:
            continue
        yield found, word
        position = found + len(word)


def boundaries(sentence: str, words: Sequence[str]) -> set[int]:
    """Offsets where a jieba word starts or ends."""
    marks = {0, len(sentence)}
    for start, word in word_offsets(sentence, words):
        marks.update((start, start + len(word)))
    return marks


@cache
def domain_terms() -> dict[str, str]:
    """The domain dictionary (retrieval/data/userdict.txt): term → jieba tag (n, nt, nz)."""
    terms: dict[str, str] = {}
    for line in USER_DICT.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 3 and len(parts[0]) >= 2:
            terms[parts[0]] = parts[2]
    return terms


def find_numbers(sentence: str, edges: set[int]) -> list[Span]:
    dates = [(m.start(), m.end()) for m in DATE.finditer(sentence)]
    found: list[Span] = []
    for match in NUMBER.finditer(sentence):
        kind = match.lastgroup or "count"
        start, end = match.span(kind)
        text = match.group(kind)
        if kind == "year":
            end += 1  # the 年 belongs to the answer
            text += "年"
        if any(s < end and start < e for s, e in dates) or (start and sentence[start - 1] in "第每点."):
            continue  # dates, ordinals and "每届" are not quantities
        if text[0] in _CN and (start not in edges or end not in edges):
            continue  # a numeral inside a word: 统一, 一切, 三个代表
        if loose_numeral(text) or _one_of_a_phrase(sentence[:start], text):
            continue  # 得罪千百人 and 新的一年 say no amount a member should know
        if text in CENTENARIES:
            continue  # 第二个百年, 建党一百周年: names of goals and anniversaries, no counts to vary
        found.append(Span(start, end, text, "number", _family(kind, text)))
    return found


# names of goals and anniversaries, and a figure of speech (中华民族的千年梦想): no counts to vary
CENTENARIES = frozenset({"百年", "一百年", "一百周年", "百周年", "100年", "100周年", "千年", "万年"})
_BEFORE_ONE = ("新的", "这", "那", "同", "上", "下")  # 新的一年, 这一次: a set phrase, no count


def _one_of_a_phrase(before: str, text: str) -> bool:
    return text[0] == "一" and text[1:2] not in _CN + "万亿" and before.endswith(_BEFORE_ONE)


_DIGIT_BY_DIGIT_YEAR = re.compile(r"(?:一九|二〇)[〇零一二三四五六七八九]{2}年")


def _family(kind: str, text: str) -> str:
    if kind == "count" and _DIGIT_BY_DIGIT_YEAR.fullmatch(text):
        return "year-chinese"  # 二〇三五年 is a year, not a count of 2,035 years
    if kind == "count":
        unit = next(u for u in sorted(UNITS, key=len, reverse=True) if text.endswith(u))
        script = "arabic" if text[0].isdigit() else "chinese"
        return f"{unit}/{script}"
    return kind


def find_terms(sentence: str, edges: set[int]) -> list[Span]:
    """Dictionary terms, longest first, not overlapping (中央八项规定 wins over 八项规定), and whole words: 政治协商
    inside 中国人民政治协商会议 is part of a name, not a term to ask for."""
    taken = [False] * len(sentence)
    found: list[Span] = []
    for term, tag in sorted(domain_terms().items(), key=lambda item: -len(item[0])):
        start = sentence.find(term)
        while start >= 0:
            whole = start in edges and start + len(term) in edges
            if whole and not any(taken[start : start + len(term)]):
                taken[start : start + len(term)] = [True] * len(term)
                found.append(Span(start, start + len(term), term, "term", tag))
            start = sentence.find(term, start + len(term))
    return sorted(found, key=lambda s: s.start)


def find_bodies(sentence: str, words: Sequence[str]) -> list[Span]:
    """Bodies: a word ending in a body suffix (国务院, 人民政府, 审判机关), with a level modifier before it (全国)."""
    found: list[Span] = []
    position = 0
    previous: tuple[str, int] | None = None
    folded = normalize(sentence)
    for word in words:
        start = folded.find(word, position)
        if start < 0:
            continue
        position = start + len(word)
        suffix = next((s for s in BODY_SUFFIXES if word.endswith(s)), None)
        modified = previous is not None and previous[0] in BODY_MODIFIERS
        if suffix and (word != suffix or (modified and suffix != "机关")):
            begin = previous[1] if modified else start
            text = sentence[begin:position]
            if text not in GENERIC_BODIES and len(text) <= 16:
                found.append(Span(begin, position, text, "body", suffix))
        previous = (word, start)
    return found


# words ending in 权 that name powers or acts, not a right one holds (简政放权 is a reform slogan)
NOT_RIGHTS = ("职权", "放权", "分权", "授权", "集权", "弃权", "越权", "滥权", "特权", "强权", "霸权")  # 不畏强权


def find_rights(sentence: str, words: Sequence[str]) -> list[Span]:
    """Rights: words of 3+ characters ending in 权 (选举权, 被选举权, 表决权)."""
    return [
        Span(start, start + len(word), sentence[start : start + len(word)], "right", "权")
        for start, word in word_offsets(sentence, words)
        if len(word) >= 3 and word.endswith("权") and not word.endswith(NOT_RIGHTS)
    ]


def find_enumeration(sentence: str, edges: set[int]) -> list[Span]:
    """The exact members of the first inline enumeration "A、B、C和D" with 4+ pieces: the middle ones, whose
    boundaries are certain (the first and last pieces carry the words around the list: 应当登记, 思想为指导)."""
    for clause_match in re.finditer(r"[^，；：。,;:!?！？]+", sentence):
        clause, offset = clause_match.group(0), clause_match.start()
        if clause.count("、") < 2:
            continue
        middle = _members(_pieces(clause, offset)[1:-1], edges)
        if len(middle) < 2 or any(not MEMBER_MIN <= len(p[2]) <= MEMBER_MAX for p in middle):
            continue
        if any(s not in edges or e not in edges for s, e, _ in middle):
            continue
        return [Span(s, e, t, "member", "enumeration") for s, e, t in middle]
    return []


# A piece holding one of these as a word of its own is a phrase: at the list's ends the list's edge lies inside it
# (“香港、澳门在国际金融、贸易” lists places, then trades; “乡、民族乡、镇的人民代表大会主席” lists kinds of 乡镇);
# a preposition inside the list means the 、 do not make one list, while 的 may stay inside a member
# (“自治州、自治县和有少数民族聚居的乡、民族乡”).
_PREPOSITIONS = (*"在对向把被将从由", "应当", "可以", "必须", "不得")  # and modals: a clause, not a member
_PHRASE_WORDS = ("的", *_PREPOSITIONS)
# An end piece this many times as long as the other members carries words from around the list
# (“紧急信访事项和信访信息隐瞒、谎报、缓报”).
_END_LENGTH_RATIO = 3


def _holds_word(piece: tuple[int, int, str], edges: set[int], words: tuple[str, ...]) -> bool:
    start, _, text = piece
    return any(
        text.startswith(word, i) and start + i in edges and start + i + len(word) in edges
        for i in range(len(text))
        for word in words
    )


def _overlong(piece: tuple[int, int, str], others: list[tuple[int, int, str]]) -> bool:
    lengths = sorted(len(p[2]) for p in others)
    return bool(lengths) and len(piece[2]) >= 6 and len(piece[2]) > _END_LENGTH_RATIO * lengths[len(lengths) // 2]


def _members(middle: list[tuple[int, int, str]], edges: set[int]) -> list[tuple[int, int, str]]:
    """The middle pieces that are true members (none when the pieces are not one list)."""
    while middle and (_holds_word(middle[0], edges, _PHRASE_WORDS) or _overlong(middle[0], middle[1:])):
        middle = middle[1:]
    while middle and (_holds_word(middle[-1], edges, _PHRASE_WORDS) or _overlong(middle[-1], middle[:-1])):
        middle = middle[:-1]
    return [] if any(_holds_word(p, edges, _PREPOSITIONS) for p in middle) else middle


def _pieces(clause: str, offset: int) -> list[tuple[int, int, str]]:
    pieces = []
    start = 0
    for part in clause.split("、"):
        pieces.append((offset + start, offset + start + len(part), part))
        start += len(part) + 1
    return pieces


def list_item_head(sentence: str) -> str | None:
    """The head of a numbered list item: "（一）坚持党的全面领导。把…" → "坚持党的全面领导"; None if not an item."""
    marker = LIST_MARKER.match(sentence)
    if not marker:
        return None
    head = re.split(r"[。；;，,：:]", sentence[marker.end() :], maxsplit=1)[0].strip()
    return head if MEMBER_MIN <= len(head) <= 30 else None


LEADING_DASHES = re.compile(r"^[\s—–\-·•●■◆]+")  # “——中国式现代化是…”: the report's bullet dash


def strip_labels(text: str) -> str:
    """A stem does not start with "第三条", "（一）" or a bullet dash."""
    return LEADING_DASHES.sub("", LIST_MARKER.sub("", ARTICLE_LABEL.sub("", text, count=1), count=1)).strip()

"""Which library documents a question names: 宪法, 劳动合同法, 个保法, 消法, 党章, 二十大报告, 2021年政府工作报告.

Members name a document by its short form or a contraction, and expect the answer to come from it; BM25 sees only
the words (个保法 shares none with 中华人民共和国个人信息保护法). A name is a stretch of the question that ends like a
document title (…法, …条例, …报告) and spells a library title: contained in it (宪法), or its characters in order
(个保法 ⊑ 个人信息保护法) when the stretch is no everyday word (合法 and 办法 are) and either starts the title or
keeps its characters close together (二十大报告 in 第二十次全国代表大会上的报告). Learned from the titles, no list.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from retrieval.abbreviations import is_subsequence
from retrieval.tokenizer import is_pointing

# How document titles end; a question's name ends the same way (党章 names a …章程).
KINDS = ("法典", "条例", "章程", "报告", "决议", "规定", "办法", "决定", "意见", "规则", "细则", "纲要", "法", "章")
MAX_NAME = 12
# A contraction that does not start the title skips at most this many of its characters per character, and
# at most MAX_SKIPPED in all (二十大报告 skips 8 in 第二十次全国代表大会上的报告).
COMPACT = 2
MAX_SKIPPED = 10
MAX_NAMED = 3  # a name that fits more titles than this names none in particular
NOUN_FLAGS = ("n", "j", "vn")  # jieba's nouns (n, nr, nz…), abbreviations and verbal nouns (工作)
_PREFIX = "中华人民共和国"
_BRACKETS = re.compile(r"[（(][^）)]*[）)]|[《》〈〉“”\"]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_QUOTED = re.compile(r"《([^《》]{2,60})》")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")


@dataclass(frozen=True)
class Title:
    doc_id: str
    full: str
    short: str  # without 中华人民共和国, brackets and spaces: what a member's name is matched against


# 母婴保健这部法, 这个条例: a name said with a demonstrative before its kind word
_DEMONSTRATIVE = re.compile(r"(?<=[\u4e00-\u9fff])[这那][部个项本]?(?:法律|(条例|规定|办法|章程|法))$")


def short_title(title: str) -> str:
    return _BRACKETS.sub("", title.removeprefix(_PREFIX)).replace(" ", "").replace("　", "")


def asked_name(text: str) -> str:
    """The name a question says, as a short title: 中华人民共和国宪法 is asked as 宪法, and 母婴保健这部法 (这个条例,
    那部法律) is 母婴保健法."""
    return _DEMONSTRATIVE.sub(lambda match: match.group(1) or "法", short_title(text))


def titles_of(documents: Iterable[tuple[str, str]], openings: dict[str, str] | None = None) -> list[Title]:
    """(doc_id, title) pairs → the names they can be asked by: the title and a subtitle line of the opening
    (——在中国共产党第二十次全国代表大会上的报告), when it ends like a document name."""
    found = []
    for doc_id, title in documents:
        subtitles = [line.lstrip("—- ") for line in (openings or {}).get(doc_id, "").splitlines()[:3]]
        for name in [title] + [line for line in subtitles if line and line != title]:
            short = short_title(name)
            if short.endswith(KINDS):
                found.append(Title(doc_id, title, short))
    return found


def _ends_alike(name: str, short: str) -> bool:
    return short[-1] == name[-1] or (name.endswith("章") and short.endswith("章程"))


def _compact(name: str, short: str) -> bool:
    """The name's characters occur in order within a short stretch of the title."""
    width = len(name) + min(COMPACT * len(name), MAX_SKIPPED)
    return any(is_subsequence(name, short[start : start + width]) for start, c in enumerate(short) if c == name[0])


def spells(name: str, title: Title, everyday: Callable[[str], bool]) -> bool:
    """Whether this stretch of a question names this title."""
    short = title.short
    if len(name) < 2 or name in KINDS or not _ends_alike(name, short):  # 报告 alone names no report
        return False
    if name == short:
        return True
    if name in short:  # 合同法, 党章; an everyday two-character word (合法) names nothing
        return len(name) >= 3 or not everyday(name)
    if everyday(name) or not is_subsequence(name, short):
        return False
    return name[0] == short[0] or _compact(name, short)


def quoted_names(question: str) -> list[tuple[int, int]]:
    """(start, end) of each 《…》 in the question that ends like a document name: the asker's exact title."""
    return [m.span(1) for m in _QUOTED.finditer(question) if m.group(1).endswith(KINDS)]


def candidate_names(question: str, starts: Iterable[int]) -> list[tuple[int, int]]:
    """(start, end) stretches of the question ending in a kind word and starting at a word boundary, longest first.
    Inside 《…》 only the whole title counts (《监察法实施条例》 names no 监察法)."""
    boundaries = sorted(set(starts))
    quotes = quoted_names(question)
    spans = list(quotes)
    for kind in KINDS:
        for match in re.finditer(kind, question):
            end = match.end()
            spans += [(s, end) for s in boundaries if end - MAX_NAME <= s <= end - 2]
    spans = [
        (start, end)
        for start, end in spans
        if (start, end) in quotes
        or (_HAN.match(question[start]) and not any(start < q_end and q_start < end for q_start, q_end in quotes))
    ]
    return sorted(set(spans), key=lambda span: (span[0] - span[1], span[0]))


@dataclass(frozen=True)
class Naming:
    """The (start, end) spans where a question names documents of the library, and their doc ids."""

    spans: tuple[tuple[int, int], ...] = ()
    doc_ids: tuple[str, ...] = ()


class DocumentNames:
    """The library's titles, matched against questions."""

    def __init__(self, titles: list[Title], everyday: Callable[[str], bool]):
        self.titles = titles
        self._everyday = everyday
        self._by_character: dict[str, set[int]] = defaultdict(set)  # thousands of laws: look at few of them
        for number, title in enumerate(titles):
            for character in title.short:
                self._by_character[character].add(number)

    def _holding(self, name: str) -> list[Title]:
        """The titles that hold every character of the name."""
        if not name:
            return []
        numbers = set.intersection(*(self._by_character.get(c, set()) for c in set(name)))
        return [self.titles[number] for number in sorted(numbers)]

    def missing(self, question: str) -> list[str]:
        """The 《titles》 the question quotes that the library does not hold (《中国共产党纪律处分条例》)."""
        absent = []
        for start, end in quoted_names(question):
            name = short_title(question[start:end])
            if not any(spells(name, t, self._everyday) for t in self._holding(name)):
                absent.append(question[start:end])
        return absent

    def named(self, question: str, starts: Iterable[int]) -> list[str]:
        """Doc ids of the documents the question names (empty when it names none the library holds)."""
        return list(self.naming(question, starts).doc_ids)

    def naming(self, question: str, starts: Iterable[int]) -> Naming:
        """Where the question names documents of the library, and which."""
        spans: list[tuple[int, int]] = []
        doc_ids: list[str] = []
        for start, end in candidate_names(question, starts):
            if any(s <= start and end <= e for s, e in spans):
                continue  # part of a longer name already matched (劳动合同法 holds 合同法)
            name = asked_name(question[start:end])
            fits = [t for t in self._holding(name) if spells(name, t, self._everyday)]
            found = list(dict.fromkeys(t.doc_id for t in _of_the_year(fits, question[max(0, start - 6) : end])))
            if 0 < len(found) <= MAX_NAMED:
                spans.append((start, end))
                doc_ids += [doc_id for doc_id in found if doc_id not in doc_ids]
        return Naming(tuple(spans), tuple(doc_ids))


def _of_the_year(fits: list[Title], around: str) -> list[Title]:
    """A year next to a name of dated titles (2021年政府工作报告) keeps that year's; a year next to an undated
    title (2018年修改的宪法) is about something else."""
    year = _YEAR.search(around)
    if year is None or not any(_YEAR.search(t.full) for t in fits):
        return fits
    return [t for t in fits if year.group(1) in t.full]


def name_starts(text: str, tagged: Iterable[tuple[str, str]]) -> list[int]:
    """Where a name can start: at a word that follows no noun (党组工作条例 is no 工作条例; 按消法 holds 消法)."""
    starts, position, after_noun, previous = [], 0, False, ""
    for word, flag in tagged:
        found = text.find(word, position)
        if found < 0:
            continue
        if not after_noun:
            starts.append(found)
        position = found + len(word)
        # a demonstrative's measure word (这版, 这部) is no noun: 这版红十字会法 names 红十字会法
        after_noun = flag.startswith(NOUN_FLAGS) and not is_pointing(previous + word) and not is_pointing(word)
        previous = word
    return starts

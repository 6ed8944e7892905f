"""Text helpers of the quiz: matching that ignores width, case, spaces and punctuation; Chinese numerals."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from retrieval.abbreviations import is_subsequence
from retrieval.synonyms import SYNONYMS
from retrieval.text import strip_punctuation
from retrieval.tokenizer import chinese_numeral, normalize

# "根据《信访工作条例》，" in front of 判断/多选 stems names the material; it is not part of the claim.
TITLE_PREFIX = re.compile(r"^根据《[^》]{1,60}》(?:（[^）]{1,40}）)?[^，,]{0,12}[，,]")
_DIGITS = "零一二三四五六七八九"


def norm(text: str) -> str:
    """The form two texts are compared in: NFKC, lower case, no punctuation or spaces."""
    return strip_punctuation(normalize(text))


def claim_of(stem: str) -> str:
    """A stem without its "根据《…》，" prefix."""
    return TITLE_PREFIX.sub("", stem.strip(), count=1)


_POSITIONAL = {ch: str(n) for n, ch in enumerate("〇一二三四五六七八九")} | {"零": "0"}


# Two places in a row (千百, 百十): no number is written so (得罪千百人 is a figure of speech).
_LOOSE_NUMERAL = re.compile(r"[十百千][百千]|百十")


def loose_numeral(text: str) -> bool:
    return bool(_LOOSE_NUMERAL.search(text))


def numeral_value(text: str) -> float | None:
    """ "60" → 60, "5.2" → 5.2, "三十" → 30, "两" → 2; None for anything else (千百 included)."""
    if loose_numeral(text):
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if len(text) > 1 and all(ch in _POSITIONAL for ch in text):  # 一九四九, 二〇二四: digits read one by one
        return float("".join(_POSITIONAL[ch] for ch in text))
    value = chinese_numeral(text)
    return float(value) if value is not None and text else None


def digit_by_digit(value: int) -> str:
    """2030 → 二〇三〇: years are read digit by digit."""
    return "".join("〇一二三四五六七八九"[int(digit)] for digit in str(value))


def chinese_number(value: int) -> str:
    """30 → 三十, 15 → 十五, 105 → 一百零五 (0 < value < 10000): distractors keep the key's script."""
    if not 0 < value < 10000:
        return str(value)
    parts: list[str] = []
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, value = divmod(value, unit_value)
        if digit:
            parts.append(_DIGITS[digit] + unit)
        elif parts and value and parts[-1] != "零":
            parts.append("零")
    text = "".join(parts).rstrip("零")
    return text[1:] if text.startswith("一十") else text


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def similarity(left: str, right: str) -> float:
    """Jaccard overlap of character bigrams (near-duplicate stems)."""
    a, b = bigrams(left), bigrams(right)
    return len(a & b) / len(a | b) if a | b else 1.0


# -- set phrases (提法): quiz/data/set_phrases.txt -------------------------------------------------------------------
SET_PHRASES = Path(__file__).resolve().parent / "data" / "set_phrases.txt"
_QUOTES = "“”\"‘’'「」『』"


@lru_cache(maxsize=1)
def _set_phrase_pattern() -> re.Pattern[str] | None:
    lines = SET_PHRASES.read_text(encoding="utf-8").splitlines() if SET_PHRASES.is_file() else []
    phrases = {_unquoted(line.strip()) for line in lines if line.strip() and not line.startswith("#")}
    longest_first = sorted((p for p in phrases if len(p) >= 3), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, longest_first))) if longest_first else None


def _unquoted(text: str) -> str:
    return "".join(ch for ch in text if ch not in _QUOTES)


def set_phrase_ranges(text: str) -> list[tuple[int, int]]:
    """Where the text says a set phrase ([start, end) in the text; quotation marks do not matter)."""
    pattern = _set_phrase_pattern()
    if pattern is None:
        return []
    kept = [i for i, ch in enumerate(text) if ch not in _QUOTES]  # position in the text of each unquoted char
    unquoted = "".join(text[i] for i in kept)
    return [(kept[m.start()], kept[m.end() - 1] + 1) for m in pattern.finditer(unquoted)]


def overlaps(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start < range_end and range_start < end for range_start, range_end in ranges)


# -- one answer in other words: 专委会 ~ 专门委员会 ~ 各专门委员会 -----------------------------------------------
# A pointer before a name (各专委会, 本机关, 该机关, 有关部门) names no other body; 各级 and 本级 are levels, and do.
_POINTERS = re.compile(r"^(?:有关|该|各(?!级)|本(?!级))")


def bare(text: str) -> str:
    """A name as options compare: normalised, without a pointer before it (各, 本, 该, 有关) and without 的."""
    key = norm(text).replace("的", "")
    stripped = _POINTERS.sub("", key, count=1)
    return stripped if len(stripped) >= 2 else key


@lru_cache(maxsize=1)
def abbreviation_pairs() -> tuple[tuple[str, str], ...]:
    """(abbreviation, full form), bare, from the question-side thesaurus (retrieval/data/synonyms.txt): its entries
    whose word starts as its alternative does and takes the rest of its characters from it in order (专委会=专门
    委员会, 人大=人民代表大会), not a colloquial word for another one (同意=通过, 老百姓=群众). No wider rule: the
    characters of a name in order with its first and last (中央委员会 in 中央纪律检查委员会, 记过 in 记大过, 二十届
    in 二十二届) name other bodies and amounts as often as the same one."""
    pairs = set()
    for line in SYNONYMS.read_text(encoding="utf-8").splitlines():
        if "=" not in line or line.lstrip().startswith("#"):
            continue
        word, alternatives = line.split("=", 1)
        short = bare(word)
        for alternative in alternatives.split(","):
            full = bare(alternative)
            if 2 <= len(short) < len(full) and short[0] == full[0] and is_subsequence(short, full):
                pairs.add((short, full))
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p)))


def same_answer(left: str, right: str) -> bool:
    """Two options that are one answer: equal once pointers and 的 are set aside (各专委会 ~ 专委会), or an
    abbreviation of the thesaurus and its full form, alone or in the same words (专委会 ~ 各专门委员会)."""
    a, b = bare(left), bare(right)
    if a == b:
        return bool(a)
    short, full = sorted((a, b), key=len)
    return any(
        abbreviation in short and short.replace(abbreviation, whole, 1) == full
        for abbreviation, whole in abbreviation_pairs()
    )

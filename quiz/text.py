"""Text helpers of the quiz: matching that ignores width, case, spaces and punctuation; Chinese numerals."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

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

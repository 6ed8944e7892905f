"""Sentence splitting and punctuation stripping for Chinese policy text (shared by ingest and answer)."""

from __future__ import annotations

import unicodedata

_CJK_ENDS = "。！？；"
_ASCII_ENDS = "!?;"
_ENDS = _CJK_ENDS + _ASCII_ENDS
# Closing quotes/brackets right after an end mark belong to the sentence they close.
_CLOSERS = "”’」』）)】》"
_ELLIPSES = ("……", "…", "...")


def split_sentences(text: str) -> list[str]:
    """Split at 。！？； (and !?; before CJK text or the end) and at line breaks; marks stay attached."""
    sentences: list[str] = []
    for line in text.splitlines():
        sentences.extend(_split_line(line))
    return sentences


def strip_punctuation(text: str) -> str:
    """Keep only letters, digits and marks: drops CJK/ASCII punctuation, symbols and whitespace."""
    return "".join(char for char in text if unicodedata.category(char)[0] in "LNM")


def _split_line(line: str) -> list[str]:
    pieces: list[str] = []
    start = index = 0
    while index < len(line):
        end = _sentence_end(line, start, index)
        if end is None:
            index += 1
            continue
        pieces.append(line[start:end])
        start = index = end
    pieces.append(line[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def _sentence_end(line: str, start: int, index: int) -> int | None:
    """Index just past the sentence ending at `index`, or None when `line[index]` ends nothing."""
    if line[index] not in _ENDS:
        return None
    marks_end = index + 1
    while marks_end < len(line) and line[marks_end] in _ENDS:  # "？！", "!!"
        marks_end += 1
    end = _skip_closers(line, start, marks_end)
    ascii_only = all(char in _ASCII_ENDS for char in line[index:marks_end])
    # Half-width marks also occur in code, URLs and English; only trust them before CJK text.
    if ascii_only and end < len(line) and not _is_cjk_or_space(line[end]):
        return None
    return _skip_ellipsis(line, end)


def _skip_closers(line: str, start: int, end: int) -> int:
    while end < len(line):
        char = line[end]
        # An ASCII '"' after the mark closes a quote only if the sentence has an odd number of them.
        closes_ascii_quote = char == '"' and line.count('"', start, end) % 2 == 1
        if char not in _CLOSERS and not closes_ascii_quote:
            break
        end += 1
    return end


def _skip_ellipsis(line: str, end: int) -> int:
    """An ellipsis right after an end mark (an omission between sentences) stays with the first one."""
    for ellipsis in _ELLIPSES:
        if line.startswith(ellipsis, end):
            return end + len(ellipsis)
    return end


def _is_cjk_or_space(char: str) -> bool:
    return char.isspace() or unicodedata.east_asian_width(char) in ("W", "F")

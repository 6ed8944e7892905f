"""Text normalisation between loading and structure parsing.

Pure functions over strings. The structure parser downstream reads headings from line starts
(第X章/第X条/一、/（一）/markdown #), so everything here keeps or restores "one unit per line".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# Ideographs (BMP + extension A + compatibility) — the "Chinese" in "Chinese context".
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Characters that make a neighbouring ASCII mark "Chinese punctuation": ideographs, CJK symbols
# and punctuation (、。〈〉《》…), full-width forms, and curly quotes/ellipsis as Chinese text uses them.
_CJK_CONTEXT = re.compile(f"[{_HAN}\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026]")
_HAN_CHAR = re.compile(f"[{_HAN}]")

# Full-width ASCII letters and digits, and the ideographic space, map to their half-width forms.
_HALF_WIDTH = str.maketrans(
    {
        **{chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)},
        **{chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)},
        **{chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)},
        "\u3000": " ",
    }
)
_FULL_PUNCT = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
_ASCII_PUNCT = re.compile(r"[ \t]*([,:;?!])[ \t]*")
_URL = re.compile(r"(?:https?|ftp)://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+|www\.[A-Za-z0-9\-._~/?#=&%]+")

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_BLANK_RUNS = re.compile(r"\n{3,}")
_INNER_SPACES = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")

# A line ending in one of these finishes a sentence (or an introduction, for ：；), so the next
# line starts fresh. 》 is missing on purpose: a wrapped line often ends inside a sentence after a title.
SENTENCE_END = "。！？；：…”’」』）】.!?;:"
_NUMERAL = "一二三四五六七八九十百千零〇两"
# Lines that begin a new structural unit are never glued to the line before.
_STRUCTURE_START = re.compile(
    rf"""^(?:
        第\s*[{_NUMERAL}\d]+\s*[编章节条款]      # 第一章 / 第十条
      | [{_NUMERAL}]+[、.．]                    # 一、
      | [（(]\s*[{_NUMERAL}]+\s*[）)]           # （一）
      | \d+(?:\.\d+)*\s*[、．]                  # 1、 1．
      | \d+(?:\.\d+)*\.(?!\d)                  # 1. 1.2. (not 3.5)
      | [（(]\s*\d+\s*[）)]                     # （1）
      | [①-⑳]                                 # ①
      | \#{{1,6}}\s                             # markdown heading
      | [-*+]\s | [•·●○■□◆◇▪►]                # bullets
      | ——                                      # "——我们…" paragraph leads
    )""",
    re.VERBOSE,
)
_LATIN_END = re.compile(r"[A-Za-z0-9]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9]")

_DASHES = "\\-—–－~～·•"
_PAGE_NUMBER_LINE = re.compile(
    rf"""^(?:
        [{_DASHES}]+\s*\d+\s*[{_DASHES}]+                          # - 3 -   — 3 —
      | (?:共\s*\d+\s*页\s*[,，]?\s*)?第\s*[\d{_NUMERAL}]+\s*页
        (?:\s*[,，/]?\s*共\s*\d+\s*页)?                            # 第3页 共31页
      | \d+\s*/\s*\d+                                             # 3/31
      | page\s*\d+(?:\s*(?:of|/)\s*\d+)?                          # Page 3 of 31
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
_MIN_FILL = 0.8  # a wrapped line fills at least this share of the full line width
_INDENT_STEP = 2  # spaces of a paragraph's first-line indent in layout extraction
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
_EDGE_LINES = 2
_SPACED_RUN = re.compile(f"(?<![{_HAN}])[{_HAN}](?: [{_HAN}])+(?![{_HAN}])")


def clean_text(text: str, keep_indent: bool = False) -> str:
    """Normalise one document's text; paragraph breaks (single newline or blank line) survive.

    Lines lose their leading spaces too (Chinese paragraphs are indented with ideographic spaces and
    the structure parser reads "第一条"/"一、" at the very start of a line) unless `keep_indent`,
    which PDF and hard-wrapped text need until `rejoin_broken_lines` has read the indentation.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = _ZERO_WIDTH.sub("", text)
    text = normalize_width(text)
    lines = [line.rstrip() if keep_indent else line.strip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


def collapse_inner_spaces(text: str) -> str:
    """Runs of spaces inside a line → one space (layout extraction pads columns); indentation stays."""
    return _INNER_SPACES.sub(" ", text)


def normalize_width(text: str) -> str:
    """Full-width letters/digits/space → half-width; ASCII punctuation in Chinese text → full-width."""
    text = text.translate(_HALF_WIDTH)
    parts: list[str] = []
    last = 0
    for url in _URL.finditer(text):  # URLs keep their ASCII punctuation
        parts.append(_widen_punctuation(text[last : url.start()]))
        parts.append(url.group())
        last = url.end()
    parts.append(_widen_punctuation(text[last:]))
    return "".join(parts)


def _widen_punctuation(text: str) -> str:
    lines = text.split("\n")
    return "\n".join(_widen_marks(_widen_quotes(_widen_parens(line))) for line in lines)


def _is_cjk(char: str) -> bool:
    return bool(char) and bool(_CJK_CONTEXT.match(char))


def _widen_parens(line: str) -> str:
    """( ) → （ ） as a pair when the pair touches Chinese, or holds Chinese outside an English phrase."""
    chars = list(line)
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for i, char in enumerate(chars):
        if char == "(":
            stack.append(i)
        elif char == ")" and stack:
            pairs.append((stack.pop(), i))
    for start, end in pairs:
        touches = _is_cjk(_char_at(line, start - 1)) or _is_cjk(_char_at(line, end + 1))
        # "Copyright Law (《著作权法》第五条)." stays ASCII: its outside is English.
        in_english = _is_latin(line[:start].rstrip()[-1:]) or _is_latin(line[end + 1 :].lstrip()[:1])
        if touches or (_HAN_CHAR.search(line[start + 1 : end]) and not in_english):
            chars[start], chars[end] = "（", "）"
    paired = {i for pair in pairs for i in pair}
    for i, char in enumerate(chars):
        if char in "()" and i not in paired and (_is_cjk(_char_at(line, i - 1)) or _is_cjk(_char_at(line, i + 1))):
            chars[i] = "（" if char == "(" else "）"
    return "".join(chars)


def _char_at(line: str, i: int) -> str:
    return line[i] if 0 <= i < len(line) else ""


def _is_latin(char: str) -> bool:
    return bool(char) and char.isascii() and char.isalnum()


def _widen_quotes(line: str) -> str:
    """ASCII quotes around Chinese text become “…” and ‘…’ (the seed report uses ASCII quotes)."""
    line = re.sub(r'"([^"]*)"', lambda m: _curly(m, "“", "”"), line)
    return re.sub(r"(?<![A-Za-z])'([^']*)'(?![A-Za-z])", lambda m: _curly(m, "‘", "’"), line)


def _curly(match: re.Match[str], left: str, right: str) -> str:
    inside = match.group(1)
    return f"{left}{inside}{right}" if _HAN_CHAR.search(inside) else match.group()


def _widen_marks(line: str) -> str:
    """, : ; ? ! next to a Chinese character become ，：；？！ (and lose the spaces around them)."""

    def repl(match: re.Match[str]) -> str:
        mark, at = match.group(1), match.start(1)
        before, after = _char_at(line, at - 1), _char_at(line, at + 1)
        # Past the spaces: "作用 , 坚持" is Chinese too.
        far_before, far_after = _char_at(line, match.start() - 1), _char_at(line, match.end())
        if mark == ":":
            # A colon belongs to what precedes it; "repo@2f4c5c2:宪法.md" is a path, not a clause.
            chinese = _is_cjk(before) or (_is_cjk(far_before) and not _is_latin(far_after))
        else:
            chinese = _is_cjk(before) or _is_cjk(after) or (_is_cjk(far_before) and _is_cjk(far_after))
        return _FULL_PUNCT[mark] if chinese else match.group()

    return _ASCII_PUNCT.sub(repl, line)


def display_width(line: str) -> int:
    """Width in half-width cells: a Chinese character counts 2, so lines of mixed text compare fairly."""
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in line)


def typical_line_width(text: str) -> int:
    """The width of a full line: the 90th percentile of non-empty line widths (0 if none)."""
    widths = sorted(display_width(line.strip()) for line in text.split("\n") if line.strip())
    if not widths:
        return 0
    return widths[min(len(widths) - 1, int(len(widths) * 0.9))]


def is_structure_start(line: str) -> bool:
    """True if the line opens a structural unit (article, numbered item, heading, bullet)."""
    return bool(_STRUCTURE_START.match(line.lstrip()))


def indent_of(line: str) -> int:
    """Number of leading spaces (layout extraction renders a paragraph's first-line indent as spaces)."""
    return len(line) - len(line.lstrip(" "))


def has_paragraph_indents(text: str) -> bool:
    """True if lines at the margin and lines indented by a few spaces are both common (≥ 10 %)."""
    indents = [indent_of(line) for line in text.split("\n") if line.strip()]
    if not indents:
        return False
    margin = min(indents)
    flush = sum(1 for indent in indents if indent - margin < _INDENT_STEP)
    indented = sum(1 for indent in indents if _INDENT_STEP <= indent - margin <= 8)
    return min(flush, indented) >= 0.1 * len(indents)


def should_join(line: str, next_line: str, line_width: int, margin: int | None = None) -> bool:
    """True if `next_line` carries on the paragraph that `line`, a wrapped line, breaks off.

    `line` must fill most of `line_width` (a short line ends a paragraph, or is a heading or list
    item). With `margin` (the text has paragraph indents), the next line continues the paragraph
    when it starts at the margin; without, when `line` does not end a sentence.
    """
    text, following = line.strip(), next_line.strip()
    if not text or not following or text.startswith("#") or is_structure_start(following):
        return False
    if display_width(text) < _MIN_FILL * line_width:
        return False
    if margin is not None:
        return indent_of(next_line) - margin < _INDENT_STEP
    return not text.endswith(tuple(SENTENCE_END))


def rejoin_broken_lines(text: str, line_width: int | None = None, use_indent: bool | None = None) -> str:
    """Glue lines that layout wrapped inside a paragraph.

    `line_width` defaults to this text's full-line width; `use_indent` to `has_paragraph_indents`.
    Pass both when a document's pages are rejoined one by one, so every page uses the same rule.
    """
    width = typical_line_width(text) if line_width is None else line_width
    indent = has_paragraph_indents(text) if use_indent is None else use_indent
    lines = text.split("\n")
    margin = min((indent_of(line) for line in lines if line.strip()), default=0) if indent else None
    out: list[str] = []
    previous = ""
    for line in lines:
        # Compare against the previous physical line: the joined one is always "full".
        if out and should_join(previous, line, width, margin):
            out[-1] = _glue(out[-1].rstrip(), line.strip())
        else:
            out.append(line)
        previous = line
    return "\n".join(out)


def _glue(left: str, right: str) -> str:
    # Chinese needs no space; two Latin words do.
    if _LATIN_END.search(left) and _LATIN_START.search(right):
        return f"{left} {right}"
    return left + right


def looks_hard_wrapped(text: str) -> bool:
    """True if most lines fill a fixed width without ending a sentence (a text file wrapped by hand)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    width = typical_line_width(text)
    if len(lines) < 4 or width < 40:
        return False
    wrapped = sum(
        1 for line in lines if display_width(line) >= _MIN_FILL * width and not line.endswith(tuple(SENTENCE_END))
    )
    return wrapped >= 0.5 * len(lines)


def continues_on_next_page(page_text: str, next_page_text: str) -> bool:
    """True if a page ends mid-sentence and the next page carries it on (for joining pages in chunks)."""
    last = page_text.rstrip().rsplit("\n", 1)[-1]
    first = next_page_text.lstrip().split("\n", 1)[0]
    if not last or not first:
        return False
    return not last.endswith(tuple(SENTENCE_END)) and not is_structure_start(first) and not last.startswith("#")


def is_page_number(line: str) -> bool:
    """True for lines such as "- 3 -", "— 3 —", "第 3 页", "第3页 共31页", "3/31", "Page 3 of 31"."""
    return bool(_PAGE_NUMBER_LINE.match(line.strip()))


def strip_page_furniture(pages: list[str]) -> list[str]:
    """Drop page numbers and running headers/footers from each page's text."""
    pages_lines = [_drop_page_numbers(page.split("\n")) for page in pages]
    repeated = _repeated_edge_lines(pages_lines)
    cleaned = [_drop_page_numbers(_drop_edge_lines(lines, repeated)) for lines in pages_lines]
    return ["\n".join(lines).strip("\n") for lines in cleaned]


def _drop_page_numbers(lines: list[str]) -> list[str]:
    kept = [line for line in lines if not is_page_number(line)]
    # A bare number is a page number only at the very top or bottom of a page.
    while kept and (not kept[0].strip() or _BARE_NUMBER.match(kept[0].strip())):
        kept.pop(0)
    while kept and (not kept[-1].strip() or _BARE_NUMBER.match(kept[-1].strip())):
        kept.pop()
    return kept


def _furniture_key(line: str) -> str:
    # Headers differ only in their numbers ("2024年第3期", "第 5 页"), so compare without digits.
    return re.sub(r"[\d\s]+", "", line)


def _edge_keys(lines: list[str]) -> set[str]:
    content = [line for line in lines if line.strip()]
    edges = content[:_EDGE_LINES] + content[-_EDGE_LINES:]
    return {key for key in map(_furniture_key, edges) if re.search(rf"[A-Za-z{_HAN}]", key)}


def _repeated_edge_lines(pages_lines: list[list[str]]) -> set[str]:
    """Keys of lines found at the top or bottom of more than half the pages (3 pages or more)."""
    if len(pages_lines) < 3:
        return set()
    counts = Counter(key for lines in pages_lines for key in _edge_keys(lines))
    return {key for key, count in counts.items() if count > len(pages_lines) / 2}


def _drop_edge_lines(lines: list[str], repeated: set[str]) -> list[str]:
    content = [i for i, line in enumerate(lines) if line.strip()]
    edges = set(content[:_EDGE_LINES] + content[-_EDGE_LINES:])
    return [line for i, line in enumerate(lines) if not (i in edges and _furniture_key(line) in repeated)]


def collapse_spaced_headings(text: str) -> str:
    """Undo letter-spacing on short heading lines: "序 言" → "序言", "第一章 总 纲" → "第一章 总纲"."""
    lines = text.split("\n")
    return "\n".join(
        _SPACED_RUN.sub(lambda m: m.group().replace(" ", ""), line) if len(line.strip()) <= 20 else line
        for line in lines
    )


def drop_table_of_contents(text: str) -> str:
    """Remove a "目录" block: the 目录 line and the short entry lines after it.

    The entries repeat the real headings, which would otherwise become empty sections downstream.
    The block ends at the first line that reads like body text or repeats the first entry.
    """
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if re.sub(r"\s+", "", line) in ("目录", "目次")), None)
    if start is None:
        return text
    end = start + 1
    first_entry = ""
    while end < len(lines) and _is_toc_entry(lines[end]):
        entry = _toc_key(lines[end])
        if entry and entry == first_entry:
            break
        first_entry = first_entry or entry
        end += 1
    return "\n".join(lines[:start] + lines[end:])


def _toc_key(line: str) -> str:
    # Entries may carry dot leaders and a page number: "第一章 总纲 ........ 3".
    return re.sub(r"[\s.．·…\-—_]+\d*$", "", re.sub(r"\s+", "", line))


def _is_toc_entry(line: str) -> bool:
    stripped = line.strip()
    return not stripped or (len(stripped) <= 40 and not re.search("[。；！？]", stripped))

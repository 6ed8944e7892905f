"""Heading detection: turn a document's text into blocks (articles or paragraphs) with a heading path.

Headings: markdown `#`; 第X编/章/节 (编 > 章 > 节); 序言/总纲/目录 lines; 第X条 articles; and, outside
articles, the enumerators 一、 > （一） > 1. > （1）. Inside an article enumerated lines are items of
the article, never headings: an article runs until the next article or a higher heading.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import jieba

from ingest.clean import continues_on_next_page
from retrieval.text import split_sentences
from retrieval.types import PageText

_NUM = "[零〇一二三四五六七八九十百千两0-9０-９]+"
_CN = "[零〇一二三四五六七八九十百]+"
_DIGITS = "[0-9０-９]{1,2}"
_MARKDOWN = re.compile(r"^(#{1,6})\s+(.*?)[\s#]*$")
_DIVISION = re.compile(rf"^(第{_NUM}[编章节])(?:\s+(.*)|([^，。；：、]{{0,20}}))$")
_LABEL = re.compile(rf"^(第{_NUM}[编章节])\s*(.*)$")
_SPECIAL = re.compile(r"^(序\s*言|总\s*纲|目\s*录)$")
_ARTICLE = re.compile(rf"^(第{_NUM}条)(?:\s|$)")
# (pattern, rank): the body after the enumerator must not start with a digit, so "3.5%" is no item.
_ITEMS = (
    (re.compile(rf"^{_CN}、"), 5.0),
    (re.compile(rf"^[（(]{_CN}[)）]"), 6.0),
    (re.compile(rf"^{_DIGITS}[.、．](?![0-9０-９])"), 7.0),
    (re.compile(rf"^[（(]{_DIGITS}[)）]"), 8.0),
)
_DIVISION_RANKS = {"编": 1.0, "章": 2.0, "节": 3.0}
_SENTENCE_END = re.compile(r"[。！？]")
_CLAUSE_END = re.compile(r"[，；：,;:]")
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
HEADING_MAX_CHARS = 40
# A title never ends in a preposition, conjunction or particle: a point that does was broken off its line.
# (的 is left out: a condition item ends in it, “（五）鉴定结论与实际情况不符的”.)
_DANGLING = re.compile(r"[用把对在为以从向与和及将被给让使由同跟]$")
# A report's address to the audience on a line of its own (各位代表！ 同志们、朋友们！) ends the numbered points
# before it: the 2024 government work report's paragraphs on defence or Hong Kong follow its tenth task after one.
_ADDRESS = re.compile(r"^(?:各位|同志们|代表们|朋友们|委员们)[^。，；]{0,12}[！!]$")

Kind = Literal["markdown", "division", "special", "article", "item"]


@dataclass(frozen=True)
class Block:
    """One article (whole) or one paragraph of prose, with the heading path in force.

    `line_pages` holds the page of each "\\n"-separated line of `text`, so a long article that
    spans pages can be split with exact page ranges.
    """

    text: str
    heading: tuple[str, ...]
    page: int | None
    is_article: bool
    page_end: int | None = None
    line_pages: tuple[int | None, ...] = ()


@dataclass(frozen=True)
class _Heading:
    label: str
    rank: float  # smaller is higher; a heading pops stacked headings of the same or larger rank
    kind: Kind
    in_body: bool = False  # a long enumerated paragraph: heading AND body text
    level: int = 0  # markdown level, 0 for plain lines


def parse_blocks(pages: Sequence[PageText], title: str) -> list[Block]:
    """Blocks of the document in reading order; heading lines themselves are not blocks."""
    lines = _join_broken_points(_page_lines(pages))
    parser = _Parser(title=_squash(title), ranks=_Ranks.of(text for text, _ in lines))
    for index, (text, page) in enumerate(lines):
        parser.feed(text, page, first=index == 0)
    return parser.finish()


def _page_lines(pages: Sequence[PageText]) -> list[tuple[str, int | None]]:
    """Non-empty (line, page) pairs; a sentence broken by a page break is joined onto its first page."""
    lines: list[tuple[str, int | None]] = []
    previous = ""
    for page in pages:
        page_lines = [line.strip() for line in page.text.splitlines() if line.strip()]
        if lines and page_lines and continues_on_next_page(previous, page.text):
            lines[-1] = (lines[-1][0] + page_lines.pop(0), lines[-1][1])
        lines.extend((line, page.page) for line in page_lines)
        previous = page.text
    return lines


def _join_broken_points(lines: list[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    """A numbered point broken off mid-phrase goes on in the next line: “（二）坚持不懈用” + “新时代中国特色社会主义
    思想凝心铸魂。用党的创新理论…” (the 二十大 report as published on the web)."""
    joined: list[tuple[str, int | None]] = []
    for text, page in lines:
        if joined and _broken_point(joined[-1][0]):
            joined[-1] = (joined[-1][0] + text, joined[-1][1])
        else:
            joined.append((text, page))
    return joined


def _broken_point(text: str) -> bool:
    return (
        len(text) <= HEADING_MAX_CHARS
        and bool(_DANGLING.search(text))
        and not _SENTENCE_END.search(text)
        and any(pattern.match(text) for pattern, _ in _ITEMS)
        and not _dictionary().get(text[-2:])  # 利用, 方向: the character ends a word, not a phrase
    )


@functools.cache
def _dictionary() -> dict[str, int]:
    jieba.dt.check_initialized()
    return jieba.dt.FREQ


def tidy_heading(text: str) -> str:
    """One space after a 第X章-style label, none between CJK characters ("第一章　总 则" → "第一章 总则")."""
    text = " ".join(text.split())
    match = _LABEL.match(text)
    if match is None:
        return _CJK_SPACE.sub("", text)
    return f"{match.group(1)} {_CJK_SPACE.sub('', match.group(2))}".strip()


def _classify_line(text: str) -> _Heading | None:
    """The heading a plain (non-markdown) line starts, or None for a body line."""
    if match := _ARTICLE.match(text):
        return _Heading(match.group(1), 4.0, "article")
    if match := _DIVISION.match(text):
        return _Heading(tidy_heading(text), _DIVISION_RANKS[match.group(1)[-1]], "division")
    if _SPECIAL.match(text):
        return _Heading(tidy_heading(text), 2.0, "special")
    for pattern, rank in _ITEMS:
        if pattern.match(text):
            return _item_heading(text, rank)
    return None


def _item_heading(text: str, rank: float) -> _Heading | None:
    if len(text) <= HEADING_MAX_CHARS and not _SENTENCE_END.search(text):
        if text[-1] in "；;，,、":  # a list item ("（一）……；"), not a title
            return None
        return _Heading(" ".join(text.split()), rank, "item")
    first = split_sentences(text)[0].rstrip("。！？；!?;：:，,")
    if len(first) > HEADING_MAX_CHARS:
        clauses = [m.start() for m in _CLAUSE_END.finditer(first, 0, HEADING_MAX_CHARS)]
        first = first[: clauses[-1]] if clauses else first[:HEADING_MAX_CHARS]
    return _Heading(first, rank, "item", in_body=True)


def _markdown_heading(text: str, ranks: _Ranks) -> _Heading | None:
    match = _MARKDOWN.match(text)
    if not match:
        return None
    level, inner = len(match.group(1)), match.group(2)
    plain = _classify_line(inner)
    if plain is not None and plain.kind == "article":
        return plain  # "## 第一条 ……": still an article, its text is the body
    return _Heading(tidy_heading(inner), ranks.markdown[level], "markdown", level=level)


@dataclass(frozen=True)
class _Ranks:
    """Ranks that depend on the document: its markdown levels and its top level (for 序言/总纲)."""

    markdown: dict[int, float]
    top: float

    @classmethod
    def of(cls, lines: Iterable[str]) -> _Ranks:
        markdown: dict[int, list[float]] = {}
        plain: list[float] = []
        for text in lines:
            match = _MARKDOWN.match(text)
            heading = _classify_line(match.group(2) if match else text)
            if heading is None or heading.kind in ("article", "special"):
                continue
            if match:
                markdown.setdefault(len(match.group(1)), []).append(heading.rank)
            else:
                plain.append(heading.rank)
        return cls(_markdown_ranks(markdown), min(plain, default=2.0))


def _markdown_ranks(found: dict[int, list[float]]) -> dict[int, float]:
    """A level ranks like the highest structural heading written at it ("## 序言" = "## 一、" = 5),
    and a level without structural headings sits just below the level above it."""
    ranks: dict[int, float] = {}
    previous = 0.0
    for level in range(1, 7):
        previous = ranks[level] = min(found.get(level, [previous + 0.5]))
    return ranks


class _Parser:
    """Feeds lines one by one; keeps the heading stack and the article being collected."""

    def __init__(self, title: str, ranks: _Ranks) -> None:
        self.title = title
        self.ranks = ranks
        self.stack: list[_Heading] = []
        self.article: list[tuple[str, int | None]] = []
        self.article_heading: tuple[str, ...] = ()
        self.blocks: list[Block] = []

    def feed(self, text: str, page: int | None, first: bool) -> None:
        heading = self._classify(text)
        if heading is None and first and _squash(text) == self.title:
            return  # the title line of a plain-text file; the title is stored separately
        if self.article and (heading is None or heading.kind == "item"):
            self.article.append((text, page))  # items （一） 1. inside an article belong to it
            return
        self._close_article()  # any other heading ends the article being collected
        if heading is None:
            if _ADDRESS.match(text.strip()):
                self._close_numbered_points()
            self._add_paragraph(text, page)
        elif heading.kind == "article":
            self.article_heading = (*self._path(), heading.label)
            self.article = [(text, page)]
        elif not (heading.level == 1 and _squash(heading.label) == self.title):
            self._push(heading)
            if heading.in_body:
                self._add_paragraph(text, page)

    def finish(self) -> list[Block]:
        self._close_article()
        return self.blocks

    def _classify(self, text: str) -> _Heading | None:
        heading = _markdown_heading(text, self.ranks)
        if heading is None:
            heading = _classify_line(text)
        if heading is not None and heading.kind == "special":
            return _Heading(heading.label, self.ranks.top, "special")
        return heading

    def _push(self, heading: _Heading) -> None:
        while self.stack and self.stack[-1].rank >= heading.rank:
            self.stack.pop()
        self.stack.append(heading)

    def _close_numbered_points(self) -> None:
        """Back to the part the points belong to: the last heading above them, else the first point's level."""
        first = next((i for i, heading in enumerate(self.stack) if heading.kind == "item"), None)
        if first is not None:
            del self.stack[max(first, 1) :]

    def _path(self) -> tuple[str, ...]:
        return tuple(heading.label for heading in self.stack)

    def _add_paragraph(self, text: str, page: int | None) -> None:
        self.blocks.append(Block(text, self._path(), page, False, page, (page,)))

    def _close_article(self) -> None:
        if not self.article:
            return
        pages = tuple(page for _, page in self.article)
        text = "\n".join(line for line, _ in self.article)
        self.blocks.append(Block(text, self.article_heading, pages[0], True, pages[-1], pages))
        self.article = []


def _squash(text: str) -> str:
    return "".join(text.split())

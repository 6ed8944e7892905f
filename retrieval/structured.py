"""Structure-aware answers: the document's own structure answers some questions better than any sentence.

- “宪法第三十五条讲的什么” → that article, whole;
- “报告指出存在哪些问题” → the sub-headings under the heading “二、存在问题”, each cited;
- enumerations (下列…： / 包括：) come whole: see `list_run`.
Pure functions over chunks; the answerer fetches a document's chunks through a callable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retrieval.tokenizer import canonical_ordinal, chinese_numeral, normalize
from retrieval.types import Chunk

_ARTICLE = re.compile(r"第\s*([零〇一二两三四五六七八九十百千]+|\d+)\s*条")
_ITEM = re.compile(r"^\s*(?:[（(][一二三四五六七八九十百]+[）)]|[0-9]+[.、．)]|[一二三四五六七八九十]+、|[①-⑳])")
_ORDINAL_PREFIX = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|[0-9]+[.、．])\s*")
LIST_INTRO_ENDS = ("：", ":")
MAX_LIST_CHARS = 420
MAX_RULE_CHARS = 150  # a rule cut at its semicolons is read whole up to here
_SEMICOLONS = ("；", ";")


def article_ref(question: str) -> str | None:
    """The canonical article a question names (“第三十五条” → “第35条”), if any."""
    match = _ARTICLE.search(normalize(question))
    return canonical_ordinal(match.group(0).replace(" ", "")) if match else None


# “排在第一条的是什么”, “第三项任务”, “首要任务”: the place of a point among its section's points, not a law's article
_PLACE = re.compile(
    r"(?:排在|排|列在|位列)第([一二三四五六七八九十]+)|第([一二三四五六七八九十]+)(?:项|个|点|部分|大)|(首要|头一)"
)


def asked_place(question: str) -> int | None:
    """The place (1 for the first) a question asks for among a section's points, if it asks for one."""
    match = _PLACE.search(normalize(question))
    if match is None:
        return None
    if match.group(3):
        return 1
    return chinese_numeral(match.group(1) or match.group(2))


def place_words(question: str, tokenize: Callable[[str], list[str]]) -> frozenset[str]:
    """The question's tokens that say the place it asks for (第2项, 排在第二's 里排): what a heading cannot hold."""
    text = normalize(question)
    match = _PLACE.search(text)
    if match is None:
        return frozenset()
    start, end = match.span()
    words = set(tokenize(match.group(0)))
    for token in tokenize(text):
        at = text.find(token)
        while at >= 0:
            if at < end and at + len(token) > start:
                words.add(token)
            at = text.find(token, at + 1)
    return frozenset(words)


def _article_of(chunk: Chunk) -> str | None:
    if chunk.heading:
        found = canonical_ordinal(chunk.heading[-1].strip())
        if found:
            return found
    match = _ARTICLE.match(chunk.text.strip())
    return canonical_ordinal(match.group(0).replace(" ", "")) if match else None


def article_chunks(chunks: Sequence[Chunk], article: str) -> list[Chunk]:
    """The chunks holding an article, in document order (a long article may span several)."""
    return [c for c in chunks if _article_of(c) == article]


def title_match(question: str, title: str) -> float:
    """Share of the title's characters (beyond 中华人民共和国) that the question repeats, by longest runs."""
    core = normalize(title).replace("中华人民共和国", "")
    text = normalize(question)
    if not core:
        return 0.0
    covered = set()
    for size in range(len(core), 1, -1):
        for start in range(len(core) - size + 1):
            if core[start : start + size] in text:
                covered.update(range(start, start + size))
    return len(covered) / len(core)


def is_item(sentence: str) -> bool:
    return bool(_ITEM.match(sentence))


def is_list_intro(sentence: str) -> bool:
    return sentence.rstrip().endswith(LIST_INTRO_ENDS)


def rule_run(sentences: Sequence[str], position: int, max_chars: int = MAX_RULE_CHARS) -> tuple[int, int]:
    """(start, end) of a rule that semicolons cut into sentences: one that ends in ； and is no list item goes on to
    the full stop (…在传染期内的，医师应当提出医学意见；准备结婚的男女双方应当暂缓结婚。) when all of it fits."""
    end, size = position + 1, len(sentences[position])
    if is_item(sentences[position]):
        return position, end
    while sentences[end - 1].rstrip().endswith(_SEMICOLONS):
        if end == len(sentences) or is_item(sentences[end]):
            return position, position + 1
        size += len(sentences[end])
        if size > max_chars:
            return position, position + 1
        end += 1
    return position, end


def list_run(sentences: Sequence[str], position: int, max_chars: int = MAX_LIST_CHARS) -> tuple[int, int]:
    """(start, end) of the whole enumeration around a sentence: its intro (…下列…：) and every item.

    A sentence that is neither an intro nor an item is its own run.
    """
    start = position
    if is_item(sentences[position]):
        while start > 0 and is_item(sentences[start - 1]):
            start -= 1
        if start > 0 and is_list_intro(sentences[start - 1]):
            start -= 1
    elif not is_list_intro(sentences[position]):
        return position, position + 1
    end, size = start + 1, len(sentences[start])
    while end < len(sentences) and is_item(sentences[end]) and size + len(sentences[end]) <= max_chars:
        size += len(sentences[end])
        end += 1
    return start, end


@dataclass(frozen=True)
class Section:
    """A heading with its sub-headings, each with the first chunk under it (to cite)."""

    doc_id: str
    heading: tuple[str, ...]
    children: tuple[tuple[str, Chunk], ...]


def sections(chunks: Sequence[Chunk]) -> list[Section]:
    """Every heading of a document with two or more sub-headings (a chapter's articles are not sub-headings:
    “第三章 …” is answered by its articles' text, not by the list 第二十八条；第二十九条 …)."""
    children: dict[tuple[str, ...], dict[str, Chunk]] = {}
    for chunk in chunks:
        for depth in range(len(chunk.heading) - 1):
            children.setdefault(chunk.heading[: depth + 1], {}).setdefault(chunk.heading[depth + 1], chunk)
    return [
        Section(chunks[0].doc_id, heading, tuple(kids.items()))
        for heading, kids in children.items()
        if len(kids) >= 2 and not all(canonical_ordinal(kid.strip()) for kid in kids)
    ]


def heading_label(heading: str) -> str:
    """“（一）加强党建示范引领” → “加强党建示范引领”: the words without the ordinal."""
    return _ORDINAL_PREFIX.sub("", heading).strip()


def best_section(
    chunk_lists: Sequence[Sequence[Chunk]],
    coverage: Callable[[str], float],
    minimum: float,
    label_minimum: float,
    names_all: Callable[[str], bool] = lambda text: True,
) -> tuple[Section, float] | None:
    """The section whose heading (with its document title) best covers the question, if any covers enough,
    its heading alone covers `label_minimum` (“三联系是哪三个” is not answered by the sub-headings of 工作建议),
    and the two `names_all` the question asks about."""
    best: tuple[Section, float] | None = None
    for chunks in chunk_lists:
        if not chunks:
            continue
        title = chunks[0].title
        title_cover = coverage(title)
        for section in sections(chunks):
            label = heading_label(section.heading[-1])
            if not label:
                continue
            score = coverage(f"{title} {label}")
            if not heading_carries(coverage(label), title_cover, score, label_minimum):
                continue  # the heading itself must carry the question's words, not just the title
            if score >= minimum and (best is None or score > best[1]) and names_all(f"{title} {label}"):
                best = (section, score)
    return best


def heading_carries(label_cover: float, title_cover: float, cover: float, minimum: float) -> bool:
    """Whether a heading carries `minimum` of the question: of all of it, or of what its document's title leaves
    (“调研报告对政协党建提了哪些建议”: 调研报告 and 政协 are the title's; of the rest, 工作建议 carries 建议)."""
    rest = (cover - title_cover) / (1.0 - title_cover) if title_cover < 1.0 else 0.0
    return max(label_cover, rest) >= minimum


DASH = "——"
MIN_DASH_ITEMS = 2
MAX_DASH_ITEMS = 12


@dataclass(frozen=True)
class DashRun:
    """Paragraphs led by “——” in a row (报告: ——中国式现代化是人口规模巨大的现代化。…), with the paragraph that
    introduces them: each item's first sentence states it, the rest argues it."""

    intro: tuple[str, Chunk] | None
    items: tuple[tuple[str, Chunk], ...]

    def touches(self, chunk: Chunk) -> bool:
        return any(c.id == chunk.id for _, c in self._parts)

    @property
    def text(self) -> str:
        """What the run says of itself: the introducing sentence, the items' heading, the items."""
        first = self.items[0][1]
        heading = heading_label(first.heading[-1]) if first.heading else ""
        return heading + "".join(text for text, _ in self._parts)

    @property
    def _parts(self) -> tuple[tuple[str, Chunk], ...]:
        return ((self.intro,) if self.intro else ()) + self.items


def dash_runs(chunks: Sequence[Chunk], split: Callable[[str], list[str]]) -> list[DashRun]:
    """The document's runs of at least two “——” paragraphs, across chunk boundaries, each item by its first
    sentence and introduced by the last sentence before it. A paragraph a chunk boundary cut continues its item;
    a dated byline (——2024年3月5日在…) alone is no run."""
    runs: list[DashRun] = []
    intro: tuple[str, Chunk] | None = None
    items: list[tuple[str, Chunk]] = []
    for text, chunk, continues in _paragraphs(chunks):
        if items and chunk.heading != items[-1][1].heading:
            _close(runs, intro, items)  # a new section: its heading introduces what follows
            intro, items = None, []
        if text.startswith(DASH) and len(text) > len(DASH):
            item = (split(text[len(DASH) :]) or [text])[0]
            if all(item != seen for seen, _ in items):  # overlapping chunks cut an item twice
                items.append((item, chunk))
        elif items and continues:
            continue  # the rest of an item a chunk boundary cut off
        else:
            _close(runs, intro, items)
            intro, items = ((split(text) or [text])[-1], chunk), []
    _close(runs, intro, items)
    return runs


def _close(runs: list[DashRun], intro: tuple[str, Chunk] | None, items: list[tuple[str, Chunk]]) -> None:
    if len(items) < MIN_DASH_ITEMS:
        return
    if intro is not None and intro[1].heading != items[0][1].heading:
        intro = None  # a heading stands between: it introduces the items (（三）基本原则), not the sentence above
    runs.append(DashRun(intro, tuple(items[:MAX_DASH_ITEMS])))


def _paragraphs(chunks: Sequence[Chunk]) -> list[tuple[str, Chunk, bool]]:
    """(paragraph, its chunk, whether it opens a chunk and so may continue the previous chunk's last one)."""
    found: list[tuple[str, Chunk, bool]] = []
    seen: set[str] = set()
    for chunk in chunks:
        for number, paragraph in enumerate(p.strip() for p in chunk.text.split("\n")):
            if paragraph and paragraph not in seen:  # overlapping chunks repeat a paragraph
                seen.add(paragraph)
                found.append((paragraph, chunk, number == 0))
    return found

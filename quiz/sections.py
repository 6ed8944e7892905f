"""多选 items on a report's structure: “下列属于“工作建议”部分的有哪些？” with the section's own sub-headings as
keys. What a report suggests, found or criticises is what a member is asked about it; the sentences below the
headings are often local counts (14名, 35名) that make poor items, so a report gave a trainer few items.

The source shown with such an item is the section's outline (its heading and sub-headings, as the document
numbers them), the keys highlighted in it. Wrong options are sub-headings the document does not have: another
section's of the same document (a 经验做法 among 工作建议 reads alike), or, for a section of problems, which reads
unlike any other section, other documents' sections of problems.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from quiz.model import Source
from quiz.spans import strip_labels
from quiz.text import norm
from retrieval.types import Chunk

# A section of problems (存在问题, 主要不足): its sub-headings say what is wrong, the other sections' what to do
PROBLEMS = re.compile(r"问题|不足|困难|短板|差距|薄弱")
# Sections whose sub-headings are articles (第三条) or a law's chapters are no outline of points.
ARTICLE = re.compile(r"^第[一二三四五六七八九十百零〇0-9]+[条章节编]")
# What a report's parts are called whatever it is about: its findings, problems, suggestions and plans.
GENERIC_WORDS = re.compile(
    r"主要|基本|存在|取得|下一步|今后|几点|有关|方面|工作|经验|做法|问题|不足|困难|短板|建议|意见|对策|措施|举措|成效|成绩"
    r"|打算|思路|情况|的|和|与|及"
)
MIN_POINTS = 2  # sub-headings a section needs to be asked about as a list
MIN_POINT_CHARS = 6  # a shorter sub-heading (目标任务) is a heading's name, not a point a member can place
OUTLINE_SEPARATOR = "\n"


@dataclass(frozen=True)
class Section:
    """A first-level section of a document and its second-level headings, in reading order."""

    doc_id: str
    heading: str  # as the document writes it: 三、工作建议
    points: tuple[str, ...]  # （一）加强党建示范引领，确保正确履职方向 …
    chunk: Chunk  # the section's first passage: the title, page and id the source shows

    @property
    def name(self) -> str:
        return strip_labels(self.heading).strip()

    @property
    def named_generically(self) -> bool:
        """经验做法, 存在问题, 工作建议 name no topic, so its points are placed by reading; a topical section (推动绿色
        发展…, 增进民生福祉…) has its points found by their topic (blind review: 9 of 11 such items rejected as
        guessed from the heading)."""
        return len(GENERIC_WORDS.sub("", norm(self.name))) <= 1

    @property
    def about_problems(self) -> bool:
        return bool(PROBLEMS.search(self.name))

    def point_texts(self) -> list[str]:
        """The sub-headings as options: without their （一） labels."""
        return [strip_labels(point).strip() for point in self.points]

    def outline(self) -> str:
        return OUTLINE_SEPARATOR.join((self.heading, *self.points))

    def source(self, keys: Sequence[str]) -> Source:
        """The outline as the passage, each key highlighted where its sub-heading says it."""
        passage = self.outline()
        spans = []
        for key in keys:
            start = passage.find(key)
            spans.append((start, start + len(key)))
        chunk = self.chunk
        return Source(chunk.doc_id, chunk.title, (self.heading,), chunk.page_label, chunk.id, passage, tuple(spans))


def sections_of(chunks: Iterable[Chunk]) -> list[Section]:
    """The outlined sections among these passages: a first-level heading with at least MIN_POINTS second-level
    headings that are points, not articles."""
    points: dict[tuple[str, str], list[str]] = {}
    first: dict[tuple[str, str], Chunk] = {}
    for chunk in chunks:
        if len(chunk.heading) < 2 or ARTICLE.match(chunk.heading[0]) or ARTICLE.match(chunk.heading[1]):
            continue
        key = (chunk.doc_id, chunk.heading[0])
        first.setdefault(key, chunk)
        if chunk.heading[1] not in points.setdefault(key, []):
            points[key].append(chunk.heading[1])
    return [
        Section(doc_id, heading, tuple(found), first[doc_id, heading])
        for (doc_id, heading), found in points.items()
        if len(found) >= MIN_POINTS
    ]


def rival_points(section: Section, sections: Sequence[Section], said: Callable[[str, str], bool]) -> list[str]:
    """Sub-headings that are not this section's: the same document's other sections' points first (for a section
    of problems, none: they read unlike problems), then other documents' points of sections like it that this
    document does not say (`said(doc_id, text)`)."""
    own = {norm(p) for p in section.point_texts()}
    alike = [s for s in sections if s.about_problems == section.about_problems and s != section]
    same = [] if section.about_problems else [s for s in alike if s.doc_id == section.doc_id]
    elsewhere = [s for s in alike if s.doc_id != section.doc_id and (section.about_problems or s.name == section.name)]
    rivals = [p for s in same for p in s.point_texts()]
    rivals += [p for s in elsewhere for p in s.point_texts() if not said(section.doc_id, p)]
    return list(dict.fromkeys(p for p in rivals if norm(p) not in own))

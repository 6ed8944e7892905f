"""Quiz items: frozen data, serialisable to plain dicts (JSON in the catalog, the CLI's --json)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Literal

from retrieval.types import Chunk

ItemType = Literal["单选", "多选", "判断", "填空"]
ITEM_TYPES: tuple[ItemType, ...] = ("单选", "多选", "判断", "填空")
BLANK = "____"
TRUE, FALSE = "正确", "错误"
LETTERS = "ABCDEF"
ANSWER_SEPARATOR = "|"  # several blanks of one 填空 item


class QuizError(ValueError):
    """Bad input a user can fix; the message is Chinese and says what to do."""


@dataclass(frozen=True)
class Source:
    """Where an item comes from; answer_spans are character offsets of the answer(s) in the passage."""

    doc_id: str = ""
    title: str = ""
    heading: tuple[str, ...] = ()
    page: str = ""
    chunk_id: str = ""
    passage: str = ""
    answer_spans: tuple[tuple[int, int], ...] = ()

    @classmethod
    def of_chunk(cls, chunk: Chunk, answer_spans: tuple[tuple[int, int], ...]) -> Source:
        """The source of an item drawn from `chunk`, its answers at `answer_spans` in the passage."""
        return cls(chunk.doc_id, chunk.title, chunk.heading, chunk.page_label, chunk.id, chunk.text, answer_spans)

    @property
    def heading_path(self) -> str:
        return " > ".join(self.heading)

    @property
    def label(self) -> str:
        """《title》 · heading · page, for exports and the review."""
        parts = (f"《{self.title}》" if self.title else "", self.heading_path, self.page)
        return " · ".join(part for part in parts if part)


@dataclass(frozen=True)
class QuizItem:
    """One question. answer: a letter (单选), letters (多选, e.g. "AC"), 正确/错误 (判断), the text (填空, blanks
    joined with |). kind says what was blanked or changed (number/term/body/member/...), for review and stats."""

    type: ItemType
    stem: str
    answer: str
    options: tuple[str, ...] = ()
    explanation: str = ""
    source: Source = field(default_factory=Source)
    kind: str = ""
    origin: str = "rules"  # rules | llm | manual

    @property
    def key_texts(self) -> tuple[str, ...]:
        """The answer as text: the key options' texts, or the blanks' texts, or 正确/错误."""
        if self.type in ("单选", "多选"):
            return tuple(self.options[LETTERS.index(ch)] for ch in self.answer if ch in LETTERS[: len(self.options)])
        if self.type == "填空":
            return tuple(self.answer.split(ANSWER_SEPARATOR))
        return (self.answer,)

    def with_changes(self, **changes: object) -> QuizItem:
        return replace(self, **changes)


def letters_for(options: tuple[str, ...], keys: set[str]) -> str:
    return "".join(LETTERS[i] for i, option in enumerate(options) if option in keys)


def item_to_dict(item: QuizItem) -> dict:
    data = asdict(item)
    data["options"] = list(item.options)
    data["source"]["heading"] = list(item.source.heading)
    data["source"]["answer_spans"] = [list(span) for span in item.source.answer_spans]
    return data


def item_from_dict(data: dict) -> QuizItem:
    raw = dict(data.get("source") or {})
    source = Source(
        doc_id=raw.get("doc_id", ""),
        title=raw.get("title", ""),
        heading=tuple(raw.get("heading", ())),
        page=str(raw.get("page") or ""),
        chunk_id=raw.get("chunk_id", ""),
        passage=raw.get("passage", ""),
        answer_spans=tuple(tuple(span) for span in raw.get("answer_spans", ())),
    )
    return QuizItem(
        type=data["type"],
        stem=data["stem"],
        answer=data["answer"],
        options=tuple(data.get("options", ())),
        explanation=data.get("explanation", ""),
        source=source,
        kind=data.get("kind", ""),
        origin=data.get("origin", "rules"),
    )

"""Frozen data passed between ingest, retrieval, the app and eval."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class PageText:
    """Text of one page (PDF) or of a whole file (formats without pages: page is None)."""

    text: str
    page: int | None = None
    ocr: bool = False  # the text was recognised from an image (scan), not read from a text layer


@dataclass(frozen=True)
class LoadedDocument:
    """What a loader returns: the document title and its pages, before chunking."""

    source: str
    title: str
    pages: tuple[PageText, ...]
    file_type: str
    warnings: tuple[str, ...] = ()  # Chinese notes for the report (e.g. pages left without OCR)


@dataclass(frozen=True)
class Chunk:
    """One searchable passage: text plus where it stands in its document."""

    id: str
    doc_id: str
    text: str
    title: str
    heading: tuple[str, ...] = ()
    page_start: int | None = None
    page_end: int | None = None
    position: int = 0
    ocr: bool = False  # drawn from OCR text: shown with an "OCR 识别" tag

    @property
    def heading_path(self) -> str:
        return " > ".join(self.heading)

    @property
    def page_label(self) -> str:
        if self.page_start is None:
            return ""
        if self.page_end in (None, self.page_start):
            return f"第{self.page_start}页"
        return f"第{self.page_start}-{self.page_end}页"


@dataclass(frozen=True)
class Hit:
    """A chunk returned by search, with its fused score and the legs' scores."""

    chunk: Chunk
    score: float
    bm25_score: float = 0.0
    dense_score: float = 0.0
    named: bool = False  # from a document the question names (个保法 → 个人信息保护法)
    # the passage's words as the lexical leg indexed them (empty for a hit made elsewhere): the answer's coverage
    # reads them instead of tokenizing the passage again
    tokens: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer: the passage and the sentences that support the answer."""

    number: int
    chunk: Chunk
    sentences: tuple[str, ...] = ()
    score: float = 0.0


AnswerMode = Literal["extractive", "llm", "none"]


@dataclass(frozen=True)
class Answer:
    """An answer with `[n]` markers; `found` is False when the library holds no answer."""

    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    found: bool = True
    mode: AnswerMode = "extractive"
    notices: tuple[str, ...] = field(default_factory=tuple)
    query_terms: tuple[str, ...] = ()
    # The question's discriminative terms (not 政协/委员/工作, which occur everywhere): what to highlight.
    highlight_terms: tuple[str, ...] = ()
    # Calibrated probability that the answer is right (None when no calibration model is in use).
    confidence: float | None = None

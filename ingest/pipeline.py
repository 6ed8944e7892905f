"""parse(name, bytes) → ParsedDocument: load → (OCR) → clean → structure → chunk. Knows nothing of storage:
library.service.Library (the one writer) stores what this returns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ingest.chunker import chunk_document
from ingest.injection import find_instructions
from ingest.limits import LoadLimits
from ingest.loaders import LoadError, load
from ingest.loaders.base import NO_TEXT_ADVICE
from retrieval.types import Chunk

# Bump when loading, cleaning or chunking changes its output: documents ingested before are then redone.
# 3: an address to the audience (各位代表！) ends a report's numbered points; 4: a numbered point broken off its line
# mid-phrase (（二）坚持不懈用) is joined to the next line
PIPELINE_VERSION = "4"


def content_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass(frozen=True)
class ParsedDocument:
    """What parsing makes of (name, bytes): everything the writer stores, nothing about storage."""

    doc_id: str
    name: str
    title: str
    file_type: str
    size_bytes: int
    pages: int
    ocr_pages: int
    chunks: tuple[Chunk, ...]
    flags: tuple[str, ...] = ()  # sentences that address a machine ("忽略以上所有指令"): shown to organizers
    warnings: tuple[str, ...] = ()  # Chinese notes for the report (pages recognised by OCR or skipped)


Stage = Literal["read", "ocr", "chunk"]
StageCallback = Callable[[Stage, float], None]


def parse(
    name: str,
    data: bytes,
    chunk_size: int = 400,
    limits: LoadLimits | None = None,
    on_stage: StageCallback | None = None,
) -> ParsedDocument:
    """load (→ OCR) → clean → structure → chunk. Raises LoadError (with a Chinese reason) for unusable input.

    `on_stage(stage, fraction)` reports "read", "ocr" (only when pages go through OCR) and "chunk",
    each from 0.0 to 1.0, in that order.
    """
    report = _StageReporter(on_stage)
    doc_id = content_id(data)
    report("read", 0.0)
    document = load(
        name,
        data,
        limits,
        on_page=lambda done, total: report("ocr", done / max(1, total)),
        on_read=lambda done, total: report("read", done / max(1, total)),
    )
    report("read", 1.0)
    report("chunk", 0.0)
    chunks = chunk_document(document, doc_id, chunk_size)
    if not chunks:
        raise LoadError("没有可提取的文字", NO_TEXT_ADVICE)
    report("chunk", 1.0)
    numbered = {p.page for p in document.pages if p.page is not None}
    return ParsedDocument(
        doc_id=doc_id,
        name=document.source,
        title=document.title,
        file_type=document.file_type,
        size_bytes=len(data),
        pages=len(numbered) or 1,
        ocr_pages=sum(1 for p in document.pages if p.ocr),
        chunks=tuple(chunks),
        flags=tuple(find_instructions("\n".join(p.text for p in document.pages))),
        warnings=document.warnings,
    )


class _StageReporter:
    """Calls the hook with fractions that never go backwards within a stage (PDF text is read before OCR,
    so "read" may reach 1.0 before the loader returns; it is not reported twice)."""

    def __init__(self, hook: StageCallback | None) -> None:
        self._hook = hook
        self._last: dict[str, float] = {}

    def __call__(self, stage: Stage, fraction: float) -> None:
        if self._hook is None or self._last.get(stage, -1.0) >= fraction:
            return
        self._last[stage] = fraction
        self._hook(stage, fraction)

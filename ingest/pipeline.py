"""parse(name, bytes) → ParsedDocument: load → clean → structure → chunk. Knows nothing of storage:
library.service.Library (the one writer) stores what this returns.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ingest.chunker import chunk_document
from ingest.loaders import LoadError, load
from retrieval.types import Chunk

# Bump when loading, cleaning or chunking changes its output: documents ingested before are then redone.
PIPELINE_VERSION = "1"


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


def parse(name: str, data: bytes, chunk_size: int = 400) -> ParsedDocument:
    """load → clean → structure → chunk. Raises LoadError (with a Chinese reason) for unusable input."""
    doc_id = content_id(data)
    document = load(name, data)
    chunks = chunk_document(document, doc_id, chunk_size)
    if not chunks:
        raise LoadError("没有可提取的文字")
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
    )

"""Structure-aware, sentence-bounded chunks with heading path, page range and content-hash ids.

Articles (第X条) are chunked alone: whole when they fit, else split at sentence ends, so every
chunk cites cleanly as one 条. Prose under one heading path is packed sentence by sentence with
one sentence of overlap; a chunk never crosses a heading change.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from ingest.structure import Block, parse_blocks
from retrieval.text import split_sentences
from retrieval.types import Chunk, LoadedDocument

MIN_CHUNK_SIZE = 80
_CLAUSE = re.compile(r"[^，、,]*[，、,]|[^，、,]+")


@dataclass(frozen=True)
class _Unit:
    """A sentence (or a clause of an over-long one) and where it stands."""

    text: str
    page: int | None
    new_paragraph: bool


@dataclass(frozen=True)
class _Piece:
    text: str
    heading: tuple[str, ...]
    pages: tuple[int | None, ...]


def chunk_document(doc: LoadedDocument, doc_id: str, chunk_size: int = 400) -> list[Chunk]:
    """Chunks of `doc` in reading order; [] when the document holds no text."""
    _check_arguments(doc_id, chunk_size)
    blocks = parse_blocks(doc.pages, doc.title)
    pieces = [piece for section in _sections(blocks) for piece in _chunk_section(section, chunk_size)]
    ocr = _OcrPages.of(doc)
    return [_to_chunk(doc, doc_id, position, piece, ocr) for position, piece in enumerate(pieces)]


def chunk_id(doc_id: str, position: int, text: str) -> str:
    """Content hash: the same document, place and text always give the same id."""
    digest = hashlib.sha256("\x1f".join((doc_id, str(position), text)).encode("utf-8"))
    return digest.hexdigest()[:24]


def _check_arguments(doc_id: str, chunk_size: int) -> None:
    if not doc_id:
        raise ValueError("doc_id must be a non-empty string (the document's content hash)")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < MIN_CHUNK_SIZE:
        raise ValueError(f"chunk_size must be an integer of at least {MIN_CHUNK_SIZE} characters, got {chunk_size!r}")


def _sections(blocks: list[Block]) -> Iterator[list[Block]]:
    """Each article alone; consecutive prose paragraphs under the same heading path together."""
    for (_, is_article), group in groupby(blocks, key=lambda b: (b.heading, b.is_article)):
        if is_article:
            yield from ([block] for block in group)
        else:
            yield list(group)


def _chunk_section(blocks: list[Block], size: int) -> list[_Piece]:
    heading = blocks[0].heading
    if blocks[0].is_article and len(blocks[0].text) <= size:
        return [_Piece(blocks[0].text, heading, blocks[0].line_pages)]
    groups = _pack(list(_units(blocks, size)), size, overlap=not blocks[0].is_article)
    return [_Piece(_join(units), heading, tuple(u.page for u in units)) for units in groups]


def _units(blocks: list[Block], size: int) -> Iterator[_Unit]:
    for block in blocks:
        for line, page in zip(block.text.split("\n"), block.line_pages, strict=True):
            parts = [part for sentence in split_sentences(line) for part in _split_long(sentence, size)]
            for index, part in enumerate(parts):
                yield _Unit(part, page, new_paragraph=index == 0)


def _split_long(sentence: str, size: int) -> list[str]:
    """A sentence longer than `size`: clauses at ，/、 packed up to `size`, else hard cuts."""
    if len(sentence) <= size:
        return [sentence]
    parts: list[str] = []
    for clause in _CLAUSE.findall(sentence):
        pieces = [clause[start : start + size] for start in range(0, len(clause), size)]
        for piece in pieces:
            if parts and len(parts[-1]) + len(piece) <= size:
                parts[-1] += piece
            else:
                parts.append(piece)
    return parts


def _pack(units: list[_Unit], size: int, overlap: bool) -> list[list[_Unit]]:
    """Greedy packing up to `size` characters; with `overlap`, each chunk repeats the last sentence."""
    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    for unit in units:
        if current and len(_join([*current, unit])) > size:
            groups.append(current)
            carried = current[-1]
            fits = overlap and len(_join([carried, unit])) <= size
            current = [carried] if fits else []
        current.append(unit)
    if current:
        groups.append(current)
    return groups


def _join(units: list[_Unit]) -> str:
    """Sentences of one paragraph run together; paragraph breaks inside a chunk stay as "\\n"."""
    text = units[0].text
    for unit in units[1:]:
        text += ("\n" if unit.new_paragraph else "") + unit.text
    return text


@dataclass(frozen=True)
class _OcrPages:
    """Which text came from OCR: numbered pages, or the whole document (an image has no page numbers)."""

    pages: frozenset[int]
    whole: bool

    @classmethod
    def of(cls, doc: LoadedDocument) -> _OcrPages:
        numbered = frozenset(p.page for p in doc.pages if p.ocr and p.page is not None)
        return cls(numbered, bool(doc.pages) and all(p.ocr for p in doc.pages))

    def covers(self, pages: list[int]) -> bool:
        return self.whole or any(page in self.pages for page in pages)


def _to_chunk(doc: LoadedDocument, doc_id: str, position: int, piece: _Piece, ocr: _OcrPages) -> Chunk:
    pages = [page for page in piece.pages if page is not None]
    return Chunk(
        id=chunk_id(doc_id, position, piece.text),
        doc_id=doc_id,
        text=piece.text,
        title=doc.title,
        heading=piece.heading,
        page_start=min(pages, default=None),
        page_end=max(pages, default=None),
        position=position,
        ocr=ocr.covers(pages),
    )

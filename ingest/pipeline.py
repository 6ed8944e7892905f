"""ingest(paths) → IngestReport: load → clean → chunk → index, one document at a time.

Each document is committed to the catalog only after its vectors are stored, so a killed run leaves no
half-indexed document visible; re-running completes the work (ids are content hashes, nothing duplicates).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ingest.chunker import chunk_document
from ingest.injection import find_instructions
from ingest.limits import LoadLimits
from ingest.loaders import SUPPORTED_SUFFIXES, LoadError, load, load_file
from retrieval.catalog import DocumentRecord
from retrieval.kb import KnowledgeBase
from retrieval.types import Chunk

log = logging.getLogger(__name__)
# Bump when loading, cleaning or chunking changes its output: documents ingested before are then redone.
PIPELINE_VERSION = "1"
Status = Literal["added", "unchanged", "replaced", "skipped"]
STATUS_LABELS = {"added": "新增", "unchanged": "未变", "replaced": "替换", "skipped": "跳过"}


@dataclass(frozen=True)
class FileOutcome:
    path: str
    status: Status
    title: str = ""
    reason: str = ""
    chunks: int = 0


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0

    def with_status(self, status: Status) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def ok(self) -> bool:
        """False only when files were given and none of them could be ingested."""
        return not self.outcomes or any(o.status != "skipped" for o in self.outcomes)

    def summary(self) -> str:
        counts = "，".join(f"{STATUS_LABELS[s]} {len(self.with_status(s))}" for s in STATUS_LABELS)
        chunks = sum(o.chunks for o in self.outcomes if o.status in ("added", "replaced"))
        return f"{counts}；新写入 {chunks} 个段落；用时 {self.seconds:.1f} 秒"


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files named, plus every file under named folders (recursively, hidden ones left out), in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = (p for p in path.rglob("*") if p.is_file())
            files.extend(sorted(p for p in inside if not _hidden(p.relative_to(path))))
        else:
            files.append(path)
    return list(dict.fromkeys(files))


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


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
        raise LoadError("没有可提取的文字")
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


@dataclass(frozen=True)
class ProgressHooks:
    """Optional callbacks so a CLI bar or a Streamlit progress widget can follow an ingest."""

    file_started: Callable[[Path, int, int], None] | None = None  # path, index (0-based), number of files
    chunks_embedded: Callable[[int, int], None] | None = None  # done, total for the current file
    file_done: Callable[[FileOutcome], None] | None = None


class Ingester:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb

    def ingest(self, paths: Sequence[Path], hooks: ProgressHooks = ProgressHooks()) -> IngestReport:
        """Ingest files and folders (recursively) and report what happened to each file."""
        started = time.perf_counter()
        report = IngestReport()
        index = self.kb.index
        files = collect_files(paths)
        with index.write_lock():
            index.check_writable()
            index.cleanup()
            for number, path in enumerate(files):
                if hooks.file_started:
                    hooks.file_started(path, number, len(files))
                outcome = self.ingest_file(path, hooks.chunks_embedded)
                report.outcomes.append(outcome)
                if hooks.file_done:
                    hooks.file_done(outcome)
            index.refresh_lexical()
        report.seconds = time.perf_counter() - started
        return report

    def ingest_file(self, path: Path, on_chunks: Callable[[int, int], None] | None = None) -> FileOutcome:
        name = str(path)
        if not path.exists():
            return FileOutcome(name, "skipped", reason="文件不存在")
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            return FileOutcome(name, "skipped", reason=f"不支持的文件类型 {path.suffix or '（无扩展名）'}")
        data = path.read_bytes()
        doc_id = content_id(data)
        source = str(path.resolve())
        catalog = self.kb.catalog
        existing = catalog.document_by_source(source)
        if existing and existing.doc_id == doc_id and existing.pipeline_version == PIPELINE_VERSION:
            return FileOutcome(name, "unchanged", existing.title, chunks=existing.n_chunks)
        twin = catalog.document(doc_id)
        if twin and twin.source != source and twin.pipeline_version == PIPELINE_VERSION:
            return FileOutcome(name, "unchanged", twin.title, reason=f"内容与已入库的 {twin.source} 相同")
        try:
            document = load_file(path)
        except LoadError as exc:
            return FileOutcome(name, "skipped", reason=exc.reason)
        chunks = chunk_document(document, doc_id, self.kb.settings.chunk_size)
        if not chunks:
            return FileOutcome(name, "skipped", document.title, reason="没有可提取的文字")
        record = DocumentRecord(
            doc_id=doc_id,
            source=source,
            title=document.title,
            file_type=document.file_type,
            size_bytes=len(data),
            n_chunks=len(chunks),
            n_chars=sum(len(c.text) for c in chunks),
            pipeline_version=PIPELINE_VERSION,
        )
        replaces = existing.doc_id if existing else (twin.doc_id if twin else None)
        self.kb.index.commit_document(record, chunks, replaces=replaces, on_progress=on_chunks)
        log.info("indexed %s: %d chunks", name, len(chunks))
        return FileOutcome(name, "replaced" if existing else "added", document.title, chunks=len(chunks))

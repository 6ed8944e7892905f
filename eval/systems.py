"""The systems under test: this project's search legs over one shared index (baselines live in baselines.py).

Every system answers `search(question, k) -> list[Passage]`, so the runner treats them alike.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from library.files import uploads_from_paths
from library.progress import Report as IngestReport
from library.service import Library
from retrieval.kb import KnowledgeBase
from retrieval.search import SearchOptions
from retrieval.settings import Settings
from retrieval.tokenizer import ChineseTokenizer

log = logging.getLogger(__name__)
# The hybrid row must stay hybrid when the shipped default turns a leg off: then it uses the pre-eval weights.
FALLBACK_HYBRID = (1.0, 0.1)
PROJECT_SYSTEMS = ("bm25", "dense", "hybrid", "default")


@dataclass(frozen=True)
class Passage:
    text: str
    source: str  # file name of the document the passage comes from


class System(Protocol):
    name: str

    def search(self, question: str, k: int) -> list[Passage]: ...


class ProjectSystem:
    """One way of searching the project's index (the legs and fusion are chosen per call, not per index)."""

    def __init__(self, name: str, kb: KnowledgeBase, options: SearchOptions):
        self.name = name
        self.kb = kb
        self.options = options
        self.sources = {doc.doc_id: Path(doc.source).name for doc in kb.documents()}

    def search(self, question: str, k: int) -> list[Passage]:
        hits = self.kb.search(question, k, options=self.options)
        return [Passage(h.chunk.text, self.sources.get(h.chunk.doc_id, h.chunk.doc_id)) for h in hits]


def build_index(
    corpus: Sequence[Path],
    data_dir: Path,
    tokenizer: ChineseTokenizer,
    embedder: object | None,
    **overrides: object,
) -> tuple[KnowledgeBase, IngestReport]:
    """Ingest the corpus into a fresh data dir through the real pipeline (loaders → chunker → index)."""
    settings = Settings(data_dir=data_dir, **overrides)
    writer = Library(settings, tokenizer=tokenizer, embedder=embedder)
    report = writer.add_many(uploads_from_paths(corpus, settings))
    writer.close()
    kb = KnowledgeBase(settings, tokenizer=tokenizer, embedder=embedder)
    log.info("indexed %s: %s", ", ".join(map(str, corpus)), report.summary())
    return kb, report


def project_options(settings: Settings, dense: bool = True) -> dict[str, SearchOptions]:
    """bm25, dense, hybrid and the shipped default, all with the settings' fusion method and depth."""

    def options(bm25: float, dense_weight: float) -> SearchOptions:
        return SearchOptions(bm25, dense_weight, settings.fusion, settings.rrf_k, settings.candidates)

    hybrid = (settings.bm25_weight, settings.dense_weight)
    if not all(hybrid):
        hybrid = FALLBACK_HYBRID
    systems = {
        "bm25": options(1.0, 0.0),
        "dense": options(0.0, 1.0),
        "hybrid": options(*hybrid),
        "default": options(settings.bm25_weight, settings.dense_weight),
    }
    if not dense:
        systems = {name: opts for name, opts in systems.items() if name in ("bm25", "default")}
    return systems


def project_systems(kb: KnowledgeBase, names: Sequence[str] = PROJECT_SYSTEMS) -> list[ProjectSystem]:
    available = project_options(kb.settings, dense=kb.embedder is not None)
    return [ProjectSystem(name, kb, available[name]) for name in names if name in available]

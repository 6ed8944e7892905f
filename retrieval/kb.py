"""KnowledgeBase: the read-only handle callers use (CLI, app, API, eval) to search and answer.

It never writes: library.service.Library is the one writer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from functools import partial

from ingest.injection import find_instructions
from retrieval.answer import ExtractiveAnswerer
from retrieval.catalog import DocumentRecord
from retrieval.cilin import Cilin
from retrieval.embeddings import Embedder, load_embedder
from retrieval.outline import LibraryOutline
from retrieval.search import HybridSearcher, SearchOptions
from retrieval.settings import Settings
from retrieval.store import Index
from retrieval.synonyms import Thesaurus
from retrieval.tokenizer import ChineseTokenizer
from retrieval.types import Answer, Chunk, Hit

log = logging.getLogger(__name__)
_UNSET = object()


INSTRUCTION_CAVEAT = (
    "注意：引用的原文中含有疑似对机器下达的指令（如“忽略以上指令”），这不是资料的正式内容，请核对原文。"
)


def instruction_caveat(answer: Answer) -> tuple[str, ...]:
    """A visible caveat when the sentences an answer quotes address a machine rather than a reader."""
    quoted = "".join(s for c in answer.citations for s in c.sentences) or answer.text
    return (INSTRUCTION_CAVEAT,) if answer.found and find_instructions(quoted) else ()


class KnowledgeBase:
    """Opens the index in settings.data_dir; heavy parts (model, jieba) can be passed in to share them."""

    def __init__(
        self,
        settings: Settings,
        tokenizer: ChineseTokenizer | None = None,
        embedder: Embedder | object | None = _UNSET,
    ):
        self.settings = settings
        self.tokenizer = tokenizer or ChineseTokenizer(settings.data_dir)
        self.embedder = load_embedder(settings) if embedder is _UNSET else embedder
        self.index = Index(settings, self.tokenizer, self.embedder)
        self.thesaurus = Thesaurus(self.tokenizer)
        self.cilin = Cilin()
        self.searcher = HybridSearcher(self.index, self.thesaurus, self.cilin)
        self.answerer = ExtractiveAnswerer(self.tokenizer, settings, self.thesaurus, self.cilin)

    @property
    def notices(self) -> list[str]:
        """Things the user should know (e.g. the English fallback model is in use)."""
        return list(self.embedder.notices) if self.embedder is not None else []

    def damage(self) -> list[str]:
        """Damage the reader works around but an organizer should repair (checked when asked: a few reads)."""
        problem = self.index.vector_problem()
        return [problem] if problem else []

    @property
    def catalog(self):
        return self.index.catalog

    def needs_rebuild(self) -> str | None:
        """For organizers: why the derived indexes should be rebuilt (model or tokenizer changed), or None."""
        return self.index.needs_rebuild()

    def is_empty(self) -> bool:
        return self.catalog.chunk_count() == 0

    def documents(self) -> list[DocumentRecord]:
        return self.catalog.documents()

    def search(
        self,
        query: str,
        k: int = 10,
        doc_ids: Sequence[str] | None = None,
        options: SearchOptions | None = None,
    ) -> list[Hit]:
        self.index.check_readable()
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}")
        return self.searcher.search(self.bounded(query), k, doc_ids, options)

    def bounded(self, question: str) -> str:
        """Questions are cut to settings.max_question_chars before any tokenizing or expansion: a pasted
        1 M-character text must not cost minutes (thesaurus expansion grows with the question)."""
        return question[: self.settings.max_question_chars]

    def retrieve(
        self, question: str, doc_ids: Sequence[str] | None = None, k: int | None = None
    ) -> tuple[list[Hit], Answer]:
        """The top passages and the extractive answer drawn from them (an LLM answer starts from both)."""
        question = self.bounded(question)
        hits = self.search(question, k or self.settings.top_k, doc_ids)
        missing = self.searcher.missing_documents(question) if not doc_ids else []
        outline = partial(self.outline, doc_ids)
        catalog = self.catalog
        answer = self.answerer.answer(
            question, hits, self.index.lexical(), catalog.chunks_of, missing, outline, catalog.opening
        )
        return hits, replace(answer, notices=answer.notices + instruction_caveat(answer) + tuple(self.notices))

    def outline(self, doc_ids: Sequence[str] | None = None) -> LibraryOutline:
        """The outline of the library, or of these documents (list questions find their section in it)."""
        return self.searcher.outline().within(set(doc_ids) if doc_ids else None)

    def ask(self, question: str, doc_ids: Sequence[str] | None = None, k: int | None = None) -> Answer:
        """Extractive answer from the top passages (the default answer; needs no LLM)."""
        return self.retrieve(question, doc_ids, k)[1]

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """A document's chunks in reading order (quiz generation, the library page's chunk view)."""
        return self.catalog.chunks_of(doc_id)

    def neighbours(self, chunk: Chunk, before: int = 1, after: int = 1) -> list[Chunk]:
        return self.catalog.neighbours(chunk, before, after)

    def close(self) -> None:
        self.catalog.close()

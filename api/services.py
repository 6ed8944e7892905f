"""The services one API process serves from: built once at start-up, shared by every request thread."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from library.questions import QuestionLog
from library.seed import seed_if_new
from library.service import Library
from library.tokens import TokenStore
from quiz.store import QuizStore
from retrieval.embeddings import Embedder, load_embedder
from retrieval.kb import KnowledgeBase
from retrieval.llm import LLMAnswerer
from retrieval.settings import Settings
from retrieval.tokenizer import ChineseTokenizer

log = logging.getLogger(__name__)
# A write waits this long for another writer (another replica, the app, the CLI), then gets 409 and a message.
WRITER_WAIT_SECONDS = 30.0


@dataclass(frozen=True)
class Services:
    settings: Settings
    kb: KnowledgeBase
    library: Library
    questions: QuestionLog
    quizzes: QuizStore
    tokens: TokenStore
    llm: LLMAnswerer | None

    def close(self) -> None:
        self.library.close()
        self.kb.close()


def open_services(
    settings: Settings,
    tokenizer: ChineseTokenizer | None = None,
    embedder: Embedder | None = None,
    load_model: bool = True,
) -> Services:
    """Reader and writer share the tokenizer and the model; the stores share the reader's catalog."""
    tokenizer = tokenizer or ChineseTokenizer(settings.data_dir)
    if embedder is None and load_model:
        embedder = load_embedder(settings)
    kb = KnowledgeBase(settings, tokenizer=tokenizer, embedder=embedder)
    library = Library(settings, tokenizer=tokenizer, embedder=embedder, wait_for_lock=WRITER_WAIT_SECONDS)
    return Services(
        settings=settings,
        kb=kb,
        library=library,
        questions=QuestionLog(kb.catalog),
        quizzes=QuizStore(kb.catalog),
        tokens=TokenStore(kb.catalog),
        llm=LLMAnswerer(kb) if settings.llm_enabled else None,
    )


def start_up(services: Services, seed: bool = True) -> list[str]:
    """What the app does when it starts: clear what a killed writer left, publish BM25, seed a new library.
    Returns notices (a needed rebuild, another writer busy) — logged, the API serves what there is."""
    notices: list[str] = []
    try:
        problem = services.library.prepare()
        if problem:
            notices.append(problem)
        elif seed:
            seed_if_new(services.library)
    except RuntimeError as exc:  # busy (another replica is writing) or a model mismatch
        notices.append(str(exc))
    for notice in notices:
        log.warning("start-up: %s", notice)
    if not services.kb.is_empty():
        services.kb.search("政协", k=1)  # warm BM25 and the query path before the first request
    return notices

"""Heavy resources shared by every session of the process, and the start-up work (seed, prepare).

Kept in module globals, not only st.cache_resource, so that `python -m ui.serve` can warm them before the
server accepts its first visitor; one lock per data dir keeps concurrent first sessions from loading twice.
"""

from __future__ import annotations

import logging
import threading

from library.progress import ProgressHooks
from library.questions import QuestionLog
from library.seed import seed_if_new
from library.service import Library
from library.users import LockoutPolicy, UserStore
from quiz.generate import QuizGenerator
from quiz.store import QuizStore
from retrieval.embeddings import Embedder, load_embedder, use_one_thread_for_queries
from retrieval.kb import KnowledgeBase
from retrieval.llm import LLMAnswerer
from retrieval.logs import configure_logging
from retrieval.settings import Settings
from retrieval.tokenizer import ChineseTokenizer
from ui.upload_jobs import UploadJobs

log = logging.getLogger(__name__)
_LOCK = threading.RLock()
_SHARED: dict[tuple[str, str], object] = {}
# Sessions of one process take turns at writing; another process is waited for this long, then refused.
WRITER_WAIT_SECONDS = 300.0


def _shared(kind: str, key: str, make):
    with _LOCK:
        if (kind, key) not in _SHARED:
            _SHARED[kind, key] = make()
        return _SHARED[kind, key]


def settings() -> Settings:
    """Read per call (cheap): tests and tools may change the environment between runs of the script."""
    return Settings()


def setup_logging() -> None:
    _shared("logging", "", configure_logging)


def _key(s: Settings) -> str:
    return s.model_dump_json()


def embedder(s: Settings | None = None) -> Embedder | None:
    s = s or settings()

    def load() -> Embedder | None:
        use_one_thread_for_queries()
        return load_embedder(s)

    return _shared("embedder", s.embedding_model, load)  # type: ignore[return-value]


def tokenizer(s: Settings | None = None) -> ChineseTokenizer:
    s = s or settings()
    return _shared("tokenizer", str(s.data_dir), lambda: ChineseTokenizer(s.data_dir))  # type: ignore[return-value]


def knowledge_base(s: Settings | None = None) -> KnowledgeBase:
    """The shared read side for these settings (default: Settings() from the environment)."""
    s = s or settings()
    return _shared(  # type: ignore[return-value]
        "kb", _key(s), lambda: KnowledgeBase(s, tokenizer=tokenizer(s), embedder=embedder(s))
    )


def library(s: Settings | None = None) -> Library:
    """The shared writer (it loads nothing heavy until a write needs it; then it shares the reader's parts)."""
    s = s or settings()
    return _shared(  # type: ignore[return-value]
        "library",
        _key(s),
        lambda: Library(s, tokenizer=tokenizer(s), embedder=embedder(s), wait_for_lock=WRITER_WAIT_SECONDS),
    )


def upload_jobs(s: Settings | None = None) -> UploadJobs:
    """The library writes running in the background, one registry per library (see ui.upload_jobs)."""
    s = s or settings()
    return _shared("upload_jobs", _key(s), UploadJobs)  # type: ignore[return-value]


def question_log(s: Settings | None = None) -> QuestionLog:
    s = s or settings()
    return _shared("questions", _key(s), lambda: QuestionLog(knowledge_base(s).catalog))  # type: ignore[return-value]


def users(s: Settings | None = None) -> UserStore:
    s = s or settings()
    policy = LockoutPolicy(s.login_max_failures, s.login_lockout_minutes, s.login_session_hours)
    return _shared("users", _key(s), lambda: UserStore(knowledge_base(s).catalog, policy))  # type: ignore[return-value]


def quiz_services(kb: KnowledgeBase) -> tuple[QuizGenerator, QuizStore]:
    """The quiz generator and store over this knowledge base (one pair per process and settings)."""
    return _shared(  # type: ignore[return-value]
        "quiz", _key(kb.settings), lambda: (QuizGenerator(kb), QuizStore(kb.catalog))
    )


def llm_answerer(kb: KnowledgeBase) -> LLMAnswerer | None:
    """The LLM answerer when SHUXIANG_LLM_BASE_URL and SHUXIANG_LLM_MODEL are set, else None."""
    if not kb.settings.llm_enabled:
        return None
    return _shared("llm", _key(kb.settings), lambda: LLMAnswerer(kb))  # type: ignore[return-value]


def start_up(s: Settings | None = None, hooks: ProgressHooks | None = None) -> list[str]:
    """Once per process and data dir: load everything, prepare the indexes, seed an empty first library.
    Returns notices for organizers (e.g. a model change that needs `ingest --rebuild`)."""
    s = s or settings()

    def run() -> list[str]:
        writer = library(s)
        notices: list[str] = []
        try:
            problem = writer.prepare()
            if problem:
                notices.append(problem)
            else:
                report = seed_if_new(writer, hooks)
                if report is not None:
                    log.info("first start: %s", report.summary())
        except RuntimeError as exc:  # busy (another writer) or a model mismatch: serve what there is
            log.warning("start-up preparation skipped: %s", exc)
            notices.append(str(exc))
        kb = knowledge_base(s)
        if not kb.is_empty():
            kb.search("政协", k=1)  # warm the BM25 generation and the query path
        return notices

    return _shared("start_up", _key(s), run)  # type: ignore[return-value]


def organizer_notices(s: Settings | None = None) -> list[str]:
    """What organizers should know: the fallback model, a needed rebuild, a skipped start-up step."""
    s = s or settings()
    kb = knowledge_base(s)
    notices = list(kb.notices) + list(start_up(s)) + kb.damage()
    rebuild = kb.needs_rebuild()
    if rebuild and rebuild not in notices:
        notices.append(rebuild)
    return notices

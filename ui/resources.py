"""Heavy resources shared by all sessions (st.cache_resource), and the first-run build of the library.

One process serves every member from threads: the model and jieba load once, each data dir gets one
KnowledgeBase (its catalog, BM25 refresh and jieba init are locked inside), and one build runs at a time.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import streamlit as st

from ingest.pipeline import Ingester, ProgressHooks
from retrieval.embeddings import Embedder, load_embedder, use_one_thread_for_queries
from retrieval.feedback import FeedbackStore
from retrieval.kb import KnowledgeBase
from retrieval.llm import LLMAnswerer
from retrieval.logs import configure_logging
from retrieval.settings import Settings
from retrieval.store import IndexMismatchError
from retrieval.tokenizer import ChineseTokenizer

log = logging.getLogger(__name__)
SEEDED_MARKER = "seeded-from-corpus.json"  # written once the first-run build from corpus_dir has run


@st.cache_resource(show_spinner=False)
def setup_logging() -> None:
    configure_logging()


@st.cache_resource(show_spinner="正在加载向量模型……")
def _embedder(embedding_model: str, _settings: Settings) -> Embedder | None:
    use_one_thread_for_queries()
    return load_embedder(_settings)  # keyed on the model setting only: every data dir shares one model


@st.cache_resource(show_spinner="正在打开资料库……")
def _knowledge_base(settings_json: str, _settings: Settings) -> KnowledgeBase:
    tokenizer = ChineseTokenizer(_settings.data_dir)
    return KnowledgeBase(_settings, tokenizer=tokenizer, embedder=_embedder(_settings.embedding_model, _settings))


def knowledge_base(settings: Settings | None = None) -> KnowledgeBase:
    """The shared KnowledgeBase for these settings (default: Settings() from the environment)."""
    settings = settings or Settings()
    return _knowledge_base(settings.model_dump_json(), settings)


@st.cache_resource(show_spinner=False)
def _llm(settings_json: str, _kb: KnowledgeBase) -> LLMAnswerer:
    return LLMAnswerer(_kb)


def llm_answerer(kb: KnowledgeBase) -> LLMAnswerer | None:
    """The LLM answerer when SHUXIANG_LLM_BASE_URL and SHUXIANG_LLM_MODEL are set, else None."""
    return _llm(kb.settings.model_dump_json(), kb) if kb.settings.llm_enabled else None


@st.cache_resource(show_spinner=False)
def _feedback(settings_json: str, _kb: KnowledgeBase) -> FeedbackStore:
    return FeedbackStore(_kb.catalog)


def feedback_store(kb: KnowledgeBase) -> FeedbackStore:
    return _feedback(kb.settings.model_dump_json(), kb)


@st.cache_resource(show_spinner=False)
def _build_lock(data_dir: str) -> threading.Lock:
    return threading.Lock()


def ensure_library(kb: KnowledgeBase) -> None:
    """First run: an empty library is built from settings.corpus_dir with a progress bar, then the app serves.

    Only the first run: a marker in the data dir keeps a library that organizers emptied on purpose empty.
    """
    marker = kb.settings.data_dir / SEEDED_MARKER
    if marker.exists() or not kb.is_empty():
        return
    lock = _build_lock(str(kb.settings.data_dir))
    if not lock.acquire(blocking=False):
        with st.spinner("正在建立资料库索引，请稍候……"):
            lock.acquire()  # another session is building; wait for it, then use its result
    try:
        if not marker.exists() and kb.is_empty():
            summary = _build(kb, kb.settings.corpus_dir)
            marker.write_text(
                json.dumps({"corpus": str(kb.settings.corpus_dir), "report": summary}, ensure_ascii=False)
            )
    except (IndexMismatchError, RuntimeError) as exc:
        st.error(f"建立索引失败：{exc}")
    finally:
        lock.release()


def _build(kb: KnowledgeBase, corpus: Path) -> str:
    bar = st.progress(0.0, text=f"首次启动：正在从 {corpus} 建立资料库索引……")
    state = {"file": 0, "files": 1, "name": ""}

    def started(path: Path, number: int, total: int) -> None:
        state.update(file=number, files=max(total, 1), name=path.name)
        bar.progress(number / state["files"], text=f"正在建立索引（{number + 1}/{total}）：{path.name}")

    def embedded(done: int, total: int) -> None:
        share = (state["file"] + done / max(total, 1)) / state["files"]
        bar.progress(min(share, 1.0), text=f"正在建立索引：{state['name']}，段落 {done}/{total}")

    report = Ingester(kb).ingest([corpus], ProgressHooks(file_started=started, chunks_embedded=embedded))
    bar.empty()
    log.info("first-run build from %s: %s", corpus, report.summary())
    st.toast(f"资料库已建立：{report.summary()}")
    return report.summary()

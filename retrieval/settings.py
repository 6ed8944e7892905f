"""The one settings object. The only module that reads the environment (prefix SHUXIANG_)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.limits import MB, LoadLimits

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = PROJECT_ROOT / "corpus"


class Settings(BaseSettings):
    """Configuration; every field can be set as SHUXIANG_<FIELD> (e.g. SHUXIANG_DATA_DIR)."""

    model_config = SettingsConfigDict(env_prefix="SHUXIANG_", frozen=True, extra="ignore")

    data_dir: Path = Field(Path("data"), description="catalog, Chroma, BM25 index, stored sources, jieba cache")
    host: str = Field("0.0.0.0", description="address the app listens on (python -m ui.serve)")
    port: int = Field(8501, ge=1, le=65535, description="port the app listens on")
    database_url: str = Field(
        "",
        description="postgresql://user:pass@host:port/db for a catalog shared by replicas on several machines "
        "(catalog, users, question log, quizzes, stored sources); empty = SQLite file in data_dir",
    )
    pg_bin_dir: Path | None = Field(
        None,
        description="folder of pg_dump/pg_restore for `library backup` and `restore` with PostgreSQL "
        "(None: PATH, then the newest /usr/lib/postgresql/*/bin)",
    )
    chroma_url: str = Field(
        "", description="http://host:port of a `chroma run` server shared by replicas; empty = Chroma in data_dir"
    )
    corpus_dir: Path = Field(BUNDLED_CORPUS, description="library used when the user gives nothing else")
    embedding_model: str = Field(
        "", description="hub id or local path; empty = auto (bge-small-zh, then bundled); 'none' = no dense leg"
    )
    hf_endpoint: str = Field("", description="Hugging Face mirror for `model download` (e.g. https://hf-mirror.com)")
    embedding_batch_size: int = Field(64, ge=1, description="passages embedded per model call while ingesting")
    chunk_size: int = Field(400, ge=80, description="largest chunk, in characters")
    fusion: Literal["rrf", "weighted"] = Field(
        "weighted", description="how the legs are fused: weighted (min-max scaled scores) or rrf"
    )
    bm25_weight: float = Field(1.0, ge=0.0, description="weight of the keyword (BM25) leg in fusion")
    dense_weight: float = Field(0.3, ge=0.0, description="weight of the vector leg in fusion (measured in eval/)")
    rrf_k: int = Field(60, ge=1, description="the k of reciprocal rank fusion")
    top_k: int = Field(5, ge=1, description="passages an answer draws on")
    timezone: str = Field(
        "Asia/Shanghai",
        description="time zone of the dates and times organizers see and filter by (questions are stored in UTC)",
    )
    max_question_chars: int = Field(1000, ge=10, description="longer questions are cut to this before searching")
    candidates: int = Field(50, ge=1, description="passages each search leg returns before fusion")
    answer_min_coverage: float = Field(
        0.4, ge=0.0, le=1.0, description="share of the question's weighted terms the evidence must contain"
    )
    answer_confident_coverage: float = Field(
        0.6, ge=0.0, le=1.0, description="below this share the answer is marked 仅供参考 (check the source)"
    )
    answer_max_sentences: int = Field(3, ge=1, description="sentences an extractive answer may hold")
    answer_max_chars: int = Field(200, ge=20, description="sentences beyond the first are added while this fits")
    commit_batch_chunks: int = Field(
        2000, ge=1, description="a big ingest becomes visible in batches of about this many passages"
    )
    web_fetch_timeout: float = Field(15.0, gt=0, description="seconds to wait for a web page added by URL")
    members_must_login: bool = Field(False, description="members must log in to ask (default: anyone may ask)")
    login_max_failures: int = Field(5, ge=1, description="wrong passwords in a row before a user name is locked")
    login_lockout_minutes: int = Field(15, ge=1, description="how long a locked user name stays locked")
    login_session_hours: int = Field(12, ge=1, description="how long a login lasts in a browser (new tabs included)")
    llm_base_url: str = Field("", description="OpenAI-compatible endpoint (DeepSeek, Qwen, Ollama, vLLM); empty = none")
    llm_model: str = Field("", description="model name at that endpoint")
    llm_api_key: str = Field("", description="API key for that endpoint")
    llm_timeout: float = Field(30.0, gt=0, description="seconds before falling back to the extractive answer")
    # Levers of issue 9 (each measured on/off in eval/REPORT.md; 0 or False turns one off).
    cilin_weight: float = Field(
        0.15, ge=0.0, le=1.0, description="weight of 同义词词林 synonyms in the query, relative to the question's words"
    )
    cilin_stand_in: float = Field(
        0.8,
        ge=0.0,
        le=1.0,
        description="weight of the 同义词词林 synonyms of a question word the library never uses (当兵 → 入伍): "
        "the only way that word can match",
    )
    abbreviations: bool = Field(
        True, description="spell out a question's abbreviations as the library writes them (村委会 → 村民委员会)"
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
    # dev: R@5 0.850 → 0.871 at any of 0.1–0.5 (the search within the named document does the work); the least
    named_boost: float = Field(
        0.1, ge=0.0, description="extra score for passages of a document the question names (个保法, 二十大报告)"
    )
    # session 18, 0.15 / 0.3 / 0.5 / 1.0 on the read sets: R@5 +3 questions at 0.3 (fresh4 +2, fresh7 +1, dev +1,
    # held-out −1), answers right +1; 1.0 loses more than it gains
    implied_weight: float = Field(
        0.3,
        ge=0.0,
        description="weight of the search within the document most of the best passages come from, without the "
        "words most of its passages say (红十字会 in the Red Cross law)",
    )
    # session 21, 1 → 0.25 in the word leg and in the answer's term weights, on the read sets: R@5 held-out 0.932 →
    # 0.943, fresh3 0.900 → 0.933, fresh4 0.900 → 0.933; answers right dev 0.841 → 0.845, fresh4 0.733 → 0.767,
    # fresh5 0.733 → 0.767, fresh7 0.667 → 0.733, fresh9 0.433 → 0.500; none lost. 0.5 the same, 0.1 −1 (fresh10)
    story_floor: float = Field(
        0.25,
        ge=0.0,
        le=1.0,
        description="the least weight, in the search and the answer, of a question's word the library says far less "
        "often than everyday Chinese (觉得, 一天: the question's story, not its subject); 1 turns this off",
    )
    # dev: answers right 0.807 → 0.811 (0.3) → 0.815 (0.5, 1.0)
    named_answer_bonus: float = Field(
        0.5, ge=0.0, description="answer sentences: extra score for those from a document the question names"
    )
    # session 23, 14 read sets (721 answerable, 258 unanswerable questions), refusal model refitted with it:
    # R@5 593 → 601 in the top 5, answers right 548 → 555, answerable refused 44 → 35, unanswerable answered
    # 58 → 62; 0.25 / 0.6 gained less; CMRC 2018 R@1 0.936 → 0.937, R@5 0.989 either way
    type_boost: float = Field(
        0.4, ge=0.0, description="extra score for a passage holding the asked kind of answer (多久 → a duration)"
    )
    # dev3 R@5 0.800 → 0.867, answers right 0.767 → 0.800; dev answers right 0.833 → 0.837
    list_boost: float = Field(
        0.3,
        ge=0.0,
        description="passages listing what a list question asks for score ×(1 + this) (哪几种处罚 → 处罚种类包括…)",
    )
    # dev: R@5 0.884 → 0.888, answers right 0.841 → 0.845 (the 填空 团结和民主是…的（ ） found, 8th → 2nd), no
    # question of the five sets lost; 0.6 answered one more unanswerable question held out
    phrase_boost: float = Field(
        0.3,
        ge=0.0,
        description="extra score × the share of the question a passage says word for word, in runs of two or more "
        "content words (填空: 团结和民主是中国人民政治协商会议的（ ）)",
    )
    # fresh4 (its failures read): R@5 0.733 → 0.767, answers right 0.533 → 0.567 (噪声敏感建筑物 found and answered
    # by its definition); the five other sets unchanged; 0.6 changed nothing more
    definition_boost: float = Field(
        0.3,
        ge=0.0,
        description="extra score for a passage defining the term a question asks the meaning of (“消防设施”包括哪些 "
        "→ 消防设施，是指…)",
    )
    # held out: 留置 answered with 三个月 first (answers right 0.841 → 0.852); dev answers right unchanged, 42 of
    # 403 answers changed, most shorter (a typed sentence now stands out from the sentences around it)
    answer_value_clause_weight: float = Field(
        0.3,
        ge=0.0,
        description="answer sentences of the asked type: bonus × the coverage of the clause holding the value "
        "(留置时间不得超过三个月 over 需要采取…留置措施的，强制到案…不得超过二十四小时)",
    )
    sentence_bigram_weight: float = Field(
        0.5,
        ge=0.0,
        description="answer sentences: weight of the question's character bigrams they share (word order, "
        "segmentation mismatch)",
    )
    # 1.0 since the everyday thesaurus: most everyday nouns now reach the texts' words, and a noun still unseen is
    # more often a topic the library lacks (红烧肉, 世界杯); 0.5 answered those (dev, 5-fold CV: refusal F1 0.681 →
    # 0.695, answers right 0.803 → 0.798)
    unseen_noun_weight: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description="weight of a question noun the library never uses (顾客, 衣服), as a share of the rarest "
        "word's: everyday words a text says otherwise, or a topic it lacks",
    )
    answer_typing: bool = Field(True, description="prefer sentences of the type the question asks for (多久 → 期限)")
    structured_answers: bool = Field(True, description="sub-headings, whole enumerations, 第N条 look-ups")
    clause_answers: bool = Field(True, description="answer with the answering clause, subject restored")
    calibrated_refusal: bool = Field(True, description="refuse on coverage + retrieval margin + answer type")
    answer_floor_coverage: float = Field(
        0.15, ge=0.0, le=1.0, description="with calibrated refusal: below this coverage refuse without asking the model"
    )
    answer_refusal_threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="calibrated probability that the library answers, below which it refuses "
        "(None: the threshold fitted with the model, retrieval/data/refusal_model.json)",
    )
    answer_doubt_threshold: float = Field(
        0.8, ge=0.0, le=1.0, description="below this calibrated probability the answer carries 仅供参考"
    )
    llm_max_seconds: float = Field(120.0, gt=0, description="budget for a whole streamed LLM answer")
    quiz_use_llm: bool = Field(False, description="智能组卷 asks the LLM (when configured) before the rules")
    quiz_llm_max_passages: int = Field(8, ge=1, description="passages one LLM quiz request may send")
    quiz_daily_items: int = Field(5, ge=1, le=20, description="items of 每日一练")
    # Ingest limits: checked before the expensive step each protects (see ingest/limits.py).
    max_upload_mb: int = Field(100, ge=1, description="largest file accepted (upload, CLI file, zip member)")
    max_document_chars: int = Field(2_000_000, ge=1, description="most characters of text in one document")
    max_archive_entries: int = Field(1000, ge=1, description="most members in one .zip or .docx")
    max_unpacked_mb: int = Field(300, ge=1, description="most uncompressed bytes in one .zip or .docx")
    max_compression_ratio: int = Field(100, ge=1, description="highest ratio of a zip member over 1 MB (bombs)")
    max_docx_xml_mb: int = Field(32, ge=1, description="largest XML part of a .docx (~16x in memory)")
    max_html_mb: int = Field(20, ge=1, description="largest HTML page")
    max_image_megapixels: int = Field(50, ge=1, description="largest image for OCR, in millions of pixels")
    max_ocr_pages: int = Field(200, ge=0, description="most PDF pages of one document sent to OCR")
    ocr_enabled: bool = Field(True, description="recognise scans and image-only PDF pages with rapidocr")

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.bm25_weight == 0 and self.dense_weight == 0:
            raise ValueError("bm25_weight and dense_weight cannot both be 0")
        if self.database_url and not self.database_url.startswith(("postgresql://", "postgres://", "sqlite:///")):
            raise ValueError("SHUXIANG_DATABASE_URL must start with postgresql:// (or sqlite:///)")
        if self.chroma_url and not self.chroma_url.startswith(("http://", "https://")):
            raise ValueError("SHUXIANG_CHROMA_URL must start with http:// or https://")
        return self

    @property
    def dense_enabled(self) -> bool:
        return self.embedding_model.strip().lower() != "none"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @property
    def load_limits(self) -> LoadLimits:
        """The ingest slice: what ingest.loaders / archive / walk are given."""
        return LoadLimits(
            max_file_bytes=self.max_upload_mb * MB,
            max_document_chars=self.max_document_chars,
            max_archive_entries=self.max_archive_entries,
            max_unpacked_bytes=self.max_unpacked_mb * MB,
            max_compression_ratio=self.max_compression_ratio,
            max_docx_xml_bytes=self.max_docx_xml_mb * MB,
            max_html_bytes=self.max_html_mb * MB,
            max_image_pixels=self.max_image_megapixels * 1_000_000,
            max_ocr_pages=self.max_ocr_pages,
            ocr_enabled=self.ocr_enabled,
        )

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.sqlite3"

    @property
    def catalog_url(self) -> str:
        """Where the catalog lives: the shared database when one is configured, else the SQLite file."""
        return self.database_url or f"sqlite:///{self.catalog_path}"

    @property
    def bm25_cache_dir(self) -> Path:
        """BM25 indexes a replica built from a shared catalog, kept so a restart at the same generation is fast."""
        return self.data_dir / "bm25-cache"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def bm25_dir(self) -> Path:
        return self.data_dir / "bm25"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def sources_dir(self) -> Path:
        return self.data_dir / "sources"

    @property
    def lock_path(self) -> Path:
        return self.data_dir / ".write.lock"

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.json"

    @property
    def jieba_cache_path(self) -> Path:
        return self.data_dir / "jieba.cache"


def settings_table() -> str:
    """The README's settings table, made from the fields themselves (a test keeps the README in step)."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default
        shown = "*(empty)*" if default == "" else ("`corpus/`" if default == BUNDLED_CORPUS else f"`{default}`")
        rows.append(f"| `SHUXIANG_{name.upper()}` | {shown} | {field.description or ''} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(settings_table())

"""The read side of the index: catalog (truth) + Chroma vectors + the BM25 generation the writer published.

Nothing here writes the library. The writer (library.service.Library) publishes a BM25 artefact for generation N
and then commits the catalog at N in one transaction; a reader seeing generation N loads artefact N, so a search
sees a document's old version or its new one, never both or neither.

A replica on another machine shares the catalog (PostgreSQL) and the vectors (a Chroma server) but not the
writer's data dir: the writer also stores each generation's artefacts in the shared database
(retrieval.artefact_store), and the replica downloads them into its own data dir (settings.bm25_cache_dir) and
loads them from there. Only when the shared copy is missing, damaged or of another stamp does it build its BM25
in memory from the catalog's stored tokens (and keep that copy in its cache dir). `loads` counts which way each
leg came ("bm25 published" | "bm25 cached" | "bm25 downloaded" | "bm25 built", the same for "bigram").
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from retrieval.artefact_store import SharedArtefacts
from retrieval.catalog import PROCESS_TOKEN, Catalog, CatalogWriter, GenerationState
from retrieval.embeddings import Embedder
from retrieval.lexical import LexicalIndex, cache, generation_dir, leg_dir, load_published, prune
from retrieval.settings import Settings
from retrieval.tokenizer import ChineseTokenizer
from retrieval.vectors import VectorStore, VectorStoreDamaged, open_vectors

log = logging.getLogger(__name__)
NO_MODEL = "none"
MANIFEST_KEY = "manifest"  # where a shared catalog keeps the manifest (replicas have no common data dir)


class IndexMismatchError(RuntimeError):
    """The index on disk was built with another embedding model; its vectors cannot be compared."""


@dataclass(frozen=True)
class Manifest:
    """How the derived indexes were built; written by the writer only."""

    embedding_model: str
    dim: int
    tokenizer_version: str

    @classmethod
    def read(cls, path: Path) -> Manifest | None:
        if not path.exists():
            return None
        try:
            return cls.from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("manifest %s unreadable (%s): treated as missing", path, exc)
            return None

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        raw = json.loads(text)
        return cls(raw["embedding_model"], int(raw["dim"]), raw["tokenizer_version"])

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    def write(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(self.to_json(), encoding="utf-8")
        tmp.replace(path)


def read_manifest(settings: Settings, catalog: Catalog) -> Manifest | None:
    """The manifest: in a shared catalog's meta table (every replica reads the same), else in the data dir."""
    if not catalog.shared:
        return Manifest.read(settings.manifest_path)
    raw = catalog.meta(MANIFEST_KEY)
    try:
        return Manifest.from_json(raw) if raw else None
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("manifest in the catalog unreadable (%s): treated as missing", exc)
        return None


def write_manifest(manifest: Manifest, settings: Settings, catalog: CatalogWriter) -> None:
    if catalog.shared:
        catalog.set_meta(MANIFEST_KEY, manifest.to_json())
    else:
        manifest.write(settings.manifest_path)


def mismatch_message(built_with: str, current: str) -> str:
    return (
        f"索引由向量模型「{built_with}」构建，当前模型为「{current}」，两者的向量不能混用。"
        f"请运行 python -m ingest --rebuild 用当前模型重新计算向量（原文已在资料库中，无需重新上传），"
        f"或设置 SHUXIANG_EMBEDDING_MODEL 回到原模型。"
    )


def model_name(embedder: Embedder | None) -> str:
    return embedder.name if embedder is not None else NO_MODEL


class Index:
    """Read-only view of the library's indexes in settings.data_dir."""

    def __init__(self, settings: Settings, tokenizer: ChineseTokenizer, embedder: Embedder | None):
        self.settings = settings
        self.tokenizer = tokenizer
        self.embedder = embedder
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(settings.catalog_url)
        self.vectors_damage = ""  # why Chroma's files could not be opened: searches go on without the dense leg
        self.vectors = self._open_vectors() if embedder is not None else None
        self._vectors_generation = self.catalog.generation()
        self.artefacts = SharedArtefacts(self.catalog.db) if self.catalog.shared else None
        self.loads: Counter[str] = Counter()
        self._lexical: LexicalIndex | None = None
        self._lexical_lock = threading.Lock()

    @property
    def model_name(self) -> str:
        return model_name(self.embedder)

    def _open_vectors(self) -> VectorStore | None:
        try:
            return open_vectors(self.settings)
        except VectorStoreDamaged as exc:
            log.info("%s", exc)  # shown as a notice (KnowledgeBase.damage), not twice
            self.vectors_damage = str(exc)
            return None

    def vector_problem(self) -> str | None:
        """Why the dense leg serves nothing although the catalog has passages (damaged or emptied Chroma)."""
        if self.vectors_damage:
            return self.vectors_damage
        passages = self.catalog.chunk_count()
        if self.vectors is None or self.vectors.count() or not passages:
            return None
        manifest = read_manifest(self.settings, self.catalog)
        if manifest is None or manifest.embedding_model != self.model_name:
            return None  # not embedded with this model: needs_rebuild / check_readable say what to do
        return (
            f"向量数据库中没有向量（目录中有 {passages} 个段落），语义检索暂不可用，"
            "检索只靠关键词。请运行 python -m library check --repair 补算向量。"
        )

    def check_readable(self) -> None:
        """Raise IndexMismatchError when the dense leg would compare vectors of two different models."""
        manifest = read_manifest(self.settings, self.catalog)
        if manifest is None or self.embedder is None or self.catalog.chunk_count() == 0:
            return
        if manifest.embedding_model != self.model_name or manifest.dim != self.embedder.dim:
            raise IndexMismatchError(mismatch_message(manifest.embedding_model, self.model_name))

    def needs_rebuild(self) -> str | None:
        """Why the writer should rebuild the derived indexes (model or tokenizer changed), or None."""
        manifest = read_manifest(self.settings, self.catalog)
        if manifest is None or self.catalog.chunk_count() == 0:
            return None
        if manifest.embedding_model != self.model_name:
            return mismatch_message(manifest.embedding_model, self.model_name)
        if manifest.tokenizer_version != self.tokenizer.version:
            return "分词规则已更新，需要重新建立 BM25 索引（启动应用或运行 python -m ingest 时自动完成）。"
        return None

    def fresh_vectors(self):
        """The vector store, reopened first when another process has committed since we last looked
        (a Chroma server is shared: nothing to reopen)."""
        if self.vectors is None or self.vectors.shared:
            return self.vectors
        generation = self.catalog.generation()
        if generation != self._vectors_generation:
            if self.catalog.meta("last_writer") != PROCESS_TOKEN:
                log.info("another process changed the library: reopening the vector store")
                self.vectors.reopen()
            self._vectors_generation = generation
        return self.vectors

    def lexical(self) -> LexicalIndex:
        """The BM25 index of the catalog's current generation (checked per query: one small read)."""
        state = self.catalog.generation_state()
        current = self._lexical
        if current is not None and _serves(current, state):
            return current
        with self._lexical_lock:
            if self._lexical is None or not _serves(self._lexical, state):
                self._lexical = self._load(state)
            return self._lexical

    def _load(self, state: GenerationState) -> LexicalIndex:
        published = load_published(self.settings.bm25_dir, state.number, state.stamp)
        if published is not None:
            self.loads["bm25 published"] += 1
            return published
        if self.artefacts is not None:
            cache_dir = self.settings.bm25_cache_dir
            cached = load_published(cache_dir, state.number, state.stamp)
            if cached is not None:
                self.loads["bm25 cached"] += 1
                return cached
            if self.artefacts.fetch("bm25", state.number, state.stamp, generation_dir(cache_dir, state.number)):
                downloaded = load_published(cache_dir, state.number, state.stamp)
                if downloaded is not None:
                    prune(cache_dir, current=generation_dir(cache_dir, state.number))
                    self.loads["bm25 downloaded"] += 1
                    return downloaded
            index = self._build(state)
            cache(index, cache_dir)
            self.loads["bm25 built"] += 1
            return index
        # No artefact for this generation (an older data dir, or one damaged): serve from memory, write nothing.
        log.warning("no BM25 artefact for generation %d: building one in memory from the catalog", state.number)
        self.loads["bm25 built"] += 1
        return self._build(state)

    def published_leg(self, name: str) -> tuple[int, Path, str] | None:
        """(generation, folder, how) of leg `name` as the writer published it with the BM25 this process now
        serves: from the writer's own data dir, this replica's cache, or downloaded into that cache."""
        state = self.lexical().state  # the leg must be of the generation the word leg serves
        number, stamp = state.generation, state.stamp
        found = leg_dir(self.settings.bm25_dir, number, stamp, name)
        if found is not None:
            return number, found, "published"
        if self.artefacts is None:
            return None
        found = leg_dir(self.settings.bm25_cache_dir, number, stamp, name)
        if found is not None:
            return number, found, "cached"
        folder = generation_dir(self.settings.bm25_cache_dir, number)
        if folder.is_dir() and self.artefacts.fetch(name, number, stamp, folder / name):
            found = leg_dir(self.settings.bm25_cache_dir, number, stamp, name)
            return (number, found, "downloaded") if found is not None else None
        return None

    def _build(self, state: GenerationState) -> LexicalIndex:
        """BM25 from the catalog's stored tokens, labelled with the generation the rows were read at."""
        while True:
            started = time.perf_counter()
            index = LexicalIndex.build(self.catalog.iter_tokens(), state.number, self.tokenizer.version, state.stamp)
            after = self.catalog.generation_state()  # the rows were all read at `state`
            if after == state:
                log.info(
                    "BM25 of generation %d built from the catalog: %d passages in %.1f s",
                    state.number,
                    len(index.state.chunk_ids),
                    time.perf_counter() - started,
                )
                return index
            state = after  # a writer committed while we read: read again at the newer generation


def _serves(index: LexicalIndex, state: GenerationState) -> bool:
    return index.state.generation == state.number and index.state.stamp == state.stamp

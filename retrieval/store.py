"""The index: catalog (truth) + Chroma vectors + BM25, with a manifest that says how it was built.

Writes go through `commit_document`: vectors first, then the catalog transaction that makes the document
visible. BM25 is derived from the catalog and rebuilt whenever the catalog's generation moved on.
"""

from __future__ import annotations

import fcntl
import json
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from retrieval.catalog import Catalog, DocumentRecord
from retrieval.embeddings import Embedder
from retrieval.lexical import LexicalIndex, index_text
from retrieval.settings import Settings
from retrieval.tokenizer import ChineseTokenizer
from retrieval.types import Chunk
from retrieval.vectors import VectorStore

log = logging.getLogger(__name__)
NO_MODEL = "none"


class IndexMismatchError(RuntimeError):
    """The index on disk was built with another embedding model; its vectors cannot be compared."""


@dataclass(frozen=True)
class Manifest:
    embedding_model: str
    dim: int
    tokenizer_version: str

    @classmethod
    def read(cls, path: Path) -> Manifest | None:
        if not path.exists():
            return None
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(raw["embedding_model"], int(raw["dim"]), raw["tokenizer_version"])

    def write(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(path)


def mismatch_message(built_with: str, current: str) -> str:
    return (
        f"索引由向量模型「{built_with}」构建，当前模型为「{current}」，两者的向量不能混用。"
        f"请运行 python -m ingest --rebuild 用当前模型重新计算向量（原文已在资料库中，无需重新上传），"
        f"或设置 SHUXIANG_EMBEDDING_MODEL 回到原模型。"
    )


class Index:
    def __init__(self, settings: Settings, tokenizer: ChineseTokenizer, embedder: Embedder | None):
        self.settings = settings
        self.tokenizer = tokenizer
        self.embedder = embedder
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(settings.catalog_path)
        self.vectors = VectorStore(settings.chroma_dir) if embedder is not None else None
        self._lexical: LexicalIndex | None = None
        self._lexical_lock = threading.Lock()

    # --- manifest
    @property
    def model_name(self) -> str:
        return self.embedder.name if self.embedder is not None else NO_MODEL

    def _current_manifest(self) -> Manifest:
        dim = self.embedder.dim if self.embedder is not None else 0
        return Manifest(self.model_name, dim, self.tokenizer.version)

    def check_readable(self) -> None:
        """Raise IndexMismatchError when the dense leg would compare vectors of two different models."""
        manifest = Manifest.read(self.settings.manifest_path)
        if manifest is None or self.embedder is None or self.catalog.chunk_count() == 0:
            return
        if manifest.embedding_model != self.model_name or manifest.dim != self.embedder.dim:
            raise IndexMismatchError(mismatch_message(manifest.embedding_model, self.model_name))

    def check_writable(self) -> None:
        """New vectors must come from the model the index was built with (or the index must be empty)."""
        manifest = Manifest.read(self.settings.manifest_path)
        if manifest is None or self.catalog.chunk_count() == 0:
            self._current_manifest().write(self.settings.manifest_path)
            return
        if manifest.embedding_model != self.model_name:
            raise IndexMismatchError(mismatch_message(manifest.embedding_model, self.model_name))

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """One writer process at a time (Chroma and the BM25 files are not process-safe)."""
        with open(self.settings.data_dir / ".write.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise RuntimeError("另一个进程正在写入资料库，请等它完成后再试。") from exc
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # --- writes
    def commit_document(
        self,
        record: DocumentRecord,
        chunks: Sequence[Chunk],
        replaces: str | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        tokens: Sequence[list[str]] | None = None,
        vectors: np.ndarray | None = None,
    ) -> None:
        """Store a document's vectors, then make it visible in one catalog transaction.

        tokens and vectors are computed here unless given (the benchmark times each stage on its own).
        """
        if self.vectors is not None and self.embedder is not None and chunks:
            if vectors is None:
                self._embed_and_store(chunks, on_progress)
            else:
                self.vectors.add([c.id for c in chunks], vectors, [c.doc_id for c in chunks])
        if tokens is None:
            tokens = self.tokenize_chunks(chunks)
        self.catalog.commit_document(record, chunks, tokens, replaces)
        if replaces and replaces != record.doc_id:
            self._drop_orphan_vectors()

    def tokenize_chunks(self, chunks: Sequence[Chunk]) -> list[list[str]]:
        return [self.tokenizer.tokenize(index_text(c)) for c in chunks]

    def embed_chunks(self, chunks: Sequence[Chunk]) -> np.ndarray:
        return self.embedder.encode_documents(
            [index_text(c) for c in chunks], batch_size=self.settings.embedding_batch_size
        )

    def _embed_and_store(self, chunks: Sequence[Chunk], on_progress: Callable[[int, int], None] | None) -> None:
        batch = self.settings.embedding_batch_size * 4
        for start in range(0, len(chunks), batch):
            part = chunks[start : start + batch]
            vectors = self.embed_chunks(part)
            self.vectors.add([c.id for c in part], vectors, [c.doc_id for c in part])
            if on_progress:
                on_progress(min(start + batch, len(chunks)), len(chunks))

    def delete_document(self, doc_id: str) -> bool:
        deleted = self.catalog.delete_document(doc_id)
        if deleted:
            self._drop_orphan_vectors()
            self.refresh_lexical()
        return deleted

    def _drop_orphan_vectors(self) -> None:
        """Vectors whose chunk is not in the catalog: left by a killed ingest or a replaced document."""
        if self.vectors is None:
            return
        orphans = sorted(self.vectors.ids() - self.catalog.chunk_ids())
        if orphans:
            self.vectors.delete(orphans)

    def cleanup(self) -> None:
        self._drop_orphan_vectors()

    def rebuild_vectors(self, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Recompute every vector with the current model (after a model change); the text stays."""
        chunks = list(self.catalog.iter_chunks())
        if self.vectors is not None:
            self.vectors.reset()
            if chunks:
                self._embed_and_store(chunks, on_progress)
        self._current_manifest().write(self.settings.manifest_path)
        self.refresh_lexical(force=True)
        return len(chunks)

    # --- BM25, derived
    def lexical(self) -> LexicalIndex:
        """The BM25 index for the catalog as it is now (reloaded or rebuilt when stale)."""
        generation = self.catalog.generation()
        current = self._lexical
        if current is not None and self._is_fresh(current, generation):
            return current
        return self.refresh_lexical()

    def _is_fresh(self, lexical: LexicalIndex, generation: int) -> bool:
        return lexical.state.generation == generation and lexical.state.tokenizer_version == self.tokenizer.version

    def refresh_lexical(self, force: bool = False) -> LexicalIndex:
        with self._lexical_lock:
            generation = self.catalog.generation()
            if not force:
                if self._lexical is not None and self._is_fresh(self._lexical, generation):
                    return self._lexical
                on_disk = LexicalIndex.load(self.settings.bm25_dir)
                if on_disk is not None and self._is_fresh(on_disk, generation):
                    self._lexical = on_disk
                    return on_disk
            self._lexical = self._build_lexical(generation)
            return self._lexical

    def _retokenize_if_needed(self) -> None:
        """Stored tokens come from the tokenizer named in the manifest; redo them when it changed."""
        manifest = Manifest.read(self.settings.manifest_path)
        if manifest is None or manifest.tokenizer_version == self.tokenizer.version:
            return
        log.info("tokenizer changed (%s → %s): re-tokenizing", manifest.tokenizer_version, self.tokenizer.version)
        chunks = list(self.catalog.iter_chunks())
        self.catalog.replace_tokens(zip([c.id for c in chunks], self.tokenize_chunks(chunks)))
        Manifest(manifest.embedding_model, manifest.dim, self.tokenizer.version).write(self.settings.manifest_path)

    def _build_lexical(self, generation: int) -> LexicalIndex:
        self._retokenize_if_needed()
        generation = self.catalog.generation()
        rows = list(self.catalog.iter_tokens())
        lexical = LexicalIndex.build(rows, generation, self.tokenizer.version)
        try:
            lexical.save(self.settings.bm25_dir)
        except OSError as exc:  # a read-only data dir still serves from memory
            log.warning("could not save the BM25 index: %s", exc)
        log.info("BM25 index built over %d chunks", len(rows))
        return lexical

"""An offline Chinese semantic leg: static word vectors (fastText trained on Chinese laws, see
eval/train_vectors.py) averaged into SIF sentence vectors (Arora et al. 2017: weight a / (a + p(w)),
minus the corpus' common direction). Used as the dense leg when no Chinese transformer model is available.

WordVectors is the shipped model (retrieval/data/static_vectors.npz, int8 rows); StaticVectorIndex is the
per-library artefact (one float16 row per chunk) with build / save / load(mmap) / search.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from retrieval.query import Ranked, doc_mask, top_k
from retrieval.tokenizer import DATA_DIR

log = logging.getLogger(__name__)
VECTORS_FILE = DATA_DIR / "static_vectors.npz"
SIF_A = 1e-3
MATRIX_FILE = "static_matrix.npy"
META_FILE = "static_meta.json"


@dataclass(frozen=True)
class WordVectors:
    words: tuple[str, ...]
    vectors: np.ndarray  # float32, one unit row per word
    probabilities: np.ndarray  # unigram probability of each word in the training text

    @cached_property
    def index(self) -> dict[str, int]:
        return {word: i for i, word in enumerate(self.words)}

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    @classmethod
    def load(cls, path: Path = VECTORS_FILE) -> WordVectors | None:
        if not path.is_file():
            log.info("no static word vectors at %s", path)
            return None
        data = np.load(path, allow_pickle=False)
        vectors = data["vectors"].astype(np.float32) * data["scales"][:, None]
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        return cls(tuple(str(w) for w in data["words"]), vectors, data["probabilities"].astype(np.float32))

    def save(self, path: Path) -> None:
        """int8 rows with one float scale each: a quarter of float32, no measurable loss for cosine."""
        scales = np.abs(self.vectors).max(axis=1) / 127.0
        quantized = np.round(self.vectors / np.maximum(scales, 1e-12)[:, None]).astype(np.int8)
        np.savez_compressed(
            path,
            words=np.array(self.words),
            vectors=quantized,
            scales=scales.astype(np.float32),
            probabilities=self.probabilities.astype(np.float32),
        )

    def _rows(self, token: str) -> list[tuple[int, float]]:
        """(row, weight share) of a token; an unknown word is composed of its known characters."""
        row = self.index.get(token)
        if row is not None:
            return [(row, 1.0)]
        chars = [self.index[ch] for ch in token if ch in self.index]
        return [(r, 1.0 / len(chars)) for r in chars]

    def sentence(self, tokens: Iterable[str]) -> np.ndarray:
        """SIF-weighted average of the tokens' vectors (zeros when none is known)."""
        total = np.zeros(self.dim, dtype=np.float32)
        for token in tokens:
            for row, share in self._rows(token):
                total += share * SIF_A / (SIF_A + float(self.probabilities[row])) * self.vectors[row]
        return total


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)


class StaticVectorIndex:
    def __init__(self, matrix: np.ndarray, common: np.ndarray, chunk_ids: Sequence[str], doc_ids: Sequence[str]):
        self.matrix = matrix  # float16, unit rows
        self.common = common  # the direction shared by all chunks, removed from chunks and queries alike
        self.chunk_ids = list(chunk_ids)
        self.doc_ids = np.asarray(doc_ids)

    @classmethod
    def build(cls, rows: Sequence[tuple[str, str, list[str]]], vectors: WordVectors) -> StaticVectorIndex:
        """Index (chunk id, doc id, tokens) rows, as Catalog.iter_tokens yields them (no re-tokenizing)."""
        if not rows:
            return cls(np.zeros((0, vectors.dim), np.float16), np.zeros(vectors.dim, np.float32), [], [])
        raw = np.stack([vectors.sentence(tokens) for _, _, tokens in rows])
        common = _first_component(raw)
        matrix = _unit_rows(raw - np.outer(raw @ common, common)).astype(np.float16)
        return cls(matrix, common, [r[0] for r in rows], [r[1] for r in rows])

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        np.save(path / MATRIX_FILE, self.matrix)
        meta = {"common": self.common.tolist(), "chunk_ids": self.chunk_ids, "doc_ids": self.doc_ids.tolist()}
        (path / META_FILE).write_text(json.dumps(meta))

    @classmethod
    def load(cls, path: Path, mmap: bool = True) -> StaticVectorIndex | None:
        try:
            meta = json.loads((path / META_FILE).read_text())
            matrix = np.load(path / MATRIX_FILE, mmap_mode="r" if mmap else None)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("static vector index at %s unreadable (%s)", path, exc)
            return None
        return cls(matrix, np.asarray(meta["common"], np.float32), meta["chunk_ids"], meta["doc_ids"])

    def search(self, query: np.ndarray, k: int, doc_ids: Sequence[str] | None = None) -> Ranked:
        """Cosine of the query's SIF vector with every chunk; query from WordVectors.sentence(query tokens)."""
        if not self.chunk_ids or not query.any():
            return []
        query = query - (query @ self.common) * self.common
        query = query / max(float(np.linalg.norm(query)), 1e-9)
        scores = np.asarray(self.matrix @ query.astype(np.float16), dtype=np.float32)
        return top_k(scores, self.chunk_ids, k, doc_mask(self.doc_ids, doc_ids))


def _first_component(matrix: np.ndarray) -> np.ndarray:
    """The first right singular vector of the chunk vectors (SIF's common component)."""
    sample = matrix[:: max(1, len(matrix) // 20000)]
    _, _, vt = np.linalg.svd(sample, full_matrices=False)
    return vt[0].astype(np.float32)

"""An on-disk cache of document vectors, so repeated eval runs embed each distinct chunk text once.

Vectors depend only on (model, text): the metrics are unchanged, only the eval's ingest gets faster.
The benchmark never uses it (it measures embedding throughput).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval.embeddings import Embedder

_BATCH = 500


class VectorCache:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, timeout=60, isolation_level=None)
        self._conn.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    @staticmethod
    def key(model: str, text: str) -> str:
        return hashlib.sha256(f"{model}\x1f{text}".encode()).hexdigest()

    def get(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), _BATCH):
            part = list(keys[start : start + _BATCH])
            marks = ",".join("?" * len(part))
            for key, blob in self._conn.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", part):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, items: dict[str, np.ndarray]) -> None:
        rows = [(key, np.asarray(vec, dtype=np.float32).tobytes()) for key, vec in items.items()]
        self._conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)

    def close(self) -> None:
        self._conn.close()


class CachedEmbedder:
    """Quacks like retrieval.embeddings.Embedder; documents go through the cache, queries do not."""

    def __init__(self, inner: Embedder, cache: VectorCache):
        self.inner = inner
        self.cache = cache

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def notices(self) -> list[str]:
        return self.inner.notices

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode_query(self, text: str) -> np.ndarray:
        return self.inner.encode_query(text)

    def encode_documents(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        keys = [VectorCache.key(self.name, text) for text in texts]
        found = self.cache.get(keys)
        missing = [i for i, key in enumerate(keys) if key not in found]
        if missing:
            fresh = self.inner.encode_documents([texts[i] for i in missing], batch_size=batch_size)
            new = {keys[i]: vec for i, vec in zip(missing, fresh)}
            self.cache.put(new)
            found.update(new)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[key] for key in keys]).astype(np.float32)

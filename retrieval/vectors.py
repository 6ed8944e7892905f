"""The dense leg: chunk vectors in a Chroma collection (cosine space, vectors computed by us)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import chromadb
import numpy as np
from chromadb.api.client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError

COLLECTION = "chunks"
T = TypeVar("T")


def _reopening(method: Callable[..., T]) -> Callable[..., T]:
    """A writer in this or another process may have rebuilt the collection (a new model): reopen it once."""

    @functools.wraps(method)
    def call(self: VectorStore, *args: object, **kwargs: object) -> T:
        try:
            return method(self, *args, **kwargs)
        except NotFoundError:
            self._collection = self._open()
            return method(self, *args, **kwargs)

    return call


_SHARED: dict[Path, VectorStore] = {}
_SHARED_LOCK = threading.Lock()


def open_vector_store(path: Path) -> VectorStore:
    """One store per data dir per process: the writer and the readers of a process share it, so reopening
    it (after another process wrote) never leaves a stale handle behind."""
    key = path.resolve()
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = VectorStore(path)
        return _SHARED[key]


class VectorStore:
    """Chroma is thread-safe but not process-safe: one writer process at a time (the write lock), and a
    process reopens its client when another process has written (its in-memory HNSW would be stale)."""

    def __init__(self, path: Path):
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._client = self._connect()
        self._collection = self._open()

    def _connect(self) -> chromadb.ClientAPI:
        return chromadb.PersistentClient(
            path=str(self.path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=True)
        )

    def reopen(self) -> None:
        """Drop this process's cached Chroma system and load the collection from disk again."""
        with _SHARED_LOCK:
            SharedSystemClient.clear_system_cache()
            self._client = self._connect()
            self._collection = self._open()

    def _open(self):
        return self._client.get_or_create_collection(
            COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )

    @_reopening
    def count(self) -> int:
        return self._collection.count()

    def add(self, ids: Sequence[str], vectors: np.ndarray, doc_ids: Sequence[str]) -> None:
        batch = self._client.get_max_batch_size()
        for start in range(0, len(ids), batch):
            end = start + batch
            self._collection.upsert(
                ids=list(ids[start:end]),
                embeddings=vectors[start:end],
                metadatas=[{"doc_id": doc_id} for doc_id in doc_ids[start:end]],
            )

    @_reopening
    def query(self, vector: np.ndarray, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks, optionally within some documents."""
        count = self._collection.count()
        if count == 0:
            return []
        where = {"doc_id": {"$in": list(doc_ids)}} if doc_ids else None
        result = self._collection.query(
            query_embeddings=[vector], n_results=min(k, count), where=where, include=["distances"]
        )
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(result["ids"][0], result["distances"][0])]

    @_reopening
    def ids(self) -> set[str]:
        ids: set[str] = set()
        offset, page = 0, 10_000
        while True:
            got = self._collection.get(include=[], limit=page, offset=offset)["ids"]
            ids.update(got)
            if len(got) < page:
                return ids
            offset += page

    def delete(self, ids: Sequence[str]) -> None:
        batch = self._client.get_max_batch_size()
        for start in range(0, len(ids), batch):
            self._collection.delete(ids=list(ids[start : start + batch]))

    def reset(self) -> None:
        """Drop every vector (used by a rebuild with another embedding model)."""
        self._client.delete_collection(COLLECTION)
        self._collection = self._open()

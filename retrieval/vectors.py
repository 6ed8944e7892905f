"""The dense leg: chunk vectors in a Chroma collection (cosine space, vectors computed by us).

Two backends behind the same class, chosen by `open_vectors(settings)`: Chroma embedded in the data dir
(`PersistentClient`, the default) or a Chroma server shared by replicas (`HttpClient` to `chroma run`, when
settings.chroma_url is set).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

import chromadb
import numpy as np
from chromadb.api.client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError

from retrieval.errors import DataDamagedError

if TYPE_CHECKING:
    from retrieval.settings import Settings

COLLECTION = "chunks"
T = TypeVar("T")


class VectorStoreUnavailable(RuntimeError):
    """The Chroma server cannot be reached (Chinese message)."""


class VectorStoreDamaged(DataDamagedError):
    """Chroma's files in the data dir cannot be opened (Chinese message naming the repair)."""


def damaged_message(path: Path, exc: BaseException) -> str:
    return (
        f"向量数据库 {path} 已损坏，无法打开（{exc}）。向量可由目录重建：请运行 python -m ingest --rebuild"
        "（原文仍在资料库中，无需重新上传）。"
    )


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


_SHARED: dict[Path | str, VectorStore] = {}
_SHARED_LOCK = threading.Lock()


def open_vectors(settings: Settings) -> VectorStore:
    """The configured backend: a Chroma server (settings.chroma_url) or Chroma in the data dir."""
    if settings.chroma_url:
        return open_remote_vector_store(settings.chroma_url)
    return open_vector_store(settings.chroma_dir)


def open_vector_store(path: Path) -> VectorStore:
    """One store per data dir per process: the writer and the readers of a process share it, so reopening
    it (after another process wrote) never leaves a stale handle behind."""
    key = path.resolve()
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = VectorStore(path)
        return _SHARED[key]


def open_remote_vector_store(url: str) -> VectorStore:
    """One client per server per process (it is thread-safe)."""
    key = url.rstrip("/")
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = RemoteVectorStore(key)
        return _SHARED[key]


class VectorStore:
    """Chroma is thread-safe but not process-safe: one writer process at a time (the write lock), and a
    process reopens its client when another process has written (its in-memory HNSW would be stale)."""

    shared = False  # True when other processes query the same index live (a server): nothing to reopen

    def __init__(self, path: Path):
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._client = self._connect()
        self._collection = self._open()

    def _connect(self) -> chromadb.ClientAPI:
        try:
            return chromadb.PersistentClient(
                path=str(self.path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=True)
            )
        except Exception as exc:  # chromadb raises several kinds for damaged files
            # Chroma caches the half-started system by path: left there, the rebuilt store could never open.
            SharedSystemClient._identifier_to_system.pop(str(self.path), None)
            SharedSystemClient._identifier_to_refcount.pop(str(self.path), None)
            raise VectorStoreDamaged(damaged_message(self.path, exc)) from exc

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


class RemoteVectorStore(VectorStore):
    """The collection on a Chroma server (`chroma run --path DIR --port P`), shared by every replica."""

    shared = True

    def __init__(self, url: str):
        self.url = url
        self.path = Path()
        try:
            self._client = self._connect()
            self._collection = self._open()
        except Exception as exc:  # chromadb raises several kinds for an unreachable server
            raise VectorStoreUnavailable(
                f"无法连接向量数据库服务 {url}（{type(exc).__name__}）。"
                "请检查 SHUXIANG_CHROMA_URL 与 chroma run 是否在运行。"
            ) from exc

    def _connect(self) -> chromadb.ClientAPI:
        parts = urlsplit(self.url)
        return chromadb.HttpClient(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or (443 if parts.scheme == "https" else 8000),
            ssl=parts.scheme == "https",
            settings=ChromaSettings(anonymized_telemetry=False),
        )

    def reopen(self) -> None:
        """The server holds the only index: fetch the collection again (another writer may have rebuilt it)."""
        self._collection = self._open()

"""The dense leg: chunk vectors in a Chroma collection (cosine space, vectors computed by us)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

COLLECTION = "chunks"


class VectorStore:
    """Chroma is thread-safe but not process-safe: one writer process at a time (ingest holds a lock)."""

    def __init__(self, path: Path):
        path.mkdir(parents=True, exist_ok=True)
        self._client = chromadb.PersistentClient(
            path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=True)
        )
        self._collection = self._client.get_or_create_collection(
            COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )

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

    def query(self, vector: np.ndarray, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks, optionally within some documents."""
        if self.count() == 0:
            return []
        where = {"doc_id": {"$in": list(doc_ids)}} if doc_ids else None
        result = self._collection.query(
            query_embeddings=[vector], n_results=min(k, self.count()), where=where, include=["distances"]
        )
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(result["ids"][0], result["distances"][0])]

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
        self._collection = self._client.get_or_create_collection(
            COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )

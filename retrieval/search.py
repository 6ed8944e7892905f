"""Hybrid search: BM25 over jieba tokens + dense vectors, fused, returned as Hits from the catalog."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.fusion import fuse
from retrieval.store import Index
from retrieval.synonyms import Thesaurus
from retrieval.types import Hit


@dataclass(frozen=True)
class SearchOptions:
    """Per-call knobs; defaults come from Settings (eval sweeps them without new Settings)."""

    bm25_weight: float
    dense_weight: float
    fusion: str = "weighted"
    rrf_k: int = 60
    candidates: int = 50


class HybridSearcher:
    def __init__(self, index: Index, thesaurus: Thesaurus | None = None):
        self.index = index
        self.thesaurus = thesaurus
        settings = index.settings
        self.defaults = SearchOptions(
            settings.bm25_weight, settings.dense_weight, settings.fusion, settings.rrf_k, settings.candidates
        )

    def bm25_leg(self, query: str, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        tokens = self.index.tokenizer.tokenize(query)
        if self.thesaurus is not None:
            tokens = self.thesaurus.expand(tokens)
        return self.index.lexical().search(tokens, k, doc_ids)

    def dense_leg(self, query: str, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        vectors = self.index.fresh_vectors()
        if self.index.embedder is None or vectors is None:
            return []
        return vectors.query(self.index.embedder.encode_query(query), k, doc_ids)

    def search(
        self,
        query: str,
        k: int = 10,
        doc_ids: Sequence[str] | None = None,
        options: SearchOptions | None = None,
    ) -> list[Hit]:
        """The k best chunks for a query, optionally only within the given documents."""
        options = options or self.defaults
        if not query.strip():
            return []
        n = max(options.candidates, k)
        legs = {
            "bm25": self.bm25_leg(query, n, doc_ids) if options.bm25_weight > 0 else [],
            "dense": self.dense_leg(query, n, doc_ids) if options.dense_weight > 0 else [],
        }
        weights = {"bm25": options.bm25_weight, "dense": options.dense_weight}
        fused = fuse(legs, weights, options.fusion, options.rrf_k)
        return self._to_hits(fused, legs, k)

    def _to_hits(self, fused: list[tuple[str, float]], legs: dict[str, list[tuple[str, float]]], k: int) -> list[Hit]:
        # Dense results may include orphan vectors of an unfinished ingest: only catalog chunks are served.
        ranked_ids = [cid for cid, _ in fused]
        chunks = self.index.catalog.chunks_by_ids(ranked_ids[: k * 2])
        if len(chunks) < k:
            chunks = self.index.catalog.chunks_by_ids(ranked_ids)
        bm25 = dict(legs["bm25"])
        dense = dict(legs["dense"])
        hits = [
            Hit(chunks[cid], score, bm25.get(cid, 0.0), dense.get(cid, 0.0)) for cid, score in fused if cid in chunks
        ]
        return hits[:k]

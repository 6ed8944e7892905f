"""The extra search legs a reader derives from the catalog: character bigrams and static word vectors.

For now each is built in memory on first use and rebuilt when the catalog's generation moves (as
Index.lexical() does for BM25). The library writer can instead build and publish them per generation:
`build_bigram_leg(catalog).save(dir / "bigram")`, `build_static_leg(catalog, vectors).save(dir / "static")`,
and readers `CharBigramIndex.load(dir / "bigram", mmap=True)` / `StaticVectorIndex.load(dir / "static")`.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import cached_property
from pathlib import Path

from retrieval.bigram_leg import CharBigramIndex
from retrieval.catalog import Catalog
from retrieval.lexical import index_text
from retrieval.static_vectors import VECTORS_FILE, StaticVectorIndex, WordVectors

log = logging.getLogger(__name__)


def build_bigram_leg(catalog: Catalog) -> CharBigramIndex:
    return CharBigramIndex.build([(c.id, c.doc_id, index_text(c)) for c in catalog.iter_chunks()])


def build_static_leg(catalog: Catalog, vectors: WordVectors) -> StaticVectorIndex:
    return StaticVectorIndex.build(list(catalog.iter_tokens()), vectors)


class DerivedLegs:
    """Lazily built, generation-keyed extra legs of one catalog (thread-safe: Streamlit serves threads)."""

    def __init__(self, catalog: Catalog, vectors_path: Path | None = None):
        self.catalog = catalog
        self.vectors_path = vectors_path or VECTORS_FILE
        self._lock = threading.Lock()
        self._built: dict[str, tuple[int, object]] = {}

    @cached_property
    def word_vectors(self) -> WordVectors | None:
        return WordVectors.load(self.vectors_path)

    def _get(self, name: str, build) -> object:
        generation = self.catalog.generation()
        current = self._built.get(name)
        if current is not None and current[0] == generation:
            return current[1]
        with self._lock:
            current = self._built.get(name)
            if current is None or current[0] != generation:
                started = time.perf_counter()
                current = (generation, build())
                self._built[name] = current
                log.info("built %s leg for generation %d in %.1f s", name, generation, time.perf_counter() - started)
        return current[1]

    def bigram(self) -> CharBigramIndex:
        return self._get("bigram", lambda: build_bigram_leg(self.catalog))  # type: ignore[return-value]

    def static(self) -> StaticVectorIndex | None:
        vectors = self.word_vectors
        if vectors is None:
            return None
        return self._get("static", lambda: build_static_leg(self.catalog, vectors))  # type: ignore[return-value]

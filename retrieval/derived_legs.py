"""The extra search legs a reader derives from the catalog: character bigrams and static word vectors.

The writer publishes the bigram leg with each generation's BM25 (library.service: `gen-N/bigram`, and through
the shared database when the catalog is in PostgreSQL); a reader loads it (mmap) through `published`, which
Index.published_leg provides. A leg with nothing published (an older data dir, a damaged artefact, the static
leg) is built in memory on first use and rebuilt when the catalog's generation moves.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path

from retrieval.bigram_leg import CharBigramIndex
from retrieval.catalog import Catalog
from retrieval.lexical import index_text
from retrieval.static_vectors import VECTORS_FILE, StaticVectorIndex, WordVectors
from retrieval.types import Chunk

log = logging.getLogger(__name__)
# (generation, folder, how it came: published | cached | downloaded) of a leg published for the current generation
Published = Callable[[str], tuple[int, Path, str] | None]


def build_bigram_leg(
    catalog: Catalog, exclude_docs: Iterable[str] = (), extra: Iterable[Chunk] = ()
) -> CharBigramIndex:
    """The catalog's chunks (without `exclude_docs`, plus `extra`: what the writer is about to commit)."""
    excluded = set(exclude_docs)
    kept = (c for c in catalog.iter_chunks() if c.doc_id not in excluded)
    return CharBigramIndex.build([(c.id, c.doc_id, index_text(c)) for c in itertools.chain(kept, extra)])


def build_static_leg(catalog: Catalog, vectors: WordVectors) -> StaticVectorIndex:
    return StaticVectorIndex.build(list(catalog.iter_tokens()), vectors)


# Up to this many chunks a leg is built in the request that needs it (well under a second); a bigger library
# builds it in a background thread (≈ 1 min at 100k chunks) while searches go on with the previous generation's
# leg, or without it the first time. Publishing the legs from the writer removes the wait altogether.
SYNC_BUILD_CHUNKS = 20000


class DerivedLegs:
    """Lazily built, generation-keyed extra legs of one catalog (thread-safe: Streamlit serves threads)."""

    def __init__(
        self,
        catalog: Catalog,
        vectors_path: Path | None = None,
        sync_build_chunks: int = SYNC_BUILD_CHUNKS,
        published: Published | None = None,
        loads: Counter[str] | None = None,
    ):
        self.catalog = catalog
        self.vectors_path = vectors_path or VECTORS_FILE
        self.sync_build_chunks = sync_build_chunks
        self.published = published
        self.loads = loads if loads is not None else Counter()  # "bigram built", "bigram downloaded", …
        self._lock = threading.Lock()
        self._built: dict[str, tuple[int, object]] = {}
        self._building: set[str] = set()
        self._unpublished: dict[str, int] = {}  # the generation for which nothing was published: not asked again

    @cached_property
    def word_vectors(self) -> WordVectors | None:
        return WordVectors.load(self.vectors_path)

    def _get(self, name: str, build) -> object | None:
        generation = self.catalog.generation()
        current = self._built.get(name)
        if current is not None and current[0] == generation:
            return current[1]
        loaded = self._load_published(name, generation)
        if loaded is not None:
            return loaded
        if self.catalog.chunk_count() > self.sync_build_chunks:
            self._build_in_background(name, build, generation)
            return current[1] if current is not None else None
        with self._lock:
            current = self._built.get(name)
            if current is None or current[0] != generation:
                current = self._build(name, build, generation)
        return current[1]

    def _load_published(self, name: str, generation: int) -> object | None:
        """The writer's artefact for this generation, loaded once (mmap: no copy in this process's heap)."""
        if name != "bigram" or self.published is None:
            return None
        with self._lock:
            current = self._built.get(name)
            if current is not None and current[0] == generation:
                return current[1]
            found = self.published(name) if self._unpublished.get(name) != generation else None
            leg = CharBigramIndex.load(found[1], mmap=True) if found is not None else None
            if found is None or leg is None:
                self._unpublished[name] = generation
                return None
            published_generation, _, how = found
            self._built[name] = (published_generation, leg)
            self.loads[f"{name} {how}"] += 1
            return leg

    def _build(self, name: str, build, generation: int) -> tuple[int, object]:
        started = time.perf_counter()
        built = (generation, build())
        self._built[name] = built
        self.loads[f"{name} built"] += 1
        log.info("built %s leg for generation %d in %.1f s", name, generation, time.perf_counter() - started)
        return built

    def _build_in_background(self, name: str, build, generation: int) -> None:
        with self._lock:
            if name in self._building:
                return
            self._building.add(name)

        def work() -> None:
            try:
                self._build(name, build, generation)
            finally:
                with self._lock:
                    self._building.discard(name)

        threading.Thread(target=work, name=f"build-{name}-leg", daemon=True).start()

    def wait(self, name: str, timeout: float | None = None) -> object | None:
        """Build (or wait for) a leg of the current generation regardless of size: benchmarks and warm-ups."""
        generation = self.catalog.generation()
        with self._lock:
            current = self._built.get(name)
            if current is not None and current[0] == generation:
                return current[1]
        loaded = self._load_published(name, generation)
        if loaded is not None:
            return loaded
        builders = {"bigram": lambda: build_bigram_leg(self.catalog), "static": self._build_static}
        return self._build(name, builders[name], generation)[1]

    def _build_static(self) -> StaticVectorIndex:
        assert self.word_vectors is not None
        return build_static_leg(self.catalog, self.word_vectors)

    def bigram(self) -> CharBigramIndex | None:
        return self._get("bigram", lambda: build_bigram_leg(self.catalog))  # type: ignore[return-value]

    def static(self) -> StaticVectorIndex | None:
        vectors = self.word_vectors
        if vectors is None:
            return None
        return self._get("static", lambda: build_static_leg(self.catalog, vectors))  # type: ignore[return-value]

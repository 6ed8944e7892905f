"""One eval run's shared resources: jieba and the model loaded once, indexes built once per corpus and settings.

Indexes live in a temporary directory removed on close; document vectors can come from an on-disk cache.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from eval.baselines import build_baselines
from eval.cache import CachedEmbedder, VectorCache
from eval.corpus import load_corpus
from eval.systems import build_index
from retrieval.embeddings import load_embedder
from retrieval.kb import KnowledgeBase
from retrieval.settings import PROJECT_ROOT, Settings
from retrieval.tokenizer import ChineseTokenizer

log = logging.getLogger(__name__)
DEFAULT_CACHE = PROJECT_ROOT / "data" / "eval-cache" / "vectors.sqlite3"


def _settings_key(overrides: dict[str, object]) -> tuple:
    """Overrides that equal the defaults name the same index (chunk_size=400 is the default index)."""
    values = Settings(data_dir=Path("."), **overrides).model_dump(exclude={"data_dir"})
    return tuple(sorted((name, str(value)) for name, value in values.items()))


class Workspace:
    def __init__(
        self,
        dense: bool = True,
        cache_path: Path | None = DEFAULT_CACHE,
        embedder: object | None = None,
        tokenizer: ChineseTokenizer | None = None,
    ):
        self.root = Path(tempfile.mkdtemp(prefix="shuxiang-eval-"))
        self.tokenizer = tokenizer or ChineseTokenizer(self.root / "jieba")
        self.cache = VectorCache(cache_path) if dense and cache_path else None
        self.embedder = self._embedder(embedder) if dense else None
        self._indexes: dict[tuple, KnowledgeBase] = {}
        self._baselines: dict[tuple, list[object]] = {}

    def _embedder(self, given: object | None) -> object:
        loaded = given or load_embedder(Settings(data_dir=self.root / "model"))
        if loaded is None:  # SHUXIANG_EMBEDDING_MODEL=none
            raise SystemExit("dense leg disabled by the settings: run with --no-dense")
        return CachedEmbedder(loaded, self.cache) if self.cache else loaded

    def index(self, corpus: Sequence[Path], **overrides: object) -> KnowledgeBase:
        """The project index of this corpus under these settings overrides (built on first use)."""
        key = (tuple(map(str, corpus)), _settings_key(overrides))
        if key not in self._indexes:
            data_dir = self.root / f"index-{len(self._indexes)}"
            self._indexes[key], _ = build_index(corpus, data_dir, self.tokenizer, self.embedder, **overrides)
        return self._indexes[key]

    def baselines(self, corpus: Sequence[Path]) -> list[object]:
        key = tuple(map(str, corpus))
        if key not in self._baselines:
            work = self.root / f"baselines-{len(self._baselines)}"
            work.mkdir()
            self._baselines[key] = build_baselines(load_corpus(corpus), self.embedder, work)
        return self._baselines[key]

    def scratch(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def close(self) -> None:
        for kb in self._indexes.values():
            kb.close()
        if self.cache:
            self.cache.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

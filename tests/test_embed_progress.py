"""The embedding stage reports progress after every model batch (a big file sat at “向量化 0%” for half a minute
while one call embedded four batches), and the vectors stay exactly those one call per group gave."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ingest.pipeline import parse
from library.progress import ProgressHooks
from library.service import EMBED_GROUP, Library, model_batches
from retrieval.embeddings import Embedder
from retrieval.lexical import index_text
from retrieval.settings import Settings
from retrieval.tokenizer import ChineseTokenizer

BATCH = 8


def rules(articles: int = 70) -> bytes:
    """Articles of varied length: sorting by length changes which passages share a model batch."""
    lines = ["委员学习制度汇编", ""]
    for n in range(1, articles):
        lines.append(f"第{n}条 委员参加第{n}期专题学习，" + "学习时长不少于两小时，记录考勤。" * (n % 5 + 1))
    return "\n".join(lines).encode()


def test_model_batches_are_the_length_sorted_cuts_of_one_call() -> None:
    texts = ["一二", "一二三四五", "一", "一二三四", "一二三"]
    assert [batch.tolist() for batch in model_batches(texts, 2)] == [[1, 3], [4, 0], [2]]
    assert model_batches([], 2) == []


def test_embedding_reports_after_every_model_batch_with_the_same_vectors(
    tmp_path: Path, tokenizer: ChineseTokenizer, embedder: Embedder
) -> None:
    settings = Settings(data_dir=tmp_path / "data", embedding_batch_size=BATCH)
    library = Library(settings, tokenizer=tokenizer, embedder=embedder)
    data = rules()
    shares: list[float] = []
    hooks = ProgressHooks(stage=lambda name, stage, share: shares.append(share) if stage == "embed" else None)
    handed: dict[str, np.ndarray] = {}  # what the writer gives Chroma (which renormalises: its copy may differ)
    store = library.vectors.add

    def add(ids, vectors, doc_ids) -> None:
        handed.update(zip(ids, vectors, strict=True))
        store(ids, vectors, doc_ids)

    library.vectors.add = add
    try:
        outcome = library.add("rules.txt", data, hooks=hooks)
        chunks = parse("rules.txt", data, settings.chunk_size, settings.load_limits).chunks
        assert outcome.status == "added" and outcome.chunks == len(chunks) > EMBED_GROUP * BATCH
        # one move per model batch, not one per group of EMBED_GROUP batches
        assert len(shares) == 1 + math.ceil(len(chunks) / BATCH) and shares[0] == 0.0 and shares[-1] == 1.0
        assert shares == sorted(shares)

        # what the writer stored before: one encode() call per group of EMBED_GROUP batches
        step = BATCH * EMBED_GROUP
        texts = [index_text(c) for c in chunks]
        before = np.concatenate(
            [embedder.encode_documents(texts[s : s + step], batch_size=BATCH) for s in range(0, len(texts), step)]
        )
        assert np.array_equal(np.stack([handed[c.id] for c in chunks]), before)
        assert library.vectors.ids() == {c.id for c in chunks}
    finally:
        library.close()

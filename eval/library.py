"""Synthetic libraries for the benchmark: real corpus sentences resampled (seed 42) into new documents.

Documents have a title, a markdown heading every SECTION_SENTENCES sentences and a paragraph break every
PARAGRAPH_SENTENCES, so the chunker sees structure. Sizes are counted in chunks: a pilot measures chunks per
document, the library gets enough documents, and the benchmark reports the actual count after chunking.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from pathlib import Path

from eval.corpus import load_corpus
from ingest.chunker import chunk_document
from ingest.loaders import load_file
from retrieval.text import split_sentences, strip_punctuation

SEED = 42
SECTION_SENTENCES = 24
SECTIONS_PER_DOC = 10
PARAGRAPH_SENTENCES = 4
MIN_SENTENCE_CHARS = 6
PILOT_DOCS = 8


def sentence_pool(corpus: Sequence[Path]) -> list[str]:
    """Every sentence of the corpus with at least MIN_SENTENCE_CHARS letters, headings left out."""
    pool: list[str] = []
    for doc in load_corpus(corpus):
        for line in doc.text.splitlines():
            if line.lstrip().startswith("#"):
                continue
            pool.extend(s for s in split_sentences(line) if len(strip_punctuation(s)) >= MIN_SENTENCE_CHARS)
    if not pool:
        raise ValueError(f"no sentences found in {', '.join(map(str, corpus))}")
    return pool


def make_document(rng: random.Random, pool: Sequence[str], number: int) -> str:
    lines = [f"# 资料汇编第{number}号", ""]
    for section in range(1, SECTIONS_PER_DOC + 1):
        lines += [f"## 第{section}部分", ""]
        sentences = [rng.choice(pool) for _ in range(SECTION_SENTENCES)]
        for start in range(0, len(sentences), PARAGRAPH_SENTENCES):
            lines += ["".join(sentences[start : start + PARAGRAPH_SENTENCES]), ""]
    return "\n".join(lines)


def write_documents(pool: Sequence[str], n_docs: int, folder: Path) -> list[Path]:
    """Documents 1..n_docs; the same seed makes the first n of any library identical."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    paths = []
    for number in range(1, n_docs + 1):
        path = folder / f"doc-{number:06d}.md"
        path.write_text(make_document(rng, pool, number), encoding="utf-8")
        paths.append(path)
    return paths


def chunks_per_document(pool: Sequence[str], folder: Path, chunk_size: int) -> float:
    paths = write_documents(pool, PILOT_DOCS, folder)
    counts = [len(chunk_document(load_file(p), f"pilot{i}", chunk_size)) for i, p in enumerate(paths)]
    return sum(counts) / len(counts)


def build_library(pool: Sequence[str], size: int, folder: Path, chunk_size: int) -> list[Path]:
    """Enough resampled documents for about `size` chunks at this chunk size."""
    per_doc = chunks_per_document(pool, folder / "pilot", chunk_size)
    return write_documents(pool, max(1, math.ceil(size / per_doc)), folder / "docs")

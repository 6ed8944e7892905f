"""A bm25s index built from term counts with numpy: the score matrix bm25s.BM25.index would build (Lucene
BM25, k1 1.5, b 0.75, one CSC column per term), without its per-document Python loops.

At 145k chunks the character-bigram leg has ~58 M bigrams; bm25s took ~20 s to index their ids after ~30 s of
building them in Python, on every library write. Searching, saving and loading stay bm25s' own.
"""

from __future__ import annotations

from collections.abc import Mapping

import bm25s
import numpy as np


def counts_to_bm25(
    doc: np.ndarray, term: np.ndarray, tf: np.ndarray, doc_len: np.ndarray, vocab: Mapping[str, int]
) -> bm25s.BM25:
    """One entry per (document, term) pair with its count, in document order; `doc_len` = tokens per document
    (repeats counted); `vocab` = term → column. The result scores and saves like bm25s' own index of the same
    tokens."""
    bm25 = bm25s.BM25()
    n_docs, n_terms = len(doc_len), len(vocab)
    avg_len = float(doc_len.mean()) if n_docs else 0.0
    df = np.bincount(term, minlength=n_terms)
    idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)  # bm25s' Lucene idf
    # idf · tf / (k1·((1 − b) + b·len/avg) + tf), in float32 and in place: at 100k chunks there are ~15 M pairs
    # and each float64 temporary of the plain expression held 120 MB
    doc_norm = (bm25.k1 * ((1 - bm25.b) + bm25.b * doc_len / max(avg_len, 1e-9))).astype(np.float32)
    counts = tf.astype(np.float32)
    scores = doc_norm[doc]
    scores += counts
    np.divide(counts, scores, out=scores)
    del counts
    scores *= idf[term]
    order = np.argsort(term, kind="stable")  # column-major: a term's documents together, still in document order
    bm25.scores = {
        "data": scores[order],
        "indices": doc[order].astype(np.int32),
        "indptr": np.concatenate(([0], np.cumsum(df))).astype(np.int64),
        "num_docs": n_docs,
    }
    bm25.vocab_dict = {**vocab, "": n_terms}  # bm25s adds the empty token past the last column
    bm25.unique_token_ids_set = set(bm25.vocab_dict.values())
    bm25.nonoccurrence_array = None
    return bm25

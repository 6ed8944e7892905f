"""A second lexical leg on character bigrams: robust where jieba cuts the question and the text differently
(一届 / 每届任期, 预备期 / 预备党员, 打招呼 / 通知), fused with the word leg.

Built from chunk texts (title, heading path and text, as the word leg sees them); an explicit artefact with
build / save / load(mmap) / search like the word leg, so the library writer can publish it per generation.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from retrieval.bm25_matrix import counts_to_bm25
from retrieval.query import Ranked, column_scores, doc_mask, top_k
from retrieval.tokenizer import normalize, normalize_code_points

log = logging.getLogger(__name__)
IDS_FILE = "bigram_ids.json"
_RUN = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")
# Question phrasing carries no topic: its bigrams (多少, 哪些, 能不) would match every passage that asks or counts.
_QUESTION_WORDS = re.compile(
    r"什么|多少|哪些|哪个|哪里|哪儿|哪几|怎么|怎样|如何|为什么|为啥|是不是|能不能|可不可以|有没有|要不要|行不行|"
    r"会不会|多久|多长|多大|几个|几年|几天|几次|请问|吗|呢|吧|啥"
)


def char_bigrams(text: str) -> list[str]:
    """Overlapping character pairs within runs of CJK, letters and digits; a one-character run stays as it is."""
    grams: list[str] = []
    for run in _RUN.findall(normalize(text)):
        if len(run) == 1:
            grams.append(run)
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


# A gram as one integer: code points fit in 21 bits, so a bigram is (first << 21) | second and a lone
# character (a one-character run) is its own code point, below every bigram.
_SHIFT = 21
_DOC_SHIFT = 42  # (document in batch << 42) | gram: one integer per occurrence for counting
_BATCH = 20_000  # documents counted at a time: bounds the arrays at a few hundred MB at 145k chunks


def _in_runs(codes: np.ndarray) -> np.ndarray:
    """The characters _RUN keeps: digits, a-z and CJK."""
    return (
        ((codes >= 0x30) & (codes <= 0x39))
        | ((codes >= 0x61) & (codes <= 0x7A))
        | ((codes >= 0x3400) & (codes <= 0x4DBF))
        | ((codes >= 0x4E00) & (codes <= 0x9FFF))
    )


def _gram_occurrences(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(document, gram code) of every gram char_bigrams cuts from these texts, computed on code-point arrays."""
    codes = normalize_code_points([*texts, ""]).astype(np.int64)  # "": every text ends in a separator
    separator = codes == 0
    doc_of = np.cumsum(separator) - separator
    kept = _in_runs(codes)
    pair = kept[:-1] & kept[1:]  # a separator is never kept, so no pair spans two documents
    alone = kept & ~np.concatenate(([False], kept[:-1])) & ~np.concatenate((kept[1:], [False]))
    grams = np.concatenate(((codes[:-1][pair] << _SHIFT) | codes[1:][pair], codes[alone]))
    return np.concatenate((doc_of[:-1][pair], doc_of[alone])), grams


def _gram_text(code: int) -> str:
    return chr(code) if code < 1 << _SHIFT else chr(code >> _SHIFT) + chr(code & ((1 << _SHIFT) - 1))


def bigram_bm25(texts: Sequence[str]) -> bm25s.BM25:
    """The BM25 index of these texts' char_bigrams, counted with numpy a batch of documents at a time."""
    docs, grams, counts, lengths = [], [], [], []
    for start in range(0, len(texts), _BATCH):
        batch = texts[start : start + _BATCH]
        doc, gram = _gram_occurrences(batch)
        pairs, tf = np.unique((doc << _DOC_SHIFT) | gram, return_counts=True)
        # int32 where it fits: at 100k chunks these arrays hold ~15 M pairs each
        docs.append(((pairs >> _DOC_SHIFT) + start).astype(np.int32))
        grams.append(pairs & ((1 << _DOC_SHIFT) - 1))
        counts.append(tf.astype(np.int32))
        lengths.append(np.bincount(doc, minlength=len(batch)))
    every = np.concatenate(grams)
    del grams
    vocabulary = np.unique(every)
    term = np.searchsorted(vocabulary, every).astype(np.int32)  # cheaper than np.unique's return_inverse (an argsort)
    del every
    vocab = {_gram_text(int(code)): column for column, code in enumerate(vocabulary)}
    return counts_to_bm25(np.concatenate(docs), term, np.concatenate(counts), np.concatenate(lengths), vocab)


def question_bigrams(question: str) -> list[str]:
    return char_bigrams(_QUESTION_WORDS.sub(" ", normalize(question)))


class CharBigramIndex:
    def __init__(self, bm25: bm25s.BM25 | None, chunk_ids: Sequence[str], doc_ids: Sequence[str]):
        self._bm25 = bm25
        self.chunk_ids = list(chunk_ids)
        self.doc_ids = np.asarray(doc_ids)

    @classmethod
    def build(cls, rows: Sequence[tuple[str, str, str]]) -> CharBigramIndex:
        """Index (chunk id, doc id, text) rows — text as the word leg indexes it (lexical.index_text)."""
        if not rows:
            return cls(None, [], [])
        return cls(bigram_bm25([r[2] for r in rows]), [r[0] for r in rows], [r[1] for r in rows])

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(path), show_progress=False)
        (path / IDS_FILE).write_text(json.dumps({"chunk_ids": self.chunk_ids, "doc_ids": self.doc_ids.tolist()}))

    @classmethod
    def load(cls, path: Path, mmap: bool = True) -> CharBigramIndex | None:
        try:
            ids = json.loads((path / IDS_FILE).read_text())
            bm25 = bm25s.BM25.load(str(path), mmap=mmap, show_progress=False) if ids["chunk_ids"] else None
        except (OSError, ValueError, KeyError, EOFError) as exc:  # EOFError: a 0-byte array (numpy)
            log.warning("bigram index at %s unreadable (%s)", path, exc)
            return None
        return cls(bm25, ids["chunk_ids"], ids["doc_ids"])

    @staticmethod
    def remove(path: Path) -> None:
        shutil.rmtree(path, ignore_errors=True)

    def search(self, question: str, k: int, doc_ids: Sequence[str] | None = None) -> Ranked:
        grams = [g for g in dict.fromkeys(question_bigrams(question)) if g in self._vocab]
        if self._bm25 is None or not grams:
            return []
        scores = column_scores(self._bm25, dict.fromkeys(grams, 1.0), len(self.chunk_ids))
        return top_k(scores, self.chunk_ids, k, doc_mask(self.doc_ids, doc_ids))

    @property
    def _vocab(self) -> dict[str, int]:
        return self._bm25.vocab_dict if self._bm25 is not None else {}

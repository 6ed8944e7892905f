"""What a library write spends on its keyword legs: the word leg and the character-bigram leg built from N
passages of the shared laws, with the numpy counting the writer uses and with bm25s' own index (the code
before), and whether the two agree.

python -m eval.leg_build --chunks 145000     # 400-character passages, 200 apart, over ../shared/datasets/laws
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from collections.abc import Callable, Iterator

import bm25s
import numpy as np

from eval.laws import LAWS
from retrieval.bigram_leg import bigram_bm25, char_bigrams
from retrieval.lexical import tokens_bm25
from retrieval.query import column_scores
from retrieval.settings import Settings
from retrieval.tokenizer import ChineseTokenizer

PASSAGE_CHARS, STRIDE = 400, 200
PROBES = ("政协", "委员", "人民法院", "罚款", "条例", "劳动合同")  # words and bigrams both legs have


def passages(limit: int) -> list[str]:
    """Overlapping windows over the laws, cycled when the laws hold fewer than `limit`."""

    def windows() -> Iterator[str]:
        for path in sorted(LAWS.rglob("*.md")):
            text = path.read_text(encoding="utf-8")
            yield from (text[i : i + PASSAGE_CHARS] for i in range(0, max(len(text) - STRIDE, 1), STRIDE))

    return list(itertools.islice(itertools.cycle(list(windows())), limit))


def timed(build: Callable[[], bm25s.BM25]) -> tuple[bm25s.BM25, float]:
    started = time.perf_counter()
    index = build()
    return index, time.perf_counter() - started


def bm25s_own(documents: list[list[str]]) -> bm25s.BM25:
    index = bm25s.BM25()
    index.index(documents, show_progress=False)
    return index


def bm25s_from_ids(texts: list[str]) -> bm25s.BM25:
    """The bigram leg as it was built before: Python bigram strings to ids, then bm25s."""
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(gram, len(vocab)) for gram in char_bigrams(text)] for text in texts]
    index = bm25s.BM25()
    index.index((ids, vocab), show_progress=False)
    return index


def largest_difference(ours: bm25s.BM25, theirs: bm25s.BM25, n: int) -> float:
    probes = [p for p in PROBES if p in theirs.vocab_dict] + [g for p in PROBES for g in char_bigrams(p)]
    return max(
        float(np.abs(column_scores(ours, {p: 1.0}, n) - column_scores(theirs, {p: 1.0}, n)).max())
        for p in probes
        if p in theirs.vocab_dict
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=145_000)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)
    if not LAWS.is_dir():
        raise SystemExit(f"needs {LAWS}")
    texts = passages(args.chunks)
    tokenizer = ChineseTokenizer(Settings().data_dir / "jieba")
    started = time.perf_counter()
    documents = [tokenizer.tokenize(text) for text in texts]
    figures: dict[str, object] = {"chunks": len(texts), "tokenize_s": round(time.perf_counter() - started, 1)}
    for leg, ours, theirs in (
        ("word", lambda: tokens_bm25(documents), lambda: bm25s_own(documents)),
        ("bigram", lambda: bigram_bm25(texts), lambda: bm25s_from_ids(texts)),
    ):
        new, new_s = timed(ours)
        old, old_s = timed(theirs)
        figures[leg] = {
            "numpy_s": round(new_s, 1),
            "bm25s_s": round(old_s, 1),
            "max_score_difference": largest_difference(new, old, len(texts)),
        }
        print(f"{leg} leg, {len(texts)} passages: numpy {new_s:.1f} s, bm25s {old_s:.1f} s", flush=True)
    print(json.dumps(figures, ensure_ascii=False))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

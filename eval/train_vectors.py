"""Train the static word vectors of the offline semantic leg (retrieval/data/static_vectors.npz).

    python -m eval.train_vectors --text ../shared/datasets/laws --text ../shared/corpus \
        --out retrieval/data/static_vectors.npz

fastText (gensim, CBOW, character 1–2-grams so unseen words get vectors from their characters) over the
project tokenizer's search-mode tokens — the same tokens chunks are indexed with — then the most frequent
words and every character, int8-quantized. With --workers 1 the output is byte-for-byte reproducible;
more workers train faster and differ in the last digits.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from retrieval.static_vectors import VECTORS_FILE, WordVectors
from retrieval.text import split_sentences
from retrieval.tokenizer import ChineseTokenizer

log = logging.getLogger(__name__)
SUFFIXES = (".md", ".txt")


def documents(paths: list[Path]) -> Iterator[str]:
    for root in paths:
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.suffix in SUFFIXES and path.is_file():
                yield path.read_text(encoding="utf-8", errors="ignore")


def tokenized_lines(paths: list[Path], tokenizer: ChineseTokenizer, out: Path) -> Counter:
    """Write one tokenized sentence a line (gensim's corpus_file format); return the token counts."""
    counts: Counter = Counter()
    with out.open("w", encoding="utf-8") as handle:
        for text in documents(paths):
            for sentence in split_sentences(text):
                tokens = tokenizer.tokenize(sentence)
                if tokens:
                    counts.update(tokens)
                    handle.write(" ".join(tokens) + "\n")
    return counts


def train(args: argparse.Namespace) -> WordVectors:
    from gensim.models import FastText

    tokenizer = ChineseTokenizer(Path(tempfile.gettempdir()) / "shuxiang-train-jieba")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.txt"
        started = time.perf_counter()
        counts = tokenized_lines(args.text, tokenizer, corpus)
        log.info(
            "tokenized %d tokens (%d distinct) in %.0f s",
            sum(counts.values()),
            len(counts),
            time.perf_counter() - started,
        )
        model = FastText(
            corpus_file=str(corpus),
            vector_size=args.dim,
            window=5,
            min_count=args.min_count,
            sg=0,
            epochs=args.epochs,
            min_n=1,
            max_n=args.max_n,  # below min_n: whole words only
            bucket=args.bucket,
            workers=args.workers,
            seed=13,
        )
    log.info("trained in %.0f s", time.perf_counter() - started)
    frequent = [w for w, c in counts.most_common() if c >= args.min_count][: args.vocab]
    chars = sorted({ch for w in counts for ch in w} - set(frequent))
    if args.max_n < 1:  # whole words only: a character has a vector only where it was a word of its own
        chars = [ch for ch in chars if ch in model.wv.key_to_index]
    words = frequent + chars
    total = sum(counts.values())
    vectors = np.stack([model.wv[w] for w in words]).astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    probabilities = np.array([counts.get(w, 1) / total for w in words], dtype=np.float32)
    return WordVectors(tuple(words), vectors, probabilities)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.train_vectors", description=__doc__.split("\n")[0])
    parser.add_argument("--text", type=Path, action="append", required=True, help="folder or file (repeatable)")
    parser.add_argument("--out", type=Path, default=VECTORS_FILE)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--vocab", type=int, default=60000, help="most frequent words kept (characters always)")
    parser.add_argument("--bucket", type=int, default=200000, help="fastText n-gram hash buckets")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-n", type=int, default=2, help="longest character n-gram (0: whole words only)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    vectors = train(args)
    vectors.save(args.out)
    log.info(
        "%d words × %d dims → %s (%.1f MB)", len(vectors.words), vectors.dim, args.out, args.out.stat().st_size / 1e6
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

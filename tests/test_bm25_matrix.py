"""The numpy-built BM25 indexes score exactly as bm25s' own index of the same tokens, and save and load as it."""

from pathlib import Path

import bm25s
import numpy as np
import pytest
import scipy.sparse

from retrieval.bigram_leg import bigram_bm25, char_bigrams
from retrieval.lexical import tokens_bm25
from retrieval.query import column_scores
from retrieval.tokenizer import ChineseTokenizer

SEED = Path(__file__).resolve().parent.parent / "corpus" / "zhengxie-dangjian-diaoyan-baogao.txt"
# Edge cases: an empty text, full-width and upper-case letters, a traditional character, a lone character
# between punctuation, and a NUL inside a text (the numpy build joins texts with NUL).
ODD_TEXTS = ["", "ＡＢ2024年", "屆滿。", "、党、", "政协\x00委员"]


def passages() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    return [text[i : i + 300] for i in range(0, len(text), 300)] + ODD_TEXTS


def reference(documents: list[list[str]]) -> bm25s.BM25:
    bm25 = bm25s.BM25()
    bm25.index(documents, show_progress=False)
    return bm25


def assert_same_scores(ours: bm25s.BM25, theirs: bm25s.BM25, n: int) -> None:
    assert set(ours.vocab_dict) == set(theirs.vocab_dict)
    matrix = ours.scores
    columns = scipy.sparse.csc_matrix(
        (matrix["data"], matrix["indices"], matrix["indptr"]), shape=(n, len(theirs.vocab_dict) - 1)
    )
    assert columns.has_sorted_indices  # a term's passages in order, as scipy (and bm25s) lay them out
    for token in theirs.vocab_dict:
        if token:
            np.testing.assert_allclose(
                column_scores(ours, {token: 1.0}, n), column_scores(theirs, {token: 1.0}, n), rtol=1e-6, atol=1e-7
            )


def test_word_leg_scores_as_bm25s(tokenizer: ChineseTokenizer) -> None:
    documents = [tokenizer.tokenize(text) for text in passages()]
    assert_same_scores(tokens_bm25(documents), reference(documents), len(documents))


def test_bigram_leg_cuts_and_scores_as_char_bigrams() -> None:
    texts = passages()
    ours = bigram_bm25(texts)
    assert_same_scores(ours, reference([char_bigrams(t) for t in texts]), len(texts))
    assert "届满" in ours.vocab_dict and "ab" in ours.vocab_dict and "党" in ours.vocab_dict


@pytest.mark.parametrize("mmap", [True, False])
def test_saved_and_loaded_by_bm25s(tmp_path: Path, mmap: bool) -> None:
    texts = passages()
    ours = bigram_bm25(texts)
    ours.save(str(tmp_path), show_progress=False)
    loaded = bm25s.BM25.load(str(tmp_path), mmap=mmap, show_progress=False)
    query = {"政协": 1.0, "党建": 0.5}
    np.testing.assert_array_equal(column_scores(loaded, query, len(texts)), column_scores(ours, query, len(texts)))
    assert column_scores(loaded, query, len(texts)).max() > 0

"""The word leg's query: the question's tokens, their thesaurus alternatives and 词林 synonyms, each weighted.

BM25 over a weighted query is Σ weight(t) · bm25(t, chunk); with every weight 1 it equals bm25s' own
retrieve over the de-duplicated tokens, so the weights only add what the levers add.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retrieval.affinity import story_factor
from retrieval.cilin import Cilin
from retrieval.inside_words import said_only_inside
from retrieval.lexical import LexicalIndex
from retrieval.misjoined import library_recut
from retrieval.synonyms import Thesaurus
from retrieval.tokenizer import DIRECTIONAL_COMPLEMENTS, ChineseTokenizer

Ranked = list[tuple[str, float]]


def weighted_query(
    question: str,
    tokenizer: ChineseTokenizer,
    lexical: LexicalIndex,
    thesaurus: Thesaurus | None = None,
    cilin: Cilin | None = None,
    cilin_weight: float = 0.0,
    abbreviations: bool = False,
    cilin_stand_in: float = 0.0,
    story_floor: float = 1.0,
) -> dict[str, float]:
    """token → weight: the question's tokens, domain alternatives and spelled-out abbreviations at 1 (the pieces
    of a word the library says whole at PIECE_WEIGHT), 词林 synonyms at cilin_weight, or at
    cilin_stand_in for a word the library never uses (顾客 → 消费者): there the synonym is the only way the
    question's word can match. A word of the question's story (觉得, 一天) weighs down to story_floor."""
    recut = library_recut(question, tokenizer, lexical)
    classes = tokenizer.term_classes(question)
    own = [
        t
        for t in recut.tokens(tokenizer.tokenize(question))
        if not (t in DIRECTIONAL_COMPLEMENTS and classes.get(t) == "function")  # 出来 of 撤出来
    ]
    tokens = thesaurus.expand(own, lexical, abbreviations) if thesaurus is not None else own
    weights = dict.fromkeys(tokens, 1.0)
    pieces = _pieces_of_known_words(own, lexical)
    if thesaurus is not None:
        pieces |= _known_alternative_pieces(own, thesaurus, lexical) - set(own)
    weights.update({piece: PIECE_WEIGHT for piece in pieces if piece in weights})
    for token in set(own) & weights.keys():
        weights[token] *= story_factor([token], lexical, tokenizer.everyday_share, story_floor)
        if said_only_inside(token, question, lexical, tokenizer.everyday_share):
            weights[token] = 0.0  # 挂号 of 挂号费 matched only 挂号信
    if cilin is None or (cilin_weight <= 0 and cilin_stand_in <= 0):
        return weights
    for token, word_class in tokenizer.term_classes(question).items():
        if word_class == "function" or token in recut.misjoined:
            continue
        weight = max(cilin_stand_in, cilin_weight) if lexical.document_frequency(token) == 0 else cilin_weight
        for synonym in cilin.synonyms(token, known=lambda w: lexical.document_frequency(w) > 0):
            weights[synonym] = max(weights.get(synonym, 0.0), weight)
    return {token: weight for token, weight in weights.items() if weight > 0}


# A piece of a longer word the library says whole — the question's own (身份 of 身份证: jieba's search mode cuts
# both) or a thesaurus alternative's (居民, 身份 of 居民身份证) — weighs less than a word: one concept counted
# three or four times outweighed the word that tells articles apart (扣押). 1.0 → 0.75 on the twelve read sets:
# R@5 fresh 0.825 → 0.900, fresh4 0.900 → 0.933, fresh5 0.800 → 0.867, dev3 0.833 → 0.867, held-out 0.920 →
# 0.932; answers right +6 there, dev 0.841 → 0.837 (one of 306). 0.5 lost answers on dev, dev3 and fresh3.
PIECE_WEIGHT = 0.75


def _pieces_of_known_words(tokens: Sequence[str], lexical: LexicalIndex) -> set[str]:
    """The question's tokens that lie inside another of its tokens the library uses (身份 of 身份证)."""
    known = [w for w in tokens if len(w) > 1 and lexical.document_frequency(w) > 0]
    return {t for t in tokens for w in known if t != w and t in w}


def _known_alternative_pieces(tokens: Sequence[str], thesaurus: Thesaurus, lexical: LexicalIndex) -> set[str]:
    """The pieces of alternatives the library says whole (居民, 身份 of 居民身份证): the whole word matches."""
    return {
        piece
        for token in tokens
        for alternative in thesaurus.alternatives(token)
        if len(alternative) > 1 and lexical.document_frequency(alternative[0]) > 0
        for piece in alternative[1:]
        if piece != alternative[0]
    }


def weighted_bm25(
    lexical: LexicalIndex, weights: dict[str, float], k: int, doc_ids: Sequence[str] | None = None
) -> Ranked:
    """(chunk id, Σ weight · BM25) of the best k chunks, read column by column off bm25s' score matrix."""
    # LexicalIndex has no weighted query yet (a method to add there); the score matrix is bm25s' own.
    bm25 = lexical._bm25
    if bm25 is None or not weights:
        return []
    scores = column_scores(bm25, weights, len(lexical.state.chunk_ids))
    mask = doc_mask(np.asarray(lexical.state.doc_ids), doc_ids) if doc_ids else None  # 100k strings: only if asked
    return top_k(scores, lexical.state.chunk_ids, k, mask)


def column_scores(bm25, weights: dict[str, float], n: int) -> np.ndarray:
    """Σ weight · BM25 over the query's tokens, read column by column off a bm25s score matrix (CSC).

    Also avoids bm25s.retrieve's thread pool, which costs a few milliseconds per query even with one thread."""
    matrix = bm25.scores
    data, indices, indptr = matrix["data"], matrix["indices"], matrix["indptr"]
    scores = np.zeros(n, dtype=np.float32)
    for token, weight in weights.items():
        column = bm25.vocab_dict.get(token)
        if column is None or weight <= 0:
            continue
        start, end = indptr[column], indptr[column + 1]
        scores[indices[start:end]] += weight * data[start:end]
    return scores


def doc_mask(chunk_doc_ids: np.ndarray, doc_ids: Sequence[str] | None) -> np.ndarray | None:
    """True for the chunks of the chosen documents (None: no filter)."""
    if not doc_ids:
        return None
    return np.isin(chunk_doc_ids, list(doc_ids))


def top_k(scores: np.ndarray, ids: Sequence[str], k: int, mask: np.ndarray | None = None) -> Ranked:
    """The k best positive scores as (id, score), best first (ties by position, as bm25s breaks them)."""
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    k = min(k, len(scores))
    if k <= 0:
        return []
    best = np.argpartition(-scores, k - 1)[:k]
    best = best[np.lexsort((best, -scores[best]))]
    return [(ids[int(i)], float(scores[i])) for i in best if scores[i] > 0]

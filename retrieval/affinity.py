"""How much a question is about what the library treats: its words' share of the library against their share of
everyday Chinese (jieba's dictionary frequencies, counted on a general corpus).

手机, 洗衣机, 天气 are common Chinese that a library of laws says rarely: a question made of them (新买的手机需要
贴膜吗) is off its subjects, however well one passage matches its words; 工资, 驾照 (驾驶证), 党费 are said far more
often in the library than in everyday Chinese.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from retrieval.lexical import LexicalIndex
from retrieval.terms import QueryTerms

AFFINITY_RANGE = 3.0  # a best word said e⁻³ as often as everyday Chinese would: no sign of the library's subjects


def word_affinity(word: str, lexical: LexicalIndex, everyday_share: float) -> float | None:
    """log((df + 1) / (E + 1)): df, the passages saying the word; E, those that would say it were the library
    everyday Chinese (its word occurrences × the word's everyday share). None when that is no evidence: a word
    expected in less than one passage and said in none (贴膜 in any library, 手机 in a small one that lacks it)."""
    expected = lexical.word_occurrences * everyday_share
    score = math.log((lexical.document_frequency(word) + 1) / (expected + 1))
    return score if score > 0 or expected >= 1 else None


def library_affinity(terms: QueryTerms, lexical: LexicalIndex, everyday_share: Callable[[str], float]) -> float:
    """1 unless even the question's two most library-like words (or thesaurus alternatives), on average, are ones the
    library says less often than everyday Chinese would: then down to 0 at e⁻³ of that. 1 when no word is evidence
    either way. Two, not the single best: one generic word (精神, 保存) is in any library."""
    scores = []
    for term in terms.weights:
        if len(term) < 2 or (terms.weights[term] <= 0 and term not in terms.unseen):
            continue
        for word in [term, *(alternative[0] for alternative in terms.alternatives.get(term, ()))]:
            share = everyday_share(word)
            score = word_affinity(word, lexical, share) if share > 0 else None
            if score is not None:
                scores.append(score)
    if not scores:
        return 1.0
    best = sum(sorted(scores)[-2:]) / min(2, len(scores))
    return 1.0 + max(-AFFINITY_RANGE, min(0.0, best)) / AFFINITY_RANGE

"""How much a question is about what the library treats: its words' share of the library against their share of
everyday Chinese (jieba's dictionary frequencies, counted on a general corpus).

手机, 洗衣机, 天气 are common Chinese that a library of laws says rarely: a question made of them (新买的手机需要
贴膜吗) is off its subjects, however well one passage matches its words; 工资, 驾照 (驾驶证), 党费 are said far more
often in the library than in everyday Chinese.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from retrieval.lexical import LexicalIndex

if TYPE_CHECKING:  # terms weighs with story_factor below
    from retrieval.terms import QueryTerms

AFFINITY_RANGE = 3.0  # a best word said e⁻³ as often as everyday Chinese would: no sign of the library's subjects


def word_affinity(word: str, lexical: LexicalIndex, everyday_share: float) -> float | None:
    """log((df + 1) / (E + 1)): df, the passages saying the word; E, those that would say it were the library
    everyday Chinese (its word occurrences × the word's everyday share). None when that is no evidence: a word
    expected in less than one passage and said in none (贴膜 in any library, 手机 in a small one that lacks it)."""
    expected = lexical.word_occurrences * everyday_share
    score = math.log((lexical.document_frequency(word) + 1) / (expected + 1))
    return score if score > 0 or expected >= 1 else None


def story_factor(
    words: Iterable[str], lexical: LexicalIndex, everyday_share: Callable[[str], float], floor: float
) -> float:
    """How much a question's word counts in the search and the answer: a word the library says less often than
    everyday Chinese would (觉得, 一天, 医院) tells the question's story, not its subject, however rare in the
    library, and a rare word is what BM25 weighs most. 1 for a word said at least as often as everyday Chinese
    would, or of no evidence either way; down to floor at e⁻³ of that. words: a word and its alternatives, the best
    counts."""
    scores = []
    for word in words:
        share = everyday_share(word)
        score = word_affinity(word, lexical, share) if share > 0 else None
        if score is None or score >= 0:
            return 1.0
        scores.append(score)
    if not scores:
        return 1.0
    return max(floor, 1.0 + max(scores) / AFFINITY_RANGE)


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

"""Term weighting of a text's tokens: pure functions shared by the extractive answerer and the quiz generator."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from retrieval.lexical import LexicalIndex
from retrieval.synonyms import Thesaurus


@dataclass(frozen=True)
class QueryTerms:
    """The question's terms, their weights and the thesaurus words that count as the same term."""

    weights: dict[str, float]
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.weights.values())

    def _covered(self, term: str, tokens: set[str]) -> bool:
        return term in tokens or any(alt in tokens for alt in self.alternatives.get(term, ()))

    def coverage(self, tokens: set[str]) -> float:
        total = self.total
        return sum(w for t, w in self.weights.items() if self._covered(t, tokens)) / total if total else 0.0


FUNCTION_WORD_FACTOR = 0.1


def weigh_terms(classes: dict[str, str], lexical: LexicalIndex, thesaurus: Thesaurus | None = None) -> QueryTerms:
    """IDF weights for a question's tokens, by the class of the word they come from.

    A noun the library has never seen (红烧肉, 世界杯) is the rarest kind of evidence, so it weighs the
    most and pulls coverage down; an unseen verb or particle is usually just colloquial phrasing (得批, 交上去)
    and weighs nothing; known function words (最多, 哪些) count a little. A term and its thesaurus
    alternatives (上访 → 信访) count as one term, weighed by the rarest of them the library knows.
    """
    n = max(len(lexical.state.chunk_ids), 1)
    unseen_weight = math.log(1 + (n + 0.5) / 0.5)
    alternatives = {t: thesaurus.alternatives(t) for t in classes} if thesaurus else {}
    known = {t for t in classes if lexical.document_frequency(t) > 0}
    weights: dict[str, float] = {}
    for term, cls in classes.items():
        idf = max(lexical.idf(t) for t in (term, *alternatives.get(term, ())))
        if idf > 0:
            weights[term] = idf * (FUNCTION_WORD_FACTOR if cls == "function" else 1.0)
        elif cls == "noun" and len(term) > 1 and not any(part in term for part in known):
            weights[term] = unseen_weight
        else:
            # unseen phrasing, a one-character noun (事, 人), or an unseen compound whose known pieces count
            weights[term] = 0.0
    return QueryTerms(weights, {t: alts for t, alts in alternatives.items() if alts})

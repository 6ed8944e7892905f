"""Extractive answers: the sentences of the top passages that best cover the question, with [n] citations.

Evidence strength is the share of the question's IDF-weighted terms that the best passage contains. Below
`answer_min_coverage` the answer is a refusal: citing the nearest noise would mislead a member.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.lexical import LexicalIndex, index_text
from retrieval.settings import Settings
from retrieval.text import split_sentences, strip_punctuation
from retrieval.tokenizer import ChineseTokenizer
from retrieval.types import Answer, Citation, Hit

NO_ANSWER = "未在资料库中找到相关内容。"
NO_ANSWER_HINT = "可以换个说法、使用文件中的关键词，或在左侧选择要检索的文件后再问。"
EMPTY_QUESTION = "请输入一个问题。"
LIST_INTRO_ENDS = ("：", ":")
LIST_CONTINUATION_CHARS = 240


@dataclass(frozen=True)
class QueryTerms:
    """The question's terms and their weights (IDF; unseen terms weigh the most, they are the rarest)."""

    weights: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.weights.values())

    def coverage(self, tokens: set[str]) -> float:
        total = self.total
        return sum(w for t, w in self.weights.items() if t in tokens) / total if total else 0.0


def weigh_terms(tokens: Sequence[str], lexical: LexicalIndex) -> QueryTerms:
    n = max(len(lexical.state.chunk_ids), 1)
    unseen_weight = math.log(1 + (n + 0.5) / 0.5)
    known = {t for t in tokens if lexical.document_frequency(t) > 0}
    weights: dict[str, float] = {}
    for term in dict.fromkeys(tokens):
        if term in known:
            weights[term] = lexical.idf(term)
        elif any(part in term for part in known):
            weights[term] = 0.0  # an unseen compound whose known pieces already count
        else:
            weights[term] = unseen_weight
    return QueryTerms(weights)


@dataclass(frozen=True)
class Candidate:
    hit_rank: int
    position: int
    parts: tuple[str, ...]  # the sentence, plus the list items it introduces
    score: float

    @property
    def text(self) -> str:
        return "".join(self.parts)


class ExtractiveAnswerer:
    def __init__(self, tokenizer: ChineseTokenizer, settings: Settings):
        self.tokenizer = tokenizer
        self.settings = settings

    def answer(self, question: str, hits: Sequence[Hit], lexical: LexicalIndex) -> Answer:
        if not question.strip():
            return Answer(question, EMPTY_QUESTION, found=False, mode="none")
        terms = weigh_terms(self.tokenizer.tokenize(question), lexical)
        display_terms = tuple(t for t, w in terms.weights.items() if w > 0)
        chunk_cover = [terms.coverage(set(self.tokenizer.tokenize(index_text(h.chunk)))) for h in hits]
        if not hits or max(chunk_cover) < self.settings.answer_min_coverage:
            return Answer(question, NO_ANSWER + NO_ANSWER_HINT, found=False, mode="none", query_terms=display_terms)
        candidates = self._candidates(hits, terms, chunk_cover)
        chosen = self._choose(candidates)
        return self._compose(question, hits, chosen, display_terms)

    def _candidates(self, hits: Sequence[Hit], terms: QueryTerms, chunk_cover: list[float]) -> list[Candidate]:
        top_score = max(h.score for h in hits) or 1.0
        found: list[Candidate] = []
        for rank, hit in enumerate(hits):
            if chunk_cover[rank] < self.settings.answer_min_coverage:
                continue
            sentences = split_sentences(hit.chunk.text)
            for position, sentence in enumerate(sentences):
                cover = terms.coverage(set(self.tokenizer.tokenize(sentence)))
                if cover == 0:
                    continue
                # The sentence's own coverage leads; its passage's coverage and rank break ties.
                score = cover + 0.3 * chunk_cover[rank] + 0.1 * hit.score / top_score
                found.append(Candidate(rank, position, self._with_list(sentences, position), score))
        return found

    @staticmethod
    def _with_list(sentences: list[str], position: int) -> tuple[str, ...]:
        """A sentence that introduces a list ("应当遵循下列原则：") is useless alone: bring its items."""
        parts = [sentences[position]]
        if not parts[0].rstrip().endswith(LIST_INTRO_ENDS):
            return tuple(parts)
        size = len(parts[0])
        for follower in sentences[position + 1 :]:
            size += len(follower)
            if size > LIST_CONTINUATION_CHARS:
                break
            parts.append(follower)
        return tuple(parts)

    def _choose(self, candidates: list[Candidate]) -> list[Candidate]:
        ranked = sorted(candidates, key=lambda c: -c.score)
        if not ranked:
            return []
        floor = 0.75 * ranked[0].score
        chosen: list[Candidate] = []
        seen: list[str] = []
        for cand in ranked:
            if cand.score < floor or len(chosen) == self.settings.answer_max_sentences:
                break
            key = strip_punctuation(cand.text)
            if any(key in other or other in key for other in seen):
                continue  # overlapping chunks repeat sentences; list continuations contain their items
            seen.append(key)
            chosen.append(cand)
        return chosen

    def _compose(self, question: str, hits: Sequence[Hit], chosen: list[Candidate], terms: tuple[str, ...]) -> Answer:
        numbers: dict[int, int] = {}
        for cand in chosen:  # citations numbered in the order the answer first uses them
            numbers.setdefault(cand.hit_rank, len(numbers) + 1)
        ordered = sorted(chosen, key=lambda c: (numbers[c.hit_rank], c.position))
        text = "".join(f"{c.text}[{numbers[c.hit_rank]}]" for c in ordered)
        citations = tuple(
            Citation(
                number=number,
                chunk=hits[rank].chunk,
                sentences=tuple(part for c in ordered if c.hit_rank == rank for part in c.parts),
                score=hits[rank].score,
            )
            for rank, number in numbers.items()
        )
        return Answer(question, text, citations, found=True, mode="extractive", query_terms=terms)

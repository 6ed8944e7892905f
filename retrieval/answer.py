"""Extractive answers: the sentences of the top passages that best cover the question, with [n] citations.

Evidence strength is the share of the question's IDF-weighted terms that the best passage contains. Below
`answer_min_coverage` the answer is a refusal: citing the nearest noise would mislead a member; below
`answer_confident_coverage` the answer carries a notice asking the member to check it against the passage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from retrieval.lexical import LexicalIndex, index_text
from retrieval.sentences import with_list_items
from retrieval.settings import Settings
from retrieval.synonyms import Thesaurus
from retrieval.terms import QueryTerms, weigh_terms
from retrieval.text import split_sentences, strip_punctuation
from retrieval.tokenizer import ChineseTokenizer, normalize
from retrieval.types import Answer, Chunk, Citation, Hit

NO_ANSWER = "未在资料库中找到相关内容。"
NO_ANSWER_HINT = "可以换个说法、使用文件中的关键词，或在左侧选择要检索的文件后再问。"
EMPTY_QUESTION = "请输入一个问题。"
LOW_CONFIDENCE = "资料库中没有与问题完全对应的表述，以下回答仅供参考，请对照原文核实。"


# Specifics a question pins its answer to: a named document 《…》, a year, a session (十四届, 三中全会),
# an anniversary. A passage that lacks them answers another question, however many words it shares.
_REQUIRED = re.compile(
    r"《([^》]{2,40})》|((?:19|20)\d{2})(?=年)|([一二三四五六七八九十]+届)|([一二三四五六七八九十]+中全会)|(\d+周年)"
)


def required_terms(question: str) -> list[str]:
    found = (next(g for g in match.groups() if g) for match in _REQUIRED.finditer(normalize(question)))
    return list(dict.fromkeys(strip_punctuation(term) for term in found))


def _evidence_text(chunk: Chunk) -> str:
    return strip_punctuation(normalize(f"{chunk.title}{chunk.heading_path}{chunk.text}"))


def meets_requirements(chunk: Chunk, required: Sequence[str]) -> bool:
    text = _evidence_text(chunk)
    return all(term in text for term in required)


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
    def __init__(self, tokenizer: ChineseTokenizer, settings: Settings, thesaurus: Thesaurus | None = None):
        self.tokenizer = tokenizer
        self.settings = settings
        self.thesaurus = thesaurus

    def answer(self, question: str, hits: Sequence[Hit], lexical: LexicalIndex) -> Answer:
        if not question.strip():
            return Answer(question, EMPTY_QUESTION, found=False, mode="none")
        terms = weigh_terms(self.tokenizer.term_classes(question), lexical, self.thesaurus)
        display_terms = tuple(t for t, w in terms.weights.items() if w > 0)
        required = required_terms(question)
        chunk_cover = [
            terms.coverage(set(self.tokenizer.tokenize(index_text(h.chunk))))
            if meets_requirements(h.chunk, required)
            else 0.0
            for h in hits
        ]
        if not hits or max(chunk_cover) < self.settings.answer_min_coverage:
            return self._refusal(question, required, display_terms)
        candidates = self._candidates(hits, terms, chunk_cover)
        chosen = self._choose(candidates)
        answer = self._compose(question, hits, chosen, display_terms)
        if max(chunk_cover) < self.settings.answer_confident_coverage:
            answer = replace(answer, notices=(LOW_CONFIDENCE, *answer.notices))
        return answer

    @staticmethod
    def _refusal(question: str, required: list[str], terms: tuple[str, ...]) -> Answer:
        missing = "、".join(f"「{term}」" for term in required)
        detail = f"找到的相关段落都没有提到{missing}。" if required else ""
        return Answer(question, NO_ANSWER + detail + NO_ANSWER_HINT, found=False, mode="none", query_terms=terms)

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
                found.append(Candidate(rank, position, with_list_items(sentences, position), score))
        return found

    def _choose(self, candidates: list[Candidate]) -> list[Candidate]:
        ranked = sorted(candidates, key=lambda c: -c.score)
        if not ranked:
            return []
        floor = 0.75 * ranked[0].score
        chosen: list[Candidate] = [ranked[0]]
        seen = [strip_punctuation(ranked[0].text)]
        length = len(ranked[0].text)
        for cand in ranked[1:]:
            if cand.score < floor or len(chosen) == self.settings.answer_max_sentences:
                break
            key = strip_punctuation(cand.text)
            if any(key in other or other in key for other in seen):
                continue  # overlapping chunks repeat sentences; list continuations contain their items
            if length + len(cand.text) > self.settings.answer_max_chars:
                continue  # a short answer: the passages below hold the rest
            seen.append(key)
            chosen.append(cand)
            length += len(cand.text)
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

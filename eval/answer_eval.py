"""Answer eval: does the extractive answer (and do its citations) hold the evidence, and does it refuse
exactly when the library has no answer? Plus a sweep of Settings.answer_min_coverage."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from eval.datasets import QAItem, contains_any, match_key
from eval.metrics import mean, precision_recall_f1
from eval.tables import fmt, markdown_table
from retrieval.kb import KnowledgeBase
from retrieval.types import Answer, Hit

MARKER = re.compile(r"\[\d+\]")  # the answer's [n] citation markers


@dataclass(frozen=True)
class AnswerOutcome:
    item: QAItem
    found: bool
    text: str
    answer_has_evidence: bool
    citation_has_evidence: bool
    answer_has_gold: bool
    exact_match: bool


@dataclass(frozen=True)
class AnswerScores:
    n_answerable: int
    found_rate: float  # share of answerable questions that got an answer
    answer_evidence: float  # … whose answer text contains the evidence
    citation_evidence: float  # … whose cited passages contain the evidence
    answer_gold: float | None  # of those with a gold short answer: the answer contains it
    exact_match: float | None  # … the answer is exactly a gold answer (span extraction would; sentences rarely do)
    n_unanswerable: int
    refusal_precision: float | None  # positive class: refused; None without unanswerable questions
    refusal_recall: float | None
    refusal_f1: float | None

    def as_dict(self) -> dict[str, float | int | None]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def cited_passages(item: QAItem, answer: Answer, sources: dict[str, str]) -> list[str]:
    """The passages an answer cites (for SQuAD items only those from the question's own paragraph count)."""
    if not answer.found:
        return []
    return [c.chunk.text for c in answer.citations if not item.strict_doc or sources.get(c.chunk.doc_id) == item.doc]


def judge(item: QAItem, answer: Answer, sources: dict[str, str]) -> AnswerOutcome:
    text = MARKER.sub("", answer.text) if answer.found else ""
    cited = cited_passages(item, answer, sources)
    return AnswerOutcome(
        item=item,
        found=answer.found,
        text=text,
        answer_has_evidence=bool(text) and contains_any(text, item.evidences),
        citation_has_evidence=any(contains_any(passage, item.evidences) for passage in cited),
        answer_has_gold=bool(text) and contains_any(text, item.answers),
        exact_match=bool(text) and match_key(text) in {match_key(a) for a in item.answers},
    )


def score_answers(outcomes: Sequence[AnswerOutcome]) -> AnswerScores:
    answerable = [o for o in outcomes if o.item.answerable]
    with_gold = [o for o in answerable if o.item.answers]
    refusal = (None, None, None)
    if any(not o.item.answerable for o in outcomes):
        refusal = precision_recall_f1([not o.found for o in outcomes], [not o.item.answerable for o in outcomes])
    return AnswerScores(
        n_answerable=len(answerable),
        found_rate=mean([o.found for o in answerable]),
        answer_evidence=mean([o.answer_has_evidence for o in answerable]),
        citation_evidence=mean([o.citation_has_evidence for o in answerable]),
        answer_gold=mean([o.answer_has_gold for o in with_gold]) if with_gold else None,
        exact_match=mean([o.exact_match for o in with_gold]) if with_gold else None,
        n_unanswerable=len(outcomes) - len(answerable),
        refusal_precision=refusal[0],
        refusal_recall=refusal[1],
        refusal_f1=refusal[2],
    )


def sources_of(kb: KnowledgeBase) -> dict[str, str]:
    return {doc.doc_id: Path(doc.source).name for doc in kb.documents()}


def run_answers(kb: KnowledgeBase, items: Sequence[QAItem]) -> list[AnswerOutcome]:
    """Every question through KnowledgeBase.ask, exactly as users get it."""
    sources = sources_of(kb)
    return [judge(item, kb.ask(item.question), sources) for item in items]


def coverage_sweep(
    kb: KnowledgeBase, items: Sequence[QAItem], thresholds: Sequence[float]
) -> list[tuple[float, AnswerScores]]:
    """Answer quality and refusal per answer_min_coverage. Search runs once; each threshold gets the answerer
    a KnowledgeBase with that setting builds, so the sweep follows whatever ask() does."""
    sources = sources_of(kb)
    lexical = kb.index.lexical()
    hits: list[list[Hit]] = [kb.search(item.question, kb.settings.top_k) for item in items]
    results = []
    for threshold in thresholds:
        settings = kb.settings.model_copy(update={"answer_min_coverage": threshold})
        view = KnowledgeBase(settings, tokenizer=kb.tokenizer, embedder=kb.embedder)
        answers = [view.answerer.answer(i.question, h, lexical) for i, h in zip(items, hits)]
        view.close()
        results.append((threshold, score_answers([judge(i, a, sources) for i, a in zip(items, answers)])))
    return results


ANSWER_LABELS = {
    "found_rate": "answered (share of answerable)",
    "answer_evidence": "answer contains evidence",
    "citation_evidence": "citations contain evidence",
    "answer_gold": "answer contains gold short answer",
    "exact_match": "exact match (answer = gold short answer)",
    "refusal_precision": "refusal precision",
    "refusal_recall": "refusal recall",
    "refusal_f1": "refusal F1",
}


def answer_table(scores: AnswerScores) -> str:
    rows = [["answerable questions", scores.n_answerable], ["unanswerable questions", scores.n_unanswerable]]
    rows += [[label, fmt(getattr(scores, name))] for name, label in ANSWER_LABELS.items()]
    return markdown_table(["metric", "value"], rows)


def sweep_table(results: Sequence[tuple[float, AnswerScores]]) -> str:
    headers = [
        "answer_min_coverage",
        "answered",
        "answer ⊇ evidence",
        "citations ⊇ evidence",
        "refusal P",
        "refusal R",
        "refusal F1",
    ]
    rows = [
        [
            f"{t:.2f}",
            fmt(s.found_rate),
            fmt(s.answer_evidence),
            fmt(s.citation_evidence),
            fmt(s.refusal_precision),
            fmt(s.refusal_recall),
            fmt(s.refusal_f1),
        ]
        for t, s in results
    ]
    return markdown_table(headers, rows)


def failures_table(outcomes: Sequence[AnswerOutcome], limit: int | None = None) -> str:
    """Answerable questions whose answer misses the evidence, and unanswerable ones that got an answer."""
    wrong = [
        o for o in outcomes if (o.item.answerable and not o.answer_has_evidence) or (not o.item.answerable and o.found)
    ][:limit]
    rows = [
        [
            o.item.id,
            o.item.question,
            o.item.evidences[0][:40] if o.item.evidences else "（无答案）",
            (o.text[:60] + "…") if len(o.text) > 60 else (o.text or "（拒答）"),
        ]
        for o in wrong
    ]
    return markdown_table(["id", "question", "evidence", "answer"], rows)

"""Retrieval eval: run every system on every answerable question, score the ranks, list the misses."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from eval.baselines import BASELINES
from eval.datasets import QAItem, contains_any
from eval.metrics import first_hit, first_hit_only, mean, mrr_at_k, ndcg_at_k, recall_at_k
from eval.systems import Passage, System
from eval.tables import markdown_table

DEPTH = 10  # metrics are reported at 1, 5 and 10
METRICS = ("r1", "r5", "r10", "mrr10", "ndcg10")
HEADERS = {"r1": "R@1", "r5": "R@5", "r10": "R@10", "mrr10": "MRR@10", "ndcg10": "nDCG@10"}


@dataclass(frozen=True)
class Scores:
    r1: float
    r5: float
    r10: float
    mrr10: float
    ndcg10: float

    def as_dict(self, digits: int = 4) -> dict[str, float]:
        return {name: round(value, digits) for name, value in asdict(self).items()}


@dataclass(frozen=True)
class Outcome:
    item: QAItem
    rank: int | None  # 1-based rank of the first passage holding the evidence
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class SystemRun:
    name: str
    scores: Scores
    outcomes: tuple[Outcome, ...]
    ms_per_query: float
    chars_per_passage: float

    def misses(self, k: int) -> list[Outcome]:
        return [o for o in self.outcomes if o.rank is None or o.rank > k]


def relevance(passages: Sequence[Passage], item: QAItem) -> list[bool]:
    """A passage is relevant when it contains the evidence (and, for SQuAD, comes from the own paragraph)."""
    return [(not item.strict_doc or p.source == item.doc) and contains_any(p.text, item.evidences) for p in passages]


def score(relevances: Sequence[Sequence[bool]]) -> Scores:
    lists = [first_hit_only(r) for r in relevances]
    return Scores(
        r1=mean([recall_at_k(r, 1) for r in lists]),
        r5=mean([recall_at_k(r, 5) for r in lists]),
        r10=mean([recall_at_k(r, 10) for r in lists]),
        mrr10=mean([mrr_at_k(r, 10) for r in lists]),
        ndcg10=mean([ndcg_at_k(r, 10) for r in lists]),
    )


def run_system(system: System, items: Sequence[QAItem], k: int = DEPTH) -> SystemRun:
    """Search every answerable question at depth max(k, 10); unanswerable ones belong to the answer eval."""
    depth = max(k, DEPTH)
    outcomes: list[Outcome] = []
    relevances: list[list[bool]] = []
    started = time.perf_counter()
    for item in (i for i in items if i.answerable):
        passages = tuple(system.search(item.question, depth))
        relevant = relevance(passages, item)
        relevances.append(relevant)
        outcomes.append(Outcome(item, first_hit(relevant), passages))
    elapsed = time.perf_counter() - started
    returned = [len(p.text) for o in outcomes for p in o.passages[:DEPTH]]
    return SystemRun(
        system.name, score(relevances), tuple(outcomes), 1000 * elapsed / max(len(outcomes), 1), mean(returned)
    )


def as_json(runs: Sequence[SystemRun]) -> dict:
    n = len(runs[0].outcomes) if runs else 0
    return {"n": n, "systems": {run.name: run.scores.as_dict() for run in runs}}


def best_baseline(runs: Sequence[SystemRun]) -> dict[str, float]:
    """Per metric, the best score among the baselines (empty when none ran)."""
    baselines = [r for r in runs if r.name in BASELINES]
    if not baselines:
        return {}
    return {metric: max(getattr(r.scores, metric) for r in baselines) for metric in METRICS}


def _cell(value: float, best: float | None) -> str:
    if best is None:
        return f"{value:.3f}"
    ratio = f"×{value / best:.2f}" if best > 0 else "×∞" if value > 0 else "×1.00"
    return f"{value:.3f} ({ratio})"


def results_table(runs: Sequence[SystemRun]) -> str:
    """One table, every metric with its ratio to the best baseline on that metric."""
    best = best_baseline(runs)
    rows = [
        [run.name]
        + [_cell(getattr(run.scores, m), best.get(m)) for m in METRICS]
        + [f"{run.chars_per_passage:.0f}", f"{run.ms_per_query:.1f}"]
        for run in runs
    ]
    headers = ["system", *(HEADERS[m] for m in METRICS), "chars/passage", "ms/query"]
    return markdown_table(headers, rows)


def misses_table(run: SystemRun, k: int, limit: int | None = None, shown: int = 2) -> str:
    """The questions whose evidence is not in the top k, with what came back instead."""
    misses = run.misses(k)[:limit]
    rows = []
    for outcome in misses:
        got = " / ".join(f"{p.source}: {_snippet(p.text)}" for p in outcome.passages[:shown])
        rank = f"@{outcome.rank}" if outcome.rank else "—"
        rows.append([outcome.item.id, outcome.item.question, _snippet(outcome.item.evidences[0], 40), rank, got])
    return markdown_table(["id", "question", "evidence", "found at", f"retrieved instead (top {shown})"], rows)


def _snippet(text: str, size: int = 36) -> str:
    flat = " ".join(text.split()).replace("|", "｜")
    return flat if len(flat) <= size else flat[:size] + "…"

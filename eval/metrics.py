"""Ranking and classification metrics: small pure functions over lists of relevance booleans.

A question has one relevant item (its evidence). Passages are judged in rank order; callers pass
`first_hit_only(...)` so that overlapping chunks repeating the evidence are not rewarded twice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def first_hit(relevant: Sequence[bool], k: int | None = None) -> int | None:
    """1-based rank of the first relevant passage within the top k (all when k is None), else None."""
    limit = len(relevant) if k is None else min(k, len(relevant))
    return next((rank for rank in range(1, limit + 1) if relevant[rank - 1]), None)


def first_hit_only(relevant: Sequence[bool]) -> list[bool]:
    """The same list with only its first True kept: the evidence counts once."""
    rank = first_hit(relevant)
    return [index + 1 == rank for index in range(len(relevant))]


def recall_at_k(relevant: Sequence[bool], k: int, n_relevant: int = 1) -> float:
    """Share of the n_relevant relevant items found in the top k."""
    if n_relevant <= 0:
        raise ValueError("n_relevant must be positive")
    return min(1.0, sum(bool(r) for r in relevant[:k]) / n_relevant)


def mrr_at_k(relevant: Sequence[bool], k: int) -> float:
    """Reciprocal rank of the first relevant passage within the top k (0 when there is none)."""
    rank = first_hit(relevant, k)
    return 1.0 / rank if rank else 0.0


def dcg_at_k(relevant: Sequence[bool], k: int) -> float:
    return sum(1.0 / math.log2(rank + 1) for rank, rel in enumerate(relevant[:k], start=1) if rel)


def ndcg_at_k(relevant: Sequence[bool], k: int, n_relevant: int = 1) -> float:
    """Binary-relevance nDCG: DCG of the list over the DCG of n_relevant items ranked first."""
    if n_relevant <= 0:
        raise ValueError("n_relevant must be positive")
    ideal = dcg_at_k([True] * min(n_relevant, k), k)
    return min(1.0, dcg_at_k(relevant, k) / ideal)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def precision_recall_f1(predicted: Sequence[bool], actual: Sequence[bool]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive class (0 when undefined)."""
    true_pos = sum(p and a for p, a in zip(predicted, actual, strict=True))
    pred_pos, act_pos = sum(predicted), sum(actual)
    precision = true_pos / pred_pos if pred_pos else 0.0
    recall = true_pos / act_pos if act_pos else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

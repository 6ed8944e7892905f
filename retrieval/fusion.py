"""Rank fusion of the search legs: small pure functions, measured in eval/ rather than guessed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

Ranked = Sequence[tuple[str, float]]
FusionMethod = Literal["rrf", "weighted"]


def _min_max(ranked: Ranked) -> dict[str, float]:
    """Scale a leg's scores to [0, 1] so legs with different score ranges can be added."""
    if not ranked:
        return {}
    scores = [score for _, score in ranked]
    low, high = min(scores), max(scores)
    if high == low:
        return {cid: 1.0 for cid, _ in ranked}
    return {cid: (score - low) / (high - low) for cid, score in ranked}


def weighted_fusion(legs: Mapping[str, Ranked], weights: Mapping[str, float]) -> list[tuple[str, float]]:
    """Sum of each leg's min-max-scaled score times the leg's weight."""
    fused: dict[str, float] = {}
    for name, ranked in legs.items():
        for cid, score in _min_max(ranked).items():
            fused[cid] = fused.get(cid, 0.0) + weights.get(name, 0.0) * score
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


def rrf_fusion(legs: Mapping[str, Ranked], weights: Mapping[str, float], k: int = 60) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: sum of weight / (k + rank), ranks from 1."""
    fused: dict[str, float] = {}
    for name, ranked in legs.items():
        for rank, (cid, _) in enumerate(ranked, start=1):
            fused[cid] = fused.get(cid, 0.0) + weights.get(name, 0.0) / (k + rank)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


def fuse(
    legs: Mapping[str, Ranked], weights: Mapping[str, float], method: FusionMethod = "weighted", rrf_k: int = 60
) -> list[tuple[str, float]]:
    active = {name: ranked for name, ranked in legs.items() if ranked and weights.get(name, 0.0) > 0}
    if method == "rrf":
        return rrf_fusion(active, weights, rrf_k)
    return weighted_fusion(active, weights)

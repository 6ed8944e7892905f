"""Metric functions against hand-computed cases (eval/metrics.py, retrieval_eval.score, evidence matching)."""

from __future__ import annotations

import math

import pytest

from eval.datasets import QAItem, contains_any, match_key
from eval.metrics import (
    first_hit,
    first_hit_only,
    mrr_at_k,
    ndcg_at_k,
    percentile,
    precision_recall_f1,
    recall_at_k,
)
from eval.retrieval_eval import relevance, score
from eval.systems import Passage

T, F = True, False


def test_first_hit_is_one_based_and_respects_k() -> None:
    assert first_hit([F, T, T]) == 2
    assert first_hit([F, T], k=1) is None
    assert first_hit([F, F]) is None
    assert first_hit([]) is None


def test_first_hit_only_keeps_the_first_relevant_passage() -> None:
    assert first_hit_only([F, T, T, F, T]) == [F, T, F, F, F]
    assert first_hit_only([F, F]) == [F, F]


def test_recall_at_k() -> None:
    assert recall_at_k([F, T], 1) == 0.0
    assert recall_at_k([F, T], 2) == 1.0
    assert recall_at_k([T, F, T], 2, n_relevant=2) == 0.5
    assert recall_at_k([T, F, T], 3, n_relevant=2) == 1.0
    assert recall_at_k([T, T], 10) == 1.0  # capped: more hits than relevant items
    with pytest.raises(ValueError):
        recall_at_k([T], 1, n_relevant=0)


def test_mrr_at_k() -> None:
    assert mrr_at_k([F, F, T], 10) == pytest.approx(1 / 3)
    assert mrr_at_k([F, F, T], 2) == 0.0
    assert mrr_at_k([T, T], 10) == 1.0
    assert mrr_at_k([], 10) == 0.0


def test_ndcg_at_k() -> None:
    assert ndcg_at_k([T], 10) == 1.0
    assert ndcg_at_k([F, T], 10) == pytest.approx(1 / math.log2(3))  # 0.6309
    assert ndcg_at_k([F, F, T], 2) == 0.0
    # two relevant items found at ranks 1 and 3: (1 + 1/log2 4) / (1 + 1/log2 3) = 1.5 / 1.6309
    assert ndcg_at_k([T, F, T], 10, n_relevant=2) == pytest.approx(0.91972, abs=1e-5)


def test_precision_recall_f1_of_the_positive_class() -> None:
    assert precision_recall_f1([T, T, F, F], [T, F, T, F]) == (0.5, 0.5, 0.5)
    precision, recall, f1 = precision_recall_f1([T, F, F], [T, T, F])
    assert (precision, recall, f1) == (1.0, 0.5, pytest.approx(2 / 3))
    assert precision_recall_f1([F, F], [F, F]) == (0.0, 0.0, 0.0)


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([4, 1, 3, 2], 50) == 2.5
    assert percentile([10, 20, 30, 40, 50], 95) == pytest.approx(48.0)
    assert percentile([7], 95) == 7
    assert math.isnan(percentile([], 50))


def test_score_averages_over_questions() -> None:
    # ranks 1, 3 (with a repeat at 4, counted once) and a miss
    scores = score([[T, F], [F, F, T, T], [F, F, F]])
    assert scores.r1 == pytest.approx(1 / 3)
    assert scores.r5 == pytest.approx(2 / 3)
    assert scores.r10 == pytest.approx(2 / 3)
    assert scores.mrr10 == pytest.approx((1 + 1 / 3) / 3)
    assert scores.ndcg10 == pytest.approx((1 + 0.5) / 3)


def test_evidence_matching_ignores_punctuation_spaces_and_width() -> None:
    assert match_key("２０２５年6月上旬，市政协 成立“调研组”。") == "2025年6月上旬市政协成立调研组"
    assert contains_any("……于２０２５年6月上旬，市政协成立调研组……", ["2025年6月上旬,市政协成立调研组"])
    assert not contains_any("2025年6月下旬", ["2025年6月上旬"])
    assert not contains_any("任何文字", ["。。"])  # an evidence of punctuation only matches nothing


def test_relevance_checks_the_source_only_for_strict_items() -> None:
    passages = [Passage("答案是光荣和ω-force。", "DEV_1.txt"), Passage("光荣和ω-force开发", "DEV_0.txt")]
    loose = QAItem("q", "谁开发的？", ("光荣和ω-force",), doc="DEV_0.txt")
    strict = QAItem("q", "谁开发的？", ("光荣和ω-force",), doc="DEV_0.txt", strict_doc=True)
    assert relevance(passages, loose) == [T, T]
    assert relevance(passages, strict) == [F, T]

"""Sweeps behind the Settings defaults: fusion method and weights on one index, chunk size on one index each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from eval.answer_eval import AnswerScores, run_answers, score_answers
from eval.datasets import QAItem
from eval.retrieval_eval import METRICS, Scores, run_system
from eval.systems import ProjectSystem
from eval.tables import fmt, markdown_table
from eval.workspace import Workspace
from retrieval.kb import KnowledgeBase
from retrieval.search import SearchOptions

DENSE_WEIGHTS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)
CHUNK_SIZES = (200, 300, 400, 600)
COVERAGES = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


@dataclass(frozen=True)
class FusionRow:
    chunk_size: int
    label: str
    scores: Scores


@dataclass(frozen=True)
class ChunkRow:
    chunk_size: int
    chunks: int
    mean_chars: float
    answers: AnswerScores


def fusion_grid(kb: KnowledgeBase, dense_weights: Sequence[float] = DENSE_WEIGHTS) -> dict[str, SearchOptions]:
    """weighted with bm25 1.0 and each dense weight (0 = BM25 only), plus RRF 1:1; depth from the settings."""
    s = kb.settings
    grid = {f"weighted 1/{w:g}": SearchOptions(1.0, w, "weighted", s.rrf_k, s.candidates) for w in dense_weights}
    grid["rrf 1/1"] = SearchOptions(1.0, 1.0, "rrf", s.rrf_k, s.candidates)
    if kb.embedder is None:
        grid = {label: o for label, o in grid.items() if o.dense_weight == 0}
    return grid


def sweep_fusion(kb: KnowledgeBase, items: Sequence[QAItem], dense_weights: Sequence[float]) -> list[FusionRow]:
    return [
        FusionRow(kb.settings.chunk_size, label, run_system(ProjectSystem(label, kb, options), items).scores)
        for label, options in fusion_grid(kb, dense_weights).items()
    ]


def sweep_chunk_sizes(
    workspace: Workspace,
    corpus: Sequence[Path],
    items: Sequence[QAItem],
    sizes: Sequence[int] = CHUNK_SIZES,
    dense_weights: Sequence[float] = DENSE_WEIGHTS,
    **overrides: object,
) -> tuple[list[FusionRow], list[ChunkRow]]:
    """The fusion grid and the default answer quality at every chunk size (each size is its own ingest)."""
    fusion: list[FusionRow] = []
    chunks: list[ChunkRow] = []
    for size in sizes:
        kb = workspace.index(corpus, **{**overrides, "chunk_size": size})
        fusion.extend(sweep_fusion(kb, items, dense_weights))
        lengths = [len(c.text) for c in kb.catalog.iter_chunks()]
        answers = score_answers(run_answers(kb, items))
        chunks.append(ChunkRow(size, len(lengths), sum(lengths) / max(len(lengths), 1), answers))
    return fusion, chunks


def fusion_table(rows: Sequence[FusionRow], heldout: Sequence[FusionRow] = ()) -> str:
    """The grid on the dev set, plus R@5 and MRR@10 on a held-out set when given (same grid, same order)."""
    best = {m: max(getattr(r.scores, m) for r in rows) for m in METRICS} if rows else {}
    table = [[r.chunk_size, r.label] + [_mark(getattr(r.scores, m), best[m]) for m in METRICS] for r in rows]
    headers = ["chunk_size", "fusion", "R@1", "R@5", "R@10", "MRR@10", "nDCG@10"]
    if heldout:
        best_r5, best_mrr = max(r.scores.r5 for r in heldout), max(r.scores.mrr10 for r in heldout)
        for line, other in zip(table, heldout, strict=True):
            line += [_mark(other.scores.r5, best_r5), _mark(other.scores.mrr10, best_mrr)]
        headers += ["held-out R@5", "held-out MRR@10"]
    return markdown_table(headers, table)


def _mark(value: float, best: float) -> str:
    return f"**{value:.3f}**" if abs(value - best) < 1e-9 else f"{value:.3f}"


def chunk_table(rows: Sequence[ChunkRow]) -> str:
    table = [
        [
            r.chunk_size,
            r.chunks,
            f"{r.mean_chars:.0f}",
            fmt(r.answers.found_rate),
            fmt(r.answers.answer_evidence),
            fmt(r.answers.citation_evidence),
            fmt(r.answers.refusal_f1),
        ]
        for r in rows
    ]
    headers = [
        "chunk_size",
        "chunks",
        "mean chars",
        "answered",
        "answer ⊇ evidence",
        "citations ⊇ evidence",
        "refusal F1",
    ]
    return markdown_table(headers, table)


def as_json(fusion: Sequence[FusionRow], chunks: Sequence[ChunkRow], coverage: Sequence[tuple]) -> dict:
    return {
        "fusion": [{"chunk_size": r.chunk_size, "fusion": r.label, **r.scores.as_dict()} for r in fusion],
        "chunk_sizes": [
            {
                "chunk_size": r.chunk_size,
                "chunks": r.chunks,
                "mean_chars": round(r.mean_chars, 1),
                **r.answers.as_dict(),
            }
            for r in chunks
        ],
        "coverage": [{"answer_min_coverage": t, **s.as_dict()} for t, s in coverage],
    }

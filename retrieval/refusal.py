"""Refusal calibrated on the evidence: a logistic model of “the extractive answer is right” over the
evidence coverage, the retrieval margin and the answer-type match, fitted on the dev set only
(`python -m eval calibrate`, coefficients in retrieval/data/refusal_model.json).

An answer is refused below Settings.answer_refusal_threshold and marked 仅供参考 below
answer_doubt_threshold, so an exact match no longer carries a warning and an on-topic question the library
does not answer (现任政协主席是谁) is refused rather than answered with the nearest passage.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

from retrieval.tokenizer import DATA_DIR

MODEL_FILE = DATA_DIR / "refusal_model.json"


@dataclass(frozen=True)
class Evidence:
    """What the answerer knows about its best evidence, each in [0, 1]."""

    coverage: float  # share of the question's weighted terms in the best passage
    sentence_coverage: float  # … in the best sentence
    margin: float  # (top − second) / top of the word leg's raw scores: one passage stands out
    type_match: float  # the best sentence holds an answer of the asked type (1 for untyped questions)
    typed: float  # the question asks for a type (多久, 谁, 多少 …)
    unseen: float  # share of the question's weight on nouns the library never uses

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, f.name) for f in fields(self)], dtype=np.float64)


FEATURES = tuple(f.name for f in fields(Evidence))


@dataclass(frozen=True)
class RefusalModel:
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def probability(self, evidence: Evidence) -> float:
        z = (evidence.vector() - np.array(self.mean)) / np.array(self.scale)
        logit = float(z @ np.array(self.weights)) + self.bias
        return 1.0 / (1.0 + math.exp(-max(min(logit, 40.0), -40.0)))

    @classmethod
    def fit(cls, rows: list[Evidence], labels: list[bool], l2: float = 1.0, steps: int = 3000) -> RefusalModel:
        """L2-regularised logistic regression by gradient descent on standardised features."""
        x = np.stack([r.vector() for r in rows])
        y = np.array(labels, dtype=np.float64)
        mean, scale = x.mean(axis=0), np.maximum(x.std(axis=0), 1e-6)
        z = (x - mean) / scale
        w, b = np.zeros(z.shape[1]), 0.0
        for _ in range(steps):
            p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
            w -= 0.1 * (z.T @ (p - y) / len(y) + l2 * w / len(y))
            b -= 0.1 * float(np.mean(p - y))
        return cls(tuple(w.round(4)), round(b, 4), tuple(mean.round(4)), tuple(scale.round(4)))

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(json.dumps({"features": FEATURES, **asdict(self)}, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> RefusalModel | None:
        if not path.is_file():
            return None
        raw = json.loads(path.read_text(encoding="utf-8"))
        if tuple(raw.get("features", ())) != FEATURES:
            return None  # fitted on other features: fall back to the coverage threshold
        return cls(tuple(raw["weights"]), raw["bias"], tuple(raw["mean"]), tuple(raw["scale"]))

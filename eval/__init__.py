"""Evaluation: datasets → runs (project systems and baselines) → metrics → report (python -m eval)."""

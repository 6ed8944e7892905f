"""ProgressHooks that drive Streamlit widgets: one progress bar per file, with its stage, then its outcome."""

from __future__ import annotations

import streamlit as st

from library.progress import STAGE_LABELS, Outcome, ProgressHooks

# Where each stage starts on a file's bar: embedding is the long one.
_STAGE_START = {"read": 0.0, "ocr": 0.05, "chunk": 0.35, "embed": 0.4, "commit": 0.95}
_STAGE_SPAN = {"read": 0.05, "ocr": 0.3, "chunk": 0.05, "embed": 0.55, "commit": 0.05}


def stage_bar(name: str, stage: str, share: float) -> tuple[float, str]:
    """A file's bar: where the stage puts it, and 文件名 · 阶段 (with the share of the stages that report one)."""
    value = min(_STAGE_START[stage] + _STAGE_SPAN[stage] * share, 1.0)
    # 入库 (publishing the index) reports no share: “入库 0%” beside a nearly full bar read as stuck
    return value, f"{name} · {STAGE_LABELS[stage]}" + (f" {share:.0%}" if stage != "commit" else "……")


def file_progress_hooks(container=None) -> ProgressHooks:
    """Bars appear as files start; each shows 文件名 · 阶段 and ends with the outcome's label."""
    place = container or st
    bars: dict[str, object] = {}

    def bar_for(name: str):
        if name not in bars:
            bars[name] = place.progress(0.0, text=f"{name} · 等待")
        return bars[name]

    def stage(name: str, stage: str, share: float) -> None:
        value, text = stage_bar(name, stage, share)
        bar_for(name).progress(value, text=text)

    def done(outcome: Outcome) -> None:
        bar_for(outcome.name).progress(1.0, text=f"{outcome.name} · {outcome.label}")

    return ProgressHooks(file_started=lambda name, number, total: bar_for(name), stage=stage, file_done=done)

"""Benchmark: Enter → answer in the browser, and the app's memory, on a library the caller names.

python -m eval browser --corpus ../shared/corpus --corpus ../shared/corpus/files [--questions 10]
Indexes the corpus into a temporary data dir, starts the app, asks the questions in one session through
Chromium, and prints (and writes to --out) p50/max seconds until the answer shows and until the turn is
complete, plus the app's RSS.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from eval.browser import PROJECT, ask_in_browser, chromium_page, streamlit_app

QUESTIONS = (
    "政协党组如何发挥领导作用？",
    "如何加强政协委员的教育管理？",
    "中国人民政治协商会议全国委员会每届任期几年？",
    "信访事项应当在多长时间内办结？",
    "全国人民代表大会行使哪些职权？",
    "党员有哪些权利？",
    "八项规定对精简会议活动有什么要求？",
    "公务员应当履行哪些义务？",
    "宗教活动场所应当具备哪些条件？",
    "2024年经济社会发展的主要预期目标是什么？",
)


def memory_mib(pid: int) -> dict[str, float]:
    """Resident memory now (VmRSS) and at its peak (VmHWM), from /proc."""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    return {name: int(fields[name].split()[0]) / 1024 for name in ("VmRSS", "VmHWM")}


def run(corpora: list[Path], questions: int = len(QUESTIONS), out: Path | None = None) -> dict:
    asked = QUESTIONS[:questions]
    with tempfile.TemporaryDirectory(prefix="shuxiang-browser-") as tmp:
        env = {"SHUXIANG_DATA_DIR": str(Path(tmp) / "data")}
        build = [sys.executable, "-m", "ingest", "--quiet", *map(str, corpora)]
        subprocess.run(build, cwd=PROJECT, env={**os.environ, **env}, check=True, timeout=3600)
        with streamlit_app(env, Path(tmp) / "streamlit.log") as (url, process), chromium_page() as page:
            page.goto(url)
            page.locator('[data-testid="stChatInputTextArea"]').wait_for(timeout=180_000)
            timings = [ask_in_browser(page, question, turn) for turn, question in enumerate(asked)]
            memory = memory_mib(process.pid)
    shown, complete = [t[0] for t in timings], [t[1] for t in timings]
    result = {
        "questions": len(asked),
        "answer_shown_s": {"p50": statistics.median(shown), "max": max(shown), "each": shown},
        "turn_complete_s": {"p50": statistics.median(complete), "max": max(complete), "each": complete},
        "rss_mib": memory["VmRSS"],
        "peak_rss_mib": memory["VmHWM"],
    }
    if out:
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return result

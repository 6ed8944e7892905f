"""Measurement: Enter → answer in the browser with the whole ../shared corpus indexed, and the app's memory.

Builds the index in a temporary data dir (a few minutes), starts the app, asks ten questions in one session and
writes test-artifacts/latency.json: p50/max seconds until the answer shows and until the turn is complete, RSS.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NO_SHARED, PROJECT, SHARED
from test_browser import ARTIFACTS, CHAT_INPUT, CHROMIUM, ask_in_browser, chromium_page, streamlit_app

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

pytestmark = [
    pytest.mark.shared,
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason=NO_SHARED),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed (apt-get install chromium)"),
]


def memory_kib(pid: int) -> dict[str, int]:
    """Resident memory now (VmRSS) and at its peak (VmHWM), in KiB, from /proc."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {name: int(fields[name].split()[0]) for name in ("VmRSS", "VmHWM")}


def test_enter_to_answer_with_the_shared_corpus(tmp_path: Path) -> None:
    env = {"SHUXIANG_DATA_DIR": str(tmp_path / "data")}
    corpus = SHARED / "corpus"
    build = [sys.executable, "-m", "ingest", "--quiet", str(corpus), str(corpus / "files")]
    subprocess.run(build, cwd=PROJECT, env={**os.environ, **env}, check=True, timeout=1800)
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_app(env, ARTIFACTS / "latency-streamlit.log") as (url, process), chromium_page() as page:
        page.goto(url)
        page.locator(CHAT_INPUT).wait_for(timeout=180_000)
        timings = [ask_in_browser(page, question, turn) for turn, question in enumerate(QUESTIONS)]
        page.screenshot(path=str(ARTIFACTS / "latency-last.png"))
        memory = memory_kib(process.pid)
    shown = [t[0] for t in timings]
    complete = [t[1] for t in timings]
    report = {
        "questions": len(QUESTIONS),
        "answer_shown_s": {"p50": statistics.median(shown), "max": max(shown), "each": shown},
        "turn_complete_s": {"p50": statistics.median(complete), "max": max(complete), "each": complete},
        "rss_mib": memory["VmRSS"] / 1024,
        "peak_rss_mib": memory["VmHWM"] / 1024,
    }
    (ARTIFACTS / "latency.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(json.dumps(report, ensure_ascii=False, indent=2))
    assert report["answer_shown_s"]["p50"] < 10

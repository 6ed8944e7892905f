"""Answers through the user's command line: `python -m retrieval ask --batch QUESTIONS.jsonl --json` over an index,
judged like the in-process answers (the process opens the library and loads the model once)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from eval.answer_eval import AnswerOutcome, judge
from eval.datasets import QAItem
from retrieval.settings import PROJECT_ROOT, Settings
from retrieval.types import Answer, Chunk, Citation


def ask_batch(
    settings: Settings, questions: Sequence[tuple[str, str]], dense: bool = True, timeout: float = 3600
) -> list[dict]:
    """Run the batch CLI on (id, question) pairs against the library in settings.data_dir; one dict per line.

    The process reads the shipped query-time settings (only the data dir and the model are passed on)."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as handle:
        for qid, question in questions:
            handle.write(json.dumps({"id": qid, "question": question}, ensure_ascii=False) + "\n")
        path = Path(handle.name)
    environment = {
        **os.environ,
        "SHUXIANG_DATA_DIR": str(settings.data_dir),
        "SHUXIANG_EMBEDDING_MODEL": settings.embedding_model if dense else "none",
    }
    try:
        done = subprocess.run(
            [sys.executable, "-m", "retrieval", "ask", "--batch", str(path), "--json", "--no-llm"],
            cwd=PROJECT_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    finally:
        path.unlink(missing_ok=True)
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def as_answer(row: dict) -> Answer:
    """Enough of an Answer for the judge: the text, found, and the cited passages."""
    citations = tuple(
        Citation(
            c["n"], Chunk(c.get("chunk_id", ""), c.get("doc", ""), c["passage"], c["title"]), tuple(c["sentences"])
        )
        for c in row["citations"]
    )
    return Answer(row["question"], row["answer"], citations, found=row["found"], mode=row["mode"])


def run_answers_via_cli(
    settings: Settings, items: Sequence[QAItem], sources: dict[str, str], dense: bool = True
) -> list[AnswerOutcome]:
    rows = {str(r["id"]): r for r in ask_batch(settings, [(i.id, i.question) for i in items], dense)}
    return [judge(item, as_answer(rows[item.id]), sources) for item in items]

"""python -m retrieval ask --batch: one JSON line per question, the library opened once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import LIBRARY, PROJECT, write_files

pytestmark = pytest.mark.slow


def run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "SHUXIANG_DATA_DIR": str(data_dir), "SHUXIANG_EMBEDDING_MODEL": "none"}
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=600
    )


def test_ask_batch_answers_every_line_with_citations(tmp_path: Path) -> None:
    write_files(tmp_path / "lib", LIBRARY)
    assert run(["ingest", str(tmp_path / "lib"), "--quiet"], tmp_path / "data").returncode == 0
    questions = tmp_path / "q.jsonl"
    lines = [
        {"id": "term", "question": "政协委员每届任期几年？"},
        {"id": 2, "question": "怎么做红烧肉"},
        {"id": "visits", "question": "信访事项多长时间内要办结？"},
    ]
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in lines), encoding="utf-8")
    result = run(["retrieval", "ask", "--batch", str(questions), "--json"], tmp_path / "data")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["term", 2, "visits"]
    term, refused, visits = rows
    assert term["found"] and "任期五年" in term["answer"]
    citation = term["citations"][0]
    assert {"n", "title", "heading", "page", "passage"} <= set(citation)
    assert citation["n"] == 1 and citation["title"] == "某市政协委员履职条例" and "任期五年" in citation["passage"]
    assert not refused["found"] and refused["citations"] == []
    assert visits["found"] and "60日内办结" in visits["answer"]

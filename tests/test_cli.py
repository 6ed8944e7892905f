"""The command lines, run as a user runs them (subprocesses with their own data dir)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import LIBRARY, PROJECT, write_files

pytestmark = pytest.mark.slow


def run(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "SHUXIANG_DATA_DIR": str(data_dir), **env}
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=600
    )


def test_ingest_reports_each_file_and_is_idempotent(tmp_path: Path) -> None:
    write_files(tmp_path / "lib", {**LIBRARY, "bad.xls": "x"})
    first = run(["ingest", str(tmp_path / "lib"), "--quiet"], tmp_path / "data")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("[新增]") == 3
    assert "[跳过]" in first.stdout and "不支持的文件类型 .xls" in first.stdout
    second = run(["ingest", str(tmp_path / "lib"), "--quiet"], tmp_path / "data")
    assert second.stdout.count("[未变]") == 3 and "新增 0" in second.stdout


def test_ingest_fails_when_nothing_could_be_ingested(tmp_path: Path) -> None:
    write_files(tmp_path / "lib", {"empty.txt": ""})
    result = run(["ingest", str(tmp_path / "lib"), "--quiet"], tmp_path / "data")
    assert result.returncode == 1 and "文件为空" in result.stdout


def test_ask_json_and_batch_search(tmp_path: Path) -> None:
    write_files(tmp_path / "lib", LIBRARY)
    assert run(["ingest", str(tmp_path / "lib"), "--quiet"], tmp_path / "data").returncode == 0

    asked = run(["retrieval", "ask", "政协委员每届任期几年？", "--json"], tmp_path / "data")
    answer = json.loads(asked.stdout)
    assert answer["found"] and "任期五年" in answer["answer"]
    assert answer["citations"][0]["title"] == "某市政协委员履职条例"
    assert answer["citations"][0]["heading"] == "第二章 履职 > 第三条"

    questions = tmp_path / "q.jsonl"
    lines = [{"id": "a", "question": "信访事项多长时间办结"}, {"id": 7, "question": "粮食产量"}]
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in lines), encoding="utf-8")
    searched = run(["retrieval", "search", "--batch", str(questions), "--k", "2", "--json"], tmp_path / "data")
    rows = [json.loads(line) for line in searched.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", 7]
    assert all(len(r["hits"]) == 2 for r in rows)
    assert set(rows[0]["hits"][0]) >= {"text", "doc", "title", "heading", "page", "score"}
    assert "60日内办结" in rows[0]["hits"][0]["text"]


def test_ask_on_an_empty_library_builds_the_bundled_corpus(tmp_path: Path) -> None:
    result = run(["retrieval", "ask", "政协党组如何发挥领导作用？"], tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert "资料库为空" in result.stderr
    assert "[1]" in result.stdout and "关于全市政协系统党的建设工作的调研报告" in result.stdout

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
    (tmp_path / "lib" / "garbled.txt").write_bytes(bytes(range(256)) * 50)
    first = run(["ingest", str(tmp_path / "lib"), "--quiet"], tmp_path / "data")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("[已入库（") == 3
    assert "[失败：不支持的文件类型 .xls" in first.stdout
    assert "另存为" in first.stdout.split("bad.xls")[1].split("\n")[1]  # what to do, as for a single upload
    assert "请上传原文件" in first.stdout.split("garbled.txt")[1]  # the advice, under the file's line
    second = run(["ingest", str(tmp_path / "lib"), "--quiet"], tmp_path / "data")
    assert second.stdout.count("[已存在（《") == 3 and "已入库 0" in second.stdout


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


def test_ask_on_an_empty_library_says_how_to_fill_it(tmp_path: Path) -> None:
    result = run(["retrieval", "ask", "政协党组如何发挥领导作用？"], tmp_path / "data")
    assert result.returncode == 1
    assert "知识库为空" in result.stderr and "python -m ingest" in result.stderr


def test_ingest_without_paths_indexes_the_bundled_corpus(tmp_path: Path) -> None:
    assert run(["ingest", "--quiet"], tmp_path / "data").returncode == 0
    result = run(["retrieval", "ask", "政协党组如何发挥领导作用？"], tmp_path / "data")
    assert "[1]" in result.stdout and "关于全市政协系统党的建设工作的调研报告" in result.stdout


def test_list_replace_and_remove(tmp_path: Path) -> None:
    (law,) = write_files(tmp_path / "lib", {"law.md": LIBRARY["law.md"]})
    data = tmp_path / "data"
    run(["ingest", str(law), "--quiet"], data)
    law.write_text(LIBRARY["law.md"].replace("任期五年", "任期四年"), encoding="utf-8")
    conflict = run(["ingest", str(law), "--quiet"], data)
    assert "同名待确认" in conflict.stdout and "--replace" not in conflict.stderr
    replaced = run(["ingest", str(law), "--replace", "--quiet"], data)
    assert "[已替换（" in replaced.stdout, replaced.stdout
    listed = json.loads(run(["ingest", "--list", "--json"], data).stdout)
    assert [(d["title"], d["source_name"]) for d in listed] == [("某市政协委员履职条例", "law.md")]
    assert set(listed[0]) >= {"id", "title", "source_name", "chunks", "pages", "added_at"}
    asked = json.loads(run(["retrieval", "ask", "政协委员每届任期几年？", "--json"], data).stdout)
    assert "任期四年" in asked["answer"]
    removed = run(["ingest", "--remove", "某市政协委员履职条例"], data)
    assert removed.returncode == 0 and "[已删除]" in removed.stdout
    assert json.loads(run(["ingest", "--list", "--json"], data).stdout) == []
    unknown = run(["ingest", "--remove", "没有的文档"], data)
    assert unknown.returncode == 1 and "没有这个文档" in unknown.stdout


def test_another_process_sees_adds_and_removes_from_its_next_query(tmp_path: Path, tokenizer, embedder) -> None:
    """The app's reader stays open while the CLI writes: it serves the new text, never the removed one."""
    from retrieval.kb import KnowledgeBase
    from retrieval.settings import Settings

    data = tmp_path / "data"
    write_files(tmp_path / "a", {"farm.md": LIBRARY["farm.md"]})
    write_files(tmp_path / "b", {"law.md": LIBRARY["law.md"]})
    run(["ingest", str(tmp_path / "a"), "--quiet"], data)
    reader = KnowledgeBase(Settings(data_dir=data), tokenizer=tokenizer, embedder=embedder)
    assert all("任期" not in h.chunk.text for h in reader.search("政协委员每届任期几年", k=5))
    run(["ingest", str(tmp_path / "b"), "--quiet"], data)
    hits = reader.search("政协委员每届任期几年", k=5)
    assert "任期五年" in hits[0].chunk.text
    assert hits[0].dense_score > 0  # the dense leg sees the other process's new vectors too
    run(["ingest", "--remove", "某市政协委员履职条例"], data)
    assert all("任期" not in h.chunk.text for h in reader.search("政协委员每届任期几年", k=5))
    reader.close()


def test_a_damaged_catalog_gets_a_message_not_a_traceback(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "catalog.sqlite3").write_bytes(b"garbage" * 100)
    commands = (["ingest", "--list"], ["ingest", str(tmp_path)], ["retrieval", "search", "政协"], ["library", "check"],
                ["library", "user", "list"], ["library", "backup", str(tmp_path / "b.tar.gz")])  # fmt: skip
    for command in commands:
        result = run(command, data)
        assert result.returncode == 2, command
        assert "已损坏" in result.stderr and "library restore" in result.stderr and "Traceback" not in result.stderr


def test_an_emptied_catalog_is_named_and_never_filled_with_the_sample(tmp_path: Path) -> None:
    import sqlite3

    data = tmp_path / "data"
    no_model = {"SHUXIANG_EMBEDDING_MODEL": "none"}
    write_files(tmp_path / "lib", {"law.md": LIBRARY["law.md"]})
    assert run(["ingest", str(tmp_path / "lib"), "--quiet"], data, **no_model).returncode == 0
    with sqlite3.connect(data / "catalog.sqlite3") as catalog:
        catalog.execute("DELETE FROM chunks")
        catalog.execute("DELETE FROM documents")
    for command in (["retrieval", "search", "政协"], ["ingest", "--quiet"], ["library", "check"]):
        result = run(command, data, **no_model)
        said = result.stdout + result.stderr
        assert result.returncode in (1, 2) and "可能被清空" in said and "--from-sources" in said, command
    assert "共 0 个文档" in run(["ingest", "--list"], data).stdout  # the sample was not added
    assert run(["ingest", "--rebuild", "--from-sources"], data, **no_model).returncode == 0
    assert "任期五年" in run(["retrieval", "search", "政协委员每届任期几年"], data, **no_model).stdout


def test_damaged_vector_files_are_named_searched_around_and_repaired(tmp_path: Path) -> None:
    """Chroma's SQLite truncated: a fresh process could not even open it (and --rebuild failed on chromadb's
    cached half-started system)."""
    data = tmp_path / "data"
    write_files(tmp_path / "lib", {"law.md": LIBRARY["law.md"]})
    assert run(["ingest", str(tmp_path / "lib"), "--quiet"], data).returncode == 0
    sqlite = data / "chroma" / "chroma.sqlite3"
    os.truncate(sqlite, sqlite.stat().st_size // 3)
    checked = run(["library", "check"], data)
    assert checked.returncode == 1 and "向量数据库" in checked.stdout and "已损坏" in checked.stdout
    searched = run(["retrieval", "search", "政协委员每届任期几年"], data)
    assert searched.returncode == 0 and "任期五年" in searched.stdout
    assert "python -m ingest --rebuild" in searched.stderr  # the dense leg is skipped, and that is said
    added = run(["ingest", str(tmp_path / "lib"), "--quiet"], data)
    assert added.returncode == 2 and "已损坏" in added.stderr
    for result in (checked, searched, added):
        assert "Traceback" not in result.stderr
    assert run(["ingest", "--rebuild"], data).returncode == 0
    assert run(["library", "check"], data).stdout.endswith("一切正常\n")

"""The writer under concurrent use and hostile names: two organizers at once, searches during an upload, a writer
killed with SIGKILL, names that must never become paths, and the question log's export."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import FARM, LAW, PROJECT, REPORT, write_files

from ingest.loaders import display_name
from library.questions import QuestionLog, export_xlsx
from library.service import Library, Upload
from retrieval.catalog import Catalog
from retrieval.kb import KnowledgeBase
from retrieval.settings import Settings
from retrieval.types import Answer


def test_two_organizers_uploading_at_once_both_succeed(library: Library, kb: KnowledgeBase) -> None:
    outcomes = []
    threads = [
        threading.Thread(target=lambda name, text: outcomes.append(library.add(name, text.encode())), args=args)
        for args in (("law.md", LAW), ("report.txt", REPORT))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o.status for o in outcomes) == ["added", "added"]
    assert len(kb.documents()) == 2 and kb.index.vectors.ids() == kb.catalog.chunk_ids()


def test_searches_during_an_upload_see_whole_documents_only(library: Library, kb: KnowledgeBase) -> None:
    library.add("farm.md", FARM.encode())
    big = "\n\n".join(f"第{n}条 政协委员应当参加第{n}次读书活动，并提交读书笔记。" for n in range(1, 400))
    done = threading.Event()
    partial: list[str] = []
    searches = [0]

    def search_until_done() -> None:
        while not done.is_set():
            for hit in kb.search("政协委员读书活动", k=20):
                record = kb.catalog.document(hit.chunk.doc_id)
                if record is None or len(kb.chunks_of(record.doc_id)) != record.n_chunks:
                    partial.append(hit.chunk.doc_id)
            searches[0] += 1

    searcher = threading.Thread(target=search_until_done)
    searcher.start()
    outcome = library.add("big.md", f"# 读书活动规定\n\n{big}".encode())
    done.set()
    searcher.join()
    assert outcome.status == "added" and searches[0] > 0
    assert partial == []
    assert kb.search("政协委员读书活动", k=1)[0].chunk.doc_id == outcome.doc_id


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("a/b/条例.md", "条例.md"),
        ("坏\x00名\x1b字.txt", "坏名字.txt"),
        ("长" * 200 + ".txt", display_name("长" * 200 + ".txt")),
    ],
)
def test_file_names_are_shown_never_used_as_paths(library: Library, settings: Settings, name: str, shown: str) -> None:
    outcome = library.add(name, LAW.encode() if name.endswith(".md") else FARM.encode())
    assert outcome.name == shown and outcome.status == "added" and len(shown) <= 120
    assert not (settings.data_dir.parent / "etc").exists()
    stored = {p.name for p in settings.sources_dir.rglob("*") if p.is_file()}
    assert stored == {outcome.doc_id, f"{outcome.doc_id}.json"}  # kept by content hash, never by name


def test_question_log_export_opens_with_openpyxl(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    log = QuestionLog(Catalog(tmp_path / "catalog.sqlite3"))
    first = log.record(Answer("政协委员每届任期几年？", "任期五年。[1]"), 12.5)
    log.record(Answer("怎样烤披萨？", "未在资料库中找到相关内容。", found=False, mode="none"), 8)
    log.rate(first, -1, "不完整")
    sheet = load_workbook(io.BytesIO(export_xlsx(log.find()))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "问题", "是否回答")
    assert [(r[1], r[2], r[6], r[7]) for r in rows[1:]] == [
        ("怎样烤披萨？", "未找到", None, None),  # empty cells
        ("政协委员每届任期几年？", "已回答", "👎", "不完整"),
    ]
    assert [q.question for q in log.unanswered()] == ["怎样烤披萨？", "政协委员每届任期几年？"]


@pytest.mark.slow
def test_a_writer_killed_mid_ingest_leaves_nothing_half_indexed(tmp_path: Path, tokenizer, embedder) -> None:
    folder = tmp_path / "lib"
    for n in range(40):
        write_files(folder, {f"doc{n:02d}.md": f"# 第{n}号文件\n\n" + LAW.replace("某市", f"第{n}市")})
    data = tmp_path / "data"
    env = {**os.environ, "SHUXIANG_DATA_DIR": str(data), "SHUXIANG_COMMIT_BATCH_CHUNKS": "20"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ingest", str(folder), "--quiet"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    catalog = Catalog(data / "catalog.sqlite3") if _wait_for(data / "catalog.sqlite3") else None
    deadline = time.monotonic() + 300
    while catalog is not None and catalog.document_count() < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    settings = Settings(data_dir=data)
    kb = KnowledgeBase(settings, tokenizer=tokenizer, embedder=embedder)
    for record in kb.documents():  # every visible document is whole
        assert len(kb.chunks_of(record.doc_id)) == record.n_chunks
    assert set(kb.index.lexical().state.chunk_ids) == kb.catalog.chunk_ids()
    visible_before = len(kb.documents())
    assert 0 < visible_before < 40
    writer = Library(settings, tokenizer=tokenizer, embedder=embedder)
    report = writer.add_many([Upload(p.name, p.read_bytes()) for p in sorted(folder.iterdir())])
    assert len(report.with_status("added")) == 40 - visible_before
    assert len(kb.documents()) == 40
    assert kb.index.vectors.ids() == kb.catalog.chunk_ids()  # the killed writer's orphans are gone


def _wait_for(path: Path, seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True

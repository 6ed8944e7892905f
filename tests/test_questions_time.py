"""Organizers read and filter members' questions in their own time zone; the log stores UTC (real SQLite catalog)."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from library.questions import QuestionFilter, QuestionLog, export_xlsx, local_time, time_zone
from retrieval.catalog import Catalog
from retrieval.types import Answer

LATE_EVENING_UTC = "2026-12-01T17:30:00+00:00"  # 2026-12-02 01:30 in Beijing


def test_a_question_asked_after_midnight_in_beijing_is_on_the_next_day(tmp_path: Path) -> None:
    log = QuestionLog(Catalog(tmp_path / "catalog.sqlite3"))
    question_id = log.record(Answer("政协委员每届任期几年？", "五年。"), 12)
    log.catalog.execute("UPDATE questions SET asked_at = :t WHERE id = :id", {"t": LATE_EVENING_UTC, "id": question_id})

    beijing = QuestionFilter(since="2026-12-02", until="2026-12-02", zone="Asia/Shanghai")
    assert [q.id for q in log.find(beijing)] == [question_id]
    assert log.find(QuestionFilter(since="2026-12-01", until="2026-12-01", zone="Asia/Shanghai")) == []
    assert [q.id for q in log.find(QuestionFilter(since="2026-12-01", until="2026-12-01"))] == [question_id]  # UTC

    zone = time_zone("Asia/Shanghai")
    assert local_time(LATE_EVENING_UTC, zone) == "2026-12-02 01:30"
    sheet = load_workbook(io.BytesIO(export_xlsx(log.find(), zone))).active
    assert sheet.cell(row=2, column=1).value == "2026-12-02 01:30"


def test_an_unknown_zone_falls_back_to_beijing_time() -> None:
    assert local_time(LATE_EVENING_UTC, time_zone("Mars/Olympus")) == "2026-12-02 01:30"

"""The question log keeps whether an answer was doubtful (shown 仅供参考), as a schema-versioned column: a new
log has it, an old one gains it with its rows kept; 存疑（仅供参考） lists those answers for organizers."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from openpyxl import load_workbook

from library.questions import OUTSIDE_FILTER, QUESTIONS_SCHEMA, SCHEMA, QuestionFilter, QuestionLog, export_xlsx
from retrieval.answer import LOW_CONFIDENCE, NO_ANSWER
from retrieval.catalog import Catalog
from retrieval.db import Schema
from retrieval.types import Answer

SURE = Answer("政协委员每届任期几年？", "第三条 政协委员每届任期五年。[1]")
DOUBTFUL = Answer("手机怎么设置静音？", "第六条 委员工作室应当定期开展协商议政活动。[1]", notices=(LOW_CONFIDENCE,))
REFUSED = Answer("怎么申请公租房？", NO_ANSWER, found=False, mode="none", notices=(LOW_CONFIDENCE,))


def test_record_reads_doubt_from_the_answers_notices(tmp_path: Path) -> None:
    log = QuestionLog(Catalog(tmp_path / "catalog.sqlite3"))
    for answer in (SURE, DOUBTFUL, REFUSED):
        log.record(answer, 10)
    log.record(DOUBTFUL, 10, outside_filter=True)
    rows = {(q.question, q.outside_filter): q for q in log.find()}
    assert [(q.doubtful, q.outcome) for q in rows.values()] == [
        (True, "已回答（所选文件外，存疑）"),
        (False, "未找到"),  # a refusal is 未找到, whatever its notices
        (True, "已回答（存疑）"),
        (False, "已回答"),
    ]


def test_doubtful_answers_are_listed_beside_the_unanswered_and_counted_once(tmp_path: Path) -> None:
    log = QuestionLog(Catalog(tmp_path / "catalog.sqlite3"))
    sure, doubtful, refused = (log.record(a, 10) for a in (SURE, DOUBTFUL, REFUSED))
    later = log.record(Answer("怎么申请公租房？", "第一条 为了规范政协委员履职。[1]", notices=(LOW_CONFIDENCE,)), 10)
    assert [q.id for q in log.unanswered()] == [refused]
    assert [q.id for q in log.doubtful()] == [later, doubtful]
    assert [q.id for q in log.find(QuestionFilter(doubtful_only=True))] == [later, doubtful]
    log.rate(later, -1)  # 👎 on a doubtful answer: it moves to 未解答问题, not listed twice
    assert [q.id for q in log.unanswered()] == [later, refused] and [q.id for q in log.doubtful()] == [doubtful]
    assert sure not in {q.id for q in (*log.unanswered(), *log.doubtful())}


def test_the_export_says_which_answers_were_doubtful(tmp_path: Path) -> None:
    log = QuestionLog(Catalog(tmp_path / "catalog.sqlite3"))
    for answer in (SURE, DOUBTFUL):
        log.record(answer, 10)
    sheet = load_workbook(io.BytesIO(export_xlsx(log.find()))).active
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["已回答（存疑）", "已回答"]


def test_a_question_log_made_before_schema_versions_gains_both_columns(tmp_path: Path) -> None:
    """A questions table from before schema_versions (version 1): its rows stay, the new columns are added."""
    path = tmp_path / "catalog.sqlite3"
    Catalog(path).close()
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE questions (id INTEGER PRIMARY KEY AUTOINCREMENT, asked_at TEXT NOT NULL, question TEXT NOT NULL,"
        " answer TEXT NOT NULL, found INTEGER NOT NULL, mode TEXT NOT NULL, doc_ids TEXT NOT NULL DEFAULT '[]',"
        " titles TEXT NOT NULL DEFAULT '[]', chunk_ids TEXT NOT NULL DEFAULT '[]', latency_ms INTEGER NOT NULL"
        " DEFAULT 0, user_name TEXT NOT NULL DEFAULT '', rating INTEGER CHECK (rating IN (-1, 1)),"
        " comment TEXT NOT NULL DEFAULT '');"
        "INSERT INTO questions(asked_at, question, answer, found, mode) VALUES ('2026-01-01', '旧问题', '', 1, 'x');"
    )
    conn.commit()
    conn.close()
    old = QuestionLog(Catalog(path))
    [row] = old.find()
    assert (row.question, row.outside_filter, row.doubtful, row.outcome) == ("旧问题", False, False, "已回答")
    versions = {r["component"]: r["version"] for r in old.catalog.execute("SELECT * FROM schema_versions")}
    assert versions["questions"] == QUESTIONS_SCHEMA.version == 3


def test_a_version_2_question_log_gains_the_doubtful_column(tmp_path: Path) -> None:
    """A log the previous release made (version 2, with outside_filter): its rows and flags stay."""
    path = tmp_path / "catalog.sqlite3"
    catalog = Catalog(path)
    catalog.db.migrate(Schema("questions", SCHEMA + OUTSIDE_FILTER, (SCHEMA, OUTSIDE_FILTER)))
    catalog.execute(
        "INSERT INTO questions(asked_at, question, answer, found, mode, outside_filter) "
        "VALUES ('2026-01-01T00:00:00+00:00', '旧问题', '任期五年。', 1, 'extractive', 1)"
    )
    catalog.close()
    log = QuestionLog(Catalog(path))
    [row] = log.find()
    assert (row.question, row.outside_filter, row.doubtful) == ("旧问题", True, False)
    assert row.outcome == "已回答（所选文件外）"
    log.record(DOUBTFUL, 10)  # the new column is written from now on
    assert [q.doubtful for q in log.find()] == [True, False]
    versions = {r["component"]: r["version"] for r in log.catalog.execute("SELECT * FROM schema_versions")}
    assert versions["questions"] == 3

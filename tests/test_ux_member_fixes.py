"""Defects a walkthrough found, through AppTest on the real app (real catalog, search and question log):
a filtered question answered elsewhere in the library, a refusal hint that names the filter by its label,
a thumb click stored without 提交反馈, and document times in the organizers' zone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import LIBRARY, PROJECT, write_files
from streamlit.testing.v1 import AppTest

from library.questions import QUESTIONS_SCHEMA, QuestionLog
from library.roles import User
from library.users import UserStore
from retrieval.answer import NO_ANSWER
from retrieval.catalog import Catalog

pytestmark = pytest.mark.slow
APP = str(PROJECT / "app.py")
TERM_QUESTION = "政协委员每届任期几年？"  # answered by law.md only
PIZZA = "怎样烤制意大利披萨饼？"  # answered nowhere


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_files(tmp_path / "corpus", LIBRARY)
    monkeypatch.setenv("SHUXIANG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SHUXIANG_CORPUS_DIR", str(tmp_path / "corpus"))
    for name in ("SHUXIANG_LLM_BASE_URL", "SHUXIANG_LLM_MODEL", "SHUXIANG_LLM_API_KEY", "SHUXIANG_MEMBERS_MUST_LOGIN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SHUXIANG_TIMEZONE", "Asia/Shanghai")
    return tmp_path / "data"


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def start() -> AppTest:
    return run(AppTest.from_file(APP, default_timeout=180))


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question)
    return run(at)


def only_farm(at: AppTest) -> AppTest:
    farm = next(o for o in at.multiselect[0].options if "乡村振兴" in o)
    at.multiselect[0].select(farm)
    return run(at)


def answers(at: AppTest) -> list[str]:
    return [h.value for h in at.html if 'class="sx-answer"' in h.value]


def log(data_dir: Path) -> QuestionLog:
    return QuestionLog(Catalog(data_dir / "catalog.sqlite3"))


def test_a_filtered_question_answered_elsewhere_gets_that_answer_and_is_not_unanswered(data_dir: Path) -> None:
    at = ask(only_farm(start()), TERM_QUESTION)
    infos = [i.value for i in at.info]
    assert any(i.startswith("所选文件中没有找到") and "其他资料" in i for i in infos), infos
    assert not any(i.startswith(NO_ANSWER) for i in infos)  # no refusal for what the library holds
    assert "任期五年" in answers(at)[0]
    assert any("某市政协委员履职条例" in h.value for h in at.html if 'class="sx-citation"' in h.value)

    record = log(data_dir).find()[0]
    assert (record.question, record.found, record.outside_filter) == (TERM_QUESTION, True, True)
    assert record.titles == ("某市政协委员履职条例",) and record.outcome == "已回答（所选文件外）"
    assert log(data_dir).unanswered() == []  # organizers are not sent looking for it

    at = run(at)  # the turn re-rendered from history keeps its explanation
    assert any(i.value.startswith("所选文件中没有找到") for i in at.info)


def test_a_filtered_question_the_whole_library_cannot_answer_is_refused_with_a_hint_by_label(data_dir: Path) -> None:
    at = ask(only_farm(start()), PIZZA)
    refusal = at.info[-1].value
    assert refusal.startswith(NO_ANSWER) and not any(i.value.startswith("所选文件中没有找到") for i in at.info)
    # the hint names the filter as the member sees it, wherever the layout puts it (a phone hides the sidebar)
    assert "左侧" not in refusal and f"“{at.multiselect[0].label}”" in refusal
    record = log(data_dir).find()[0]
    assert (record.found, record.outside_filter, record.outcome) == (False, False, "未找到")
    assert [q.question for q in log(data_dir).unanswered()] == [PIZZA]


def test_a_thumb_click_alone_is_stored_and_a_later_comment_updates_the_same_row(data_dir: Path) -> None:
    at = ask(start(), TERM_QUESTION)
    at.feedback[0].set_value(0)  # 👎, and the member moves on
    run(at)
    [record] = log(data_dir).find()
    assert (record.rating, record.comment) == (-1, "")
    assert [q.id for q in log(data_dir).unanswered()] == [record.id]

    at.feedback[0].set_value(1)  # changed their mind
    run(at)
    assert log(data_dir).find()[0].rating == 1
    at.text_input[0].set_value("回答准确")
    next(b for b in at.button if str(b.key).startswith("send-")).click()
    run(at)
    assert [(q.id, q.rating, q.comment) for q in log(data_dir).find()] == [(record.id, 1, "回答准确")]


def test_document_and_question_times_are_in_the_same_zone(data_dir: Path) -> None:
    ask(start(), TERM_QUESTION)
    catalog = Catalog(data_dir / "catalog.sqlite3")
    catalog.execute("UPDATE documents SET added_at = '2026-12-01T15:56:00+00:00'")
    catalog.execute("UPDATE questions SET asked_at = '2026-12-01T15:56:00+00:00'")
    log(data_dir).rate(log(data_dir).find()[0].id, -1)  # listed in 未解答问题, which has no date range
    UserStore(catalog).add("zhang", "organizer", "correct-horse-1")
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["user"] = User("zhang", "organizer")
    at.switch_page("ui/library.py")
    run(at)
    frames = [df.value for df in at.dataframe]
    added = next(f for f in frames if "入库时间" in f.columns)["入库时间"].tolist()
    asked = next(f for f in frames if "时间" in f.columns)["时间"].tolist()  # 未解答问题 comes first
    assert set(added) == {"2026-12-01 23:56"} and asked == ["2026-12-01 23:56"]  # Asia/Shanghai, not 15:56 UTC


def test_a_question_log_made_before_the_outside_filter_column_gains_it(tmp_path: Path) -> None:
    """A questions table from before schema_versions (version 1): its rows stay, the new column is added."""
    path = tmp_path / "catalog.sqlite3"
    Catalog(path).close()
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE questions (id INTEGER PRIMARY KEY AUTOINCREMENT, asked_at TEXT NOT NULL, question TEXT NOT NULL,"
        " answer TEXT NOT NULL, found INTEGER NOT NULL, mode TEXT NOT NULL, doc_ids TEXT NOT NULL DEFAULT '[]',"
        " titles TEXT NOT NULL DEFAULT '[]', chunk_ids TEXT NOT NULL DEFAULT '[]', latency_ms INTEGER NOT NULL"
        " DEFAULT 0, user_name TEXT NOT NULL DEFAULT '', rating INTEGER CHECK (rating IN (-1, 1)),"
        " comment TEXT NOT NULL DEFAULT '');"
        "INSERT INTO questions(asked_at, question, answer, found, mode) VALUES ('2026-01-01', '旧问题', '', 0, 'none');"
    )
    conn.commit()
    conn.close()
    old = QuestionLog(Catalog(path))
    [row] = old.find()
    assert (row.question, row.outside_filter, row.outcome) == ("旧问题", False, "未找到")
    versions = {r["component"]: r["version"] for r in old.catalog.execute("SELECT * FROM schema_versions")}
    assert versions["questions"] == QUESTIONS_SCHEMA.version  # every migration since, the column among them

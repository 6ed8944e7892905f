"""The Streamlit app through streamlit.testing.v1.AppTest: real knowledge base, temporary data dir per test.

The model and jieba load once per process (st.cache_resource); each test builds its own small library.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import LIBRARY, PROJECT, write_files
from streamlit.testing.v1 import AppTest
from test_llm_server import FakeChatServer, obedient_model

from library.questions import QuestionLog
from library.service import Library
from retrieval.answer import NO_ANSWER
from retrieval.catalog import Catalog
from retrieval.settings import Settings

pytestmark = pytest.mark.slow
APP = str(PROJECT / "app.py")
SEED_TITLE = "关于全市政协系统党的建设工作的调研报告"
QUESTION = "政协党组如何发挥领导作用？"
HOSTILE = """委员学习须知

第一条 委员应当认真学习宪法和政协章程。<script>alert(1)</script> **加粗**
<img src=x onerror=alert(2)> [链接](javascript:alert(3))

第二条 委员应当按时参加读书活动。
"""


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings() inside the app reads these: a fresh data dir, the bundled corpus, no LLM."""
    monkeypatch.setenv("SHUXIANG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SHUXIANG_CORPUS_DIR", str(PROJECT / "corpus"))
    for name in ("SHUXIANG_LLM_BASE_URL", "SHUXIANG_LLM_MODEL", "SHUXIANG_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


def start(timeout: float = 180) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout).run()
    assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def htmls(at: AppTest, css_class: str) -> list[str]:
    return [h.value for h in at.html if f'class="{css_class}"' in h.value]


def test_empty_index_is_built_from_corpus_then_a_question_gets_cited_passages(data_dir: Path) -> None:
    at = start()
    assert Catalog(data_dir / "catalog.sqlite3").documents()[0].title == SEED_TITLE
    assert QUESTION in [b.label for b in at.button]  # example questions for a first-time member
    ask(at, QUESTION)
    answer = htmls(at, "sx-answer")[0]
    assert re.search(r'<sup class="sx-ref"[^>]*>\[1\]</sup>', answer)
    citations = htmls(at, "sx-citation")
    assert citations and all(f"《{SEED_TITLE}》" in c for c in citations)
    assert "一、经验做法" in citations[0] and '<mark class="sx-support"' in citations[0]
    assert '<b class="sx-term"' in citations[0]  # the question's terms
    assert [e.label for e in at.expander] == ["查看上下文"] * len(citations)
    assert at.expander[0].children and "sx-context" in at.expander[0].children[0].value
    assert at.caption[0].value.startswith("摘录式回答")


def test_example_question_button_asks_it(data_dir: Path) -> None:
    at = start()
    at.button(key="example-1").click().run()
    assert at.chat_message[0].children[0].value == "如何加强政协委员的教育管理？"
    assert htmls(at, "sx-citation")


def test_unrelated_question_is_refused_plainly(data_dir: Path) -> None:
    at = ask(start(), "怎样烤制意大利披萨饼？")
    assert at.info[0].value.startswith(NO_ANSWER) and "换个说法" in at.info[0].value
    assert not htmls(at, "sx-answer") and not htmls(at, "sx-citation")


def test_feedback_is_stored_with_question_answer_and_cited_chunks(data_dir: Path) -> None:
    at = ask(start(), QUESTION)
    at.feedback[0].set_value(0).run()  # 👎
    at.text_input[0].set_value("引用的段落不完整")
    next(b for b in at.button if str(b.key).startswith("send-")).click().run()
    assert any("已收到您的反馈" in c.value for c in at.main.caption)
    record = QuestionLog(Catalog(data_dir / "catalog.sqlite3")).find()[0]
    assert (record.question, record.rating, record.mode, record.found) == (QUESTION, -1, "extractive", True)
    assert record.comment == "引用的段落不完整"
    assert record.answer and record.chunk_ids and record.titles == (SEED_TITLE,)
    assert len(record.chunk_ids) == len(htmls(at, "sx-citation"))
    assert record.user_name == "" and record.latency_ms > 0  # anonymous members leave no identity


def test_document_text_is_shown_as_text(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(tmp_path / "corpus", {"rules.txt": HOSTILE})
    monkeypatch.setenv("SHUXIANG_CORPUS_DIR", str(tmp_path / "corpus"))
    at = ask(start(), "委员应当认真学习什么？")
    shown = "".join(htmls(at, "sx-answer") + htmls(at, "sx-citation"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "&lt;img src=x onerror=alert(2)&gt;" in shown
    assert "**加粗**" in shown and "[链接](javascript:alert(3))" in shown  # st.html renders no Markdown
    assert "<script" not in shown and "<img" not in shown


def test_document_filter_limits_the_search(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(tmp_path / "corpus", LIBRARY)
    monkeypatch.setenv("SHUXIANG_CORPUS_DIR", str(tmp_path / "corpus"))
    at = ask(start(), "政协委员每届任期几年？")
    assert "任期五年" in htmls(at, "sx-answer")[0]
    farm = next(o for o in at.multiselect[0].options if "乡村振兴" in o)
    at.multiselect[0].select(farm).run()
    ask(at, "政协委员每届任期几年？")
    # the chosen document holds no answer: the member is told so, then gets the whole library's
    assert at.info[-1].value.startswith("所选文件中没有找到")
    assert "任期五年" in htmls(at, "sx-answer")[-1]


def test_library_without_documents_says_what_to_do(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("SHUXIANG_CORPUS_DIR", str(tmp_path / "empty"))
    at = start()
    assert "资料库还是空的" in at.info[0].value and not at.chat_input


def test_a_library_emptied_later_is_not_rebuilt_from_corpus(data_dir: Path) -> None:
    start()
    writer = Library(Settings(), embedder=None)
    writer.remove([d.doc_id for d in writer.documents()])  # what 资料库管理 does when organizers remove everything
    at = start()
    assert "资料库还是空的" in at.info[0].value


def test_llm_answer_is_checked_and_cited(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeChatServer(lambda m: obedient_model(m) + "这句没有出处。").running() as server:
        monkeypatch.setenv("SHUXIANG_LLM_BASE_URL", server.url)
        monkeypatch.setenv("SHUXIANG_LLM_MODEL", "fake")
        at = ask(start(), QUESTION)
    answer = htmls(at, "sx-answer")[0]
    assert "[1]" in answer and "这句没有出处" not in answer
    assert at.caption[0].value.startswith("大模型回答")
    assert "已删去大模型回答中 1 句没有标注出处的内容" in htmls(at, "sx-notices")[0]
    assert htmls(at, "sx-citation") and server.requests


def test_llm_timeout_falls_back_and_says_why(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeChatServer(obedient_model, delay=3.0).running() as server:
        monkeypatch.setenv("SHUXIANG_LLM_BASE_URL", server.url)
        monkeypatch.setenv("SHUXIANG_LLM_MODEL", "fake")
        monkeypatch.setenv("SHUXIANG_LLM_TIMEOUT", "0.5")
        at = ask(start(), QUESTION)
    assert "大模型服务不可用（等待超过 0.5 秒），已改用摘录式回答" in htmls(at, "sx-notices")[0]
    assert at.caption[0].value.startswith("摘录式回答") and htmls(at, "sx-citation")

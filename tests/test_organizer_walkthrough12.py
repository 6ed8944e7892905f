"""Walkthrough 12, through the real app (AppTest; the last test in Chromium): organizers see the answers members got
marked 仅供参考 (委员提问 → 存疑（仅供参考）), the file picker states the library's real size limit, and 重新解析入库
reports 已重新解析（N 段）, not 已替换."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import LIBRARY, PROJECT, write_files
from streamlit.testing.v1 import AppTest

from eval.browser import CHROMIUM, ask_in_browser, chromium_page, streamlit_app
from library.questions import QuestionLog
from library.roles import User
from library.users import UserStore
from retrieval.answer import LOW_CONFIDENCE, NO_ANSWER
from retrieval.catalog import Catalog
from retrieval.settings import Settings

pytestmark = pytest.mark.slow
APP = str(PROJECT / "app.py")
PASSWORD = "correct-horse-1"
SURE = "政协委员每届任期几年？"  # law.md 第三条
DOUBTFUL = "乡村振兴的粮食收购价格是多少？"  # farm.md states 粮食产量, no 价格: answered 仅供参考
REFUSED = "怎样烤制意大利披萨饼？"
ORGANIZER = User("zhang", "organizer")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_files(tmp_path / "corpus", LIBRARY)
    monkeypatch.setenv("SHUXIANG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SHUXIANG_CORPUS_DIR", str(tmp_path / "corpus"))
    for name in ("SHUXIANG_LLM_BASE_URL", "SHUXIANG_LLM_MODEL", "SHUXIANG_LLM_API_KEY", "SHUXIANG_MEMBERS_MUST_LOGIN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("SHUXIANG_MAX_UPLOAD_MB", raising=False)
    return tmp_path / "data"


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def member_page() -> AppTest:
    return run(AppTest.from_file(APP, default_timeout=180))


def organizer_page(data_dir: Path) -> AppTest:
    users = UserStore(Catalog(data_dir / "catalog.sqlite3"))
    if users.get(ORGANIZER.name) is None:
        users.add(ORGANIZER.name, "organizer", PASSWORD)
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["user"] = ORGANIZER
    at.switch_page("ui/library.py")
    return run(at)


def table_after(at: AppTest, heading: str) -> list[dict]:
    """The rows of the table that follows the markdown heading starting with `heading` on the page."""
    shown = [e for e in at.main.children.values()]  # the page's blocks in order; tabs hold the tables
    flat: list = []

    def walk(node) -> None:
        flat.append(node)
        for child in getattr(node, "children", {}).values():
            walk(child)

    for node in shown:
        walk(node)
    start = next(i for i, e in enumerate(flat) if e.type == "markdown" and e.value.startswith(f"#### {heading}"))
    frame = next(e for e in flat[start:] if e.type == "dataframe")
    return frame.value.to_dict("records")


def heading(at: AppTest, start: str) -> str:
    return next(m.value for m in at.markdown if m.value.startswith(f"#### {start}"))


def test_doubtful_answers_are_logged_and_shown_to_organizers(data_dir: Path) -> None:
    at = member_page()
    for question in (SURE, DOUBTFUL, REFUSED):
        at.chat_input[0].set_value(question)
        run(at)
    # what the member saw: one answer marked 仅供参考
    assert [LOW_CONFIDENCE in h.value for h in at.html if 'class="sx-notices"' in h.value] == [True]
    logged = {q.question: q for q in QuestionLog(Catalog(data_dir / "catalog.sqlite3")).find()}
    assert [(logged[q].found, logged[q].doubtful) for q in (SURE, DOUBTFUL, REFUSED)] == [
        (True, False),
        (True, True),
        (False, False),
    ]

    at = organizer_page(data_dir)
    assert heading(at, "未解答问题") == "#### 未解答问题（1）"
    assert [(r["问题"], r["结果"]) for r in table_after(at, "未解答问题")] == [(REFUSED, "未找到")]
    assert heading(at, "存疑") == "#### 存疑（仅供参考）（1）"
    assert [(r["问题"], r["结果"]) for r in table_after(at, "存疑")] == [(DOUBTFUL, "已回答（存疑）")]
    everything = {r["问题"]: r["结果"] for r in table_after(at, "全部提问")}
    assert everything == {SURE: "已回答", DOUBTFUL: "已回答（存疑）", REFUSED: "未找到"}
    # 最常引用的资料 counts the answers, not the unrelated article a 仅供参考 answer cited
    assert [r["资料"] for r in table_after(at, "最常引用的资料")] == ["某市政协委员履职条例"]

    at.checkbox(key="questions_doubtful").check()
    run(at)
    assert [r["问题"] for r in table_after(at, "全部提问")] == [DOUBTFUL]


def test_a_thumbs_down_on_a_doubtful_answer_moves_it_to_the_unanswered(data_dir: Path) -> None:
    at = member_page()
    at.chat_input[0].set_value(DOUBTFUL)
    run(at)
    at.feedback[0].set_value(0)  # 👎
    run(at)
    at = organizer_page(data_dir)
    assert [(r["问题"], r["结果"], r["评价"]) for r in table_after(at, "未解答问题")] == [
        (DOUBTFUL, "已回答（存疑）", "👎")
    ]
    assert heading(at, "存疑") == "#### 存疑（仅供参考）（0）"


def uploader(at: AppTest):
    [picker] = at.get("file_uploader")
    return picker.proto


@pytest.mark.parametrize("configured", [None, "7"])
def test_the_file_picker_states_the_settings_limit(data_dir: Path, monkeypatch, configured: str | None) -> None:
    if configured:
        monkeypatch.setenv("SHUXIANG_MAX_UPLOAD_MB", configured)
    limit = Settings().max_upload_mb
    assert limit == (int(configured) if configured else 100)
    at = organizer_page(data_dir)
    assert uploader(at).max_upload_size_mb == limit  # the picker's “Limit … per file” (Streamlit's default: 200)
    assert any(c.value == f"每个文件不超过 {limit} MB（.zip 包中的每个文件也是）。" for c in at.caption)


def test_reindexing_reports_reparsed_not_replaced(data_dir: Path) -> None:
    at = organizer_page(data_dir)
    law = next(o for o in at.selectbox(key="doc_chosen").options if o == "某市政协委员履职条例")
    at.selectbox(key="doc_chosen").set_value(
        next(d.doc_id for d in Catalog(data_dir / "catalog.sqlite3").documents() if d.title == law)
    )
    run(at)
    next(b for b in at.button if b.label == "重新解析入库").click()
    run(at)
    deadline = time.monotonic() + 120
    while not at.success and time.monotonic() < deadline:
        time.sleep(0.5)
        run(at)
    lines = [s.value for s in at.success]
    assert lines and lines[0].startswith("**law.md** — 已重新解析（") and lines[0].endswith(" 段）"), lines
    statuses = [e for e in at.status if e.label.startswith("已重新解析（")]
    bars = [p.proto.text for p in at.get("progress")]
    assert statuses and bars and all("已重新解析（" in b for b in bars), (statuses, bars)
    assert not any("已替换" in str(e) for e in (*lines, *bars, *(s.label for s in statuses)))
    titles = [d.title for d in Catalog(data_dir / "catalog.sqlite3").documents()]
    assert titles.count("某市政协委员履职条例") == 1


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed (apt-get install chromium)")
def test_the_walkthrough_in_chromium(tmp_path: Path) -> None:
    """The app as the README starts it (python -m ui.serve): what the organizer reads in a real browser."""
    write_files(tmp_path / "corpus", LIBRARY)
    data = tmp_path / "data"
    env = {"SHUXIANG_DATA_DIR": str(data), "SHUXIANG_CORPUS_DIR": str(tmp_path / "corpus")}
    artifacts = PROJECT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with streamlit_app(env, artifacts / "browser-walkthrough12-streamlit.log") as (url, _), chromium_page() as page:
        page.set_default_timeout(30_000)
        page.goto(url)
        ask_in_browser(page, DOUBTFUL, turn=0)
        page.get_by_text(LOW_CONFIDENCE).wait_for()
        ask_in_browser(page, REFUSED, turn=1)
        page.get_by_text(NO_ANSWER).first.wait_for()

        UserStore(Catalog(data / "catalog.sqlite3")).add("管理员", "organizer", PASSWORD)
        page.goto(f"{url}/library")
        page.get_by_label("用户名").fill("管理员")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("tab", name="上传资料").wait_for()
        dropzone = page.locator('[data-testid="stFileUploaderDropzone"]')
        assert "100MB" in dropzone.inner_text() and "200MB" not in dropzone.inner_text()
        page.get_by_text("每个文件不超过 100 MB").wait_for()

        page.get_by_role("tab", name="文档列表").click()
        page.get_by_label("查看或管理文档").click()
        page.get_by_role("option", name="某市政协委员履职条例").click()
        documents = page.get_by_role("tabpanel", name="文档列表")
        documents.get_by_text("《某市政协委员履职条例》的").wait_for()
        page.get_by_role("button", name="重新解析入库").click()
        documents.get_by_text("law.md — 已重新解析（").wait_for(timeout=120_000)
        assert "已替换" not in documents.inner_text()

        page.get_by_role("tab", name="委员提问").click()
        questions = page.get_by_role("tabpanel", name="委员提问")
        questions.get_by_text("存疑（仅供参考）（1）").wait_for()
        page.screenshot(path=str(artifacts / "browser-walkthrough12.png"), full_page=True)
        # the tables are drawn on a canvas (their rows are checked through AppTest above): the headings' counts
        assert "未解答问题（1）" in questions.inner_text()
        assert questions.locator('[data-testid="stDataFrame"]').count() == 5

"""The real app in Chromium: a trainer builds a quiz (a refused edit said in view, beside the save button of a long
item too), saves it, a member takes it and gets the score."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import PROJECT
from quiz_library import build_library

from eval.browser import CHROMIUM, chromium_page, streamlit_app
from library.users import UserStore

ARTIFACTS = PROJECT / "test-artifacts"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed (apt-get install chromium)"),
]


PASSWORD = "trainer-pass-1"
REFUSALS = '[data-testid="stAlert"]'  # a refusal is said above the item and beside its save button


def login_in_browser(page, name: str, password: str) -> None:
    """The login form of ui/auth.py."""
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def refuse_an_edit_in_view(page) -> None:
    """A refused edit is said at once, without reopening the item (it used to hide in the collapsed item)."""
    item = page.locator('[data-testid="stExpander"]').filter(has_text="第 1 题 · 单选")
    item.locator("summary").click()
    options = item.get_by_label("选项（每行一个；判断、填空不填）")
    original = options.input_value()
    options.fill(original.splitlines()[0] + "\n" + original)  # a doubled option
    item.get_by_role("button", name="保存修改").click()
    refusal = page.locator(REFUSALS).filter(has_text="第 1 题修改未保存").first
    refusal.wait_for(timeout=30_000)
    assert refusal.is_visible()
    item = page.locator('[data-testid="stExpander"]').filter(has_text="（修改未保存）")
    item.get_by_role("button", name="放弃修改，恢复原题").click()  # in view: the item stayed open
    refusal.wait_for(state="detached", timeout=30_000)
    item = page.locator('[data-testid="stExpander"]').filter(has_text="第 1 题 · 单选")
    assert item.get_by_label("选项（每行一个；判断、填空不填）").input_value() == original


def trainer_library(tmp_path: Path, tokenizer) -> dict[str, str]:
    """The quiz library with a trainer; the environment the app reads it from."""
    kb = build_library(tmp_path, tokenizer)
    UserStore(kb.catalog).add("王老师", "trainer", PASSWORD)
    kb.close()
    ARTIFACTS.mkdir(exist_ok=True)
    return {"SHUXIANG_DATA_DIR": str(tmp_path / "data"), "SHUXIANG_EMBEDDING_MODEL": "none"}


def generate_single_choices(page, url: str) -> None:
    """Log in as the trainer and generate the rules' three 单选 items."""
    page.goto(f"{url}/quiz")
    login_in_browser(page, "王老师", PASSWORD)
    page.get_by_text("出题资料").wait_for(timeout=60_000)
    page.locator('[data-testid="stMultiSelect"]').first.click()
    page.get_by_role("option", name="信访事项办理规定").click()
    page.keyboard.press("Escape")
    for kind in ("多选", "判断", "填空"):
        box = page.locator(f'input[aria-label="{kind}题"]')
        box.fill("0")
        box.press("Enter")
    page.get_by_role("button", name="生成题目").click()
    page.get_by_text("已生成 3 题").wait_for(timeout=60_000)


def test_a_refusal_under_a_long_item_is_said_where_the_trainer_clicked(tmp_path: Path, tokenizer) -> None:
    """Walkthrough: on a laptop screen 保存修改 of an open item is far below the item's top, where the refusal was
    said alone; the trainer clicked and saw nothing happen."""
    from playwright.sync_api import expect

    env = trainer_library(tmp_path, tokenizer)
    log = ARTIFACTS / "browser-quiz-refusal-streamlit.log"
    with streamlit_app(env, log) as (url, _), chromium_page(height=700) as page:
        page.set_default_timeout(20_000)
        generate_single_choices(page, url)
        item = page.locator('[data-testid="stExpander"]').filter(has_text="第 1 题 · 单选")
        item.locator("summary").click()
        options = item.get_by_label("选项（每行一个；判断、填空不填）")
        original = options.input_value()
        options.fill(original.splitlines()[0] + "\n" + original)  # a doubled option
        options.blur()  # a focused field scrolls its caret into view a moment later, wherever one has scrolled to
        page.wait_for_timeout(500)
        item.get_by_role("button", name="保存修改").click()
        beside = item.locator(f'[data-testid="stForm"] {REFUSALS}').filter(has_text="第 1 题修改未保存")
        beside.wait_for(timeout=30_000)
        expect(beside).to_be_in_viewport()
        expect(page.locator('[data-testid="stToast"]').filter(has_text="第 1 题修改未保存")).to_be_in_viewport()
        above = page.locator(REFUSALS).filter(has_text="第 1 题修改未保存").first
        expect(above).not_to_be_in_viewport()  # the item is long: where the refusal used to be said alone
        expect(item.get_by_role("button", name="放弃修改，恢复原题")).to_be_in_viewport()
        page.screenshot(path=str(ARTIFACTS / "browser-quiz-refusal.png"))


def test_trainer_builds_saves_member_takes_and_scores(tmp_path: Path, tokenizer) -> None:
    env = trainer_library(tmp_path, tokenizer)
    with streamlit_app(env, ARTIFACTS / "browser-quiz-streamlit.log") as (url, _), chromium_page() as page:
        page.set_default_timeout(20_000)
        generate_single_choices(page, url)
        refuse_an_edit_in_view(page)
        page.get_by_label("试卷名称").fill("信访小测")
        page.get_by_label("试卷名称").press("Enter")
        page.get_by_role("button", name="保存试卷").click()
        page.get_by_text("已保存试卷「信访小测」").wait_for(timeout=30_000)

        page.goto(f"{url}/practice")
        page.get_by_role("tab", name="试卷练习").click()
        page.get_by_role("button", name="交卷").wait_for(timeout=60_000)
        page.get_by_role("radiogroup").first.locator("label").first.click()
        page.get_by_role("button", name="交卷").click()
        score = page.get_by_text(re.compile(r"得分：[0-3] / 3"))
        score.wait_for(timeout=30_000)  # a rerun renders the review; wait for the score line itself
        # The score line is drawn before the items' expanders: wait for a highlighted answer, don't count at once.
        highlighted = page.locator(".sx-quiz-source .sx-quiz-answer")
        highlighted.first.wait_for(timeout=30_000)
        assert highlighted.count() >= 1
        page.screenshot(path=str(ARTIFACTS / "browser-quiz.png"), full_page=True)

"""学习问答's 检索范围 in Chromium: two reports whose long titles differ only at the end must read differently,
in the chips and in the option list (Streamlit cut chips after about eight characters: walkthrough)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PROJECT, write_files

from eval.browser import CHAT_INPUT, CHROMIUM, chromium_page, streamlit_app

ARTIFACTS = PROJECT / "test-artifacts"
FIRST = "关于加强新时代市政协委员履职能力建设情况的调研报告（2023年度第一批）"
SECOND = "关于加强新时代市政协委员履职能力建设情况的调研报告（2024年度第二批）"
BODY = "一、基本情况\n\n委员履职能力建设稳步推进，{year}年共组织专题学习{n}次。\n"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed (apt-get install chromium)"),
]

# Text that does not fit its box: cut by an ellipsis or by the box's edge.
CUT = "e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1"


def test_long_titles_with_the_same_beginning_read_differently(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_files(
        corpus,
        {
            "2023.txt": FIRST + "\n\n" + BODY.format(year=2023, n=12),
            "2024.txt": SECOND + "\n\n" + BODY.format(year=2024, n=15),
        },
    )
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"SHUXIANG_DATA_DIR": str(tmp_path / "data"), "SHUXIANG_CORPUS_DIR": str(corpus)}
    with streamlit_app(env, ARTIFACTS / "browser-scope-streamlit.log") as (url, _), chromium_page(1280, 900) as page:
        page.set_default_timeout(30_000)
        page.goto(url)
        scope = page.locator(".st-key-doc_filter")
        scope.get_by_role("combobox").click()
        options = page.get_by_role("option")
        options.first.wait_for()
        shown = {options.nth(i).inner_text().strip(): options.nth(i) for i in range(options.count())}
        assert set(shown) == {FIRST, SECOND}  # no English “Select all” row either
        assert not any(option.locator("div").first.evaluate(CUT) for option in shown.values())
        page.screenshot(path=str(ARTIFACTS / "browser-scope-options.png"))
        for title in (FIRST, SECOND):
            page.keyboard.press("Escape")
            scope.get_by_role("combobox").click()
            page.get_by_role("option", name=title).click()
            scope.locator(f'[data-tag] > span[title="{title}"]').wait_for()
        page.keyboard.press("Escape")
        chips = scope.locator("[data-tag] > span[title]")
        assert chips.count() == 2
        assert not scope.get_by_test_id("stMultiSelectTagsContainer").evaluate(CUT)  # no chip scrolled out of sight
        for index in range(2):
            chip = chips.nth(index)
            assert not chip.evaluate(CUT), chip.get_attribute("title")  # the whole title shows
            assert chip.inner_text().replace("\n", "") == chip.get_attribute("title")
        page.screenshot(path=str(ARTIFACTS / "browser-scope-chips.png"))


def test_a_bookmark_of_the_ask_page_opens_it(tmp_path: Path) -> None:
    """学习问答 is the default page, served at /: its own path /ask showed Streamlit's “Page not found” dialog
    (walkthrough, session 13)."""
    corpus = tmp_path / "corpus"
    write_files(corpus, {"2023.txt": FIRST + "\n\n" + BODY.format(year=2023, n=12)})
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"SHUXIANG_DATA_DIR": str(tmp_path / "data"), "SHUXIANG_CORPUS_DIR": str(corpus)}
    with streamlit_app(env, ARTIFACTS / "browser-ask-bookmark.log") as (url, _), chromium_page() as page:
        page.set_default_timeout(30_000)
        page.goto(f"{url}/ask")
        page.locator(CHAT_INPUT).wait_for()
        page.wait_for_timeout(1000)  # the dialog, when it comes, follows the first render
        assert page.get_by_text("Page not found").count() == 0
        assert page.get_by_role("heading", name="学习问答").count() >= 1

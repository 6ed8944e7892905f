"""The real app in a real browser: `python -m ui.serve` on a loopback port, driven through Debian's Chromium.

The screenshot is saved as a test artefact in test-artifacts/ (git-ignored) at the project root.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import PROJECT

from eval.browser import CHAT_INPUT, CHROMIUM, ask_in_browser, chromium_page, clear_conversation, streamlit_app

ARTIFACTS = PROJECT / "test-artifacts"
SEED_TITLE = "关于全市政协系统党的建设工作的调研报告"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed (apt-get install chromium)"),
]


def test_member_asks_and_sees_a_cited_passage(tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"SHUXIANG_DATA_DIR": str(tmp_path / "data"), "SHUXIANG_CORPUS_DIR": str(PROJECT / "corpus")}
    dialogs: list[str] = []
    with streamlit_app(env, ARTIFACTS / "browser-streamlit.log") as (url, _), chromium_page() as page:
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        started = time.perf_counter()
        page.goto(url)
        page.locator(CHAT_INPUT).wait_for(timeout=30_000)  # the server built the index before it listened
        first_visit = time.perf_counter() - started
        ask_in_browser(page, "政协党组如何发挥领导作用？", turn=0)
        citation = page.locator(".sx-citation").first
        citation.wait_for()
        assert f"《{SEED_TITLE}》" in citation.inner_text()
        assert citation.locator("mark.sx-support").count() >= 1
        assert page.locator(".sx-answer sup.sx-ref").count() >= 1
        page.get_by_text("查看上下文").first.click()
        page.locator(".sx-context").first.wait_for()
        page.wait_for_timeout(800)  # the expander's opening animation
        # Back to the top of the chat's scroll container: title, question, answer, first citation.
        page.locator('[data-testid="stAppScrollToBottomContainer"]').evaluate("el => el.scrollTo(0, 0)")
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / "browser-ask.png"), full_page=True)
        page.reload()  # a new Streamlit session: the conversation comes back from the server
        page.locator(".sx-answer").first.wait_for(timeout=30_000)
        assert "政协党组如何发挥领导作用？" in page.locator('[data-testid="stChatMessage"]').first.inner_text()
        clear_conversation(page)
        assert page.locator(".sx-answer").count() == 0
    assert not dialogs
    print(f"first visit to the chat box: {first_visit:.1f} s")

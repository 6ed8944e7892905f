"""The real app in a real browser: `streamlit run app.py` on a loopback port, driven through Debian's Chromium.

The screenshot is saved as a test artefact in test-artifacts/ (git-ignored) at the project root.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import PROJECT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = PROJECT / "test-artifacts"
CHAT_INPUT = '[data-testid="stChatInputTextArea"]'
ANSWER = '.sx-answer, [data-testid="stAlert"]'  # a cited answer, or the plain "not found" notice
FEEDBACK = '[data-testid="stFeedback"]'  # rendered last in a turn
SEED_TITLE = "关于全市政协系统党的建设工作的调研报告"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed (apt-get install chromium)"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def streamlit_app(env: dict[str, str], log: Path, startup: float = 120) -> Iterator[tuple[str, subprocess.Popen]]:
    """`streamlit run app.py` on a free loopback port; yields (url, process) once /_stcore/health answers."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    command += ["--server.fileWatcherType", "none"]
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=PROJECT, env={**os.environ, **env}, stdout=out, stderr=out)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, process, startup)
            yield url, process
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_healthy(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not start within {seconds} s")


@contextmanager
def chromium_page(width: int = 1280, height: int = 2000) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
            yield page
        finally:
            browser.close()


def ask_in_browser(page: object, question: str, turn: int, timeout_ms: int = 60_000) -> tuple[float, float]:
    """Type a question and press Enter; seconds until the answer shows, and until the turn is complete
    (its citations and feedback buttons rendered). `turn` counts the questions asked before on this page."""
    box = page.locator(CHAT_INPUT)
    box.fill(question)
    started = time.perf_counter()
    box.press("Enter")
    page.locator(ANSWER).nth(turn).wait_for(timeout=timeout_ms)
    shown = time.perf_counter() - started
    page.locator(FEEDBACK).nth(turn).wait_for(timeout=timeout_ms)
    return shown, time.perf_counter() - started


def test_member_asks_and_sees_a_cited_passage(tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"SHUXIANG_DATA_DIR": str(tmp_path / "data"), "SHUXIANG_CORPUS_DIR": str(PROJECT / "corpus")}
    dialogs: list[str] = []
    with streamlit_app(env, ARTIFACTS / "browser-streamlit.log") as (url, _), chromium_page() as page:
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(url)
        page.locator(CHAT_INPUT).wait_for(timeout=180_000)  # the first visit builds the index from corpus/
        seconds, _ = ask_in_browser(page, "政协党组如何发挥领导作用？", turn=0)
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
    assert not dialogs
    assert seconds < 30

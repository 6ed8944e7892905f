"""Drive the real app in Debian's Chromium: `python -m ui.serve` on a loopback port, Playwright, timings.

Shared by the browser tests and the Enter→answer benchmark (python -m eval browser).
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

PROJECT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
CHAT_INPUT = '[data-testid="stChatInputTextArea"]'
ANSWER = '.sx-answer, [data-testid="stAlert"]'  # a cited answer, or the plain "not found" notice
FEEDBACK = '[data-testid="stFeedback"]'  # rendered last in a turn


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def streamlit_app(env: dict[str, str], log: Path, startup: float = 300) -> Iterator[tuple[str, subprocess.Popen]]:
    """`python -m ui.serve` (the README's way: warm first, then serve) on a free loopback port; yields
    (url, process) once /_stcore/health answers."""
    port = free_port()
    command = [sys.executable, "-m", "ui.serve", "--host", "127.0.0.1", "--port", str(port)]
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
            # a context of its own, so a test can open more tabs of the same browser (cookies shared)
            context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
            page = context.new_page()
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


def clear_conversation(page: object, timeout_ms: int = 15_000) -> None:
    """清空对话, then wait until no turn is left in the DOM: Streamlit shows the welcome while its rerun is still
    replacing the old elements, so a question asked then would find the old answer as its own."""
    page.get_by_role("button", name="清空对话").click()
    page.get_by_text("试试这些问题").wait_for(timeout=timeout_ms)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stChatMessage\"]').length === 0", timeout=timeout_ms
    )

"""Two real API processes (uvicorn, `python -m api`) with their own data dirs, sharing one library through a real
PostgreSQL and a real `chroma run`: what one adds, replaces or removes, the other serves from its next request;
and the token made with the CLI against PostgreSQL works on both."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from conftest import LAW, PROJECT
from servers import free_port, http_ok, wait_until

pytestmark = pytest.mark.server
QUESTION = "政协委员每届任期几年？"
NEW_LAW = LAW.replace("每届任期五年", "每届任期六年")


def environment(data_dir: Path, database_url: str, chroma_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "SHUXIANG_DATA_DIR": str(data_dir),
        "SHUXIANG_DATABASE_URL": database_url,
        "SHUXIANG_CHROMA_URL": chroma_url,
    }


@contextmanager
def api_process(env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "api", "--host", "127.0.0.1", "--port", str(port), "--no-seed"],
            cwd=PROJECT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: process.poll() is None and http_ok(f"{url}/health"), 180, f"API ({log})")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def replicas(tmp_path: Path, database_url: str, chroma_url: str) -> Iterator[tuple[str, str, str]]:
    """(url of replica A, url of replica B, organizer token made with the CLI)."""
    env_a = environment(tmp_path / "a", database_url, chroma_url)
    made = subprocess.run(
        [sys.executable, "-m", "library", "token", "add", "portal"],
        cwd=PROJECT,
        env=env_a,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    env_b = environment(tmp_path / "b", database_url, chroma_url)
    with api_process(env_a, tmp_path / "a.log") as a, api_process(env_b, tmp_path / "b.log") as b:
        yield a, b, made.stdout.strip()


def ask(url: str) -> dict:
    response = httpx.post(f"{url}/ask", json={"question": QUESTION}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def said(answer: dict) -> str:
    return answer["answer"] + "".join(c["passage"] for c in answer["citations"])


def test_what_one_replica_writes_the_other_serves_at_once(replicas) -> None:
    a, b, token = replicas
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{b}/health").json()["database"] == "postgresql"
    assert httpx.get(f"{b}/health").json()["vectors"] == "server"
    assert not ask(b)["found"]  # B has loaded its (empty) generation before A writes

    added = httpx.post(f"{a}/documents", files={"file": ("law.md", LAW.encode())}, headers=auth, timeout=120)
    assert added.status_code == 201, added.text
    doc_id = added.json()["doc_id"]
    answer = ask(b)
    assert answer["found"] and "五年" in said(answer) and answer["citations"][0]["doc"] == doc_id
    assert [d["id"] for d in httpx.get(f"{b}/documents", timeout=60).json()] == [doc_id]
    loads = httpx.get(f"{b}/health").json()["loads"]  # B downloaded what A published, and built nothing
    assert loads.get("bm25 downloaded") and loads.get("bigram downloaded"), loads
    assert not any(how.endswith("built") for how in loads), loads

    new = httpx.put(f"{b}/documents/{doc_id}", files={"file": ("law.md", NEW_LAW.encode())}, headers=auth, timeout=120)
    assert new.status_code == 200, new.text
    for url in (a, b):
        answer = ask(url)
        assert "六年" in said(answer) and "五年" not in said(answer)

    assert httpx.delete(f"{a}/documents/{new.json()['doc_id']}", headers=auth, timeout=60).status_code == 200
    for url in (a, b):
        answer = ask(url)
        assert not answer["found"] and "任期" not in said(answer)
        assert httpx.post(f"{url}/search", json={"query": "委员任期"}, timeout=60).json()["hits"] == []

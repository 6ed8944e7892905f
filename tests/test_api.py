"""The HTTP API through FastAPI's TestClient over a real library (writer, catalog, BM25; no embedding model):
every endpoint, the token rules (401/403), bad input (404/413/422, never a 5xx), SSE from a real streaming
OpenAI-compatible server, quiz exports, and the token CLI."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import LAW, PROJECT
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from quiz_library import PETITIONS, RULES
from test_llm_server import FakeChatServer

from api.app import create_app
from api.services import Services, open_services
from library.tokens import TokenStore
from quiz.generate import Material, QuizGenerator, QuizRequest
from retrieval.settings import Settings
from retrieval.tokenizer import ChineseTokenizer
from retrieval.types import Answer

QUESTION = "政协委员每届任期几年？"
NEW_LAW = LAW.replace("每届任期五年", "每届任期六年")


def api_settings(data_dir: Path, **values: object) -> Settings:
    return Settings(data_dir=data_dir, embedding_model="none", **values)


@pytest.fixture
def services(tmp_path: Path, tokenizer: ChineseTokenizer) -> Services:
    opened = open_services(api_settings(tmp_path / "data", max_upload_mb=1), tokenizer=tokenizer, load_model=False)
    yield opened
    opened.close()


@pytest.fixture
def client(services: Services) -> TestClient:
    with TestClient(create_app(services)) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def organizer(services: Services) -> dict[str, str]:
    return bearer(services.tokens.add("portal", "organizer"))


def upload(client: TestClient, headers: dict, name: str, text: str, **params: object):
    return client.post("/documents", files={"file": (name, text.encode())}, headers=headers, params=params)


def test_health_and_openapi_docs(client: TestClient, organizer: dict[str, str]) -> None:
    health = client.get("/health").json()
    assert health == {
        "status": "ok",
        "documents": 0,
        "chunks": 0,
        "generation": 0,
        "database": "sqlite",
        "vectors": "none",
        "loads": {},
    }
    assert upload(client, organizer, "law.md", LAW).status_code == 201
    assert client.post("/ask", json={"question": QUESTION}).json()["found"]
    # the legs the writer published with the new generation, loaded: nothing built in the request
    assert client.get("/health").json()["loads"] == {"bm25 published": 1, "bigram published": 1}
    schema = client.get("/openapi.json").json()
    assert {"/ask", "/search", "/documents", "/documents/{doc_id}", "/quizzes", "/quizzes/{quiz_id}/export"} <= set(
        schema["paths"]
    )
    assert "bearer" in json.dumps(schema["components"]["securitySchemes"]).lower()
    assert "swagger-ui" in client.get("/docs").text


def test_upload_ask_replace_delete_through_the_writer(client: TestClient, organizer: dict) -> None:
    added = upload(client, organizer, "law.md", LAW)
    assert added.status_code == 201, added.text
    body = added.json()
    assert (body["status"], body["title"], body["label"]) == (
        "added",
        "某市政协委员履职条例",
        f"已入库（{body['chunks']} 段）",
    )
    assert body["chunks"] > 0
    doc_id = body["doc_id"]

    answer = client.post("/ask", json={"question": QUESTION})
    assert answer.status_code == 200
    data = answer.json()
    from retrieval.__main__ import answer_json

    assert set(data) == {*answer_json(Answer("问", "答")), "outside_filter"}  # retrieval ask --json's, and one
    assert data["outside_filter"] is False  # not asked of chosen documents
    assert data["found"] and "五年" in data["answer"] and data["citations"][0]["doc"] == doc_id
    assert int(answer.headers["X-Question-Id"]) >= 1

    again = upload(client, organizer, "law-copy.md", LAW)
    assert (again.status_code, again.json()["status"]) == (200, "exists")
    conflict = upload(client, organizer, "law-v2.md", NEW_LAW)
    assert (conflict.status_code, conflict.json()["status"]) == (409, "conflict")
    assert "同名" in conflict.json()["reason"]

    replaced = client.put(f"/documents/{doc_id}", files={"file": ("law-v2.md", NEW_LAW.encode())}, headers=organizer)
    assert (replaced.status_code, replaced.json()["status"]) == (200, "replaced")
    new_id = replaced.json()["doc_id"]
    data = client.post("/ask", json={"question": QUESTION}).json()
    assert "六年" in data["answer"] and "五年" not in json.dumps(data, ensure_ascii=False)
    assert [d["id"] for d in client.get("/documents").json()] == [new_id]

    hits = client.post("/search", json={"query": "任期", "k": 3, "doc_ids": [new_id]}).json()["hits"]
    assert hits and all(h["doc"] == new_id for h in hits)

    removed = client.delete(f"/documents/{new_id}", headers=organizer)
    assert (removed.status_code, removed.json()["status"]) == (200, "removed")
    assert client.get("/documents").json() == []
    assert not client.post("/ask", json={"question": QUESTION}).json()["found"]
    assert client.delete(f"/documents/{new_id}", headers=organizer).status_code == 404


def test_writes_need_an_organizer_token(client: TestClient, services: Services) -> None:
    member = bearer(services.tokens.add("wechat", "member"))
    anonymous = upload(client, {}, "law.md", LAW)
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert "令牌" in anonymous.json()["detail"]
    assert upload(client, bearer("sx_not-a-token"), "law.md", LAW).status_code == 401
    forbidden = upload(client, member, "law.md", LAW)
    assert forbidden.status_code == 403 and "没有权限" in forbidden.json()["detail"]
    assert client.delete("/documents/0123456789abcdef", headers=member).status_code == 403
    assert client.get("/quizzes", headers=member).status_code == 403
    assert client.get("/quizzes").status_code == 401
    assert client.get("/documents").json() == []  # nothing was written

    services.tokens.remove("wechat")
    assert client.post("/ask", json={"question": QUESTION}, headers=member).status_code == 401


def test_members_must_log_in_when_the_setting_says_so(tmp_path: Path, tokenizer: ChineseTokenizer) -> None:
    settings = api_settings(tmp_path / "data", members_must_login=True)
    opened = open_services(settings, tokenizer=tokenizer, load_model=False)
    member = bearer(opened.tokens.add("wechat", "member"))
    with TestClient(create_app(opened)) as client:
        assert client.post("/ask", json={"question": QUESTION}).status_code == 401
        assert client.get("/documents").status_code == 401
        assert client.post("/ask", json={"question": QUESTION}, headers=member).status_code == 200
    opened.close()


def test_bad_input_gets_4xx_with_a_chinese_reason(client: TestClient, organizer: dict) -> None:
    cases = [
        client.post("/ask", json={}),
        client.post("/ask", json={"question": "   "}),
        client.post("/ask", json={"question": "问" * 2001}),
        client.post("/ask", content=b'{"question": "\\u0000\\ud800"}', headers={"content-type": "application/json"}),
        client.post("/ask", content=b"not json", headers={"content-type": "application/json"}),
        client.post("/search", json={"query": "任期", "k": 0}),
        client.post("/search", json={"query": "任期", "k": "many"}),
        client.delete("/documents/../../etc", headers=organizer),
        client.get("/quizzes/1/export", params={"format": "pdf"}, headers=organizer),
        client.get("/quizzes/99999999999/export", headers=organizer),
    ]
    for response in cases:
        assert 400 <= response.status_code < 500, response.text
        assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"]), response.text
    assert client.post("/ask", json={"question": "问题", "doc_ids": ["0123456789abcdef"]}).status_code == 404
    assert (
        client.put("/documents/0123456789abcdef", files={"file": ("a.md", b"# a")}, headers=organizer).status_code
        == 404
    )
    assert client.get("/quizzes/7/export", headers=organizer).status_code == 404
    assert client.get("/no/such/path").status_code == 404


def test_bad_files_and_oversized_uploads(client: TestClient, organizer: dict) -> None:
    empty = upload(client, organizer, "empty.txt", "   ")
    assert (empty.status_code, empty.json()["status"]) == (422, "failed") and empty.json()["reason"]
    binary = client.post("/documents", files={"file": ("x.txt", bytes(range(256)) * 50)}, headers=organizer)
    assert binary.status_code == 422 and binary.json()["reason"]
    assert "请上传原文件" in binary.json()["advice"]  # what the organizer can do, as the app says it
    too_big = client.post("/documents", files={"file": ("big.txt", b"a" * (3 * 1024 * 1024))}, headers=organizer)
    assert too_big.status_code == 413 and "上限" in too_big.json()["detail"]
    just_over = client.post("/documents", files={"file": ("big.txt", b"a" * (1024 * 1024 + 10))}, headers=organizer)
    assert just_over.status_code == 413 and "1 MB" in just_over.json()["detail"]
    assert client.get("/documents").json() == []


def test_answers_stream_as_server_sent_events_from_a_real_llm_server(
    tmp_path: Path, tokenizer: ChineseTokenizer
) -> None:
    reply = "政协委员每届任期五年，可以连任[1]。"
    with FakeChatServer(reply, piece=4).running() as llm:
        settings = api_settings(tmp_path / "data", llm_base_url=llm.url, llm_model="fake", llm_api_key="k")
        opened = open_services(settings, tokenizer=tokenizer, load_model=False)
        token = opened.tokens.add("portal")
        with TestClient(create_app(opened)) as client:
            assert upload(client, bearer(token), "law.md", LAW).status_code == 201
            with client.stream(
                "POST", "/ask", json={"question": QUESTION}, headers={"Accept": "text/event-stream"}
            ) as r:
                assert r.headers["content-type"].startswith("text/event-stream")
                events = parse_events("".join(r.iter_text()))
            plain = client.post("/ask", json={"question": QUESTION}).json()
        opened.close()
    deltas = [data["text"] for name, data in events if name == "delta"]
    assert len(deltas) > 2 and "".join(deltas) == reply
    (final,) = [data for name, data in events if name == "answer"]
    assert final["mode"] == "llm" and final["found"] and final["citations"][0]["title"] == "某市政协委员履职条例"
    assert plain["mode"] == "llm" and plain["answer"] == final["answer"]


def parse_events(stream: str) -> list[tuple[str, dict]]:
    events = []
    for block in stream.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_quizzes_list_and_export(client: TestClient, services: Services, organizer: dict) -> None:
    for name, text in {"rules.md": RULES, "petitions.md": PETITIONS}.items():
        assert upload(client, organizer, name, text).status_code == 201
    docs = {d["title"]: d["id"] for d in client.get("/documents").json()}
    request = QuizRequest(
        (Material(docs["委员履职条例"]), Material(docs["信访事项办理规定"])), {"单选": 2, "判断": 2}, seed=1
    )
    items = QuizGenerator(services.kb).generate(request).items
    saved = services.quizzes.save("履职测验", items, "王老师")
    trainer = bearer(services.tokens.add("trainer-app", "trainer"))

    listed = client.get("/quizzes", headers=trainer).json()
    assert [(q["id"], q["name"], q["items"]) for q in listed] == [(saved.id, "履职测验", len(items))]
    word = client.get(f"/quizzes/{saved.id}/export", params={"format": "docx"}, headers=trainer)
    assert word.status_code == 200 and "filename*=UTF-8''" in word.headers["content-disposition"]
    assert any("履职测验" in p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    sheet = client.get(f"/quizzes/{saved.id}/export", params={"format": "xlsx"}, headers=trainer)
    assert load_workbook(io.BytesIO(sheet.content)).active.max_row == len(items) + 1
    wjx = client.get(f"/quizzes/{saved.id}/export", params={"format": "wjx"}, headers=trainer)
    assert wjx.headers["content-type"].startswith("text/plain") and items[0].stem[:6] in wjx.text


def test_token_cli_prints_once_and_stores_only_a_hash(tmp_path: Path) -> None:
    env = {"SHUXIANG_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "library", "token", *args], cwd=PROJECT, env=env, capture_output=True, text=True
        )

    added = cli("add", "portal")
    token = added.stdout.strip()
    assert added.returncode == 0 and token.startswith("sx_") and "不会再显示" in added.stderr
    listing = cli("list")
    assert "portal\torganizer" in listing.stdout and token not in listing.stdout
    from retrieval.catalog import Catalog

    catalog = Catalog(tmp_path / "data" / "catalog.sqlite3")
    stored = catalog.execute("SELECT token_hash FROM api_tokens")[0]["token_hash"]
    assert token not in stored and TokenStore(catalog).verify(token).name == "portal"
    assert cli("add", "portal").returncode == 2
    assert cli("remove", "portal").returncode == 0
    assert TokenStore(catalog).verify(token) is None
    catalog.close()

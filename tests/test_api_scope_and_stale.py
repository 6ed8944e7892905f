"""The API as the app behaves, over a real library (writer, catalog, BM25, embedded Chroma with the bundled model):
a question asked of chosen documents that hold no answer is answered from the whole library (outside_filter, in
the JSON, the SSE answer and the question log), and quiz items whose source document left the library are flagged
in the quiz detail and not exported unless the trainer says how (?stale=skip|include)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import FARM, LAW
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from quiz_library import PETITIONS, RULES
from test_api import (  # noqa: F401 (fixtures)
    bearer,
    client,
    organizer,
    parse_events,
    services,
    upload,
)
from test_llm_server import FakeChatServer, passages_in

from api.app import create_app
from api.services import Services, open_services
from retrieval.answer import NO_ANSWER
from retrieval.embeddings import Embedder
from retrieval.settings import Settings
from retrieval.tokenizer import ChineseTokenizer

QUESTION = "政协委员每届任期几年？"  # answered by LAW only
PIZZA = "怎样烤制意大利披萨饼？"  # answered nowhere
# A filter whose extractive answer is found (a 任期 of 三年), but of 特邀委员: the model declines it.
INVITED = "# 特邀委员办法\n\n特邀委员由主席会议邀请，每届任期三年。\n"
TERM = "政协委员每届任期五年"


@pytest.fixture
def full(tmp_path: Path, tokenizer: ChineseTokenizer, embedder: Embedder) -> Services:
    opened = open_services(Settings(data_dir=tmp_path / "data"), tokenizer=tokenizer, embedder=embedder)
    yield opened
    opened.close()


def add(api: TestClient, headers: dict, files: dict[str, str]) -> dict[str, str]:
    """Upload through the API; {file name: doc_id}."""
    ids = {}
    for name, text in files.items():
        added = upload(api, headers, name, text)
        assert added.status_code == 201, added.text
        ids[name] = added.json()["doc_id"]
    return ids


@pytest.mark.slow
def test_a_filtered_question_answered_only_elsewhere_is_found_outside_the_filter_and_logged_so(
    full: Services,
) -> None:
    with TestClient(create_app(full)) as api:
        ids = add(api, bearer(full.tokens.add("portal", "organizer")), {"law.md": LAW, "farm.md": FARM})
        only_farm = {"question": QUESTION, "doc_ids": [ids["farm.md"]]}
        assert not full.kb.ask(QUESTION, [ids["farm.md"]]).found  # the chosen document has no answer

        answered = api.post("/ask", json=only_farm)
        data = answered.json()
        assert answered.status_code == 200 and data["found"] and data["outside_filter"] is True
        assert "任期五年" in data["answer"] and {c["doc"] for c in data["citations"]} == {ids["law.md"]}

        with api.stream("POST", "/ask", json=only_farm, headers={"Accept": "text/event-stream"}) as r:
            events = parse_events("".join(r.iter_text()))
        assert [name for name, _ in events] == ["reset", "answer"]
        assert events[1][1] == data  # the same JSON as the plain request

        in_filter = api.post("/ask", json={"question": QUESTION, "doc_ids": [ids["law.md"]]}).json()
        unfiltered = api.post("/ask", json={"question": QUESTION}).json()
        nowhere = api.post("/ask", json={"question": PIZZA, "doc_ids": [ids["farm.md"]]}).json()
    assert (in_filter["found"], in_filter["outside_filter"]) == (True, False)
    assert (unfiltered["found"], unfiltered["outside_filter"]) == (True, False)
    assert (nowhere["found"], nowhere["outside_filter"]) == (False, False)  # the filter's refusal, not a wider one

    logged = full.questions.find()[::-1]  # oldest first
    assert [(q.found, q.outside_filter) for q in logged] == [(True, True)] * 2 + [(True, False)] * 2 + [(False, False)]
    assert logged[0].id == int(answered.headers["X-Question-Id"])
    assert logged[0].outcome == "已回答（所选文件外）" and logged[0].titles == ("某市政协委员履职条例",)
    assert [q.question for q in full.questions.unanswered()] == [PIZZA]  # organizers look only for the pizza


def declines_all_but_the_term(messages: list[dict]) -> str:
    """A model that answers from the passage stating the term of 政协委员, and declines other passages."""
    passages = passages_in(messages)
    number = next((n for n, text in passages.items() if TERM in text), None)
    return NO_ANSWER if number is None else f"政协委员每届任期五年，可以连任[{number}]。"


@pytest.mark.slow
def test_a_filtered_llm_answer_the_model_declines_is_asked_again_of_the_whole_library(
    tmp_path: Path, tokenizer: ChineseTokenizer, embedder: Embedder
) -> None:
    with FakeChatServer(declines_all_but_the_term, piece=4).running() as llm:
        settings = Settings(data_dir=tmp_path / "data", llm_base_url=llm.url, llm_model="fake", llm_api_key="k")
        opened = open_services(settings, tokenizer=tokenizer, embedder=embedder)
        with TestClient(create_app(opened)) as api:
            ids = add(api, bearer(opened.tokens.add("portal")), {"law.md": LAW, "invited.md": INVITED})
            only_invited = {"question": QUESTION, "doc_ids": [ids["invited.md"]]}
            with api.stream("POST", "/ask", json=only_invited, headers={"Accept": "text/event-stream"}) as r:
                events = parse_events("".join(r.iter_text()))
            plain = api.post("/ask", json=only_invited).json()
        logged = opened.questions.find()
        opened.close()
    names = [name for name, _ in events]
    assert names.count("reset") == 1 and names[-1] == "answer"
    before, after = names.index("reset"), len(names) - 1
    assert "".join(d["text"] for _, d in events[:before]) == NO_ANSWER  # the model declined the chosen document
    assert "".join(d["text"] for _, d in events[before + 1 : after]).startswith("政协委员每届任期五年")
    final = events[-1][1]
    assert (final["mode"], final["found"], final["outside_filter"]) == ("llm", True, True)
    assert [c["doc"] for c in final["citations"]] == [ids["law.md"]]
    assert (plain["mode"], plain["found"], plain["outside_filter"]) == ("llm", True, True)
    assert [(q.found, q.outside_filter, q.mode) for q in logged] == [(True, True, "llm")] * 2


def test_stale_items_are_flagged_and_not_exported_unless_the_trainer_says_how(
    client: TestClient,  # noqa: F811 (test_api's fixtures)
    services: Services,  # noqa: F811
    organizer: dict,  # noqa: F811
) -> None:
    from quiz.generate import Material, QuizGenerator, QuizRequest

    ids = add(client, organizer, {"rules.md": RULES, "petitions.md": PETITIONS})
    request = QuizRequest((Material(ids["rules.md"]), Material(ids["petitions.md"])), {"单选": 2, "判断": 2}, seed=1)
    items = QuizGenerator(services.kb).generate(request).items
    saved = services.quizzes.save("履职测验", items, "王老师")
    trainer = bearer(services.tokens.add("trainer-app", "trainer"))
    url = f"/quizzes/{saved.id}"

    fresh = client.get(url, headers=trainer).json()
    assert [q["stale"] for q in fresh["questions"]] == [False] * len(items) and fresh["stale"] == 0
    ok = client.get(f"{url}/export", params={"format": "xlsx"}, headers=trainer)
    assert ok.status_code == 200 and "X-Stale-Items" not in ok.headers

    new_petitions = PETITIONS.replace("60日内办结", "45日内办结")
    replaced = client.put(
        f"/documents/{ids['petitions.md']}", files={"file": ("petitions.md", new_petitions.encode())}, headers=organizer
    )
    assert replaced.json()["status"] == "replaced"
    # stale: the items of the sentence that changed; the new version still states the others' sentences
    stale_numbers = [n for n, item in enumerate(items, start=1) if "60日" in item.explanation]
    assert 0 < len(stale_numbers) < sum(item.source.doc_id == ids["petitions.md"] for item in items)

    detail = client.get(url, headers=trainer)
    assert detail.status_code == 200
    body = detail.json()
    assert [q["number"] for q in body["questions"] if q["stale"]] == stale_numbers
    assert [q["stem"] for q in body["questions"]] == [i.stem for i in items]
    assert body["stale"] == len(stale_numbers) and body["items"] == len(items)
    kept = [q["source"] for q in body["questions"] if not q["stale"] and q["source"]["title"] == "信访事项办理规定"]
    assert kept and {s["doc_id"] for s in kept} == {replaced.json()["doc_id"]}  # shown on the new version
    assert client.get("/quizzes", headers=trainer).json()[0]["stale"] == len(stale_numbers)

    refused = client.get(f"{url}/export", params={"format": "xlsx"}, headers=trainer)
    assert refused.status_code == 409
    shown = "、".join(map(str, stale_numbers))
    assert f"第 {shown} 题" in refused.json()["detail"] and "stale=skip" in refused.json()["detail"]

    header = ",".join(map(str, stale_numbers))
    skipped = client.get(f"{url}/export", params={"format": "xlsx", "stale": "skip"}, headers=trainer)
    assert skipped.status_code == 200 and skipped.headers["X-Stale-Items"] == header
    assert load_workbook(io.BytesIO(skipped.content)).active.max_row == len(items) - len(stale_numbers) + 1
    wjx = client.get(f"{url}/export", params={"format": "wjx", "stale": "skip"}, headers=trainer).text
    claim = {n: item.stem.split("，", 1)[1][:10] for n, item in enumerate(items, start=1)}  # after 根据《…》，
    assert all(claim[n] not in wjx for n in stale_numbers)
    assert all(claim[n] in wjx for n in claim if n not in stale_numbers)

    everything = client.get(f"{url}/export", params={"format": "xlsx", "stale": "include"}, headers=trainer)
    assert everything.status_code == 200 and everything.headers["X-Stale-Items"] == header
    assert load_workbook(io.BytesIO(everything.content)).active.max_row == len(items) + 1

    for gone in (ids["rules.md"], replaced.json()["doc_id"]):  # both deleted: now every item is stale
        assert client.delete(f"/documents/{gone}", headers=organizer).status_code == 200
    nothing = client.get(f"{url}/export", params={"stale": "skip"}, headers=trainer)
    assert nothing.status_code == 409 and "没有可导出的题" in nothing.json()["detail"]
    assert client.get("/quizzes/99999", headers=trainer).status_code == 404

"""The FastAPI application: `create_app()` for `python -m api`, `create_app(services)` for tests.

Reads go through KnowledgeBase (and the LLM answerer when configured), writes through Library — the same services
as the app and the CLI. Answers keep the JSON of `python -m retrieval ask --json`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Generator, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.responses import JSONResponse, StreamingResponse

from api import documents, errors, quizzes
from api.auth import ServicesDep, reader
from api.schemas import AnswerOut, AskRequest, ErrorOut, HealthOut, SearchOut, SearchRequest
from api.services import Services, open_services, start_up
from library.roles import User
from retrieval.__main__ import answer_json, hit_json
from retrieval.scoped import OUTSIDE_FILTER, ScopedAnswer, Widening, ask_in_scope, stream_in_scope
from retrieval.settings import Settings
from retrieval.types import Answer

log = logging.getLogger(__name__)
Reader = Annotated[User | None, Depends(reader)]
ERRORS = {401: {"model": ErrorOut}, 404: {"model": ErrorOut}, 422: {"model": ErrorOut}}
SSE = "text/event-stream"


def create_app(services: Services | None = None, settings: Settings | None = None, seed: bool = True) -> FastAPI:
    """With `services`, serve those (tests); without, open them from settings at start-up (model, catalog)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if services is not None:
            app.state.services = services
            yield
            return
        opened = open_services(settings or Settings())
        start_up(opened, seed=seed)
        app.state.services = opened
        try:
            yield
        finally:
            opened.close()

    app = FastAPI(
        title="书香政协知识库 API",
        version="1.0",
        description="学习问答、检索、资料库管理与试卷导出。令牌用 `python -m library token add 名称` 生成，"
        "放在请求头 `Authorization: Bearer 令牌` 中。",
        lifespan=lifespan,
    )
    limit = (settings or (services.settings if services else Settings())).max_upload_mb * 1024 * 1024
    app.add_middleware(errors.BodyLimit, limit=limit + 1024 * 1024)  # room for the multipart envelope
    errors.install(app)
    app.include_router(documents.router)
    app.include_router(quizzes.router)

    @app.get("/health", response_model=HealthOut, tags=["运行状态"], summary="健康检查")
    def health(svc: ServicesDep) -> HealthOut:
        catalog = svc.kb.catalog
        vectors = svc.kb.index.vectors
        return HealthOut(
            status="ok",
            documents=catalog.document_count(),
            chunks=catalog.chunk_count(),
            generation=catalog.generation(),
            database=catalog.db.dialect,  # type: ignore[arg-type]
            vectors="none" if vectors is None else ("server" if vectors.shared else "embedded"),
            loads=dict(svc.kb.index.loads),
        )

    @app.post(
        "/ask",
        response_model=AnswerOut,
        tags=["学习问答"],
        summary="回答一个问题并给出出处",
        description="与 `python -m retrieval ask --json` 的输出相同，另加 `outside_filter`：用 `doc_ids` 限定了文档、"
        "所选文档中找不到答案时，改在全部资料中检索；找到了就返回该回答，`outside_filter` 为 true"
        f"（应向用户说明：“{OUTSIDE_FILTER}”），问题记录也标为“所选文件外”。否则为 false。"
        "请求头 `Accept: text/event-stream` 时以 SSE 返回：配置了大模型时先逐段发送 `delta` 事件，最后发送 `answer` "
        "事件（完整 JSON）；改在全部资料中检索时先发送 `reset` 事件，此前的 `delta` 作废。",
        responses={**ERRORS, 200: {"content": {SSE: {}}}},
    )
    def ask(body: AskRequest, request: Request, svc: ServicesDep, user: Reader):
        doc_ids = known_documents(svc, body.doc_ids)
        started = time.perf_counter()
        who = user.name if user else ""
        if SSE in request.headers.get("accept", ""):
            return StreamingResponse(_events(svc, body.question, doc_ids, who, started), media_type=SSE)
        scoped = ask_in_scope(body.question, doc_ids, svc.llm.ask if svc.llm else svc.kb.ask)
        question_id = _log(svc, scoped, started, who)
        return JSONResponse(_answer_json(scoped), headers={"X-Question-Id": str(question_id)})

    @app.post("/search", response_model=SearchOut, tags=["学习问答"], summary="检索段落", responses=ERRORS)
    def search(body: SearchRequest, svc: ServicesDep, user: Reader) -> dict:
        hits = svc.kb.search(body.query, body.k, known_documents(svc, body.doc_ids))
        return {"query": body.query, "hits": [hit_json(h) for h in hits]}

    return app


def known_documents(svc: Services, doc_ids: Sequence[str] | None) -> list[str] | None:
    """The filter as given, or 404 naming the ids that are not in the library."""
    if not doc_ids:
        return None
    known = {d.doc_id for d in svc.kb.documents()}
    unknown = [d for d in dict.fromkeys(doc_ids) if d not in known]
    if unknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"资料库中没有这些文档：{'、'.join(unknown[:5])}")
    return list(dict.fromkeys(doc_ids))


def _events(svc: Services, question: str, doc_ids: list[str] | None, who: str, started: float) -> Iterator[str]:
    """Server-sent events: `delta` pieces while the LLM writes, then the checked `answer` (or an `error`); `reset`
    when the chosen documents had no answer and the whole library is asked (the deltas so far are void)."""

    def attempt(q: str, scope: Sequence[str] | None) -> Generator[str, None, Answer]:
        if svc.llm is None:
            return svc.kb.ask(q, scope)
        run = svc.llm.start(q, scope)
        yield from run.deltas()
        return run.result()

    try:
        run = stream_in_scope(question, doc_ids, attempt)
        while True:
            try:
                piece = next(run)
            except StopIteration as done:
                scoped: ScopedAnswer = done.value
                break
            if isinstance(piece, Widening):
                yield _event("reset", {"detail": "所选文件中没有找到相关内容，正在全部资料中检索。"})
            else:
                yield _event("delta", {"text": piece})
        _log(svc, scoped, started, who)
        yield _event("answer", _answer_json(scoped))
    except Exception:  # the status line is sent already: report in the stream
        log.exception("streamed answer failed")
        yield _event("error", {"detail": "服务器内部错误，已记录在日志中，请稍后再试。"})


def _event(name: str, data: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _answer_json(scoped: ScopedAnswer) -> dict:
    """The JSON of `python -m retrieval ask --json`, and whether the answer is from outside the chosen documents."""
    return {**answer_json(scoped.answer), "outside_filter": scoped.outside_filter}


def _log(svc: Services, scoped: ScopedAnswer, started: float, who: str) -> int:
    latency = (time.perf_counter() - started) * 1000
    return svc.questions.record(scoped.answer, latency, who, outside_filter=scoped.outside_filter)

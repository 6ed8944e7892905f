"""Every error as JSON `{"detail": "中文说明"}`: 4xx for what the caller can fix, never a 5xx for bad input."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from library.lock import LibraryBusyError
from retrieval.store import IndexMismatchError

log = logging.getLogger(__name__)
_STATUS_MESSAGES = {
    400: "请求体无法解析：问答与检索请发送 JSON，上传文件请用 multipart/form-data。",
    404: "没有这个地址，请查看 /docs 中的接口说明。",
    405: "该地址不支持这种请求方法，请查看 /docs 中的接口说明。",
}
_FIELD_NAMES = {
    "question": "问题",
    "query": "检索词",
    "doc_ids": "文档范围",
    "k": "段落数",
    "file": "文件",
    "format": "格式",
}


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(LibraryBusyError, _busy)
    app.add_exception_handler(IndexMismatchError, _mismatch)
    app.add_exception_handler(Exception, _unexpected)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) and _is_chinese(exc.detail) else None
    detail = detail or _STATUS_MESSAGES.get(exc.status_code) or f"请求未能完成（{exc.status_code}）。"
    return JSONResponse({"detail": detail}, exc.status_code, headers=getattr(exc, "headers", None))


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = []
    for error in exc.errors():
        where = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        field = _FIELD_NAMES.get(where[0], where[0]) if where else "请求"
        problems.append({"field": ".".join(where), "message": f"{field}{_explain(error)}"})
    shown = "；".join(p["message"] for p in problems[:3])
    return JSONResponse(
        {"detail": f"请求参数不正确：{shown}", "errors": problems}, status.HTTP_422_UNPROCESSABLE_CONTENT
    )


async def _busy(request: Request, exc: LibraryBusyError) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status.HTTP_409_CONFLICT, headers={"Retry-After": "30"})


async def _mismatch(request: Request, exc: IndexMismatchError) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status.HTTP_503_SERVICE_UNAVAILABLE)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "服务器内部错误，已记录在日志中，请稍后再试或联系管理员。"}, 500)


_EXPLAINED = {
    "missing": "：缺少此项",
    "string_too_long": "：过长（最多 {max_length} 个字符）",
    "too_long": "：项目过多（最多 {max_length} 项）",
    "greater_than_equal": "：不能小于 {ge}",
    "less_than_equal": "：不能大于 {le}",
    "string_pattern_mismatch": "：格式不正确",
    "literal_error": "：须为 {expected} 之一",
    "int_parsing": "：须为整数",
    "int_type": "：须为整数",
    "bool_parsing": "：须为 true 或 false",
    "string_type": "：须为文本",
    "list_type": "：须为列表",
    "model_attributes_type": "：须为 JSON 对象",
    "dict_type": "：须为 JSON 对象",
    "json_invalid": "：不是有效的 JSON",
    "string_unicode": "：不是有效的 UTF-8 文本",
}


def _explain(error: dict) -> str:
    """A Chinese phrase for pydantic's error type (its English message as the fallback)."""
    template = _EXPLAINED.get(error.get("type", ""))
    if template is None:
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        return f"：{message}"
    try:
        return template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        return template.split("（")[0]


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


class BodyLimit:
    """Refuse a request whose Content-Length is over `limit` bytes with 413 before reading its body (a body sent
    without a length is checked by size once read: the upload route answers 413 too)."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT"):
            length = dict(scope["headers"]).get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.limit):
                mb = self.limit // (1024 * 1024)
                response = JSONResponse({"detail": f"请求体过大：超过 {mb} MB 的上限。"}, 413)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

"""/quizzes: saved quizzes and their export (Word, Excel, 问卷星 text), for trainers and organizers."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from fastapi.responses import Response

from api.auth import ServicesDep, requires
from api.schemas import ErrorOut, QuizOut
from library.roles import User
from quiz.export import export
from quiz.model import QuizError

router = APIRouter(prefix="/quizzes", tags=["智能组卷"])
Trainer = Annotated[User, Depends(requires("trainer"))]
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "wjx": "text/plain; charset=utf-8",
}
SUFFIXES = {"docx": ".docx", "xlsx": ".xlsx", "wjx": "（问卷星）.txt"}
ERRORS = {401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 404: {"model": ErrorOut}, 422: {"model": ErrorOut}}


@router.get("", response_model=list[QuizOut], summary="已保存的试卷", responses=ERRORS)
def list_quizzes(svc: ServicesDep, user: Trainer) -> list[QuizOut]:
    return [
        QuizOut(
            id=q.id,
            name=q.name,
            items=len(q.items),
            materials=list(q.materials),
            created_by=q.created_by,
            created_at=q.created_at,
            updated_at=q.updated_at,
        )
        for q in svc.quizzes.list()
    ]


@router.get(
    "/{quiz_id}/export",
    summary="导出试卷",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {m.split(";")[0]: {} for m in MEDIA_TYPES.values()}}},
)
def export_quiz(
    quiz_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    svc: ServicesDep,
    user: Trainer,
    format: Annotated[Literal["docx", "xlsx", "wjx"], Query(description="docx、xlsx 或 wjx（问卷星文本）")] = "docx",
) -> Response:
    try:
        saved = svc.quizzes.get(quiz_id)
    except QuizError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"没有 id 为 {quiz_id} 的试卷。") from exc
    filename = quote(saved.name + SUFFIXES[format])
    return Response(
        export(saved.name, saved.items, format),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
    )

"""/quizzes: saved quizzes and their export (Word, Excel, 问卷星 text), for trainers and organizers."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from fastapi.responses import Response

from api.auth import ServicesDep, requires
from api.schemas import ErrorOut, QuizDetailOut, QuizItemOut, QuizOut
from api.services import Services
from library.roles import User
from quiz.export import export
from quiz.model import QuizError
from quiz.store import SavedQuiz

router = APIRouter(prefix="/quizzes", tags=["智能组卷"])
Trainer = Annotated[User, Depends(requires("trainer"))]
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "wjx": "text/plain; charset=utf-8",
}
SUFFIXES = {"docx": ".docx", "xlsx": ".xlsx", "wjx": "（问卷星）.txt"}
ERRORS = {401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 404: {"model": ErrorOut}, 422: {"model": ErrorOut}}
STALE_HEADER = "X-Stale-Items"  # the saved quiz's numbers (1-based) of the items whose source left the library


def _summary(quiz: SavedQuiz, stale: int) -> dict:
    return {
        "id": quiz.id,
        "name": quiz.name,
        "items": len(quiz.items),
        "stale": stale,
        "materials": list(quiz.materials),
        "created_by": quiz.created_by,
        "created_at": quiz.created_at,
        "updated_at": quiz.updated_at,
    }


def _saved(svc: Services, quiz_id: int) -> SavedQuiz:
    try:
        return svc.quizzes.get(quiz_id)
    except QuizError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"没有 id 为 {quiz_id} 的试卷。") from exc


QuizId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get(
    "",
    response_model=list[QuizOut],
    summary="已保存的试卷",
    description="`stale`：出处已失效的题数（出处文档已被删除，或被替换且新版本不再有该题依据的原句）。",
    responses=ERRORS,
)
def list_quizzes(svc: ServicesDep, user: Trainer) -> list[QuizOut]:
    quizzes = svc.quizzes.list()
    stale = svc.quizzes.stale_counts(quizzes)
    return [QuizOut(**_summary(q, stale[q.id])) for q in quizzes]


@router.get(
    "/{quiz_id}",
    response_model=QuizDetailOut,
    summary="试卷详情",
    description="试卷的全部题目（含答案和出处）。出处文档被替换、而新版本仍有该题依据的原句（含答案）的题照常使用，"
    "出处为新版本的段落。出处文档已被删除、或新版本改动了该题原句的题 `stale` 为 true：答案未必仍然成立；"
    "委员答题时跳过这些题，导出时默认拒绝。`stale` 标在每道题上，客户端筛选题目时不必换算题号。",
    responses=ERRORS,
)
def quiz_detail(quiz_id: QuizId, svc: ServicesDep, user: Trainer) -> QuizDetailOut:
    saved = _saved(svc, quiz_id)
    current = svc.quizzes.current(saved.items)  # an item still stated by a new version: on its passage
    stale = sum(item is None for item in current)
    return QuizDetailOut(
        **_summary(saved, stale),
        questions=[
            QuizItemOut.of(n + 1, now or item, now is None) for n, (item, now) in enumerate(zip(saved.items, current))
        ],
    )


@router.get(
    "/{quiz_id}/export",
    summary="导出试卷",
    description="有题目的出处已失效时（出处文档已被删除，或替换后的新版本改动了该题依据的原句；详情中 `stale` "
    "为 true），默认拒绝导出（409，说明是第几题）："
    "这些题的答案未必仍然成立，不宜不知不觉地发出去。可先在应用中删除或重新生成这些题；或加 `?stale=skip` "
    "只导出其余的题（与委员答题时一致，题号重排），或加 `?stale=include` 照原样全部导出。"
    f"这两种情况下响应头 `{STALE_HEADER}` 列出这些题在原试卷中的题号（从 1 开始，逗号分隔）。",
    response_class=Response,
    responses={
        **ERRORS,
        200: {"content": {m.split(";")[0]: {} for m in MEDIA_TYPES.values()}},
        409: {"model": ErrorOut, "description": "有出处已失效的题，且没有指定 stale=skip 或 stale=include"},
    },
)
def export_quiz(
    quiz_id: QuizId,
    svc: ServicesDep,
    user: Trainer,
    format: Annotated[Literal["docx", "xlsx", "wjx"], Query(description="docx、xlsx 或 wjx（问卷星文本）")] = "docx",
    stale: Annotated[
        Literal["refuse", "skip", "include"],
        Query(description="出处已失效的题：refuse 拒绝导出（默认）、skip 跳过、include 照样导出"),
    ] = "refuse",
) -> Response:
    saved = _saved(svc, quiz_id)
    current = svc.quizzes.current(saved.items)  # an item still stated by a new version: on its passage
    positions = [n for n, item in enumerate(current) if item is None]
    numbers = [n + 1 for n in positions]
    items = tuple(now or item for item, now in zip(saved.items, current))
    if positions and stale == "refuse":
        shown = "、".join(map(str, numbers))
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"试卷「{saved.name}」有 {len(numbers)} 道题的出处已失效（第 {shown} 题：出处文档已被删除，或替换后的新版本"
            "改动了题目依据的原句），答案未必仍然成立，未导出。请先删除或重新生成这些题；"
            "或加 ?stale=skip 只导出其余的题，或加 ?stale=include 照原样全部导出。",
        )
    if stale == "skip":
        items = tuple(item for item in current if item is not None)
        if not items:
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                f"试卷「{saved.name}」全部 {len(numbers)} 道题的出处都已失效，跳过后没有可导出的题。",
            )
    filename = quote(saved.name + SUFFIXES[format])
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"}
    if numbers:
        headers[STALE_HEADER] = ",".join(map(str, numbers))
    return Response(export(saved.name, items, format), media_type=MEDIA_TYPES[format], headers=headers)

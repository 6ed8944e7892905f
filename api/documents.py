"""/documents: the list for everyone who may read; upload, replace and delete for organizers, through Library."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Path, Query, UploadFile, status
from fastapi.responses import JSONResponse

from api.auth import ServicesDep, reader, requires
from api.schemas import DOC_ID_PATTERN, DocumentOut, ErrorOut, OutcomeOut
from api.services import Services
from library.progress import Outcome
from library.roles import User

router = APIRouter(prefix="/documents", tags=["资料库管理"])
Organizer = Annotated[User, Depends(requires("organizer"))]
DocId = Annotated[str, Path(pattern=DOC_ID_PATTERN, description="文档 id（16 位十六进制）")]
Upload = Annotated[UploadFile, File(description="pdf、docx、txt、md、html、png/jpg 或它们的 .zip")]
_STATUS = {
    "added": status.HTTP_201_CREATED,
    "replaced": status.HTTP_200_OK,
    "exists": status.HTTP_200_OK,
    "removed": status.HTTP_200_OK,
    "conflict": status.HTTP_409_CONFLICT,
    "failed": status.HTTP_422_UNPROCESSABLE_CONTENT,
}
ERRORS = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    409: {"model": OutcomeOut, "description": "同名文档待确认（加 ?replace=true 替换），或另一个进程正在写入"},
    413: {"model": ErrorOut},
    422: {"model": OutcomeOut, "description": "文件无法入库（原因见 reason）"},
}


@router.get("", response_model=list[DocumentOut], summary="文档列表", responses={401: {"model": ErrorOut}})
def list_documents(svc: ServicesDep, user: Annotated[User | None, Depends(reader)]) -> list[DocumentOut]:
    return [DocumentOut.of(d) for d in svc.kb.documents()]


@router.post(
    "",
    response_model=OutcomeOut,
    status_code=status.HTTP_201_CREATED,
    summary="上传文档",
    description="同一内容已在库中：200 已存在；同名不同内容：409，加 `?replace=true` 用新版本替换。",
    responses=ERRORS,
)
def upload(
    file: Upload,
    svc: ServicesDep,
    user: Organizer,
    replace: Annotated[bool, Query(description="同名文档存在时用新版本替换")] = False,
) -> JSONResponse:
    data = _read(file, svc)
    outcome = svc.library.add(file.filename or "未命名", data, added_by=user.name, replace=replace)
    return _respond(outcome)


@router.put("/{doc_id}", response_model=OutcomeOut, summary="替换文档（新版本）", responses=ERRORS)
def replace_document(doc_id: DocId, file: Upload, svc: ServicesDep, user: Organizer) -> JSONResponse:
    _require(svc, doc_id)
    data = _read(file, svc)
    outcome = svc.library.replace(doc_id, file.filename or "未命名", data, added_by=user.name)
    if outcome.status == "failed" and svc.kb.catalog.document(doc_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, outcome.reason)
    return _respond(outcome)


@router.delete("/{doc_id}", response_model=OutcomeOut, summary="删除文档", responses=ERRORS)
def delete_document(doc_id: DocId, svc: ServicesDep, user: Organizer) -> JSONResponse:
    _require(svc, doc_id)
    outcome = svc.library.remove([doc_id]).outcomes[0]
    if outcome.status == "failed":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "没有这个文档（可能已被删除）。")
    return _respond(outcome)


def _require(svc: Services, doc_id: str) -> None:
    if svc.kb.catalog.document(doc_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "没有这个文档，请用 GET /documents 查看文档 id。")


def _read(file: UploadFile, svc: Services) -> bytes:
    limit = svc.settings.max_upload_mb * 1024 * 1024
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, f"文件超过 {svc.settings.max_upload_mb} MB 的上限。")
    return data


def _respond(outcome: Outcome) -> JSONResponse:
    body = OutcomeOut.of(outcome).model_dump()
    return JSONResponse(body, status_code=_STATUS[outcome.status])

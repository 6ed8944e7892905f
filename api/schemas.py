"""Request and response bodies. Answers and hits keep the JSON of `python -m retrieval ask|search --json`."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field

from library.progress import Outcome
from quiz.model import QuizItem
from retrieval.catalog import DocumentRecord

MAX_QUESTION_CHARS = 2000
MAX_DOC_FILTER = 200
DOC_ID_PATTERN = r"^[0-9a-f]{16}$"


def clean_text(value: str) -> str:
    """Drop control characters and lone surrogates (no database stores them), keep line breaks and tabs."""
    kept = (ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn"))
    return "".join(kept).strip()


def _not_blank(value: str) -> str:
    if not value:
        raise ValueError("不能为空")
    return value


Question = Annotated[str, Field(max_length=MAX_QUESTION_CHARS), AfterValidator(clean_text), AfterValidator(_not_blank)]
DocIds = Annotated[
    list[Annotated[str, Field(max_length=64)]] | None,
    Field(default=None, max_length=MAX_DOC_FILTER, description="只在这些文档（doc_id）中检索"),
]


class AskRequest(BaseModel):
    question: Question = Field(description="问题", examples=["政协委员每届任期几年？"])
    doc_ids: DocIds = None


class SearchRequest(BaseModel):
    query: Question = Field(description="检索词", examples=["委员履职"])
    k: int = Field(10, ge=1, le=50, description="返回的段落数")
    doc_ids: DocIds = None


class CitationOut(BaseModel):
    n: int
    title: str
    heading: str
    page: int | None
    doc: str
    chunk_id: str
    passage: str
    sentences: list[str]


class AnswerOut(BaseModel):
    """The same fields as `python -m retrieval ask --json`, and `outside_filter`."""

    question: str
    found: bool
    answer: str
    mode: str
    citations: list[CitationOut]
    notices: list[str]
    outside_filter: bool = Field(
        False,
        description="所选文档（doc_ids）中没有找到答案、此回答来自全部资料中的其他文档时为 true"
        "（出处见 citations）；未限定文档或在所选文档中找到答案时为 false",
    )


class HitOut(BaseModel):
    text: str
    doc: str
    title: str
    heading: str
    page: int | None
    score: float
    chunk_id: str


class SearchOut(BaseModel):
    query: str
    hits: list[HitOut]


class DocumentOut(BaseModel):
    """The same fields as `python -m ingest --list --json`."""

    id: str
    title: str
    source_name: str
    file_type: str
    chunks: int
    pages: int
    ocr_pages: int
    added_by: str
    added_at: str

    @classmethod
    def of(cls, record: DocumentRecord) -> DocumentOut:
        return cls(
            id=record.doc_id,
            title=record.title,
            source_name=record.name,
            file_type=record.file_type,
            chunks=record.n_chunks,
            pages=record.pages,
            ocr_pages=record.ocr_pages,
            added_by=record.added_by,
            added_at=record.added_at,
        )


class OutcomeOut(BaseModel):
    """What happened to an uploaded or removed file: 已入库 / 已存在 / 已替换 / 同名待确认 / 失败 / 已删除."""

    name: str
    status: Literal["added", "exists", "replaced", "conflict", "failed", "removed"]
    label: str
    title: str
    reason: str
    advice: str = Field("", description="失败时：管理员可以怎么做（如另存为 UTF-8、导出未加密的 PDF）")
    detail: str = Field("", description="失败时：解析库的原始说明（常为英文），供排查")
    chunks: int
    doc_id: str
    existing_id: str

    @classmethod
    def of(cls, outcome: Outcome) -> OutcomeOut:
        return cls(
            name=outcome.name,
            status=outcome.status,
            label=outcome.label,
            title=outcome.title,
            reason=outcome.reason,
            advice=outcome.advice,
            detail=outcome.detail,
            chunks=outcome.chunks,
            doc_id=outcome.doc_id,
            existing_id=outcome.existing_id,
        )


class QuizOut(BaseModel):
    id: int
    name: str
    items: int
    stale: int = Field(0, description="出处文档已删除、或新版本不再含原句的题数（详情中 stale 为 true 的题）")
    materials: list[str]
    created_by: str
    created_at: str
    updated_at: str


class QuizSourceOut(BaseModel):
    doc_id: str
    title: str
    heading: list[str]
    page: str
    chunk_id: str
    passage: str


class QuizItemOut(BaseModel):
    number: int = Field(description="题号，从 1 开始，与导出的试卷和中文提示中的“第 n 题”一致")
    type: str = Field(description="单选、多选、判断或填空")
    stem: str
    options: list[str]
    answer: str
    explanation: str
    source: QuizSourceOut
    stale: bool = Field(
        description=(
            "出处文档已删除，或替换后的新版本不再含出题原句与答案：委员答题时跳过此题，"
            "导出时默认拒绝（见导出接口）；新版本仍含原句的题已自动指向新段落，不算过期"
        )
    )

    @classmethod
    def of(cls, number: int, item: QuizItem, stale: bool) -> QuizItemOut:
        source = item.source
        return cls(
            number=number,
            type=item.type,
            stem=item.stem,
            options=list(item.options),
            answer=item.answer,
            explanation=item.explanation,
            source=QuizSourceOut(
                doc_id=source.doc_id,
                title=source.title,
                heading=list(source.heading),
                page=source.page,
                chunk_id=source.chunk_id,
                passage=source.passage,
            ),
            stale=stale,
        )


class QuizDetailOut(QuizOut):
    questions: list[QuizItemOut]


class HealthOut(BaseModel):
    status: Literal["ok"]
    documents: int
    chunks: int
    generation: int
    database: Literal["sqlite", "postgresql"]
    vectors: Literal["embedded", "server", "none"]
    loads: dict[str, int] = Field(
        default_factory=dict,
        description='how this process got its search legs since it started, e.g. {"bm25 downloaded": 2}: '
        "published (the writer's data dir), cached, downloaded (from the shared database), built (from the catalog)",
    )


class ErrorOut(BaseModel):
    detail: str

"""What the writer reports: stages while it works (hooks) and one outcome per file when it is done."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Stage = Literal["read", "ocr", "chunk", "embed", "commit"]
STAGE_LABELS: dict[str, str] = {
    "read": "读取",
    "ocr": "OCR 识别",
    "chunk": "分段",
    "embed": "向量化",
    "commit": "入库",
}
Status = Literal["added", "exists", "replaced", "conflict", "failed", "removed"]
STATUS_LABELS: dict[str, str] = {
    "added": "已入库",
    "exists": "已存在",
    "replaced": "已替换",
    "conflict": "同名待确认",
    "failed": "失败",
    "removed": "已删除",
}


@dataclass(frozen=True)
class Outcome:
    """What happened to one file (or one removal): shown as a line of the report."""

    name: str
    status: Status
    title: str = ""
    reason: str = ""
    chunks: int = 0
    doc_id: str = ""
    existing_id: str = ""  # exists / conflict / replaced: the document already in the library
    advice: str = ""  # failed: what the organizer can do about it (Chinese)
    detail: str = ""  # failed: the parsing library's own words (often English), for a details panel and the log

    @property
    def label(self) -> str:
        """已入库（12 段）· 已存在（《title》）· 已替换 · 失败：reason …"""
        if self.status == "added":
            return f"已入库（{self.chunks} 段）"
        if self.status == "exists":
            return f"已存在（《{self.title}》）"
        if self.status == "replaced":
            return f"已替换（{self.chunks} 段）"
        if self.status == "conflict":
            return f"同名待确认：{self.reason}"
        if self.status == "failed":
            return f"失败：{self.reason}"
        return STATUS_LABELS[self.status]

    @property
    def reindex_label(self) -> str:
        """The line of a re-index (a replacement by the document's own stored file): 已重新解析（12 段）."""
        return f"已重新解析（{self.chunks} 段）" if self.status == "replaced" else self.label


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def with_status(self, *statuses: Status) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in statuses]

    @property
    def ok(self) -> bool:
        """False only when files were given and none of them got into (or already was in) the library."""
        return not self.outcomes or any(o.status != "failed" for o in self.outcomes)

    def summary(self) -> str:
        counts = "，".join(
            f"{STATUS_LABELS[s]} {n}" for s in STATUS_LABELS if (n := len(self.with_status(s))) or s == "added"
        )
        chunks = sum(o.chunks for o in self.with_status("added", "replaced"))
        return f"{counts}；新写入 {chunks} 个段落；用时 {self.seconds:.1f} 秒"


@dataclass(frozen=True)
class ProgressHooks:
    """Callbacks a CLI bar (tqdm) or a page (st.progress / st.status) plugs in; every one optional."""

    file_started: Callable[[str, int, int], None] | None = None  # name, index (0-based), number of files
    stage: Callable[[str, Stage, float], None] | None = None  # name, stage, fraction of that stage done
    file_done: Callable[[Outcome], None] | None = None

    def started(self, name: str, number: int, total: int) -> None:
        if self.file_started:
            self.file_started(name, number, total)

    def at(self, name: str, stage: Stage, fraction: float = 0.0) -> None:
        if self.stage:
            self.stage(name, stage, min(max(fraction, 0.0), 1.0))

    def done(self, outcome: Outcome) -> None:
        if self.file_done:
            self.file_done(outcome)

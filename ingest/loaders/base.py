"""What every format loader shares: the error users see, the context it runs in, title helpers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ingest import clean
from ingest.limits import LoadLimits, chars_label
from retrieval.types import PageText

PageCallback = Callable[[int, int], None]  # (pages done, pages in all)

TITLE_MAX = 60
# A closing bracket or quote ends 政协委员学习培训办法（试行） and 关于“书香政协”的通知 as well as a sentence: a title
# is told from a sentence by the punctuation inside the brackets, not by them.
_TITLE_END = tuple(ch for ch in clean.SENTENCE_END + "，、," if ch not in "）】”’」』")


class LoadError(Exception):
    """A file that cannot be loaded. `reason` says what is wrong (short, Chinese: the line users see), `advice`
    what they can do about it, `detail` the parsing library's own words (often English) for the log and a
    details panel, never the headline."""

    def __init__(self, reason: str, advice: str = "", detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.advice = advice
        self.detail = detail


@dataclass(frozen=True)
class LoadContext:
    """What a format loader is given besides the bytes: its caps and where to report page progress."""

    limits: LoadLimits = field(default_factory=LoadLimits)
    on_read: PageCallback | None = None  # pages read from a text layer
    on_ocr: PageCallback | None = None  # pages recognised by OCR

    def read_progress(self, done: int, total: int) -> None:
        if self.on_read:
            self.on_read(done, total)

    def ocr_progress(self, done: int, total: int) -> None:
        if self.on_ocr:
            self.on_ocr(done, total)


@dataclass(frozen=True)
class Extracted:
    """A format loader's result: title and pages (empty ones allowed), plus notes for the report."""

    title: str
    pages: tuple[PageText, ...]
    warnings: tuple[str, ...] = ()


Loader = Callable[[PurePosixPath, bytes, LoadContext], Extracted]


def too_many_chars(limits: LoadLimits) -> LoadError:
    return LoadError(f"文字太多：超过单个文档 {chars_label(limits.max_document_chars)} 的上限，请拆分后再导入")


def check_chars(count: int, limits: LoadLimits) -> None:
    if count > limits.max_document_chars:
        raise too_many_chars(limits)


# What to do, shared by several formats.
RESAVE_AS_UTF8 = "请用记事本或 WPS 打开文件，“另存为”时把编码选为 UTF-8，再上传。"
UPLOAD_THE_ORIGINAL = "可能是其他格式的文件（如 Word、PDF）改成了这个扩展名：请上传原文件。"
NO_TEXT_ADVICE = (
    "文件里找不到文字（如空白文档，或只有图片的 Word）：请确认内容；扫描件请以 PDF 或图片上传，由 OCR 识别。"
)
NEEDS_OCR = "请让系统管理员启用 OCR（设置 ocr_enabled），或改为上传带文字的 PDF、Word 或文本版本。"


def short(exc: Exception) -> str:
    message = str(exc).strip() or type(exc).__name__
    return message if len(message) <= 120 else message[:117] + "…"


def plain_title(text: str, path: PurePosixPath) -> str:
    """First non-empty line if it reads like a title (short, no sentence punctuation), else the stem."""
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    return first if is_title_like(first) else path.stem


def is_title_like(line: str) -> bool:
    # "第一章 总则" or "一、经验做法" opening a file is its first section, not its title.
    bare = line.rstrip("）)】”’」』\"' ")
    return (
        0 < len(line) <= TITLE_MAX
        and not bare.endswith(_TITLE_END)
        and not re.search(r"[。！？!?]", line)
        and not clean.is_structure_start(line)
    )


def real_metadata_title(title: str) -> str | None:
    """The title property if it is real: producers fill it with "untitled", "Microsoft Word - 文档1.docx"."""
    title = clean.clean_text(title)
    if not re.search(r"[\u4e00-\u9fff]", title) or title.lower().startswith("microsoft"):
        return None
    if re.search(r"\.(docx?|wps|pdf|txt)$", title, re.IGNORECASE) or len(title) > TITLE_MAX:
        return None
    return title


def letter_count(text: str) -> int:
    return sum(1 for char in text if char.isalnum())

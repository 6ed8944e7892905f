"""Read one file, given as (name, bytes), into a LoadedDocument: title plus cleaned page texts.

One module per format, chosen by suffix. Every problem with the input becomes a LoadError whose
`reason` is shown to users, so a batch can log it, skip the file and go on.
"""

from __future__ import annotations

import logging
from pathlib import Path, PurePosixPath

from ingest.limits import LoadLimits, megabytes
from ingest.loaders.base import NO_TEXT_ADVICE, Extracted, LoadContext, Loader, LoadError, PageCallback, check_chars
from ingest.loaders.docx import load_docx
from ingest.loaders.html import load_html
from ingest.loaders.image import load_image
from ingest.loaders.markdown import load_markdown
from ingest.loaders.pdf import load_pdf
from ingest.loaders.text import decode_text, load_txt
from ingest.names import printable
from retrieval.types import LoadedDocument

__all__ = [
    "SUPPORTED_SUFFIXES",
    "LoadError",
    "LoadLimits",
    "decode_text",
    "display_name",
    "file_type_of",
    "load",
    "load_file",
]

logger = logging.getLogger(__name__)

# suffix → (file type, loader)
_REGISTRY: dict[str, tuple[str, Loader]] = {
    ".txt": ("txt", load_txt),
    ".md": ("md", load_markdown),
    ".markdown": ("md", load_markdown),
    ".pdf": ("pdf", load_pdf),
    ".docx": ("docx", load_docx),
    ".html": ("html", load_html),
    ".htm": ("html", load_html),
    ".png": ("image", load_image),
    ".jpg": ("image", load_image),
    ".jpeg": ("image", load_image),
}
SUPPORTED_SUFFIXES = tuple(_REGISTRY)
_SUPPORTED_LABEL = "txt/md/pdf/docx/html/png/jpg"


def load(
    name: str,
    data: bytes,
    limits: LoadLimits | None = None,
    on_page: PageCallback | None = None,
    *,
    on_read: PageCallback | None = None,
) -> LoadedDocument:
    """Load an uploaded or read file from its name (for the type and a fallback title) and its bytes.

    `on_page(done, total)` follows the pages that go through OCR (the slow part); `on_read` follows
    PDF pages read from the text layer. The name is never used as a path. Raises LoadError.
    """
    limits = limits or LoadLimits()
    path = PurePosixPath(display_name(name))
    file_type, loader = _loader_for(path)
    if len(data) > limits.max_file_bytes:
        raise LoadError(f"文件过大（{megabytes(len(data))}），单个文件上限 {megabytes(limits.max_file_bytes)}")
    if not data or data.isspace():  # no copy: strip() would duplicate a 100 MB file
        raise LoadError("文件为空")
    extracted: Extracted = loader(path, data, LoadContext(limits, on_read=on_read, on_ocr=on_page))
    pages = tuple(page for page in extracted.pages if page.text)
    if not pages:
        raise LoadError("没有可提取的文字", NO_TEXT_ADVICE)
    check_chars(sum(len(page.text) for page in pages), limits)
    return LoadedDocument(
        source=path.name, title=extracted.title, pages=pages, file_type=file_type, warnings=extracted.warnings
    )


def load_file(path: Path, limits: LoadLimits | None = None) -> LoadedDocument:
    """Read a file on disk and load it (tests, scripts)."""
    limits = limits or LoadLimits()
    return load(Path(path).name, _read_bytes(Path(path), limits), limits)


def file_type_of(name: str) -> str | None:
    """ "pdf", "docx", "image" … for a supported name, else None."""
    entry = _REGISTRY.get(PurePosixPath(display_name(name)).suffix.lower())
    return entry[0] if entry else None


def display_name(name: str) -> str:
    """The last component of an uploaded name, without control characters: shown to users, never a path."""
    last = name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return printable(last) or "未命名"  # long names keep their suffix: it chooses the loader


def _loader_for(path: PurePosixPath) -> tuple[str, Loader]:
    suffix = path.suffix.lower()
    if suffix not in _REGISTRY:
        raise LoadError(*unsupported_type(suffix))
    return _REGISTRY[suffix]


def unsupported_type(suffix: str) -> tuple[str, str]:
    """Why a file of this suffix is refused and what to do: the same words wherever it is refused
    (a single upload, a folder walked by the CLI, a member of a zip)."""
    shown = suffix or "（无扩展名）"
    return f"不支持的文件类型 {shown}（支持 {_SUPPORTED_LABEL}）", _unsupported_advice(suffix)


def _unsupported_advice(suffix: str) -> str:
    if suffix in (".doc", ".wps"):
        return "旧版 Word / WPS 文档请用 Word 或 WPS 打开后“另存为” .docx 格式，再上传。"
    return "请另存为 PDF、Word（.docx）、文本或网页格式后再上传。"


def _read_bytes(path: Path, limits: LoadLimits) -> bytes:
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise LoadError(f"文件过大（{megabytes(size)}），单个文件上限 {megabytes(limits.max_file_bytes)}")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise LoadError("文件不存在") from exc
    except PermissionError as exc:
        raise LoadError("无法读取文件：没有读取权限", "请检查文件的访问权限。", exc.strerror or str(exc)) from exc
    except OSError as exc:
        raise LoadError(
            "无法读取文件", "请确认文件没有被其他程序占用、所在磁盘可以访问。", exc.strerror or str(exc)
        ) from exc
    if not data or data.isspace():  # no copy: strip() would duplicate a 100 MB file
        raise LoadError("文件为空")
    return data

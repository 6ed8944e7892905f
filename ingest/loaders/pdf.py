"""PDF: the text layer page by page; pages without usable text (scans, CID junk) go through OCR."""

from __future__ import annotations

import io
import logging
import re
import threading
import unicodedata
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from ingest import clean
from ingest.loaders import ocr
from ingest.loaders.base import (
    NEEDS_OCR,
    Extracted,
    LoadContext,
    LoadError,
    check_chars,
    is_title_like,
    letter_count,
    real_metadata_title,
    short,
)
from ingest.loaders.pdf_log import pypdf_warnings_counted
from retrieval.types import PageText

if TYPE_CHECKING:
    from PIL.Image import Image

logger = logging.getLogger(__name__)

SCAN_REASON = "PDF 没有文字层（可能是扫描件，需要 OCR）"
ENCRYPTED_ADVICE = (
    "请用 PDF 阅读器输入密码打开后，另存为（或打印为）不加密的 PDF 再上传；也可向发文单位索取未加密的版本。"
)
DAMAGED_ADVICE = "文件可能在下载或复制时中断。请先用 PDF 阅读器打开确认，再重新下载，或从原文档重新导出 PDF 后上传。"
NOT_A_PDF_ADVICE = (
    "文件扩展名是 .pdf，内容却不是 PDF：可能是其他格式的文件改了扩展名。请上传原文件，或导出为 PDF 后再上传。"
)
# A page with fewer letters than this has no text layer to speak of (a page number, a stray mark).
_MIN_PAGE_LETTERS = 5
# A text layer with more than this share of unmappable characters is CID junk: the font has no Unicode map.
_MAX_JUNK_RATIO = 0.3
_RENDER_LONG_SIDE = 2000  # pixels: rapidocr's detector works at up to 2000 px, more only costs time
_pdfium_lock = threading.Lock()  # pdfium is not thread-safe


def load_pdf(path: PurePosixPath, data: bytes, context: LoadContext) -> Extracted:
    with pypdf_warnings_counted(path.name) as problems:
        reader = _open_pdf(data)
        raw, broken = _read_text_layer(reader, context)
        title_meta = _pdf_metadata_title(reader)
        # Only pages showing an image can be scans: an empty page without one is blank (or damaged).
        scanned = [
            i for i, text in enumerate(raw) if i not in broken and not has_usable_text(text) and _has_image(reader, i)
        ]
    if (problems.count or broken) and not any(has_usable_text(text) for text in raw):
        # A scan parses cleanly; a damaged file that yields no text must not be called a scan.
        raise LoadError(
            f"PDF 文件损坏，无法提取文字（解析时发现 {problems.count + len(broken)} 处错误）",
            DAMAGED_ADVICE,
            " | ".join(problems.first),
        )
    ocr_done, warnings = _ocr_pages(data, scanned, raw, context)
    if broken:
        warnings.insert(0, f"{len(broken)} 页内容损坏，无法读取，已跳过")
    if not any(letter_count(text) for text in raw):
        raise LoadError(*_no_text_reason(context, scanned))
    pages = _clean_pages(raw, ocr_done)
    first_page = next((page.text for page in pages if page.text), "")
    return Extracted(_pdf_title(title_meta, first_page) or path.stem, tuple(pages), tuple(warnings))


def _no_text_reason(context: LoadContext, scanned: list[int]) -> tuple[str, str]:
    """What is wrong, and what to do."""
    if not context.limits.ocr_enabled:
        return SCAN_REASON, NEEDS_OCR
    if scanned:
        return (
            "PDF 是扫描件，但 OCR 没有识别出文字",
            "扫描件可能过于模糊或是空白页：请上传更清晰的扫描件，或带文字的版本。",
        )
    return "PDF 没有可提取的文字（既没有文字层，也没有可识别的图片）", "请确认文件内容，或上传带文字的 PDF、Word 版本。"


def has_usable_text(text: str) -> bool:
    """False for an empty text layer and for junk from fonts without a Unicode map."""
    visible = [char for char in text if not char.isspace()]
    if letter_count(text) < _MIN_PAGE_LETTERS:
        return False
    junk = sum(1 for char in visible if _is_junk(char))
    return junk / len(visible) <= _MAX_JUNK_RATIO


def _is_junk(char: str) -> bool:
    return char == "\ufffd" or unicodedata.category(char) in ("Cc", "Co", "Cn", "Cs")


def _open_pdf(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise LoadError("PDF 已加密，需要密码才能打开", ENCRYPTED_ADVICE)
        len(reader.pages)  # parses the page tree: broken files fail here rather than later
    except LoadError:
        raise
    except (DependencyError, FileNotDecryptedError) as exc:
        # DependencyError: AES without the `cryptography` package (a requirement: should not happen).
        logger.info("PDF cannot be decrypted: %s", exc)
        raise LoadError("PDF 已加密，无法解密", ENCRYPTED_ADVICE, short(exc)) from exc
    except Exception as exc:  # pypdf raises many types for broken files; none may escape
        logger.info("PDF cannot be parsed: %s", exc)
        if b"%PDF" not in data[:1024]:
            raise LoadError("PDF 文件损坏，无法解析：内容不是 PDF 格式", NOT_A_PDF_ADVICE, short(exc)) from exc
        raise LoadError("PDF 文件损坏，无法解析：文件不完整或结构已损坏", DAMAGED_ADVICE, short(exc)) from exc
    return reader


def _read_text_layer(reader: PdfReader, context: LoadContext) -> tuple[list[str], set[int]]:
    """Each page's text, and the pages whose content could not be parsed at all (damaged, not scanned)."""
    total = len(reader.pages)
    raw: list[str] = []
    broken: set[int] = set()
    chars = 0
    for index in range(total):
        text = _extract_page(reader, index)
        if text is None:
            broken.add(index)
        raw.append(text or "")
        chars += len(raw[-1])
        check_chars(chars // 2, context.limits)  # layout mode pads with spaces: count half
        context.read_progress(index + 1, total)
    if broken:
        logger.warning("PDF: %d of %d page(s) could not be parsed", len(broken), total)
    return raw, broken


def _extract_page(reader: PdfReader, index: int) -> str | None:
    """Layout-mode text (it keeps paragraph indents, which tell wrapped lines from new paragraphs);
    plain mode for pages that look multi-column, where layout mode would interleave the columns.
    None when the page's content cannot be parsed in either mode."""
    try:
        text = reader.pages[index].extract_text(extraction_mode="layout") or ""
        if not _looks_multicolumn(text):
            return text
    except Exception as exc:  # layout mode is pickier; plain mode may still work
        logger.debug("PDF page %d: layout extraction failed (%s); using plain mode", index + 1, exc)
    try:
        return reader.pages[index].extract_text() or ""
    except Exception as exc:  # one broken page should not lose the whole document
        logger.info("PDF page %d: text extraction failed: %s", index + 1, exc)
        return None


def _has_image(reader: PdfReader, index: int) -> bool:
    try:
        return len(reader.pages[index].images) > 0
    except Exception as exc:  # a damaged resource dictionary or content stream
        logger.debug("PDF page %d: images not readable: %s", index + 1, exc)
        return False


def _looks_multicolumn(text: str) -> bool:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    gapped = sum(1 for line in lines if re.search(r"\S {6,}\S", line))
    return bool(lines) and gapped > 0.3 * len(lines)


# --- OCR of scanned pages ------------------------------------------------------------------------


def _ocr_pages(data: bytes, scanned: list[int], raw: list[str], context: LoadContext) -> tuple[set[int], list[str]]:
    """OCR the scanned pages in place in `raw` (up to the cap); returns the pages done and report notes."""
    if not scanned:
        return set(), []
    limits = context.limits
    if not limits.ocr_enabled:
        return set(), [f"{len(scanned)} 页没有文字层，OCR 未启用，已跳过"]
    chosen, skipped = scanned[: limits.max_ocr_pages], scanned[limits.max_ocr_pages :]
    done: set[int] = set()
    failed = 0
    with _Renderer(data) as renderer:
        for number, index in enumerate(chosen, 1):
            image = renderer.page_image(index)
            if image is None:
                failed += 1
            else:
                raw[index] = ocr.recognize(image)
                done.add(index)
            context.ocr_progress(number, len(chosen))
    warnings = [f"{len(done)} 页没有文字层，已用 OCR 识别"] if done else []
    if failed:
        warnings.append(f"{failed} 页没有文字层，但无法渲染成图片，未能 OCR")
    if skipped:
        warnings.append(f"{len(skipped)} 页没有文字层，超过 OCR 上限（{limits.max_ocr_pages} 页），已跳过")
    logger.info("PDF OCR: %d page(s) recognised, %d failed, %d skipped", len(done), failed, len(skipped))
    return done, warnings


class _Renderer:
    """Pages as images, from one pdfium document. Rendering (rather than pulling out embedded images)
    copes with JBIG2/CCITT scans, images cut in strips, rotation and masks, and drawn text.
    A page (or a document) pdfium cannot render gives None: it is reported, the rest goes on."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._document: Any = None

    def __enter__(self) -> _Renderer:
        import pypdfium2 as pdfium

        with _pdfium_lock:
            try:
                self._document = pdfium.PdfDocument(self._data)
            except pdfium.PdfiumError as exc:
                logger.warning("PDF cannot be opened for rendering: %s", exc)
        return self

    def __exit__(self, *_: object) -> None:
        if self._document is not None:
            with _pdfium_lock:
                self._document.close()

    def page_image(self, index: int) -> Image | None:
        import pypdfium2 as pdfium

        if self._document is None:
            return None
        with _pdfium_lock:
            try:
                page = self._document[index]
                width, height = page.get_size()
                scale = min(_RENDER_LONG_SIDE / max(width, height, 1.0), 4.0)
                return page.render(scale=scale, grayscale=True).to_pil()
            except pdfium.PdfiumError as exc:
                logger.warning("PDF page %d cannot be rendered: %s", index + 1, exc)
                return None


# --- cleaning and title --------------------------------------------------------------------------


def _clean_pages(raw: list[str], ocr_done: set[int]) -> list[PageText]:
    texts = [clean.collapse_inner_spaces(clean.clean_text(text, keep_indent=True)) for text in raw]
    texts = [clean.drop_table_of_contents(text) for text in clean.strip_page_furniture(texts)]
    # One rule for the whole document: pages are too short to measure line width and indents alone.
    whole = "\n".join(texts)
    width, indents = clean.typical_line_width(whole), clean.has_paragraph_indents(whole)
    texts = [clean.clean_text(clean.rejoin_broken_lines(text, width, indents)) for text in texts]
    return [
        PageText(clean.collapse_spaced_headings(text), page=i, ocr=i - 1 in ocr_done) for i, text in enumerate(texts, 1)
    ]


def _pdf_title(meta: str | None, first_page: str) -> str | None:
    """The metadata title if it is real text, else the first line of the first page that reads like one."""
    if meta:
        return meta
    return next((line for line in first_page.split("\n") if _is_meaningful_title_line(line)), None)


def _pdf_metadata_title(reader: PdfReader) -> str | None:
    try:
        title = (reader.metadata or {}).get("/Title")
    except Exception:  # a broken info dictionary: fall back to the text
        return None
    return real_metadata_title(str(title or ""))


def _is_meaningful_title_line(line: str) -> bool:
    line = line.strip()
    if not is_title_like(line) or letter_count(line) < 2:
        return False
    # Skip attachment labels and document numbers that sit above the real title.
    return not re.match(r"^(附件\s*\d*|.*〔\d{4}〕\d+号)$", line)

"""Read one file into a LoadedDocument: title plus cleaned page texts, one function per format.

Every problem with the input becomes a LoadError whose `reason` is shown to users in the
ingest report, so the batch can log it, skip the file and go on.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import docx
from bs4 import BeautifulSoup, NavigableString, Tag
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import _Element
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from ingest import clean
from retrieval.types import LoadedDocument, PageText

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".pdf", ".docx", ".html", ".htm")
_FILE_TYPES = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
}
_TITLE_MAX = 60
_NAME_MAX = 120
_TITLE_END = tuple(clean.SENTENCE_END + "，、,")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MD_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$")
# Below this many letters per page a PDF has no usable text layer.
_MIN_CHARS_PER_PDF_PAGE = 20
_MAX_BAD_CHAR_RATIO = 0.01


class LoadError(Exception):
    """A file that cannot be loaded; `reason` is a short Chinese explanation for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def load(name: str, data: bytes) -> LoadedDocument:
    """Load an uploaded or read file from its name (for the type and a fallback title) and its bytes.

    The name is never used as a path. Raises LoadError for anything unreadable.
    """
    path = Path(display_name(name))
    suffix = path.suffix.lower()
    if suffix not in _FILE_TYPES:
        shown = suffix or "（无扩展名）"
        raise LoadError(f"不支持的文件类型 {shown}（支持 txt/md/pdf/docx/html）")
    if not data.strip():
        raise LoadError("文件为空")
    file_type = _FILE_TYPES[suffix]
    loader = {"txt": _load_txt, "md": _load_markdown, "pdf": _load_pdf, "docx": _load_docx, "html": _load_html}
    title, pages = loader[file_type](path, data)
    pages = tuple(page for page in pages if page.text)
    if not pages:
        raise LoadError("没有可提取的文字")
    return LoadedDocument(source=path.name, title=title, pages=pages, file_type=file_type)


def load_file(path: Path) -> LoadedDocument:
    """Read a file on disk and load it (tests, scripts)."""
    return load(Path(path).name, _read_bytes(Path(path)))


def display_name(name: str) -> str:
    """The last component of an uploaded name, without control characters: shown to users, never a path."""
    last = name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in last if unicodedata.category(ch)[0] != "C").strip()
    if len(cleaned) > _NAME_MAX:  # shorten the stem, keep the suffix that says the type
        suffix = Path(cleaned).suffix[:10]
        cleaned = cleaned[: _NAME_MAX - len(suffix)] + suffix
    return cleaned or "未命名"


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise LoadError("文件不存在") from exc
    except OSError as exc:
        raise LoadError(f"无法读取文件：{exc.strerror or exc}") from exc
    if not data.strip():
        raise LoadError("文件为空")
    return data


# --- text and markdown -------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (covers GBK and GB2312)."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            text = _decode_or_none(data if codec == "utf-16" else data[len(bom) :], codec)
            if text is not None:
                return _check_textual(text)
    if b"\x00" in data:
        raise LoadError("不是文本文件（含有二进制数据）")
    text = _decode_utf8(data)
    if text is None:
        text = _decode_or_none(data, "gb18030")
    if text is None:
        raise LoadError("无法识别文本编码（既不是 UTF-8 也不是 GB18030/GBK）")
    return _check_textual(text)


def _decode_or_none(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _decode_utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A file cut inside its last character is still UTF-8; GB18030 would turn it into mojibake.
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8", errors="strict")
        return None


def _check_textual(text: str) -> str:
    """Reject decoded data that is mostly control, private-use or replacement characters."""
    bad = sum(1 for char in text if _is_bad_char(char))
    if text and bad / len(text) > _MAX_BAD_CHAR_RATIO:
        raise LoadError("不是文本文件（含有大量不可显示的字符）")
    return text


def _is_bad_char(char: str) -> bool:
    if char in "\t\n\r\f\v":
        return False
    return char == "\ufffd" or unicodedata.category(char) in ("Cc", "Co", "Cn")


def _load_txt(path: Path, data: bytes) -> tuple[str, list[PageText]]:
    text = clean.clean_text(decode_text(data), keep_indent=True)
    # Only a hard-wrapped file is rejoined: one paragraph per line must keep its line breaks.
    if clean.looks_hard_wrapped(text):
        text = clean.rejoin_broken_lines(text)
    text = clean.clean_text(text)
    return _plain_title(text, path), [PageText(text)]


def _load_markdown(path: Path, data: bytes) -> tuple[str, list[PageText]]:
    text = clean.clean_text(_HTML_COMMENT.sub("", decode_text(data)))
    title = next((m.group(1) for m in map(_MD_TITLE.match, text.split("\n")) if m), None)
    return title or _plain_title(text, path), [PageText(text)]


def _plain_title(text: str, path: Path) -> str:
    """First non-empty line if it reads like a title (short, no sentence punctuation), else the stem."""
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    return first if _is_title_like(first) else path.stem


def _is_title_like(line: str) -> bool:
    # "第一章 总则" or "一、经验做法" opening a file is its first section, not its title.
    return 0 < len(line) <= _TITLE_MAX and not line.endswith(_TITLE_END) and not clean.is_structure_start(line)


# --- PDF -----------------------------------------------------------------------------------------


def _load_pdf(path: Path, data: bytes) -> tuple[str, list[PageText]]:
    reader = _open_pdf(data)
    raw = [_extract_page(reader, i) for i in range(len(reader.pages))]
    if sum(_letter_count(text) for text in raw) < _MIN_CHARS_PER_PDF_PAGE * max(1, len(raw)):
        raise LoadError("PDF 没有文字层（可能是扫描件，需要 OCR）")
    texts = [clean.collapse_inner_spaces(clean.clean_text(text, keep_indent=True)) for text in raw]
    texts = [clean.drop_table_of_contents(text) for text in clean.strip_page_furniture(texts)]
    # One rule for the whole document: pages are too short to measure line width and indents alone.
    whole = "\n".join(texts)
    width, indents = clean.typical_line_width(whole), clean.has_paragraph_indents(whole)
    texts = [clean.clean_text(clean.rejoin_broken_lines(text, width, indents)) for text in texts]
    pages = [PageText(clean.collapse_spaced_headings(text), page=i) for i, text in enumerate(texts, 1)]
    first_page = next((page.text for page in pages if page.text), "")
    return _pdf_title(reader, first_page) or path.stem, pages


def _open_pdf(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise LoadError("PDF 已加密，需要密码")
        len(reader.pages)  # parses the page tree: broken files fail here rather than later
    except LoadError:
        raise
    except Exception as exc:  # pypdf raises many types for broken files; none may escape
        if _is_encryption_error(exc):
            raise LoadError("PDF 已加密，无法解密") from exc
        raise LoadError(f"PDF 文件损坏，无法解析：{_short(exc)}") from exc
    return reader


def _is_encryption_error(exc: Exception) -> bool:
    # DependencyError: AES-encrypted and no crypto library to even try the empty password.
    return isinstance(exc, (DependencyError, FileNotDecryptedError))


def _short(exc: Exception) -> str:
    message = str(exc).strip() or type(exc).__name__
    return message if len(message) <= 120 else message[:117] + "…"


def _extract_page(reader: PdfReader, index: int) -> str:
    """Layout-mode text (it keeps paragraph indents, which tell wrapped lines from new paragraphs);
    plain mode for pages that look multi-column, where layout mode would interleave the columns."""
    page = reader.pages[index]
    try:
        text = page.extract_text(extraction_mode="layout") or ""
        if not _looks_multicolumn(text):
            return text
    except Exception as exc:  # layout mode is pickier; plain mode may still work
        logger.info("PDF page %d: layout extraction failed (%s); using plain mode", index + 1, exc)
    try:
        return page.extract_text() or ""
    except Exception as exc:  # one broken page should not lose the whole document
        logger.warning("PDF page %d: text extraction failed: %s", index + 1, exc)
        return ""


def _looks_multicolumn(text: str) -> bool:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    gapped = sum(1 for line in lines if re.search(r"\S {6,}\S", line))
    return bool(lines) and gapped > 0.3 * len(lines)


def _letter_count(text: str) -> int:
    return sum(1 for char in text if char.isalnum())


def _pdf_title(reader: PdfReader, first_page: str) -> str | None:
    """The metadata title if it is real text, else the first line of the first page that reads like one."""
    meta = _pdf_metadata_title(reader)
    if meta:
        return meta
    return next((line for line in first_page.split("\n") if _is_meaningful_title_line(line)), None)


def _pdf_metadata_title(reader: PdfReader) -> str | None:
    try:
        title = (reader.metadata or {}).get("/Title")
    except Exception:  # a broken info dictionary: fall back to the text
        return None
    return _real_metadata_title(str(title or ""))


def _real_metadata_title(title: str) -> str | None:
    """The title property if it is real: producers fill it with "untitled", "Microsoft Word - 文档1.docx"."""
    title = clean.clean_text(title)
    if not re.search(r"[\u4e00-\u9fff]", title) or title.lower().startswith("microsoft"):
        return None
    if re.search(r"\.(docx?|wps|pdf|txt)$", title, re.IGNORECASE) or len(title) > _TITLE_MAX:
        return None
    return title


def _is_meaningful_title_line(line: str) -> bool:
    line = line.strip()
    if not _is_title_like(line) or _letter_count(line) < 2:
        return False
    # Skip attachment labels and document numbers that sit above the real title.
    return not re.match(r"^(附件\s*\d*|.*〔\d{4}〕\d+号)$", line)


# --- DOCX ----------------------------------------------------------------------------------------


def _load_docx(path: Path, data: bytes) -> tuple[str, list[PageText]]:
    doc = _open_docx(data)
    try:
        lines = list(_docx_lines(doc))
    except Exception as exc:  # malformed XML inside a valid zip
        raise LoadError(f"DOCX 文件损坏，无法读取内容：{_short(exc)}") from exc
    text = clean.clean_text("\n".join(line for line, _ in lines))
    text = clean.collapse_spaced_headings(clean.drop_table_of_contents(text))
    return _docx_title(doc, lines) or path.stem, [PageText(text)]


def _open_docx(data: bytes) -> DocxDocument:
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # not a zip, not a Word document, missing parts …
        raise LoadError("DOCX 文件损坏，无法打开") from exc


def _docx_lines(doc: DocxDocument) -> Iterator[tuple[str, str]]:
    """(line, kind) in document order; kind is "title", "heading", "table" or "text"."""
    yield from _docx_block_lines(doc, doc.element.body)


def _docx_block_lines(doc: DocxDocument, parent: _Element) -> Iterator[tuple[str, str]]:
    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            yield from _paragraph_lines(Paragraph(child, doc))
        elif child.tag == qn("w:tbl"):
            yield from ((row, "table") for row in _table_rows(Table(child, doc)))
        elif child.tag == qn("w:sdt"):  # content controls (often a table of contents) hold paragraphs too
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _docx_block_lines(doc, content)


def _paragraph_lines(paragraph: Paragraph) -> Iterator[tuple[str, str]]:
    text = paragraph.text.strip()
    style = _style_names(paragraph)
    if not text or any(name.lower().startswith("toc") for name in style):
        return  # generated table-of-contents entries repeat the headings
    level = _heading_level(style)
    if level:
        # One line, so the structure parser sees a markdown heading.
        yield "#" * level + " " + " ".join(text.split()), "heading"
    else:
        yield text, "title" if "title" in (name.lower() for name in style) else "text"


def _style_names(paragraph: Paragraph) -> list[str]:
    """The paragraph's style and the styles it is based on (custom heading styles inherit "Heading N")."""
    names: list[str] = []
    try:
        style = paragraph.style
    except Exception:  # a dangling style id: treat as unstyled
        return names
    while style is not None and len(names) < 5:
        names.append(style.name or "")
        style = style.base_style
    return names


def _heading_level(style_names: list[str]) -> int:
    for name in style_names:
        match = re.match(r"^(?:heading|标题)\s*(\d)$", name.strip(), re.IGNORECASE)
        if match:
            return min(int(match.group(1)), 6) or 1
    return 0


def _table_rows(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:  # a merged cell is repeated once per grid column it spans
                continue
            previous = cell._tc
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            yield " | ".join(cells)


def _docx_title(doc: DocxDocument, lines: list[tuple[str, str]]) -> str | None:
    """Title property, else a Title-styled paragraph, else the first line if it is a heading or reads like one."""
    title = _real_metadata_title(doc.core_properties.title or "")
    if title:
        return title
    styled = next((line for line, kind in lines if kind == "title"), None)
    if styled:
        return clean.clean_text(styled)
    first = clean.clean_text(lines[0][0].lstrip("#")) if lines else ""
    return first if _is_title_like(first) else None


# --- HTML ----------------------------------------------------------------------------------------

_HTML_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "template")
_HTML_BLOCKS = (
    "p", "div", "li", "ul", "ol", "br", "tr", "table", "section", "article", "main", "blockquote",
    "pre", "dl", "dt", "dd", "figure", "figcaption", "address", "hr",
)  # fmt: skip
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_CJK_CLASS = "[\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2018-\u201f]"
_HAN_NEWLINE = re.compile(f"(?<={_CJK_CLASS})\\s*\n\\s*(?={_CJK_CLASS})")


def _load_html(path: Path, data: bytes) -> tuple[str, list[PageText]]:
    soup = BeautifulSoup(decode_html(data), "lxml")
    title_tag = soup.find("title")
    page_title = " ".join(title_tag.get_text().split()) if title_tag else ""
    for tag in soup.find_all(_HTML_DROP):
        # An article's own <header> holds its <h1>; only the site's header is furniture.
        if not (tag.name == "header" and tag.find_parent(["article", "main"])):
            tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    h1 = root.find("h1")
    h1_text = " ".join(h1.get_text().split()) if h1 else ""
    text = clean.clean_text(_html_text(root))
    # Sites append their name to <title> ("通知_中国政府网"); the <h1> inside it is the cleaner title.
    title = h1_text if h1_text and h1_text in page_title else page_title or h1_text
    return clean.clean_text(title) or _plain_title(text, path), [PageText(text)]


def decode_html(data: bytes) -> str:
    """Decode with the charset the page declares (GBK/GB2312 read as GB18030), else like a text file."""
    match = _META_CHARSET.search(data[:4096])
    if match:
        declared = match.group(1).decode("ascii").lower()
        codec = "gb18030" if declared in ("gb2312", "gbk", "gb18030", "x-gbk") else declared
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            logger.info("declared charset %s does not decode this page; detecting", declared)
    return decode_text(data)


def _html_text(root: Tag) -> str:
    """Text with a line per block element, headings as markdown lines, tables as "a | b" rows."""
    for string in list(root.find_all(string=True)):
        # Comments, doctypes and CDATA are NavigableString subclasses that get_text() skips: keep them so.
        if type(string) is not NavigableString or string.find_parent("pre"):
            continue
        joined = _HAN_NEWLINE.sub("", str(string))  # a source newline between Chinese characters is no space
        string.replace_with(re.sub(r"\s+", " ", joined))
    for level in range(1, 7):
        for heading in root.find_all(f"h{level}"):
            heading.replace_with(f"\n{'#' * level} {' '.join(heading.get_text().split())}\n")
    for row in root.find_all("tr"):
        cells = [" ".join(cell.get_text().split()) for cell in row.find_all(["td", "th"], recursive=False)]
        row.replace_with("\n" + " | ".join(cells) + "\n" if any(cells) else "\n")
    for block in root.find_all(_HTML_BLOCKS):
        block.insert_before("\n")
        block.insert_after("\n")
    return _markdown_spacing(root.get_text())


def _markdown_spacing(text: str) -> str:
    """One block per line; a blank line around headings only, as in the corpus's markdown files."""
    out: list[str] = []
    for line in filter(None, (line.strip() for line in text.split("\n"))):
        if line.startswith("#") or (out and out[-1].startswith("#")):
            out.append("")
        out.append(line)
    return "\n".join(out)

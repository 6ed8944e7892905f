"""DOCX: paragraphs, headings and tables in document order; bombs refused from the zip directory first."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath

import docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree
from lxml.etree import _Element

from ingest import clean
from ingest.limits import LoadLimits, megabytes
from ingest.loaders.base import (
    Extracted,
    LoadContext,
    LoadError,
    is_title_like,
    real_metadata_title,
    short,
    too_many_chars,
)
from ingest.zipguard import archive_problem, member_problem
from retrieval.types import PageText

logger = logging.getLogger(__name__)

_BODY_PART = "word/document.xml"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCX_ADVICE = "请用 Word 或 WPS 打开确认；能打开的话“另存为”新的 .docx 文件再上传，也可导出为 PDF 上传。"
_TEXT_TAG = qn("w:t")


def load_docx(path: PurePosixPath, data: bytes, context: LoadContext) -> Extracted:
    _check_package(data, context.limits)
    doc = _open_docx(data)
    try:
        lines = list(_docx_lines(doc))
    except Exception as exc:  # malformed XML inside a valid zip
        raise LoadError("DOCX 文件损坏，无法读取内容", DOCX_ADVICE, short(exc)) from exc
    text = clean.clean_text("\n".join(line for line, _ in lines))
    text = clean.collapse_spaced_headings(clean.drop_table_of_contents(text))
    return Extracted(_docx_title(doc, lines) or path.stem, (PageText(text),))


def _check_package(data: bytes, limits: LoadLimits) -> None:
    """Refuse bombs and oversized text from the zip directory and a streaming count, before python-docx
    (which inflates every part and builds the whole XML tree in memory)."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LoadError("DOCX 文件损坏，无法打开", _unopened_advice(data), short(exc)) from exc
    problem = archive_problem(infos, limits)
    for info in infos:
        if problem:
            break
        problem = member_problem(info, limits)
        if not problem and info.filename.endswith((".xml", ".rels")) and info.file_size > limits.max_docx_xml_bytes:
            problem = f"正文 XML 解压后 {megabytes(info.file_size)}，超过 {megabytes(limits.max_docx_xml_bytes)} 的上限"
        if problem:
            problem = f"{info.filename}：{problem}"
    if problem:
        raise LoadError(f"DOCX 文件不安全或过大：{problem}")
    if _BODY_PART in package.namelist():
        _count_text(package, limits)


def _count_text(package: zipfile.ZipFile, limits: LoadLimits) -> None:
    """Stream the body's <w:t> runs and stop as soon as the character cap is passed."""
    chars = 0
    try:
        with package.open(_BODY_PART) as body:
            parser = etree.iterparse(body, events=("end",), tag=_TEXT_TAG, resolve_entities=False, no_network=True)
            for _, element in parser:  # lxml filters the tag in C: only text runs reach Python
                chars += len(element.text or "")
                if chars > limits.max_document_chars:
                    raise too_many_chars(limits)
                _drop_read_blocks(element)
    except LoadError:
        raise
    except Exception as exc:  # broken deflate stream, CRC mismatch, malformed XML
        raise LoadError("DOCX 文件损坏，无法读取内容", DOCX_ADVICE, short(exc)) from exc


def _drop_read_blocks(element: _Element) -> None:
    """Free the body's blocks before the one holding `element`: memory stays flat however long the body."""
    block = element
    while (parent := block.getparent()) is not None and parent.getparent() is not None:
        if parent.getparent().getparent() is None:  # parent is <w:body>, block one of its children
            break
        block = parent
    element.clear(keep_tail=False)
    while block.getprevious() is not None:
        del block.getparent()[0]


def _open_docx(data: bytes) -> DocxDocument:
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # not a Word document, missing parts …
        raise LoadError("DOCX 文件损坏，无法打开", _unopened_advice(data), short(exc)) from exc


def _unopened_advice(data: bytes) -> str:
    if data.startswith(_OLE_MAGIC):  # a Word 97-2003 .doc (or .wps) renamed to .docx
        return "这是旧版 Word（.doc）文件，扩展名却是 .docx：请用 Word 或 WPS 打开后“另存为” .docx 格式，再上传。"
    return DOCX_ADVICE


def _docx_lines(doc: DocxDocument) -> Iterator[tuple[str, str]]:
    """(line, kind) in document order; kind is "title", "heading", "table" or "text"."""
    yield from _docx_block_lines(doc, doc.element.body, {})


def _docx_block_lines(doc: DocxDocument, parent: _Element, styles: _StyleCache) -> Iterator[tuple[str, str]]:
    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            yield from _paragraph_lines(Paragraph(child, doc), styles)
        elif child.tag == qn("w:tbl"):
            yield from ((row, "table") for row in _table_rows(Table(child, doc)))
        elif child.tag == qn("w:sdt"):  # content controls (often a table of contents) hold paragraphs too
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _docx_block_lines(doc, content, styles)


# Style names by style id (None: the default style). python-docx looks a style up by scanning every
# style definition, once per paragraph: 20,000 short paragraphs took 70 s before this cache.
_StyleCache = dict[str | None, list[str]]


def _paragraph_lines(paragraph: Paragraph, styles: _StyleCache) -> Iterator[tuple[str, str]]:
    text = paragraph.text.strip()
    style_id = paragraph._p.style
    if style_id not in styles:
        styles[style_id] = _style_names(paragraph)
    style = styles[style_id]
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
    title = real_metadata_title(doc.core_properties.title or "")
    if title:
        return title
    styled = next((line for line, kind in lines if kind == "title"), None)
    if styled:
        return clean.clean_text(styled)
    first = clean.clean_text(lines[0][0].lstrip("#")) if lines else ""
    return first if is_title_like(first) else None

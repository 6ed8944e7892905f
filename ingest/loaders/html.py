"""HTML: the main content as lines, headings as markdown lines, tables as "a | b" rows; site furniture dropped."""

from __future__ import annotations

import logging
import re
from pathlib import PurePosixPath

from bs4 import BeautifulSoup, NavigableString, Tag

from ingest import clean
from ingest.limits import LoadLimits, megabytes
from ingest.loaders.base import Extracted, LoadContext, LoadError, check_chars, plain_title
from ingest.loaders.text import decode_text
from retrieval.types import PageText

logger = logging.getLogger(__name__)

_HTML_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "template")
_HTML_BLOCKS = (
    "p", "div", "li", "ul", "ol", "br", "tr", "table", "section", "article", "main", "blockquote",
    "pre", "dl", "dt", "dd", "figure", "figcaption", "address", "hr",
)  # fmt: skip
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_CJK_CLASS = "[\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2018-\u201f]"
_HAN_NEWLINE = re.compile(f"(?<={_CJK_CLASS})\\s*\n\\s*(?={_CJK_CLASS})")


def load_html(path: PurePosixPath, data: bytes, context: LoadContext) -> Extracted:
    if len(data) > context.limits.max_html_bytes:
        limit = megabytes(context.limits.max_html_bytes)
        raise LoadError(f"网页文件过大（{megabytes(len(data))}），HTML 上限 {limit}")
    soup = BeautifulSoup(decode_html(data, context.limits), "lxml")
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
    check_chars(len(text), context.limits)
    # Sites append their name to <title> ("通知_中国政府网"); the <h1> inside it is the cleaner title.
    title = h1_text if h1_text and h1_text in page_title else page_title or h1_text
    return Extracted(clean.clean_text(title) or plain_title(text, path), (PageText(text),))


def decode_html(data: bytes, limits: LoadLimits | None = None) -> str:
    """Decode with the charset the page declares (GBK/GB2312 read as GB18030), else like a text file."""
    match = _META_CHARSET.search(data[:4096])
    if match:
        declared = match.group(1).decode("ascii").lower()
        codec = "gb18030" if declared in ("gb2312", "gbk", "gb18030", "x-gbk") else declared
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            logger.info("declared charset %s does not decode this page; detecting", declared)
    return decode_text(data, limits)


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

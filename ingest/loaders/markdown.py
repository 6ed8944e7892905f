"""Markdown: text with `#` headings; HTML comments dropped, the first `# ` heading is the title."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from ingest import clean
from ingest.loaders.base import Extracted, LoadContext, plain_title
from ingest.loaders.text import decode_text
from retrieval.types import PageText

_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MD_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$")


def load_markdown(path: PurePosixPath, data: bytes, context: LoadContext) -> Extracted:
    text = clean.clean_text(_HTML_COMMENT.sub("", decode_text(data, context.limits)))
    title = next((m.group(1) for m in map(_MD_TITLE.match, text.split("\n")) if m), None)
    return Extracted(title or plain_title(text, path), (PageText(text),))

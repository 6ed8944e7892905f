"""HTML for answers and passages, built by hand so document text can never render or run.

Every piece of document (or model) text goes through `html.escape`; the only tags are ours: <mark> for the
sentences that support the answer, <b> for the question's terms, <sup> for [n] markers. The result is shown
with st.html, which does not interpret Markdown, so `**x**`, `<script>` or `<img onerror>` stay literal text.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Sequence

from retrieval.types import Chunk, Citation

MARK_STYLE = "background:rgba(250,204,21,.38);border-radius:3px;padding:0 1px"
TERM_STYLE = "color:#c2410c;font-weight:600"
REF_STYLE = "color:#1d4ed8;font-weight:600;margin:0 1px"
TEXT_STYLE = "white-space:pre-wrap;line-height:1.85"
MUTED_STYLE = "color:#6b7280"
MAX_OVERLAP = 400
_REF = re.compile(r"\[(\d+)\]")


def _covered(text: str, needles: Iterable[str]) -> list[bool]:
    """Which characters of text lie inside an occurrence of one of the needles (case-insensitive for Latin)."""
    lowered = text.lower()
    haystack = lowered if len(lowered) == len(text) else text
    flags = [False] * len(text)
    for needle in sorted({n.lower() for n in needles if n}, key=len, reverse=True):
        start = haystack.find(needle)
        while start != -1:
            flags[start : start + len(needle)] = [True] * len(needle)
            start = haystack.find(needle, start + len(needle))
    return flags


def highlight(text: str, sentences: Sequence[str] = (), terms: Sequence[str] = ()) -> str:
    """Escaped text with supporting sentences in <mark> and query terms (2+ characters) in <b>."""
    marks = _covered(text, sentences)
    bolds = _covered(text, [t for t in terms if len(t) >= 2])
    out = []
    for mark, run in itertools.groupby(zip(text, marks, bolds), key=lambda x: x[1]):
        pieces = []
        for bold, part in itertools.groupby(run, key=lambda x: x[2]):
            piece = html.escape("".join(ch for ch, _, _ in part))
            pieces.append(f'<b class="sx-term" style="{TERM_STYLE}">{piece}</b>' if bold else piece)
        inner = "".join(pieces)
        out.append(f'<mark class="sx-support" style="{MARK_STYLE}">{inner}</mark>' if mark else inner)
    return "".join(out)


def answer_html(text: str) -> str:
    """The answer text, escaped, with its [n] markers as superscripts."""
    body = _REF.sub(rf'<sup class="sx-ref" style="{REF_STYLE}">[\1]</sup>', html.escape(text))
    return f'<div class="sx-answer" style="{TEXT_STYLE};font-size:1.05rem">{body}</div>'


def where(chunk: Chunk) -> str:
    """《title》 · heading path · page, as plain text."""
    parts = [f"《{chunk.title}》", chunk.heading_path, chunk.page_label]
    return " · ".join(p for p in parts if p)


def citation_html(citation: Citation, terms: Sequence[str]) -> str:
    head = f'<span class="sx-ref" style="{REF_STYLE}">[{citation.number}]</span> {html.escape(where(citation.chunk))}'
    passage = highlight(citation.chunk.text, citation.sentences, terms)
    return (
        f'<div class="sx-citation" data-n="{citation.number}">'
        f'<div class="sx-cite-head" style="font-weight:600;margin-bottom:.35rem">{head}</div>'
        f'<div class="sx-passage" style="{TEXT_STYLE}">{passage}</div></div>'
    )


def context_html(neighbours: Sequence[Chunk], citation: Citation, terms: Sequence[str]) -> str:
    """The cited passage between its neighbours (muted), without the sentence neighbouring chunks repeat."""
    cited = citation.chunk
    parts = []
    for chunk in neighbours:
        if chunk.id == cited.id:
            parts.append(highlight(chunk.text, citation.sentences, terms))
        elif chunk.position < cited.position:
            parts.append(f'<span style="{MUTED_STYLE}">{html.escape(_trim_tail(chunk.text, cited.text))}</span>')
        else:
            parts.append(f'<span style="{MUTED_STYLE}">{html.escape(_trim_head(chunk.text, cited.text))}</span>')
    return f'<div class="sx-context" style="{TEXT_STYLE}">{"<br/>".join(parts)}</div>'


def _overlap(left: str, right: str) -> int:
    """Length of the longest suffix of left that is a prefix of right (the chunker repeats one sentence)."""
    for size in range(min(len(left), len(right), MAX_OVERLAP), 1, -1):
        if left.endswith(right[:size]):
            return size
    return 0


def _trim_tail(previous: str, cited: str) -> str:
    return previous[: len(previous) - _overlap(previous, cited)].rstrip()


def _trim_head(following: str, cited: str) -> str:
    return following[_overlap(cited, following) :].lstrip()

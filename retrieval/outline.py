"""The library's outline: every heading with sub-headings, across all documents, to find the section a list
question names when its passages rank below the top hits.

“报告提出了哪些工作建议？” in a library of laws and one report: 报告/提出/建议 are everywhere in the laws, and the
report's 三、工作建议 ranked 23rd, so the top hits held no document with that heading. A heading is a short,
strong signal: matched against every section's title and label, it names the document to answer from.
Built from the chunks' headings (no texts), once per library state.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from retrieval.structured import heading_carries, heading_label
from retrieval.terms import QueryTerms
from retrieval.tokenizer import canonical_ordinal

Tokens = frozenset[str]


@dataclass(frozen=True)
class OutlineEntry:
    """A section of a document: its label's tokens, and with the document's title."""

    doc_id: str
    label_tokens: Tokens
    title_tokens: Tokens
    tokens: Tokens


class LibraryOutline:
    def __init__(self, entries: Iterable[OutlineEntry]):
        self.entries = tuple(entries)

    @classmethod
    def build(
        cls, rows: Iterable[tuple[str, str, tuple[str, ...]]], tokenize: Callable[[str], list[str]]
    ) -> LibraryOutline:
        """From (doc_id, title, heading path) rows: the headings with two or more sub-headings that are not all
        articles (the rule of `structured.sections`, which answers from them)."""
        children: dict[tuple[str, tuple[str, ...]], set[str]] = {}
        titles: dict[str, str] = {}
        for doc_id, title, heading in rows:
            titles[doc_id] = title
            for depth in range(len(heading) - 1):
                children.setdefault((doc_id, heading[: depth + 1]), set()).add(heading[depth + 1])
        cache: dict[str, Tokens] = {}

        def tokens_of(text: str) -> Tokens:
            if text not in cache:
                cache[text] = frozenset(tokenize(text))
            return cache[text]

        entries = []
        for (doc_id, heading), kids in children.items():
            label = heading_label(heading[-1])
            if len(kids) < 2 or all(canonical_ordinal(kid.strip()) for kid in kids) or not label:
                continue
            label_tokens, title_tokens = tokens_of(label), tokens_of(titles[doc_id])
            entries.append(OutlineEntry(doc_id, label_tokens, title_tokens, label_tokens | title_tokens))
        return cls(entries)

    def within(self, doc_ids: Collection[str] | None) -> LibraryOutline:
        """The outline of these documents only (a member's 检索范围); all of it for None."""
        if doc_ids is None:
            return self
        return LibraryOutline(e for e in self.entries if e.doc_id in doc_ids)

    def documents_naming(self, terms: QueryTerms, minimum: float, label_minimum: float, limit: int = 3) -> list[str]:
        """The documents (best first, at most `limit`) with a section whose heading carries `label_minimum` of the
        question (`structured.heading_carries`) and, with the document's title, `minimum` of it and all its nouns
        (as `structured.best_section` is asked to): 人大常委会…执法检查…哪些方式 is not asked of a chapter on
        常务委员会 whose sub-headings say nothing of 执法检查, though 人大常委会 is half the question's weight."""
        best: dict[str, float] = {}
        for entry in self.entries:
            score = terms.coverage(entry.tokens)
            if score < minimum:
                continue
            label_cover, title_cover = terms.coverage(entry.label_tokens), terms.coverage(entry.title_tokens)
            if not heading_carries(label_cover, title_cover, score, label_minimum):
                continue  # the heading itself must carry the question's words, not just the title
            if score > best.get(entry.doc_id, 0.0) and terms.noun_coverage(entry.tokens) >= 1.0:
                best[entry.doc_id] = score
        return sorted(best, key=lambda doc_id: -best[doc_id])[:limit]

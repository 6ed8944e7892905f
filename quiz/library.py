"""What the generator and the checks know of the whole library: is a sentence stated anywhere, and which terms of
the same kind (numbers with a unit, bodies, dictionary terms, rights, list members) it holds for distractors."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from quiz.spans import (
    LIST_MARKER,
    Span,
    boundaries,
    find_bodies,
    find_enumeration,
    find_numbers,
    find_rights,
    find_terms,
    list_item_head,
)
from quiz.text import norm
from retrieval.clauses import strip_ellipsis
from retrieval.sentences import introduces_list, with_list_items
from retrieval.text import split_sentences
from retrieval.tokenizer import ChineseTokenizer, normalize
from retrieval.types import Chunk

log = logging.getLogger(__name__)
LIST_MAX_CHARS = 1200  # a numbered list after "下列…：" may run long; its item heads are what we keep


@dataclass(frozen=True)
class Sentence:
    """A sentence of a chunk and where it starts in the chunk's text."""

    chunk: Chunk
    text: str
    start: int
    index: int


@dataclass(frozen=True)
class ListGroup:
    """A list of members: the items after "下列…：" (their heads), or an inline enumeration "A、B、C和D"."""

    intro: Sentence
    members: tuple[Span, ...]  # offsets relative to the sentence each member stands in
    member_sentences: tuple[Sentence, ...]
    vertical: bool

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(m.text for m in self.members)

    @property
    def noun(self) -> str:
        """What the list enumerates: 原则 in "遵循下列原则：" (empty when unknown)."""
        text = self.intro.text
        for marker in ("下列", "以下"):
            at = text.find(marker)
            if at >= 0:
                return text[at + 2 : at + 4]
        return ""


def sentences_of(chunk: Chunk) -> list[Sentence]:
    found: list[Sentence] = []
    position = 0
    for index, text in enumerate(split_sentences(chunk.text)):
        start = chunk.text.find(text, position)
        if start < 0:
            continue
        position = start + len(text)
        kept = strip_ellipsis(text)  # “...区政协…”: an omission mark between excerpts is not part of a stem
        if kept:
            found.append(Sentence(chunk, kept, start + text.find(kept), index))
    return found


class Analyzer:
    """Word boundaries and spans of sentences (jieba's words), cached: the generator asks many times."""

    def __init__(self, tokenizer: ChineseTokenizer):
        self.tokenizer = tokenizer
        self._cache: dict[str, tuple[list[str], set[int]] | None] = {}

    def words(self, text: str) -> tuple[list[str], set[int]] | None:
        if text not in self._cache:
            if len(normalize(text)) != len(text):
                self._cache[text] = None  # NFKC changed the length (…, ㎡): offsets would not line up
            else:
                words = self.tokenizer.words(text)
                self._cache[text] = (words, boundaries(text, words))
        return self._cache[text]

    def spans(self, text: str) -> list[Span]:
        analysed = self.words(text)
        if analysed is None:
            return []
        words, edges = analysed
        found = find_numbers(text, edges) + find_terms(text, edges)
        found += find_bodies(text, words) + find_rights(text, words)
        return _without_overlaps(found)

    def enumeration(self, text: str) -> list[Span]:
        analysed = self.words(text)
        return find_enumeration(text, analysed[1]) if analysed else []

    def lists(self, sentences: list[Sentence]) -> list[ListGroup]:
        """Numbered lists after an introducing sentence, and inline enumerations, in reading order."""
        groups: list[ListGroup] = []
        texts = [s.text for s in sentences]
        for position, sentence in enumerate(sentences):
            if introduces_list(sentence.text):
                group = _vertical(sentences, texts, position)
                if group:
                    groups.append(group)
            members = self.enumeration(sentence.text)
            if members:
                groups.append(ListGroup(sentence, tuple(members), (sentence,) * len(members), vertical=False))
        return groups


def _vertical(sentences: list[Sentence], texts: list[str], position: int) -> ListGroup | None:
    followers = with_list_items(texts, position, LIST_MAX_CHARS)[1:]
    members: list[Span] = []
    where: list[Sentence] = []
    for offset, text in enumerate(followers, start=position + 1):
        head = list_item_head(text)
        if head is None:
            if members and not LIST_MARKER.match(text):
                break
            continue  # an item too long to be an option (（三）协商讨论国家的大政方针以及…) is still one of the list
        start = text.find(head)
        members.append(Span(start, start + len(head), head, "member", "list"))
        where.append(sentences[offset])
    if len(members) < 2:
        return None
    return ListGroup(sentences[position], tuple(members), tuple(where), vertical=True)


def _without_overlaps(spans: list[Span]) -> list[Span]:
    """Where spans overlap, the longer one stays (全国人民代表大会常务委员会 over 常务委员会)."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if all(span.end <= k.start or k.end <= span.start for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


@dataclass(frozen=True)
class DocumentTerms:
    """What one document adds to the distractor pools: its terms of each kind and its list members. Worked out
    once per document: ids are content hashes, so a document's terms never change."""

    pools: dict[tuple[str, str], frozenset[str]]  # (kind, family) → texts
    members: tuple[tuple[str, str], ...]  # (list member, what its list enumerates: 原则 after 下列, or "enumeration")

    @classmethod
    def of(cls, chunks: Iterable[Chunk], tokenizer: ChineseTokenizer) -> DocumentTerms:
        analyzer = Analyzer(tokenizer)  # its own cache, dropped with it: the library's sentences are read once
        pools: dict[tuple[str, str], set[str]] = defaultdict(set)
        members: list[tuple[str, str]] = []
        for chunk in chunks:
            sentences = sentences_of(chunk)
            for sentence in sentences:
                for span in analyzer.spans(sentence.text):
                    pools[(span.kind, span.family)].add(span.text)
            for group in analyzer.lists(sentences):
                members.extend((text, group.noun or "enumeration") for text in group.texts)
        return cls({key: frozenset(texts) for key, texts in pools.items()}, tuple(members))


def document_text(chunks: Iterable[Chunk]) -> str:
    """A document's chunks normalised, one a line: what LibraryView.states searches."""
    return "\n".join(norm(chunk.text) for chunk in chunks)


class LibraryView:
    """The whole library's text, normalised (is a sentence stated anywhere, how often), and the pools of same-kind
    terms of the documents analysed for distractors (doc id → terms, in doc id order)."""

    def __init__(self, texts: Mapping[str, str], terms: Mapping[str, DocumentTerms]):
        self.pools: dict[tuple[str, str], set[str]] = defaultdict(set)
        for found in terms.values():
            for key, texts_of_kind in found.pools.items():
                self.pools[key] |= texts_of_kind
        self._members = [(text, noun, doc_id) for doc_id, found in terms.items() for text, noun in found.members]
        self._documents = dict(terms)
        self._texts = dict(texts)  # doc id → its normalised text (document_text)
        self._text = "\n".join(self._texts.values())
        self._counts: dict[str, int] = {}
        self._spread: dict[str, int] = {}
        log.info(
            "library view: %d characters, %d documents analysed, %d pools", len(self._text), len(terms), len(self.pools)
        )

    def states(self, text: str) -> bool:
        """True when the library says this (ignoring width, spaces and punctuation)."""
        key = norm(text)
        return bool(key) and key in self._text

    def occurrences(self, text: str) -> int:
        """How often the library says this: a scan of the whole text, so remembered (askable and topic_word ask
        about the same keys for every item kind)."""
        key = norm(text)
        if key not in self._counts:
            self._counts[key] = self._text.count(key) if key else 0
        return self._counts[key]

    def documents_saying(self, text: str) -> int:
        """In how many documents the library says this (remembered, as occurrences)."""
        key = norm(text)
        if key not in self._spread:
            self._spread[key] = sum(key in document for document in self._texts.values()) if key else 0
        return self._spread[key]

    @property
    def analysed(self) -> tuple[str, ...]:
        """The documents whose terms (and outlines) distractors are drawn from."""
        return tuple(self._documents)

    def occurrences_in(self, doc_id: str, text: str) -> int:
        key = norm(text)
        return self._texts.get(doc_id, "").count(key) if key else 0

    def states_near(self, candidate: str, after: str, gap: int = 4, context: int = 8) -> bool:
        """True when the library has the candidate followed, within a few characters, by what follows it here:
        地方委员会主席主持常务委员会的工作 is said as 各级地方委员会的主席主持常务委员会的工作."""
        head, tail = norm(candidate), norm(after)[:context]
        if not head or len(tail) < context:
            return False
        # from the tail, the rarer string: str.find is fast where a regex led by a common name is not
        start = self._text.find(tail)
        while start >= 0:
            if head in self._text[max(0, start - gap - len(head)) : start]:
                return True
            start = self._text.find(tail, start + 1)
        return False

    def pool(self, kind: str, family: str | None = None) -> set[str]:
        if family is not None:
            return set(self.pools.get((kind, family), ()))
        return _of_kind(self.pools, kind)

    def document_pool(self, doc_id: str, kind: str) -> set[str]:
        """Terms of this kind in one document (empty for a document not analysed)."""
        found = self._documents.get(doc_id)
        return _of_kind(found.pools, kind) if found is not None else set()

    def list_members(self) -> list[tuple[str, str, str]]:
        """(member, what its list enumerates: 原则 after 下列, or "enumeration", doc id) for every list."""
        return list(self._members)


def _of_kind(pools: Mapping[tuple[str, str], Iterable[str]], kind: str) -> set[str]:
    return {text for (k, _), texts in pools.items() if k == kind for text in texts}

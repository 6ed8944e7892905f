"""Hybrid search: BM25 over jieba tokens (+ 词林 synonyms), character bigrams, dense or static vectors,
fused, then title / heading field boosts; returned as Hits from the catalog."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.answer_types import AnswerType, Asked
from retrieval.cilin import Cilin
from retrieval.definitions import AskedTerms
from retrieval.derived_legs import DerivedLegs
from retrieval.document_names import DocumentNames, Naming, name_starts, titles_of
from retrieval.fusion import fuse
from retrieval.list_heads import ListOf, list_heads
from retrieval.outline import LibraryOutline
from retrieval.phrases import QuestionPhrases
from retrieval.query import weighted_bm25, weighted_query
from retrieval.settings import Settings
from retrieval.store import Index
from retrieval.synonyms import Thesaurus
from retrieval.tokenizer import normalize
from retrieval.types import Chunk, Hit

BOOSTED_HEAD = 30
# A stretch of a question the library uses in more passages than this is an everyday word (合法, 办法), no name.
EVERYDAY_DF = 20
EVERYDAY_SHARE = 0.001
# Kinds whose presence in a passage says something: most passages hold a rule (应当) or a list (、).
BOOSTED_TYPES = frozenset(
    {AnswerType.DURATION, AnswerType.AGE, AnswerType.MONEY, AnswerType.COUNT, AnswerType.DATE, AnswerType.PERSON}
)
# A document is implied when it holds the best passage and at least this many of the best five.
IMPLIED_SHARE_OF_TOP = 3
# A word at least this share of a document's passages say is its topic, not what a question asks of it.
TOPIC_SHARE = 0.3


@dataclass(frozen=True)
class SearchOptions:
    """Per-call knobs; defaults come from Settings (eval sweeps them without new Settings)."""

    bm25_weight: float
    dense_weight: float
    fusion: str = "weighted"
    rrf_k: int = 60
    candidates: int = 50
    cilin_weight: float = 0.0
    abbreviations: bool = False
    bigram_weight: float = 0.0
    static_weight: float = 0.0
    title_boost: float = 0.0
    heading_boost: float = 0.0
    type_boost: float = 0.0
    cilin_stand_in: float = 0.0  # weight of the 词林 synonyms of a word the library never uses
    named_boost: float = 0.0  # extra score for passages of a document the question names (个保法, 二十大报告)
    list_boost: float = 0.0  # ×(1 + this) for a passage listing what a list question asks for (哪几种处罚)
    phrase_boost: float = 0.0  # extra score × the share of the question a passage says word for word
    definition_boost: float = 0.0  # extra score for a passage defining the term a question asks the meaning of
    implied_weight: float = 0.0  # weight of the search within the document the best passages come from
    story_floor: float = 1.0  # the least weight of a question's word the library says less than everyday Chinese

    @classmethod
    def from_settings(cls, settings: Settings) -> SearchOptions:
        """The shipped knobs, as Settings give them."""
        return cls(
            settings.bm25_weight,
            settings.dense_weight,
            settings.fusion,
            settings.rrf_k,
            settings.candidates,
            settings.cilin_weight,
            settings.abbreviations,
            settings.bigram_weight,
            settings.static_weight,
            settings.title_boost,
            settings.heading_boost,
            settings.type_boost,
            settings.cilin_stand_in,
            settings.named_boost,
            settings.list_boost,
            settings.phrase_boost,
            settings.definition_boost,
            settings.implied_weight,
            settings.story_floor,
        )

    @property
    def boosted(self) -> bool:
        boosts = (
            self.title_boost,
            self.heading_boost,
            self.type_boost,
            self.list_boost,
            self.phrase_boost,
            self.definition_boost,
        )
        return any(boost > 0 for boost in boosts)


class HybridSearcher:
    def __init__(self, index: Index, thesaurus: Thesaurus | None = None, cilin: Cilin | None = None):
        self.index = index
        self.thesaurus = thesaurus
        self.cilin = cilin
        self.derived = DerivedLegs(
            index.catalog, index.settings.static_vectors, published=index.published_leg, loads=index.loads
        )
        self._field_tokens: dict[str, frozenset[str]] = {}
        self._names: tuple[object, DocumentNames] | None = None
        self._outline: tuple[object, LibraryOutline] | None = None
        self.defaults = SearchOptions.from_settings(index.settings)

    def bm25_leg(
        self,
        query: str,
        k: int,
        doc_ids: Sequence[str] | None = None,
        cilin_weight: float = 0.0,
        abbreviations: bool = False,
        cilin_stand_in: float = 0.0,
        story_floor: float = 1.0,
    ) -> list[tuple[str, float]]:
        lexical = self.index.lexical()
        if ((cilin_weight <= 0 and cilin_stand_in <= 0) or self.cilin is None) and story_floor >= 1.0:
            tokens = self.index.tokenizer.tokenize(query)
            if self.thesaurus is not None:
                tokens = self.thesaurus.for_question(query).expand(tokens, lexical, abbreviations)
            return lexical.search(tokens, k, doc_ids)
        tokenizer = self.index.tokenizer
        weights = weighted_query(
            query,
            tokenizer,
            lexical,
            self.thesaurus.for_question(query) if self.thesaurus is not None else None,
            self.cilin,
            cilin_weight,
            abbreviations,
            cilin_stand_in,
            story_floor,
        )
        return weighted_bm25(lexical, weights, k, doc_ids)

    def bigram_leg(self, query: str, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        leg = self.derived.bigram()
        return leg.search(query, k, doc_ids) if leg is not None else []

    def static_leg(self, query: str, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        leg = self.derived.static()
        vectors = self.derived.word_vectors
        if leg is None or vectors is None:
            return []
        return leg.search(vectors.sentence(self.index.tokenizer.query_tokens(query)), k, doc_ids)

    def dense_leg(self, query: str, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        vectors = self.index.fresh_vectors()
        if self.index.embedder is None or vectors is None:
            return []
        return vectors.query(self.index.embedder.encode_query(query), k, doc_ids)

    def search(
        self,
        query: str,
        k: int = 10,
        doc_ids: Sequence[str] | None = None,
        options: SearchOptions | None = None,
    ) -> list[Hit]:
        """The k best chunks for a query, optionally only within the given documents."""
        options = options or self.defaults
        if not query.strip():
            return []
        n = max(options.candidates, k)
        legs = self._legs(query, n, doc_ids, options)
        weights = {
            "bm25": options.bm25_weight,
            "dense": options.dense_weight,
            "bigram": options.bigram_weight,
            "static": options.static_weight,
        }
        fused = fuse(legs, weights, options.fusion, options.rrf_k)
        naming = self._naming(query) if options.named_boost > 0 and not doc_ids else Naming()
        if naming.doc_ids:
            fused = self._with_named_documents(fused, query, naming, n, weights, options)
        elif options.implied_weight > 0 and not doc_ids:
            fused = self._with_implied_document(fused, query, n, weights, options)
        return self._to_hits(fused, legs, k, query, options, frozenset(naming.doc_ids))

    def _legs(
        self, query: str, n: int, doc_ids: Sequence[str] | None, options: SearchOptions, lexical_only: bool = False
    ) -> dict[str, list[tuple[str, float]]]:
        """Each leg's ranking (empty for a leg weighted 0)."""
        legs = {
            "bm25": self.bm25_leg(
                query,
                n,
                doc_ids,
                options.cilin_weight,
                options.abbreviations,
                options.cilin_stand_in,
                options.story_floor,
            )
            if options.bm25_weight > 0
            else [],
            "bigram": self.bigram_leg(query, n, doc_ids) if options.bigram_weight > 0 else [],
        }
        if not lexical_only:
            legs["dense"] = self.dense_leg(query, n, doc_ids) if options.dense_weight > 0 else []
            legs["static"] = self.static_leg(query, n, doc_ids) if options.static_weight > 0 else []
        return legs

    def document_names(self) -> DocumentNames:
        """The library's titles as names a question can use; rebuilt when the library changes."""
        lexical = self.index.lexical()
        if self._names is None or self._names[0] is not lexical:
            catalog = self.index.catalog
            titles = titles_of(((d.doc_id, d.title) for d in catalog.documents()), catalog.openings())
            rare = max(EVERYDAY_DF, EVERYDAY_SHARE * len(lexical.state.chunk_ids))
            self._names = (lexical, DocumentNames(titles, lambda word: lexical.document_frequency(word) > rare))
        return self._names[1]

    def outline(self) -> LibraryOutline:
        """Every heading with sub-headings in the library; rebuilt when the library changes."""
        lexical = self.index.lexical()
        if self._outline is None or self._outline[0] is not lexical:
            rows = self.index.catalog.heading_rows()
            self._outline = (lexical, LibraryOutline.build(rows, self.index.tokenizer.tokenize))
        return self._outline[1]

    def missing_documents(self, query: str) -> list[str]:
        """The 《titles》 the query quotes that the library lacks: nothing in it can answer for them."""
        return self.document_names().missing(normalize(query)) if "《" in query else []

    def named_documents(self, query: str) -> list[str]:
        return list(self._naming(query).doc_ids)

    def _naming(self, query: str) -> Naming:
        text = normalize(query)
        return self.document_names().naming(text, name_starts(text, self.index.tokenizer.tagged_words(text)))

    def _without_names(self, query: str, naming: Naming) -> str:
        """The question without the document names it says (消防法里说的“消防设施”包括哪些 → 里说的“消防设施”
        包括哪些), or whole when nothing else is left to search for."""
        if not naming.spans:
            return query
        text = normalize(query)  # the spans are positions in the normalized question
        for start, end in sorted(naming.spans, reverse=True):
            text = text[:start] + "，" + text[end:]
        return text if self.index.tokenizer.query_tokens(text) else query

    def _with_named_documents(
        self,
        fused: list[tuple[str, float]],
        query: str,
        naming: Naming,
        n: int,
        weights: dict[str, float],
        options: SearchOptions,
    ) -> list[tuple[str, float]]:
        """A question that names a document (个保法是哪天开始施行的) is asked about it: the same search within it,
        its passages raised by named_boost, merged with the whole library's ranking."""
        # a few documents: words decide, but not the words of their name, which all their passages say
        asked = self._without_names(query, naming)
        within = self._legs(asked, n, list(naming.doc_ids), options, lexical_only=True)
        merged = dict(fused)
        if asked != query:  # their passages rank by what is asked of them, not by the name they all share
            documents = self.index.lexical().document_of
            merged = {cid: score for cid, score in merged.items() if documents.get(cid) not in naming.doc_ids}
        for cid, score in fuse(within, weights, options.fusion, options.rrf_k):
            merged[cid] = max(merged.get(cid, 0.0), score + options.named_boost)
        return sorted(merged.items(), key=lambda item: (-item[1], item[0]))

    def _with_implied_document(
        self,
        fused: list[tuple[str, float]],
        query: str,
        n: int,
        weights: dict[str, float],
        options: SearchOptions,
    ) -> list[tuple[str, float]]:
        """A question most of whose best passages come from one document is asked about that document without
        naming it: the words most of its passages say (红十字会 in the Red Cross law) tell them apart no more than
        a name does, so its passages are searched again without them, and that ranking is added at
        implied_weight."""
        lexical = self.index.lexical()
        document = implied_document(fused, lexical.document_of)
        if document is None:
            return fused
        tokens = self.index.tokenizer.query_tokens(query)
        topic = [t for t, share in lexical.shares_in_document(tokens, document).items() if share >= TOPIC_SHARE]
        asked = without_words(normalize(query), topic)
        if not topic or not self.index.tokenizer.query_tokens(asked):
            return fused
        within = self._legs(asked, n, [document], options, lexical_only=True)
        merged = dict(fused)
        for cid, score in fuse(within, weights, options.fusion, options.rrf_k):
            merged[cid] = merged.get(cid, 0.0) + options.implied_weight * score
        return sorted(merged.items(), key=lambda item: (-item[1], item[0]))

    def _field_boosted(
        self, fused: list[tuple[str, float]], chunks: dict[str, Chunk], query: str, options: SearchOptions
    ) -> list[tuple[str, float]]:
        """Title and heading path as their own fields: a passage whose title or heading carries the question's
        words gains up to title_boost / heading_boost (weighted by the words' IDF)."""
        lexical = self.index.lexical()
        weights = {t: lexical.idf(t) for t in self.index.tokenizer.query_tokens(query)}
        total = sum(weights.values())
        if not total:
            return fused
        asked = Asked.of(query) if options.type_boost > 0 or options.list_boost > 0 else Asked()
        typed = options.type_boost > 0 and asked.kind in BOOSTED_TYPES
        listed = self.list_of(query) if options.list_boost > 0 and asked.kind is AnswerType.LIST else None
        phrases = QuestionPhrases.of(self.index.tokenizer, query) if options.phrase_boost > 0 else None
        defined = AskedTerms.of(self.index.tokenizer, query) if options.definition_boost > 0 else None

        def share(text: str) -> float:
            present = self._field_tokens.get(text)
            if present is None:  # titles and heading paths repeat across chunks: tokenize each once
                if len(self._field_tokens) > 20000:
                    self._field_tokens.clear()
                present = self._field_tokens[text] = frozenset(self.index.tokenizer.tokenize(text))
            return sum(w for t, w in weights.items() if t in present) / total

        boosted = []
        for cid, score in fused:
            chunk = chunks.get(cid)
            if chunk is not None:
                score += options.title_boost * share(chunk.title) + options.heading_boost * share(chunk.heading_path)
                if typed and asked.held_by(chunk.text, self.index.tokenizer.has_person_name):
                    score += options.type_boost
                if listed and listed.held_by(chunk.text):
                    score *= 1 + options.list_boost
                if phrases is not None:
                    score += options.phrase_boost * phrases.share_said(chunk.text)
                if defined and defined.defined_in(chunk.text):
                    score += options.definition_boost
            boosted.append((cid, score))
        return sorted(boosted, key=lambda item: (-item[1], item[0]))

    def list_of(self, query: str) -> ListOf:
        """What a list question asks a list of, with the thesaurus's and 词林's words for it that the library uses."""
        lexical = self.index.lexical()

        def alternatives(head: str) -> list[str]:
            found = [alt[0] for alt in self.thesaurus.alternatives(head)] if self.thesaurus is not None else []
            if self.cilin is not None:
                found += self.cilin.synonyms(head, lambda word: lexical.document_frequency(word) > 0)
            return found

        tokenizer = self.index.tokenizer
        return ListOf(list_heads(query, tokenizer), alternatives, tokenizer.words)

    def _to_hits(
        self,
        fused: list[tuple[str, float]],
        legs: dict[str, list[tuple[str, float]]],
        k: int,
        query: str = "",
        options: SearchOptions | None = None,
        named: frozenset[str] = frozenset(),
    ) -> list[Hit]:
        # Dense results may include orphan vectors of an unfinished ingest: only catalog chunks are served.
        ranked_ids = [cid for cid, _ in fused]
        boosting = options is not None and options.boosted
        if boosting:  # a small boost can only reorder the head of the list: fetch and boost that much
            fused = fused[: max(BOOSTED_HEAD, 2 * k)]
            ranked_ids = ranked_ids[: len(fused)]
        indexed = self.index.catalog.indexed_chunks(ranked_ids if boosting else ranked_ids[: k * 2])
        if len(indexed) < k:
            indexed = self.index.catalog.indexed_chunks(ranked_ids)
        chunks = {cid: chunk for cid, (chunk, _) in indexed.items()}
        if boosting:
            fused = self._field_boosted(fused, chunks, query, options)
        bm25 = dict(legs["bm25"])
        dense = dict(legs["dense"])
        hits = []
        for cid, score in fused:
            if cid in indexed:
                chunk, tokens = indexed[cid]
                hits.append(Hit(chunk, score, bm25.get(cid, 0.0), dense.get(cid, 0.0), chunk.doc_id in named, tokens))
        return hits[:k]


def implied_document(fused: list[tuple[str, float]], document_of: dict[str, str]) -> str | None:
    """The document of the best passage when it also holds most of the best five (None otherwise)."""
    top = [document_of.get(cid) for cid, _ in fused[:5]]
    if not top or top[0] is None or top.count(top[0]) < IMPLIED_SHARE_OF_TOP:
        return None
    return top[0]


def without_words(text: str, words: Sequence[str]) -> str:
    """The text with each occurrence of these words replaced by a comma (longest first)."""
    for word in sorted(words, key=len, reverse=True):
        text = text.replace(word, "，")
    return text

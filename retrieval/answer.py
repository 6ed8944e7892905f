"""Extractive answers: the sentences of the top passages that best cover the question, with [n] citations.

Evidence strength is the share of the question's IDF-weighted terms that the best passage contains. Below
`answer_min_coverage` the answer is a refusal: citing the nearest noise would mislead a member. Above it a
calibrated model (retrieval/refusal.py: coverage, retrieval margin, answer-type match) decides between a
plain answer, an answer marked 仅供参考 and a refusal. Structure answers some questions better than a
sentence: a named article, a heading's sub-headings, a whole enumeration (retrieval/structured.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from retrieval.affinity import library_affinity
from retrieval.answer_types import PHONE_NUMBER, AnswerType, Asked, asking_words, states_a_number
from retrieval.bigram_leg import char_bigrams, question_bigrams
from retrieval.cilin import Cilin
from retrieval.clauses import answering_clause, restore_subject, strip_ellipsis
from retrieval.definitions import AskedTerms
from retrieval.lexical import LexicalIndex, index_text
from retrieval.misjoined import recut_classes
from retrieval.outline import LibraryOutline
from retrieval.refusal import Evidence, RefusalModel
from retrieval.sentences import with_list_items
from retrieval.settings import Settings
from retrieval.structured import (
    DashRun,
    article_chunks,
    article_ref,
    asked_place,
    best_section,
    dash_runs,
    heading_label,
    is_item,
    is_list_intro,
    list_run,
    place_words,
    rule_run,
    title_match,
)
from retrieval.synonyms import Thesaurus
from retrieval.terms import QueryTerms, weigh_terms
from retrieval.text import split_sentences, strip_punctuation
from retrieval.tokenizer import ChineseTokenizer, normalize
from retrieval.types import Answer, Chunk, Citation, Hit

NO_ANSWER = "未在资料库中找到相关内容。"
# Names the filter by its label, not its place: on a phone the sidebar is folded away.
NO_ANSWER_HINT = "可以换个说法、使用文件中的关键词，或在“检索范围”中选择要检索的文件后再问。"
EMPTY_QUESTION = "请输入一个问题。"
LOW_CONFIDENCE = "资料库中没有与问题完全对应的表述，以下回答仅供参考，请对照原文核实。"
TYPE_BONUS = 0.25  # a sentence of the asked type beats an equally covering one without (多久 → “三十日内”)
# …and the rule that lists what a list question asks for (下列义务：) beats one that merely names it (义务、权利和管理)
LIST_INTRO_BONUS = 0.2
# …and the sentence defining the term a question asks the meaning of (噪声敏感建筑物，是指…) beats the rules using it
DEFINITION_BONUS = 0.25
SECTION_MIN_COVERAGE = 0.5
DASH_LIST_HITS = 3  # a run of “——” items answers a list question when one of these passages is part of it
DASH_LIST_NOUNS = 0.75  # …and it says the question's nouns (特点 only by its 词林 synonym 特征 counts in part)
SECTION_MIN_HEADING_COVERAGE = 0.2  # …of which the heading itself (without the title) covers this much
ARTICLE_MIN_TITLE_MATCH = 0.5
HIGHLIGHT_IDF_SHARE = 0.45
ChunksOf = Callable[[str], list[Chunk]]
OutlineOf = Callable[[], LibraryOutline]  # built only when a list question needs it
OpeningOf = Callable[[str], str]  # doc id → its first characters (Catalog.opening)
# 仅供参考 beyond the calibrated threshold: a passage saying under answer_confident_coverage of the question's
# weight, or one lacking the question's most specific word unless the model is this sure. Chosen on the dev sets
# against the rule it replaced (any unseen noun, or the specific word missing, always doubtful): right answers
# warned 65 → 60 of 218 there, 65 → 52 of 125 held out, while wrong or unanswerable ones warned 44 → 48 of 58 and
# 41 → 41 of 53.
DOUBT_UNLESS_SURE = 0.9
# How much the passage's search score counts in a sentence's score, beside the sentence's own coverage: the search
# weighs what coverage does not (thesaurus alternatives, bigrams, phrases, the asked type). 0.1 → 0.25 on the read
# sets: dev answers right 0.837 → 0.841, fresh2 0.767 → 0.833, fresh3 0.900 → 0.933, none lost (0.4: −1 held out).
SEARCH_SCORE_WEIGHT = 0.25
# Asked values no answer can do without: a 多少 / 几年 / 哪一年 question is refused when no sentence among the
# passages holds one of the asked kind nor any figure at all (five QA sets: 4 unanswerable questions such, none
# answerable; the figure test spares units the cues lack: 1.3万亿斤, 十一点半).
VALUE_TYPES = frozenset({AnswerType.COUNT, AnswerType.DURATION, AnswerType.DATE})
# Types whose absence is decisive: a 多少钱 question answered without an amount is not answered.
STRICT_TYPES = frozenset({AnswerType.MONEY, AnswerType.PERSON, AnswerType.AGE})
# Values a sentence seldom states by chance (unlike a rule or a list, which nearly every article holds)
VALUE_ASKED = VALUE_TYPES | STRICT_TYPES
# …and the amount or age must be in a sentence covering the question nearly as well as the best one does
STRICT_RELATIVE_COVER = 0.8
_UNSET: object = object()


def discriminative_terms(terms: QueryTerms, share: float = HIGHLIGHT_IDF_SHARE) -> tuple[str, ...]:
    """The terms worth highlighting: within `share` of the rarest term's weight (政协 in a 政协 library is not)."""
    positive = {t: w for t, w in terms.weights.items() if w > 0}
    if not positive:
        return ()
    top = max(positive.values())
    return tuple(t for t, w in positive.items() if w >= share * top)


# Specifics a question pins its answer to: a named document 《…》, a year, a session (十四届, 三中全会),
# an anniversary. A passage that lacks them answers another question, however many words it shares.
_REQUIRED = re.compile(
    r"《([^》]{2,40})》|((?:19|20)\d{2})(?=年)|((?:第|十)[一二三四五六七八九十]*届|[一二三四五六七八九]十[一二三四五六七八九]?届)|([一二三四五六七八九十]+中全会)|(\d+周年)"
)


def required_terms(question: str) -> list[str]:
    found = (next(g for g in match.groups() if g) for match in _REQUIRED.finditer(normalize(question)))
    return list(dict.fromkeys(strip_punctuation(term) for term in found))


def _evidence_text(chunk: Chunk) -> str:
    return strip_punctuation(normalize(f"{chunk.title}{chunk.heading_path}{chunk.text}"))


def _lone(said: int, words: int) -> bool:
    return words > 1 and said <= 1


def meets_requirements(chunk: Chunk, required: Sequence[str], opening: OpeningOf = lambda _: "") -> bool:
    """The passage says every required specific, or its document's opening does (a document's date line,
    （2018年1月2日）, dates all its passages: 2018年中央一号文件 asks any of them)."""
    text = _evidence_text(chunk)
    missing = [term for term in required if term not in text]
    if not missing:
        return True
    said = strip_punctuation(normalize(opening(chunk.doc_id)))
    return all(term in said for term in missing)


def remembered_openings(opening_of: OpeningOf | None) -> OpeningOf:
    """doc id → its opening, asked of the catalog once per document and question (nothing without a catalog)."""
    found: dict[str, str] = {}

    def opening(doc_id: str) -> str:
        if doc_id not in found:
            found[doc_id] = opening_of(doc_id) if opening_of is not None else ""
        return found[doc_id]

    return opening


def _named_elsewhere(hits: Sequence[Hit], source: Hit) -> bool:
    """The question names a document the library holds (档案法) and the answer comes from another, not one whose
    title holds the named one's (宪法修正案 for 宪法): what it asks of that document is not there (2024年又修改了
    一次, 2023年修订后改了哪些)."""
    named = {h.chunk.title for h in hits if h.named}
    return bool(named) and not source.named and not any(title in source.chunk.title for title in named)


@dataclass(frozen=True)
class Candidate:
    hit_rank: int
    position: int
    parts: tuple[str, ...]  # the sentence, plus the list items it introduces
    score: float
    cover: float = 0.0
    typed: bool = True

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True)
class Draft:
    """An answer before the refusal decision, with the evidence the decision is made on."""

    answer: Answer
    evidence: Evidence | None  # None: refused before any evidence was weighed (or a structural answer)


def answer_probability(model: RefusalModel, evidence: Evidence) -> float:
    """How likely the evidence answers the question: the model's probability, 0 for evidence refused outright."""
    return 0.0 if refused_outright(evidence) else model.probability(evidence)


def refused_outright(evidence: Evidence) -> bool:
    # a subject the library never treats (感冒, 下雨) and a passage that shares one word with the question by
    # chance: refused whatever the coverage (dev and held-out: 3 of 20 off-topic questions, no answerable one)
    # — unless the question asks for a value the passage states (多久 → 二年): a legal question told with a
    # story's things (电热毯, 散文), which the model weighs like any other
    off_topic = evidence.foreign and evidence.lone_match and not evidence.value_match
    # a question asking a named document (档案法, 政协章程) what the best sentence only another one says: on the
    # read sets 7 unanswerable questions on revisions (2024年又修改了一次) and 1 wrong answer, none right
    return bool(evidence.strict_type_missing or evidence.no_question_word or off_topic or evidence.named_elsewhere)


class ExtractiveAnswerer:
    def __init__(
        self,
        tokenizer: ChineseTokenizer,
        settings: Settings,
        thesaurus: Thesaurus | None = None,
        cilin: Cilin | None = None,
        refusal_model: RefusalModel | object | None = _UNSET,
    ):
        self.tokenizer = tokenizer
        self.settings = settings
        self.thesaurus = thesaurus
        self.cilin = cilin
        self.refusal_model = RefusalModel.load() if refusal_model is _UNSET else refusal_model

    def answer(
        self,
        question: str,
        hits: Sequence[Hit],
        lexical: LexicalIndex,
        chunks_of: ChunksOf | None = None,
        missing_documents: Sequence[str] = (),
        outline: OutlineOf | None = None,
        opening_of: OpeningOf | None = None,
    ) -> Answer:
        return self.decide(self.draft(question, hits, lexical, chunks_of, missing_documents, outline, opening_of))

    # -- the decision ---------------------------------------------------------------------------------
    def decide(self, draft: Draft) -> Answer:
        answer, evidence = draft.answer, draft.evidence
        if not answer.found or evidence is None:
            return answer
        model = self.refusal_model if self.settings.calibrated_refusal else None
        if model is None:
            if evidence.coverage < self.settings.answer_confident_coverage:
                return replace(answer, notices=(LOW_CONFIDENCE, *answer.notices))
            return answer
        probability = answer_probability(model, evidence)
        threshold = self.settings.answer_refusal_threshold
        if probability < (model.threshold if threshold is None else threshold):
            return replace(self._refusal(answer.question, [], answer.query_terms), confidence=round(probability, 3))
        answer = replace(answer, confidence=round(probability, 3))
        # the passage says little of the question (待遇 of 委员任期满了以后待遇怎么安排 is in no text), one of its
        # several words, or not its most specific one: the answer may be about something else
        doubtful = (
            evidence.coverage < self.settings.answer_confident_coverage
            or evidence.lone_match
            or (not evidence.rarest_covered and probability < DOUBT_UNLESS_SURE)
        )
        if probability < self.settings.answer_doubt_threshold or doubtful:
            answer = replace(answer, notices=(LOW_CONFIDENCE, *answer.notices))
        return answer

    # -- the draft ------------------------------------------------------------------------------------
    def draft(
        self,
        question: str,
        hits: Sequence[Hit],
        lexical: LexicalIndex,
        chunks_of: ChunksOf | None = None,
        missing_documents: Sequence[str] = (),
        outline: OutlineOf | None = None,
        opening_of: OpeningOf | None = None,
    ) -> Draft:
        """The answer before refusal is decided, with its evidence. `missing_documents`: the 《titles》 the question
        quotes that the library lacks — what it asks is in them, so the nearest passage elsewhere is no answer.
        `outline`: the searchable library's outline, for list questions whose section is not among the hits.
        `opening_of`: a document's first characters, whose date line dates all its passages."""
        if not question.strip():
            return Draft(Answer(question, EMPTY_QUESTION, found=False, mode="none"), None)
        if missing_documents:
            absent = "、".join(f"《{name}》" for name in missing_documents)
            text = f"资料库中没有收录{absent}，无法据此回答。可以请资料库管理员上传该文件，或换个问题再问。"
            return Draft(Answer(question, text, found=False, mode="none"), None)
        settings = self.settings
        terms = weigh_terms(
            recut_classes(question, self.tokenizer, lexical),
            lexical,
            self.thesaurus.for_question(question) if self.thesaurus is not None else None,
            self.cilin if settings.cilin_weight > 0 or settings.cilin_stand_in > 0 else None,
            settings.cilin_weight,
            asking_words(question) if settings.answer_typing else (),
            refined=settings.answer_typing,
            abbreviations=settings.abbreviations,
            unseen_factor=settings.unseen_noun_weight,
            stand_in_credit=settings.cilin_stand_in,
            everyday_share=self.tokenizer.everyday_share,
            story_floor=settings.story_floor,
            question=question,
        )
        display_terms = tuple(t for t, w in terms.weights.items() if w > 0)
        highlight = discriminative_terms(terms)
        asked = Asked.of(question) if settings.answer_typing else Asked()
        required = required_terms(question)
        opening = remembered_openings(opening_of)
        passages = [self._passage_words(h) for h in hits]
        chunk_cover = [
            terms.coverage(words) if meets_requirements(h.chunk, required, opening) else 0.0
            for h, words in zip(hits, passages, strict=True)
        ]
        if settings.structured_answers and chunks_of is not None and hits:
            structural = self._structural(question, hits, terms, asked, chunks_of, outline)
            if structural is not None:
                return Draft(replace(structural, query_terms=display_terms, highlight_terms=highlight), None)
        floor = self._floor()
        if not hits or max(chunk_cover) < floor:
            return Draft(self._refusal(question, required, display_terms), None)
        candidates = self._strict_type_first(self._candidates(question, hits, terms, chunk_cover, asked, floor), asked)
        chosen = self._choose(candidates)
        answer = self._compose(question, hits, chosen, display_terms, terms, asked)
        answer = replace(answer, highlight_terms=highlight)
        return Draft(answer, self._evidence(hits, passages, chunk_cover, candidates, chosen, terms, asked, lexical))

    def _passage_words(self, hit: Hit) -> set[str]:
        """The passage's words as indexed; tokenized here only for a hit the search did not make."""
        return set(hit.tokens) if hit.tokens else set(self.tokenizer.tokenize(index_text(hit.chunk)))

    def _evidence(
        self,
        hits: Sequence[Hit],
        passages: list[set[str]],
        chunk_cover: list[float],
        candidates: list[Candidate],
        chosen: list[Candidate],
        terms: QueryTerms,
        asked: Asked,
        lexical: LexicalIndex,
    ) -> Evidence:
        best_tokens = passages[max(range(len(hits)), key=lambda i: chunk_cover[i])]
        raw = sorted((h.bm25_score for h in hits), reverse=True)
        margin = (raw[0] - raw[1]) / raw[0] if len(raw) > 1 and raw[0] > 0 else (1.0 if raw and raw[0] > 0 else 0.0)
        best = chosen[0] if chosen else None
        typed_covers = [c.cover for c in candidates if c.typed]
        # the most specific word the library knows: an unseen one (红烧肉, 衣服) can be in no passage at all
        known = [t for t in terms.weights if t not in terms.unseen]
        heaviest = max(known, key=lambda t: terms.weights[t], default=None)
        return Evidence(
            coverage=max(chunk_cover),
            sentence_coverage=best.cover if best else 0.0,
            margin=margin,
            type_match=1.0 if best is not None and best.typed else 0.0,
            typed=1.0 if asked.typed else 0.0,
            unseen=terms.unseen_share,
            typed_cover=max(typed_covers, default=0.0),
            rarest_covered=1.0 if heaviest is not None and terms.covers(heaviest, best_tokens) else 0.0,
            noun_cover=terms.noun_coverage(best_tokens),
            missing_max=terms.missing_max(best_tokens),
            strict_type_missing=1.0 if self._strict_type_missing(asked, candidates, typed_covers) else 0.0,
            unit_missing=1.0 if asked.units and not typed_covers else 0.0,
            no_question_word=0.0 if terms.says_any(best_tokens) else 1.0,
            foreign=1.0 if terms.foreign else 0.0,
            lone_match=1.0 if _lone(*terms.words_covered(best_tokens)) else 0.0,
            affinity=library_affinity(terms, lexical, self.tokenizer.everyday_share),
            value_match=1.0 if asked.kind in VALUE_ASKED and best is not None and best.typed else 0.0,
            named_elsewhere=1.0 if best is not None and _named_elsewhere(hits, hits[best.hit_rank]) else 0.0,
        )

    @staticmethod
    def _strict_type_first(candidates: list[Candidate], asked: Asked) -> list[Candidate]:
        """A 多大岁数 / 多少钱 question is answered by the sentence holding an age or a sum whenever it covers enough
        not to be refused (the bar of _strict_type_missing): 第一条's 年满十八岁, not 第五条 on 申请入党 with no age."""
        if asked.kind not in STRICT_TYPES or not candidates:
            return candidates
        bar = STRICT_RELATIVE_COVER * max(c.cover for c in candidates)
        typed = [c for c in candidates if c.typed and c.cover >= bar]
        best = max(candidates, key=lambda c: c.score)
        if not typed or best.typed:
            return candidates
        lead = max(typed, key=lambda c: c.score)
        return [replace(lead, score=best.score + 1e-6), *(c for c in candidates if c is not lead)]

    @staticmethod
    def _strict_type_missing(asked: Asked, candidates: list[Candidate], typed_covers: list[float]) -> bool:
        """A 多少钱 / 多大年纪 question whose amount or age is only in sentences about something else (the
        工会主席's duties hold no amount; a fine elsewhere does) has no answer; a name needs a tagger that misses
        some, so for 是谁 any sentence with a name will do."""
        if asked.kind in VALUE_TYPES and not typed_covers and not any(states_a_number(c.text) for c in candidates):
            return True  # 电话号码是多少, 哪一年发布: no sentence among the passages states any figure
        if asked.units == PHONE_NUMBER and not typed_covers:
            return True  # 举报电话是多少: the passages' figures (七个工作日内) are no phone number
        if asked.kind not in STRICT_TYPES:
            return False
        if not typed_covers:
            return True
        if asked.kind is AnswerType.PERSON:
            return False
        best = max(c.cover for c in candidates)
        return max(typed_covers) < STRICT_RELATIVE_COVER * best

    @staticmethod
    def _refusal(question: str, required: list[str], terms: tuple[str, ...]) -> Answer:
        missing = "、".join(f"「{term}」" for term in required)
        detail = f"找到的相关段落都没有提到{missing}。" if required else ""
        return Answer(question, NO_ANSWER + detail + NO_ANSWER_HINT, found=False, mode="none", query_terms=terms)

    # -- structure --------------------------------------------------------------------------------------
    def _structural(
        self,
        question: str,
        hits: Sequence[Hit],
        terms: QueryTerms,
        asked: Asked,
        chunks_of: ChunksOf,
        outline: OutlineOf | None = None,
    ) -> Answer | None:
        place = asked_place(question)
        if place is not None:
            # a heading says 工作建议, never 第二项: the place words would only dilute its match
            section_terms = terms.without(place_words(question, self.tokenizer.tokenize))
            placed = self._section_answer(question, hits, section_terms, chunks_of, outline, place)
            if placed is not None:
                return placed
        article = article_ref(question)
        if article is not None:
            return self._article_answer(question, hits, article, chunks_of)
        if asked.kind is AnswerType.LIST:
            section = self._section_answer(question, hits, terms, chunks_of, outline)
            return section if section is not None else self._dash_list_answer(question, hits, terms, chunks_of)
        return None

    def _dash_list_answer(
        self, question: str, hits: Sequence[Hit], terms: QueryTerms, chunks_of: ChunksOf
    ) -> Answer | None:
        """“中国式现代化有哪些特征”: the run of “——” paragraphs a top passage is part of, when the run (its
        introducing sentence, heading and items) covers the question: each item's first sentence, cited."""
        top = hits[:DASH_LIST_HITS]
        best: tuple[DashRun, float] | None = None
        for doc_id in dict.fromkeys(h.chunk.doc_id for h in top):
            for run in dash_runs(chunks_of(doc_id), split_sentences):
                if not any(run.touches(h.chunk) for h in top):
                    continue
                tokens = set(self.tokenizer.tokenize(run.text))
                cover = terms.coverage(tokens)
                covers = cover >= SECTION_MIN_COVERAGE and terms.noun_coverage(tokens) >= DASH_LIST_NOUNS
                if covers and (best is None or cover > best[1]):
                    best = (run, cover)
        if best is None:
            return None
        run = best[0]
        first = run.items[0][1]
        opening = run.intro[0] if run.intro else heading_label(first.heading[-1]) if first.heading else ""
        lead = f"{opening.rstrip('：:。')}：" if opening else ""
        items = [f"{text.rstrip('。；;')}[{number}]" for number, (text, _) in enumerate(run.items, start=1)]
        citations = tuple(
            Citation(number, chunk, (text,), 1.0) for number, (text, chunk) in enumerate(run.items, start=1)
        )
        return Answer(question, lead + "；".join(items) + "。", citations, found=True, mode="extractive")

    def _article_answer(self, question: str, hits: Sequence[Hit], article: str, chunks_of: ChunksOf) -> Answer | None:
        """“宪法第三十五条讲的什么”: the document the question names (by title), then that article, whole."""
        docs: dict[str, float] = {}
        for hit in hits:
            docs.setdefault(hit.chunk.doc_id, title_match(question, hit.chunk.title))
        for doc_id, match in sorted(docs.items(), key=lambda item: -item[1]):
            if match < ARTICLE_MIN_TITLE_MATCH:
                break
            found = article_chunks(chunks_of(doc_id), article)
            if found:
                text = strip_ellipsis("".join(c.text for c in found))
                citation = Citation(1, found[0], tuple(split_sentences(found[0].text)), 1.0)
                return Answer(question, f"{text}[1]", (citation,), found=True, mode="extractive", confidence=1.0)
        return None

    def _section_answer(
        self,
        question: str,
        hits: Sequence[Hit],
        terms: QueryTerms,
        chunks_of: ChunksOf,
        outline: OutlineOf | None = None,
        place: int | None = None,
    ) -> Answer | None:
        """“存在哪些问题”: a heading the question matches, answered by its sub-headings, each cited; with a `place`
        (“政府工作任务里排在第一条的是什么”), by that one sub-heading. The hits' documents come first (a tie
        goes to them); the outline adds those whose headings match though their passages ranked lower."""
        doc_ids = list(dict.fromkeys(h.chunk.doc_id for h in hits))
        if outline is not None:
            named = outline().documents_naming(terms, SECTION_MIN_COVERAGE, SECTION_MIN_HEADING_COVERAGE)
            doc_ids += [d for d in named if d not in doc_ids]
        found = best_section(
            [chunks_of(d) for d in doc_ids],
            lambda text: terms.coverage(set(self.tokenizer.tokenize(text))),
            SECTION_MIN_COVERAGE,
            SECTION_MIN_HEADING_COVERAGE,
            lambda text: terms.noun_coverage(set(self.tokenizer.tokenize(text))) >= 1.0,
        )
        if found is None:
            return None
        section, _ = found
        if place is not None:
            if not 1 <= place <= len(section.children):
                return None
            child, chunk = section.children[place - 1]
            citation = Citation(1, chunk, (child,), 1.0)
            text = f"{heading_label(section.heading[-1])}的第{place}项：{child}[1]"
            return Answer(question, text, (citation,), found=True, mode="extractive")
        lines, citations = [], []
        for number, (child, chunk) in enumerate(section.children, start=1):
            lines.append(f"{child}[{number}]")
            citations.append(Citation(number, chunk, (child,), 1.0))
        text = f"{heading_label(section.heading[-1])}：" + "；".join(lines) + "。"
        return Answer(question, text, tuple(citations), found=True, mode="extractive")

    # -- sentences ----------------------------------------------------------------------------------------
    def _has_type(self, text: str, asked: Asked) -> bool:
        return asked.held_by(text, self.tokenizer.has_person_name)

    def _value_clause_bonus(self, sentence: str, terms: QueryTerms, asked: Asked) -> float:
        """More for a sentence whose clause holding the asked value says more of the question: “留置时间不得超过
        三个月” says 留置 beside its duration, “强制到案持续的时间不得超过二十四小时” only 时间."""
        weight = self.settings.answer_value_clause_weight
        if asked.kind is AnswerType.LIST or weight <= 0:
            return 0.0
        clauses = [c for c in re.split(r"[，,；;]", sentence) if c and self._has_type(c, asked)]
        return weight * max((terms.coverage(set(self.tokenizer.tokenize(c))) for c in clauses), default=0.0)

    def _floor(self) -> float:
        """The coverage below which nothing is answered: the calibrated model decides above a lower floor."""
        if self.settings.calibrated_refusal and self.refusal_model is not None:
            return min(self.settings.answer_floor_coverage, self.settings.answer_min_coverage)
        return self.settings.answer_min_coverage

    def _candidates(
        self,
        question: str,
        hits: Sequence[Hit],
        terms: QueryTerms,
        chunk_cover: list[float],
        asked: Asked,
        floor: float,
    ) -> list[Candidate]:
        top_score = max(h.score for h in hits) or 1.0
        bigram_share = self._bigram_share(question)
        whole_lists = self.settings.structured_answers and asked.kind is AnswerType.LIST
        defined = AskedTerms.of(self.tokenizer, question) if self.settings.definition_boost > 0 else None
        found: list[Candidate] = []
        for rank, hit in enumerate(hits):
            if chunk_cover[rank] < floor:
                continue
            sentences = split_sentences(hit.chunk.text)
            # the document's title is part of what a sentence says (“二十大报告提出的三个务必” is in the report
            # whose title names the congress, not in another text that mentions 二十大)
            title = set(self.tokenizer.tokenize(hit.chunk.title))
            for position, sentence in enumerate(sentences):
                tokens = set(self.tokenizer.tokenize(sentence))
                cover = terms.coverage(tokens)
                if cover == 0:
                    continue
                defines = bool(defined) and defined.defined_in(sentence)
                # a definition among the law's 用语的含义 is its own item, not the whole list of terms
                parts = self._parts(sentences, position, whole_lists and not defines)
                typed = self._has_type("".join(parts), asked)
                # The sentence's own coverage leads; the asked type, its passage's coverage and rank break ties.
                score = terms.coverage(tokens | title) + 0.3 * chunk_cover[rank]
                score += SEARCH_SCORE_WEIGHT * hit.score / top_score
                score += bigram_share(sentence)
                if asked.typed and typed:
                    score += TYPE_BONUS + self._value_clause_bonus(sentence, terms, asked)
                if whole_lists and asked.introduces(sentence):
                    score += LIST_INTRO_BONUS
                if defines:
                    score += DEFINITION_BONUS
                if hit.named:
                    score += self.settings.named_answer_bonus
                found.append(Candidate(rank, position, parts, score, cover, typed))
        return found

    def _bigram_share(self, question: str) -> Callable[[str], float]:
        """Weighted share of the question's character bigrams a sentence holds: of two sentences with the same
        words, the one that says them as the question does (“选举日的二十日以前公布” for 选举日前多少天公布)."""
        weight = self.settings.sentence_bigram_weight
        wanted = set(question_bigrams(question))
        if weight <= 0 or not wanted:
            return lambda sentence: 0.0
        return lambda sentence: weight * len(wanted.intersection(char_bigrams(sentence))) / len(wanted)

    @staticmethod
    def _parts(sentences: list[str], position: int, whole_lists: bool) -> tuple[str, ...]:
        if whole_lists:
            start, end = list_run(sentences, position)
            if end - start > 1 or is_item(sentences[position]):
                return tuple(sentences[start:end])
        elif is_item(sentences[position]):
            start, _ = list_run(sentences, position)
            if start < position and is_list_intro(sentences[start]):
                # an item alone is a condition without its rule (“（二）出借居民身份证的；” → 给予警告…)
                return sentences[start], sentences[position]
        parts = with_list_items(sentences, position)
        if len(parts) > 1:
            return parts
        start, end = rule_run(sentences, position)
        return tuple(sentences[start:end])

    def _choose(self, candidates: list[Candidate]) -> list[Candidate]:
        ranked = sorted(candidates, key=lambda c: -c.score)
        if not ranked:
            return []
        floor = 0.75 * ranked[0].score
        chosen: list[Candidate] = [ranked[0]]
        seen = [strip_punctuation(ranked[0].text)]
        length = len(ranked[0].text)
        for cand in ranked[1:]:
            if cand.score < floor or len(chosen) == self.settings.answer_max_sentences:
                break
            key = strip_punctuation(cand.text)
            if any(key in other or other in key for other in seen):
                continue  # overlapping chunks repeat sentences; list continuations contain their items
            if length + len(cand.text) > self.settings.answer_max_chars:
                continue  # a short answer: the passages below hold the rest
            seen.append(key)
            chosen.append(cand)
            length += len(cand.text)
        return chosen

    def _answer_text(self, hits: Sequence[Hit], cand: Candidate, terms: QueryTerms, asked: Asked) -> str:
        """The candidate as the answer shows it: with clause_answers, the answering clause with its subject."""
        if not self.settings.clause_answers:
            return cand.text
        if len(cand.parts) > 1:  # an enumeration stays whole
            return "".join(strip_ellipsis(p) for p in cand.parts)
        sentence = strip_ellipsis(cand.parts[0])
        sentences = split_sentences(hits[cand.hit_rank].chunk.text)
        previous = sentences[cand.position - 1] if cand.position > 0 else None
        sentence = restore_subject(sentence, previous)
        # as in choosing the sentence, the title counts for every clause: the words that name the document
        # (政协章程) must not pull the clause choice towards the one that repeats them
        title = set(self.tokenizer.tokenize(hits[cand.hit_rank].chunk.title))

        def score(text: str) -> float:
            covered = terms.coverage(set(self.tokenizer.tokenize(text)) | title)
            return covered + (TYPE_BONUS if asked.typed and self._has_type(text, asked) else 0.0)

        return answering_clause(sentence, score)

    def _compose(
        self,
        question: str,
        hits: Sequence[Hit],
        chosen: list[Candidate],
        terms: tuple[str, ...],
        query: QueryTerms,
        asked: Asked,
    ) -> Answer:
        numbers: dict[int, int] = {}
        for cand in chosen:  # citations numbered in the order the answer first uses them
            numbers.setdefault(cand.hit_rank, len(numbers) + 1)
        ordered = sorted(chosen, key=lambda c: (numbers[c.hit_rank], c.position))
        text = "".join(f"{self._answer_text(hits, c, query, asked)}[{numbers[c.hit_rank]}]" for c in ordered)
        citations = tuple(
            Citation(
                number=number,
                chunk=hits[rank].chunk,
                sentences=tuple(part for c in ordered if c.hit_rank == rank for part in c.parts),
                score=hits[rank].score,
            )
            for rank, number in numbers.items()
        )
        return Answer(question, text, citations, found=True, mode="extractive", query_terms=terms)

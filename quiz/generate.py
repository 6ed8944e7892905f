"""Rule-based quiz generation (the default; no LLM): 填空, 单选, 多选 and 判断 from chosen materials, seeded.

Every item is built from one sentence of one chunk and carries that chunk as its source; every item passes the
checks in quiz.checks before it is returned (failing ones are dropped and counted in the pass rate).
"""

from __future__ import annotations

import functools
import logging
import math
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from quiz import distractors
from quiz.checks import MAX_OPTION, STATEMENTS_QUESTION, asked_word, check_item, gives_away, is_near_duplicate
from quiz.library import Analyzer, DocumentTerms, LibraryView, ListGroup, Sentence, document_text, sentences_of
from quiz.model import BLANK, FALSE, ITEM_TYPES, LETTERS, TRUE, ItemType, QuizError, QuizItem, Source
from quiz.sections import MIN_POINT_CHARS, Section, rival_points, sections_of
from quiz.spans import DATE, LIST_MARKER, Span, strip_labels
from quiz.text import norm, overlaps, set_phrase_ranges
from retrieval.answer_types import AnswerType, has_type
from retrieval.clauses import lacks_subject
from retrieval.kb import KnowledgeBase
from retrieval.sentences import introduces_list
from retrieval.terms import weigh_terms
from retrieval.text import split_sentences
from retrieval.types import Chunk

log = logging.getLogger(__name__)
MAX_STEM_CHARS = 90
MIN_CONTEXT_CHARS = 8
MIN_RARE_TERMS = 2.0  # the rest of a sentence must weigh as much as two words found in one passage only
MAX_JUDGE_CHARS = 80
MULTI_OPTIONS = 5
STATEMENT_OPTIONS = 4
ORDINAL_POINT = re.compile(r"^[一二三四五六七八九十]+是")  # “三是…”: a report's point, read alone without it
# a swapped number or body is a fact a member should know; a swapped dictionary term often reads oddly. A turned
# rule (应当 → 不得) is no change at all: blind review rejected all five (不得做好疏导教育工作, 不得牢牢把握…).
CHANGE_PREFERENCE = {"number-swap": 0, "body-swap": 0, "right-swap": 0}
# the ending a swapped name shares with the original: a body's head (委员会, 党委), a term's longer one (常务委员会 ~
# 专门委员会, not 信访工作 ~ 统战工作), a right's own (选举权 ~ 被选举权, not 投票权 ~ 人身权)
SWAP_ENDING = {"body": 2, "term": 3, "right": 3}
GENERIC_STARTS = ("本条例", "本法", "本办法", "本规定", "本细则", "本意见", "本章程")
# A sentence that leans on the one before it ("但是，…", "其中…") cannot be understood alone (前款, 上述 and 本款
# anywhere: POINTERS).
DEPENDENT_STARTS = (
    "但是", "但", "其中", "同时", "并", "且", "对此", "为此", "此外",
    "其", "该", "前述", "这", "此", "以及", "或者", "及", "而",
)  # fmt: skip
# a sentence opening with a short condition (情况复杂的，职责不清的，) leaves out what has the condition
ELLIPTICAL_CONDITION = re.compile(r"^[^，,。；]{1,6}的[，,]")
# “这一思想” names what the sentence before said (blind review, session 11: which 思想?)
POINTERS = ("下列", "前款", "本款", "前两款", "前三款", "上述", "上款", "这一", "这些")
# “本条例第三十一条第六项规定的信访事项”: what the article says is not in the item
CROSS_REFERENCE = re.compile(r"第[一二三四五六七八九十百零〇0-9]+条")
# A blind review found these too easy: a count of one is what a reader assumes (每年举行一次, 至少应有代表一人).
ONE_OF = ("一次", "一人", "一名")
# A blank a member fills from habit, not knowledge: the partner of a stock pair seen this often in the library
# (全国委员会和____ for 地方委员会, ____和政府 for 各级党委), or a set phrase repeated word for word this often
# (以习近平同志为核心的____), the key with this many characters on one side.
STOCK_PAIR_MIN = 3
CONJUNCTIONS = ("和", "与", "及")
SET_PHRASE_MIN = 4
SET_PHRASE_CONTEXT = 4
# A number said with the same words in this many documents is common knowledge, not a fact of one text: 年满十八周岁
# (宪法, 选举法, 公务员法), 每届任期五年 (six texts): blind reviews found them filled from habit. Not a percentage: a
# report's 增长5% is this year's figure, said in other years' reports of other things.
COMMON_NUMBER_DOCUMENTS = 3
COMMON_NUMBER_CONTEXT = 2  # characters before the number that make it the same statement
HEADING_CONTEXT = 2  # characters beside a number that make its heading's words the same name (see named_by_heading)
TOPIC_WORD_MIN = 10  # times a name recurs in its own document to be its topic word (see _Run.topic_word)
COMMON_WORD_MIN = 15  # …or in the library, to be a word of every text (领导干部, 党组织)
# A key asked four times (二〇三五年) is guessed, and even twice the first gives the second away (blind review:
# 复查 within 30日 in one item, 复核 within ____ in the next): one item per number
NUMBER_ASKED_MAX = 1
# A list's frame longer than this is a sentence, not a name (TITLE_PREFIX allows it in a stem's prefix).
FRAME_MAX_CHARS = 16
ITEM_LEAD_MAX_CHARS = 30  # a numbered item's first clause, added to its list's frame (省、自治区、直辖市的代表名额…)
ADDRESS = re.compile(r"^各位|们$")  # “各位代表：” opens a speech, not a list
YEAR = re.compile(r"(?:19|20)\d{2}年")
CONDITIONAL = re.compile(r"^(?:如果|如|若|凡)")
SITUATION_ENDINGS = ("时", "期间", "以后", "之后", "后")
POINTING = re.compile(r"下列|如下|以下|按照")
FRAME_VERB = re.compile(r"(?:主要|分别)?(?:是|为|包括|有|如下)$")
# Rounds of kinds taking turns, the scarcest kinds choosing their sentences first.
TURNS: tuple[tuple[ItemType, ...], ...] = (("多选",), ("判断", "单选", "填空"))
ARTICLE_UNITS = ("项", "个", "种", "件", "条", "次")  # 一项重要工作: 一 as an article
Progress = Callable[[int, int, str], None]  # done, total, what
# Distractor pools are read from at most this many documents besides the chosen ones: analysing a library of
# 3,465 laws takes minutes (about 13 s a million characters) and a sample of this size holds plenty of terms of
# every kind. Smaller libraries are read whole.
POOL_DOCUMENTS = 300


@dataclass(frozen=True)
class Material:
    """A document, or some of its chapters (first-level headings); no headings means the whole document."""

    doc_id: str
    headings: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuizRequest:
    materials: tuple[Material, ...]
    counts: dict[str, int]
    seed: int = 0


@dataclass(frozen=True)
class GenerationResult:
    items: tuple[QuizItem, ...]
    asked: dict[str, int]
    produced: dict[str, int]
    built: int  # items built before the checks
    passed: int
    notices: tuple[str, ...] = ()
    seconds: float = 0.0
    rejected: tuple[tuple[QuizItem, tuple[str, ...]], ...] = field(default=(), repr=False)

    @property
    def pass_rate(self) -> float:
        return self.passed / self.built if self.built else 1.0


def parse_counts(text: str) -> dict[str, int]:
    """ "单选=5,多选=2" → {"单选": 5, "多选": 2}; a clear message for anything else."""
    counts: dict[str, int] = {}
    for part in re.split(r"[,，]", text.strip()):
        if not part.strip():
            continue
        name, _, number = part.partition("=")
        name = name.strip().removesuffix("题")
        if name not in ITEM_TYPES or not number.strip().isdigit():
            raise QuizError(f"题型数量「{part.strip()}」写法不对，应写成 单选=5,多选=2,判断=3,填空=5")
        counts[name] = int(number)
    if not any(counts.values()):
        raise QuizError("请至少为一种题型指定大于 0 的题量。")
    return counts


class QuizGenerator:
    """Generates checked items from a KnowledgeBase's catalog (no embedding model needed)."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.analyzer = Analyzer(kb.tokenizer)
        self._texts: dict[str, str] = {}  # doc id → its normalised text, for the documents in the library now
        self._terms: dict[str, DocumentTerms] = {}  # doc id → its distractor terms, for those analysed so far
        self._sections: dict[str, list[Section]] = {}  # doc id → its outlined sections, for those read so far
        self._generation: int | None = None
        self._view: tuple[tuple[int, tuple[str, ...]], LibraryView] | None = None
        self._lock = threading.Lock()  # one generator serves every session of the app

    # --- inputs
    def library(self, materials: Sequence[str] = ()) -> LibraryView:
        """The library view for the catalog as it is now: after a change only the new documents are read. Pools
        come from every document of a library of up to POOL_DOCUMENTS, else from the materials and that many
        others (the first by id, a content hash: an even sample, the same in every process)."""
        with self._lock:
            generation = self.kb.catalog.generation()
            if generation != self._generation:
                self._follow_library()
                self._generation = generation
            in_library = sorted(self._texts)
            analysed = tuple(sorted({*in_library[:POOL_DOCUMENTS], *(m for m in materials if m in self._texts)}))
            if self._view is None or self._view[0] != (generation, analysed):
                terms = {doc_id: self._terms_of(doc_id) for doc_id in analysed}
                self._view = ((generation, analysed), LibraryView({d: self._texts[d] for d in in_library}, terms))
            return self._view[1]

    def _follow_library(self) -> None:
        present = {d.doc_id for d in self.kb.documents()}
        for gone in set(self._texts) - present:
            del self._texts[gone]
            self._terms.pop(gone, None)
            self._sections.pop(gone, None)
        for doc_id in present - set(self._texts):
            self._texts[doc_id] = document_text(self.kb.chunks_of(doc_id))

    def sections_in(self, doc_ids: Sequence[str]) -> list[Section]:
        """The outlined sections of these documents (read once per document while it stays in the library)."""
        with self._lock:
            for doc_id in doc_ids:
                if doc_id not in self._sections:
                    self._sections[doc_id] = sections_of(self.kb.chunks_of(doc_id))
            return [section for doc_id in doc_ids for section in self._sections[doc_id]]

    def _terms_of(self, doc_id: str) -> DocumentTerms:
        if doc_id not in self._terms:
            self._terms[doc_id] = DocumentTerms.of(self.kb.chunks_of(doc_id), self.kb.tokenizer)
        return self._terms[doc_id]

    def resolve(self, names: Sequence[str]) -> list[Material]:
        """Documents by id or title (exact, else a unique part of it) → materials."""
        documents = self.kb.documents()
        materials = []
        for name in names:
            exact = [d for d in documents if name in (d.doc_id, d.title)]
            partial = [d for d in documents if name and name in d.title]
            found = exact or partial
            if len(found) != 1:
                titles = "、".join(f"《{d.title}》" for d in (partial or documents)[:8])
                why = "对应多份资料" if len(found) > 1 else "找不到"
                raise QuizError(f"资料「{name}」{why}。可选的资料：{titles or '（资料库为空）'}")
            materials.append(Material(found[0].doc_id))
        return materials

    def chapters(self, doc_id: str) -> list[str]:
        """A document's first-level headings in reading order (the chapters a trainer can pick)."""
        return list(dict.fromkeys(c.heading[0] for c in self.kb.chunks_of(doc_id) if c.heading))

    def _chunks(self, material: Material) -> list[Chunk]:
        if self.kb.catalog.document(material.doc_id) is None:
            raise QuizError(f"资料「{material.doc_id}」不在资料库中，可能已被删除。")
        chunks = self.kb.chunks_of(material.doc_id)
        if material.headings:
            chunks = [c for c in chunks if c.heading and c.heading[0] in material.headings]
        return chunks

    # --- generation
    def generate(self, request: QuizRequest, progress: Progress | None = None) -> GenerationResult:
        started = time.perf_counter()
        if not request.materials:
            raise QuizError("请先选择出题的资料。")
        counts = {t: n for t, n in request.counts.items() if n > 0}
        if any(t not in ITEM_TYPES for t in counts):
            raise QuizError(f"不支持的题型：{'、'.join(t for t in counts if t not in ITEM_TYPES)}")
        library = self.library([m.doc_id for m in request.materials])
        sentences = [s for m in request.materials for c in self._chunks(m) for s in sentences_of(c)]
        rng = random.Random(request.seed)
        run = _Run(self, library, sentences, rng)
        run.fill(counts, progress)
        if not run.built and not any(run.usable(s) and run.spans(s) for s in sentences):
            names = "、".join(f"《{self.kb.catalog.document(m.doc_id).title}》" for m in request.materials)
            raise QuizError(f"{names}中没有可以出题的句子（需要含数字、术语、机构名称或列举的完整句子）。")
        produced = {t: sum(1 for i in run.items if i.type == t) for t in counts}
        notices = tuple(
            f"{t}题只能出 {produced[t]} 道（要求 {n} 道）：所选资料中符合条件的句子不够。"
            for t, n in counts.items()
            if produced[t] < n
        )
        ordered = tuple(sorted(run.items, key=lambda i: ITEM_TYPES.index(i.type)))
        seconds = time.perf_counter() - started
        rejected = tuple(run.rejected)
        return GenerationResult(ordered, counts, produced, run.built, run.passed, notices, seconds, rejected)

    def informative(self, context: str) -> bool:
        """Does the rest of the sentence pin the blank down? Enough characters and enough rare content words."""
        if len(norm(context.replace(BLANK, ""))) < MIN_CONTEXT_CHARS:
            return False
        classes = self.kb.tokenizer.term_classes(context.replace(BLANK, "，"))
        classes = {t: c for t, c in classes.items() if c != "function"}
        lexical = self.kb.index.lexical()
        passages = max(len(lexical.state.chunk_ids), 1)
        rarest = math.log(1 + (passages - 0.5) / 1.5)  # BM25's IDF of a word that occurs in one passage
        return weigh_terms(classes, lexical).total >= MIN_RARE_TERMS * rarest


def pins_a_name(sentence: str, span: Span) -> bool:
    """A name is a fair blank where the sentence states a rule about it (应当, 由, 有权) or defines it (____是…):
    in a report's calls (督促____特别是高级干部, 巩固拓展____成果) several names fit, or a slogan does (three blind
    reviews kept 8 of 58 term blanks, mostly rules and definitions)."""
    return has_type(sentence, AnswerType.RULE) or sentence[span.end : span.end + 1] == "是" or "由" in sentence


def inside_set_phrase(group: ListGroup) -> bool:
    """An enumeration that is a set phrase (社会公德、职业道德、家庭美德、个人品德) is recited, not known. A member's
    offsets are in its own sentence (a numbered item's, in a vertical list), so its set phrases are looked up there."""
    phrases = {id(s): set_phrase_ranges(s.text) for s in group.member_sentences}  # an inline list: one sentence
    return any(
        overlaps(member.start, member.end, phrases[id(sentence)])
        for member, sentence in zip(group.members, group.member_sentences)
    )


class _Run:
    """One generation: the sentences not used yet, the items kept, the counts for the pass rate."""

    def __init__(self, generator: QuizGenerator, library: LibraryView, sentences: list[Sentence], rng: random.Random):
        self.generator = generator
        self.library = library
        self.sentences = sentences
        self.rng = rng
        self.used: set[tuple[str, int]] = set()
        self.asked_words: Counter[str] = Counter()
        self.items: list[QuizItem] = []
        self.rejected: list[tuple[QuizItem, tuple[str, ...]]] = []
        self.built = 0
        self.passed = 0

    def fill(self, counts: Mapping[ItemType, int], progress: Progress | None) -> None:
        """多选 first, being the scarcest; then 判断, 单选 and 填空 take turns, one item each. Filled one kind after
        the other, the first took every sentence both could use (the 章程's few numbers all went to 判断, which
        left 单选 none)."""
        total = sum(counts.values())
        for kinds in TURNS:
            turns = {t: self._accepted(t) for t in kinds if counts.get(t)}
            made: Counter[str] = Counter()
            while turns:
                for item_type, accepted in list(turns.items()):
                    if next(accepted, None) is None:
                        del turns[item_type]
                        continue
                    made[item_type] += 1
                    if progress is not None:
                        progress(len(self.items), total, item_type)
                    if made[item_type] == counts[item_type]:
                        del turns[item_type]
        self.rng.shuffle(self.items)  # 判断 are made false and true in turn: their order must not tell which is which

    def _accepted(self, item_type: ItemType) -> Iterator[QuizItem]:
        """Items of one kind that pass their checks, each yielded once it is taken into the quiz."""
        if item_type != "判断":
            return self._taken(self._candidates(item_type))
        return self._judgements()

    def _judgements(self) -> Iterator[QuizItem]:
        """False and true statements in turn, counted by the items taken: a quiz a member passes by answering 正确
        throughout tests nothing (blind review: 5 of 25 statements were false when a coin chose). A true statement
        is a fact that could have been made false, first; a slogan or an exhortation (…凝心铸魂, 应当做好疏导教育…
        工作) is 正确 by its tone (blind review: 9 of 25 判断 rejected as such), so it is only taken in turn with a
        false statement, never to fill up once those run out."""
        order = list(self.sentences)
        self.rng.shuffle(order)
        # from both ends of the order: a false statement takes a sentence the true one would otherwise wait on
        false = self._taken(self._statements_of(order, false=True))
        facts = self._taken(self._statements_of(order[::-1], false=False, facts_only=True))
        others = self._taken(self._statements_of(order[::-1], false=False))
        false_left = True
        while True:
            item = next(false, None) if false_left else None
            false_left = item is not None
            if item is not None:
                yield item
            true = next(facts, None) or (next(others, None) if false_left else None)
            if true is not None:
                yield true
            elif not false_left:
                return

    def _taken(self, candidates: Iterator[tuple[QuizItem, list[Sentence]]]) -> Iterator[QuizItem]:
        for item, used in candidates:
            if any((s.chunk.id, s.index) in self.used for s in used):
                continue
            word = asked_word(item)
            if word and self.asked_words[word] >= (NUMBER_ASKED_MAX if item.kind == "number" else 1):
                continue  # one word, one item (党组织 was asked four times): a choice, not a failed check
            self.built += 1
            problems = check_item(item, self.library)
            if not problems and any(is_near_duplicate(item, other) or gives_away(item, other) for other in self.items):
                problems = ["与已出的题目重复或几乎相同"]
            if problems:
                self.rejected.append((item, tuple(problems)))
                continue
            self.passed += 1
            self.items.append(item)
            if word:
                self.asked_words[word] += 1
            self.used.update((s.chunk.id, s.index) for s in used)
            yield item

    def _candidates(self, item_type: ItemType) -> Iterator[tuple[QuizItem, list[Sentence]]]:
        order = list(self.sentences)
        self.rng.shuffle(order)
        if item_type == "多选":
            # statements first: their wrong options are the 判断 swaps (a number, a body, a term), which a trainer
            # keeps far more often than members of other lists offered among a list's own (blind review: 4 → 14 of 25)
            for statements in self.statement_sets():
                item = self.multi_statements(statements)
                if item:
                    yield item, [sentence for sentence, _ in statements]
            # then a report's sections: what it found, criticised or suggests is what a member is asked about it
            outlined: set[str] = set()
            for section in self.outlined_sections():
                # one per document: two outline items offer each other's keys as wrong options (walkthrough)
                item = self.multi_section(section) if section.doc_id not in outlined else None
                if item:
                    outlined.add(section.doc_id)
                    yield item, []
            groups = [g for g in self.generator.analyzer.lists(self.sentences) if not inside_set_phrase(g)]
            self.rng.shuffle(groups)
            for group in groups:
                item = self.multi(group)
                if item:
                    yield item, [group.intro, *group.member_sentences]
            return
        for sentence in order:
            if not self.usable(sentence):
                continue
            item = {"单选": self.single, "填空": self.blank}[item_type](sentence)
            if item:
                yield item, [sentence]

    def _statements_of(
        self, order: list[Sentence], false: bool, facts_only: bool = False
    ) -> Iterator[tuple[QuizItem, list[Sentence]]]:
        for sentence in order:
            item = self.judge(sentence, false, facts_only) if self.usable(sentence) else None
            if item:
                yield item, [sentence]

    @staticmethod
    def usable(sentence: Sentence) -> bool:
        """Sentences that stand alone: not a list intro, a date line, a "本法自…施行" or a "但是，…" fragment."""
        text = strip_labels(sentence.text)
        if any(pointer in text for pointer in POINTERS):
            return False  # “有下列情形之一的”, “依照前款规定”: the text it points to is not in the item
        if CROSS_REFERENCE.search(text):
            return False  # “对本条例第三十一条第六项规定的信访事项”: the item would not say what that is
        if "〈" in text:
            return False  # 《关于修改〈…选举法〉的决定》第二次修正: a record of amendments, no content
        if LIST_MARKER.match(sentence.text) and text.endswith(("；", ";")):
            return False  # “（一）修改章程，监督章程的实施；” is a power without the body that holds it
        if ELLIPTICAL_CONDITION.match(text):
            return False  # “情况复杂的，…”, “职责不清的，由…”: the case of something the sentence before names
        if lacks_subject(text):
            return False  # “在代表大会闭会期间，须经…过半数通过”: who must is in the sentence before
        return not (text.startswith(GENERIC_STARTS + DEPENDENT_STARTS) or introduces_list(text) or DATE.search(text))

    # --- shared pieces
    def topic_word(self, span: Span, sentence: Sentence) -> bool:
        """A name its document, or the library, repeats (信访人, 全国委员会 in their texts; 领导干部): a blank on it
        tests nothing a reader of one page would not know, and other names of the kind often fit too (two blind
        reviews: 16 of 18 such 填空 and 单选 items rejected). Numbers are facts, however often they recur."""
        if span.kind == "number":
            return False
        in_document = self.library.occurrences_in(sentence.chunk.doc_id, span.text)
        return in_document >= TOPIC_WORD_MIN or self.library.occurrences(span.text) >= COMMON_WORD_MIN

    def askable(self, span: Span, sentence: Sentence) -> bool:
        """A span worth blanking: not spelled by the cited title, not the habitual half of a stock phrase."""
        if given_by_title(span, sentence):
            return False
        before, after = sentence.text[: span.start], sentence.text[span.end :]
        if span.kind == "number":
            # an age limit is one fact wherever it stands (年满十八周岁, 新满十八周岁): known by heart, not by text
            age = span.family.split("/")[0] in distractors.AGE_UNITS
            said = span.text if age else norm(before)[-COMMON_NUMBER_CONTEXT:] + span.text
            common = span.family != "percent" and self.library.documents_saying(said) >= COMMON_NUMBER_DOCUMENTS
            return not (common or habitual_number(span.text, before, after) or named_by_heading(span, sentence))
        # the pair by the key's head: 党委和政府 holds 各级党委和政府 and 地方党委和政府 alike
        pairs = [before[-3:] + span.text[:2]] if before.endswith(CONJUNCTIONS) else []
        pairs += [span.text[-2:] + after[:3]] if after.startswith(CONJUNCTIONS) else []
        if any(self.library.occurrences(pair) >= STOCK_PAIR_MIN for pair in pairs):
            return False
        # a set phrase the texts repeat word for word (以习近平同志为核心的党中央, 以…为指导) is filled from habit
        phrases = (before[-SET_PHRASE_CONTEXT:] + span.text, span.text + after[:SET_PHRASE_CONTEXT])
        return all(self.library.occurrences(phrase) < SET_PHRASE_MIN for phrase in phrases)

    def says(self, statement: str, candidate: str, rest: str) -> bool:
        """The library states this, or states the candidate closely followed by the same words (a distractor that
        is true elsewhere: 地方委员会主席主持常务委员会的工作 is 第五十八条's 各级地方委员会的主席主持…)."""
        return self.library.states(statement) or self.library.states_near(candidate, rest)

    def spans(self, sentence: Sentence) -> list[Span]:
        spans = self.generator.analyzer.spans(sentence.text)
        members = self.generator.analyzer.enumeration(sentence.text)
        spans += members
        # nothing inside a set phrase (坚持____基本原则, 四个全面): a member fills it, or judges it, by habit
        phrases = set_phrase_ranges(sentence.text)
        once = [s for s in spans if sentence.text.count(s.text) == 1 and not overlaps(s.start, s.end, phrases)]
        self.rng.shuffle(once)
        return once

    def source(self, sentence: Sentence, spans: Sequence[tuple[int, int]]) -> Source:
        return Source.of_chunk(sentence.chunk, tuple((sentence.start + s, sentence.start + e) for s, e in spans))

    def stem(self, sentence: Sentence, spans: Sequence[Span], limit: int = MAX_STEM_CHARS) -> str | None:
        """The sentence (or the clauses around the spans, when it is long) with the spans blanked."""
        start, end = window(sentence.text, min(s.start for s in spans), max(s.end for s in spans), limit)
        if start is None:
            return None
        text = sentence.text
        pieces, position = [], start
        for span in sorted(spans, key=lambda s: s.start):
            pieces.append(text[position : span.start])
            pieces.append(BLANK)
            position = span.end
        pieces.append(text[position:end])
        stem = strip_labels("".join(pieces)).rstrip("，；：,;:")
        return stem + ("。" if not stem.endswith(("。", "！", "？")) else "")

    # --- the four kinds
    def blank(self, sentence: Sentence) -> QuizItem | None:
        for span in self.spans(sentence):
            if not self.askable(span, sentence) or in_open_list(span, sentence.text) or self.topic_word(span, sentence):
                continue
            if span.kind != "number" and not pins_a_name(sentence.text, span):
                continue
            stem = self.stem(sentence, [span])
            if stem and self.generator.informative(stem):
                return QuizItem(
                    type="填空",
                    stem=cited(sentence, stem),
                    answer=span.text,
                    explanation=f"原文：{sentence.text}",
                    source=self.source(sentence, [(span.start, span.end)]),
                    kind=span.kind,
                )
        return None

    def single(self, sentence: Sentence) -> QuizItem | None:
        for span in self.spans(sentence):
            if span.kind in ("member", "right") or not self.askable(span, sentence) or self.topic_word(span, sentence):
                continue  # a member's siblings are in the same sentence; a right's rivals read as filler (财产权
                # for 表决权: blind review rejected 4 of 5 right options), though a blank or a swap on it is fair
            stem = self.stem(sentence, [span])
            if not stem or not self.generator.informative(stem):
                continue
            before, after = sentence.text[: span.start], sentence.text[span.end :]
            pool = distractors.candidates(span, self.library, self.rng, before, after, sentence.chunk.doc_id)
            chosen = distractors.choose(
                span.text,
                pool,
                sentence.text,
                lambda d, stem=stem, after=after: self.says(stem.replace(BLANK, d), d, after),
            )
            if len(chosen) < 3:
                continue
            options = [span.text, *chosen]
            self.rng.shuffle(options)
            return QuizItem(
                type="单选",
                stem=cited(sentence, stem),
                answer=LETTERS[options.index(span.text)],
                options=tuple(options),
                explanation=f"原文：{sentence.text}",
                source=self.source(sentence, [(span.start, span.end)]),
                kind=span.kind,
            )
        return None

    def judge(self, sentence: Sentence, false: bool, facts_only: bool = False) -> QuizItem | None:
        """The sentence as a statement to judge: changed in one verifiable place when `false`, else as it stands;
        `facts_only`: a true statement only where a false one could have been made of it."""
        text = strip_labels(sentence.text)
        if not MIN_CONTEXT_CHARS * 2 <= len(text) <= MAX_JUDGE_CHARS or not text.endswith("。"):
            return None  # “…；” is a clause of a list (主要有：…；), judged without what it belongs to
        if not self.generator.informative(text):
            return None
        offset = sentence.text.find(text)
        answer_span = [(offset, offset + len(text))]
        if false:
            changes = self.changes(sentence, text)
            if not changes:
                return None
            changed, kind = changes[0]
            return QuizItem(
                type="判断",
                stem=cited(sentence, changed),
                answer=FALSE,
                options=(TRUE, FALSE),
                explanation=f"原文：{text}",
                source=self.source(sentence, answer_span),
                kind=kind,
            )
        if not (self.changes(sentence, text) if facts_only else self.spans(sentence)):
            return None  # nothing checkable in it: a true statement of no consequence (every change is of a span)
        return QuizItem(
            type="判断",
            stem=cited(sentence, text),
            answer=TRUE,
            options=(TRUE, FALSE),
            explanation=f"原文：{text}",
            source=self.source(sentence, answer_span),
            kind="original",
        )

    def changes(self, sentence: Sentence, text: str) -> list[tuple[str, str]]:
        """False versions of a statement by one verifiable change; none of them stated in the library."""
        found: list[tuple[str, str]] = []
        spans = self.spans(sentence)
        for span in spans:
            if span.kind == "member" or span.text not in text or not self.askable(span, sentence):
                continue  # what is not worth a blank (五年来, 全国委员会和地方委员会) is not worth a change either
            at = text.find(span.text)
            before, after = text[:at], text[at + len(span.text) :]
            pool = distractors.candidates(span, self.library, self.rng, before, after, sentence.chunk.doc_id)
            # “全国人民代表大会和地方各级人民代表大会” must not become “…和地方中华人民共和国全国人民代表大会”
            others = [other.text for other in spans if other is not span and len(other.text) >= 3]
            pool = [candidate for candidate in pool if not any(other in candidate for other in others)]
            if span.kind in SWAP_ENDING:
                if span.text.startswith("各级"):
                    continue  # 县级党委和政府 for 各级: what all levels must do, one level must do too
                # 各级 generalises a level (由各级人大常委会任命 for 本级 reads as true); a name of another kind
                # reads as planted (以绿色发展引领中华民族伟大复兴, 加强统战工作信息化, 只有一个人身权)
                ending = SWAP_ENDING[span.kind]
                pool = [c for c in pool if not c.startswith("各级") and distractors.comparable(c, span.text, ending)]
            rest = text[at + len(span.text) :]
            swapped = distractors.choose(
                span.text,
                pool,
                text,
                lambda d, s=span, rest=rest: self.says(text.replace(s.text, d), d, rest),
                count=1,
            )
            if swapped:
                found.append((text.replace(span.text, swapped[0], 1), f"{span.kind}-swap"))
        self.rng.shuffle(found)
        return sorted(found, key=lambda change: CHANGE_PREFERENCE.get(change[1], 2))

    def statement(self, sentence: Sentence) -> str | None:
        """The sentence as a self-contained statement short enough to be an option, or None."""
        text = ORDINAL_POINT.sub("", strip_labels(sentence.text)).rstrip("。；;")
        if not self.usable(sentence) or not MIN_CONTEXT_CHARS * 2 <= len(text) <= MAX_OPTION:
            return None
        if not sentence.text.endswith(("。", "；", ";")) or not self.generator.informative(text):
            return None
        return text

    def statement_sets(self) -> list[list[tuple[Sentence, str]]]:
        """Per passage, its sentences with the statements they make, when there are enough for a 多选 item."""
        by_chunk: dict[str, list[tuple[Sentence, str]]] = {}
        for sentence in self.sentences:
            text = self.statement(sentence)
            if text:
                by_chunk.setdefault(sentence.chunk.id, []).append((sentence, text))
        sets = [found for found in by_chunk.values() if len(found) >= STATEMENT_OPTIONS]
        self.rng.shuffle(sets)
        return sets

    def multi_statements(self, statements: list[tuple[Sentence, str]]) -> QuizItem | None:
        """ "根据《…》（第三章 …），下列说法正确的有哪些？" over statements of one passage: the true ones quote it, each
        wrong one is a statement of it changed in one verifiable place and stated nowhere in the library."""
        # the wrong options from the statements that can be changed well (few can, since a change must be a fact
        # of the key's kind): drawing four first and hoping one changes left most passages without an item
        changeable = [
            (sentence, text, swaps[0][0]) for sentence, text in statements if (swaps := self.changes(sentence, text))
        ]
        if not changeable:
            return None
        false_count = self.rng.randint(1, min(len(changeable), STATEMENT_OPTIONS - 2))
        wrong = self.rng.sample(changeable, false_count)
        changed = {id(sentence) for sentence, _, _ in wrong}
        rest = [(sentence, text) for sentence, text in statements if id(sentence) not in changed]
        if len(rest) < STATEMENT_OPTIONS - false_count:
            return None
        right = self.rng.sample(rest, STATEMENT_OPTIONS - false_count)
        keys = [text for _, text in right]
        originals = [text for _, text, _ in wrong]
        options = keys + [swapped for _, _, swapped in wrong]
        chosen = right + [(sentence, text) for sentence, text, _ in wrong]
        self.rng.shuffle(options)
        chunk = chosen[0][0].chunk
        offsets = sorted((chunk.text.find(k), chunk.text.find(k) + len(k)) for k in keys)
        section = chunk.heading_path.split(" > ")[0].strip()
        where = f"《{chunk.title}》（{section}）" if section and len(section) <= 30 else f"《{chunk.title}》"
        return QuizItem(
            type="多选",
            stem=f"根据{where}，{STATEMENTS_QUESTION}",
            answer="".join(LETTERS[i] for i, option in enumerate(options) if option in keys),
            options=tuple(options),
            explanation="错误的说法原文为：" + "；".join(originals) + "。",
            source=Source.of_chunk(chunk, tuple(offsets)),
            kind="statements",
        )

    @functools.cached_property
    def library_sections(self) -> dict[tuple[str, str], Section]:
        """The analysed documents' outlined sections, read once per run (not once per section asked)."""
        return {(s.doc_id, s.heading): s for s in self.generator.sections_in(self.library.analysed)}

    def said_in(self, doc_id: str, text: str) -> bool:
        return self.library.occurrences_in(doc_id, text) > 0

    def outlined_sections(self) -> list[Section]:
        chunks = {sentence.chunk.id: sentence.chunk for sentence in self.sentences}
        found = sections_of(chunks.values())
        self.rng.shuffle(found)
        return found

    def multi_section(self, section: Section) -> QuizItem | None:
        """ "下列属于“工作建议”部分内容的有哪些？" over the section's sub-headings (see quiz.sections)."""
        points = section.point_texts()
        if not section.named_generically or any(not MIN_POINT_CHARS <= len(point) <= MAX_OPTION for point in points):
            return None
        known = {**self.library_sections, (section.doc_id, section.heading): section}
        rivals = rival_points(section, list(known.values()), self.said_in)
        pool = [p for p in rivals if MIN_POINT_CHARS <= len(p) <= MAX_OPTION]
        true_count = self.rng.randint(2, min(4, len(points)))
        wrong_count = min(len(pool), MULTI_OPTIONS - true_count)
        if wrong_count < max(1, 4 - true_count):
            return None
        keys = self.rng.sample(points, true_count)
        options = keys + self.rng.sample(pool, wrong_count)
        self.rng.shuffle(options)
        return QuizItem(
            type="多选",
            stem=f"根据《{section.chunk.title}》，下列属于“{nested_quotes(section.name)}”部分内容的有哪些？（多选）",
            answer="".join(LETTERS[i] for i, option in enumerate(options) if option in keys),
            options=tuple(options),
            explanation=f"“{section.name}”部分的各项：" + "；".join(points) + "。",
            source=section.source(keys),
            kind="sections",
        )

    def multi_stem(self, group: ListGroup) -> str | None:
        """ "委员履职应当遵循下列原则：" → "…遵循下列哪些原则？"; an inline list is blanked in its sentence."""
        prefix = f"根据《{group.intro.chunk.title}》，"
        if group.vertical:
            body = strip_labels(group.intro.text).rstrip("：: ")
            for marker in ("下列", "以下"):
                if marker in body:
                    return prefix + body.replace(marker, f"{marker}哪些", 1) + "？（多选）"
            return None
        span = Span(group.members[0].start, group.members[-1].end, "", "member")
        blanked = self.stem(group.intro, [span])
        return f"{prefix}{blanked}空白处列举的有哪些？（多选）" if blanked else None

    def multi(self, group: ListGroup) -> QuizItem | None:
        members = list(dict.fromkeys(group.texts))
        if len(members) < 2:
            return None
        pattern = distractors.shared_ending(members)
        if not group.vertical and not pattern:
            # an inline list whose members share no form (推诿、敷衍、拖延) gets options of other kinds from other
            # lists: blind reviews 2–4 kept 3 of 35 inline-list items; with a form (生产清洁化、废弃物资源化) they fit
            return None
        stem = self.multi_stem(group)
        if stem is None:
            return None
        true_count = self.rng.randint(2, min(4, len(members)))
        if not group.vertical:
            true_count = len(members) if len(members) <= 4 else true_count
        keys = self.rng.sample(members, true_count)
        passage = group.intro.chunk.text
        exclude = {norm(m) for m in members}
        # a numbered list's rivals are its own document's other lists of the same noun (全国委员会's 职权 for a
        # 地方委员会 item): a 信访 body's duties among an election committee's are absurd (blind review, session 10)
        pool = distractors.sibling_members(
            keys[0], group.noun, group.intro.chunk.doc_id, self.library, exclude, self.rng, own_document=group.vertical
        )
        passage = norm(passage)
        pool = [p for p in pool if norm(p) not in passage]
        if pattern:  # 经济建设、政治建设、文化建设: an option without 建设 gives itself away
            pool = [p for p in pool if p.endswith(pattern) and p != pattern]
        chosen = distractors.choose(keys[0], pool, "", lambda d: False, count=MULTI_OPTIONS - true_count)
        if len(chosen) < max(1, 4 - true_count):
            return None
        options = keys + chosen
        self.rng.shuffle(options)
        spans = [_member_span(group, key) for key in keys]
        if any(span is None or span[0].chunk.id != group.intro.chunk.id for span in spans):
            return None  # a list that runs into the next chunk: its passage would not show every key
        return QuizItem(
            type="多选",
            stem=stem,
            answer="".join(LETTERS[i] for i, option in enumerate(options) if option in keys),
            options=tuple(options),
            explanation="原文：" + "".join(s.text for s in dict.fromkeys([group.intro, *group.member_sentences])),
            source=_source_for_members(group, spans),
            kind="list" if group.vertical else "enumeration",
        )


def nested_quotes(text: str) -> str:
    """“…”, quoted inside a quotation, as ‘…’ (“坚持和完善党对‘三农’工作的领导”)."""
    return text.replace("“", "‘").replace("”", "’")


def habitual_number(key: str, before: str, after: str) -> bool:
    """A number that is no fact to ask: a report's time (五年来, 十年前，, 过去一年), a count its cut stem enumerates
    fewer of (____大事：一是…二是…), the tail of a larger number (十亿____), an article (一项重要工作), an
    anniversary (成立____: arithmetic, not knowledge), a count of one (每年举行____: the default reading) or a
    year called decisive (关键一年, 重要一年: every year of a report is one)."""
    return (
        key.endswith("周年")
        or key in ONE_OF
        or after.startswith(("来", "前，"))
        or before.endswith("过去")
        or "一是" in after
        or before.endswith(tuple("亿万千百十"))
        or (key[:1] == "一" and key[1:] in ARTICLE_UNITS and after[:1] not in "，。；、")
        or (key == "一年" and before.endswith(("关键", "重要", "决胜", "攻坚")))
    )


def in_open_list(span: Span, text: str) -> bool:
    """One of a list's members (教师、医生、____): many words fit its blank, the list names none of them."""
    return text[span.start - 1 : span.start] == "、" or text[span.end : span.end + 1] == "、"


def given_by_title(span: Span, sentence: Sentence) -> bool:
    """The stem names its document (根据《…乡村振兴战略的意见》): a blank its title spells out asks nothing."""
    return span.kind != "number" and norm(span.text) in norm(sentence.chunk.title)


def named_by_heading(span: Span, sentence: Sentence) -> bool:
    """A number its section's heading says with the same words (新时代十年 under “…新时代十年的伟大变革”, 过去五年
    under “过去五年的工作…”): the name of a period, read off the source line, not a fact to recall."""
    heading = norm(sentence.chunk.heading_path)
    before, after = norm(sentence.text[: span.start]), norm(sentence.text[span.end :])
    said = (before[-HEADING_CONTEXT:] + norm(span.text), norm(span.text) + after[:HEADING_CONTEXT])
    return bool(heading) and any(words in heading for words in said)


def cited(sentence: Sentence, stem: str) -> str:
    """The stem with the document it comes from: “今年”, “过去五年” and “本会” need it to be answerable; and what
    the sentence leaves to the text before it: the list it is an item of (居民消费价格涨幅____左右 is a 2024 target,
    and the report also gives the 2023 figure), or the situation it continues (另行选举时 for 如果只选一人)."""
    frame = list_frame(sentence) or situation_frame(sentence) or year_section(sentence)
    return f"根据《{sentence.chunk.title}》{f'（{frame}）' if frame else ''}，{stem}"


@functools.lru_cache(maxsize=256)
def chunk_sentences(text: str) -> tuple[str, ...]:
    """A passage's sentences, split once for the frames every candidate stem of the passage is cited with."""
    return tuple(split_sentences(text))


def list_frame(sentence: Sentence) -> str:
    """What the list a sentence continues is of: “今年发展主要预期目标是：…；” makes 今年发展主要预期目标 the frame
    of “居民消费价格涨幅3%左右；”; within a numbered item, with the item's first clause too (the level a
    “代表总名额不得超过…” belongs to). Empty for a sentence that is no such item."""
    sentences = chunk_sentences(sentence.chunk.text)
    if sentence.index == 0 or "：" in sentence.text or sentence.index >= len(sentences):
        return ""
    lead = ""
    in_item = not LIST_MARKER.match(sentence.text)  # a sentence inside an item, not the item's own start
    for earlier in reversed(sentences[: sentence.index]):
        head, colon, tail = earlier.rpartition("：")
        if in_item and LIST_MARKER.match(tail):  # the item starts here (after its list's colon, or alone)
            lead, in_item = item_lead(tail), False
        if colon:
            clauses = strip_labels(head).split("，")
            # “代表名额，按照下列规定确定：” is a list of 代表名额: the subject, where the last clause only points
            intro = clauses[0] if len(clauses) > 1 and POINTING.search(clauses[-1]) else clauses[-1]
            intro = FRAME_VERB.sub("", intro).strip()
            intro = intro if 2 <= len(intro) <= FRAME_MAX_CHARS and not ADDRESS.match(intro) else ""
            return "：".join(part for part in (intro, lead) if part)
        if not earlier.rstrip().endswith(("；", ";")):
            return ""
    return ""


def item_lead(item: str) -> str:
    """A numbered item's first clause, when short: what a later sentence of the item is about."""
    first = re.split(r"[，；,;]", strip_labels(item))[0]
    return first if len(first) <= ITEM_LEAD_MAX_CHARS else ""


def year_section(sentence: Sentence) -> str:
    """The section of a report that names its own year (一、2023年工作回顾 in the 2024 report): its figures are
    that year's, not the title's (blind review: 城镇新增就业1244万人 read as a 2024 figure)."""
    section = strip_labels(sentence.chunk.heading_path.split(" > ")[0])
    year = YEAR.search(section)
    if not year or year.group() in sentence.chunk.title or len(section) > FRAME_MAX_CHARS:
        return ""
    return section


def situation_frame(sentence: Sentence) -> str:
    """The situation a conditional sentence continues: “另行选举时，…。如果只选一人，候选人应为二人。” asks about
    another election, not any. The previous sentence's opening clause, when it is one (…时，)."""
    if sentence.index == 0 or not CONDITIONAL.match(sentence.text):
        return ""
    sentences = chunk_sentences(sentence.chunk.text)
    if sentence.index >= len(sentences):
        return ""
    opening = strip_labels(sentences[sentence.index - 1]).split("，")[0]
    return opening if opening.endswith(SITUATION_ENDINGS) and len(opening) <= FRAME_MAX_CHARS else ""


def _member_span(group: ListGroup, key: str) -> tuple[Sentence, tuple[int, int]] | None:
    for member, sentence in zip(group.members, group.member_sentences):
        if member.text == key:
            return sentence, (sentence.start + member.start, sentence.start + member.end)
    return None


def _source_for_members(group: ListGroup, spans: list) -> Source:
    return Source.of_chunk(group.intro.chunk, tuple(sorted(span for _, span in spans)))


# A clause that frames the sentence: its time, its object or its condition.
_FRAMING_CLAUSE = re.compile(
    r"^(?:在|对|对于|为|为了|根据|按照|依照|依据|经|除|当|自)|(?:时|期间|以后|之后|以前|之前|后|前|的)[，；：,;:]$"
)


def window(text: str, start: int, end: int, limit: int) -> tuple[int | None, int]:
    """The whole sentence when short enough, else the clauses around [start, end) that fit in limit."""
    if len(text) <= limit:
        return 0, len(text)
    cuts = [0] + [m.end() for m in re.finditer(r"[，；：,;:]", text)] + [len(text)]
    cuts = sorted(set(cuts))
    left = max(c for c in cuts if c <= start)
    right = min(c for c in cuts if c >= end)
    if right - left > limit:
        return None, 0
    # The clauses before first (they name who acts), except a frame (在…期间，/ 对…的，): without it the stem still
    # says something, without its predicate it does not (“…五分之一以上组成人员联名。” cut before “可以…提出罢免案”).
    while True:
        grown = False
        before = [c for c in cuts if c < left]
        if before and right - before[-1] <= limit and not _FRAMING_CLAUSE.search(text[before[-1] : left]):
            left, grown = before[-1], True
        after = [c for c in cuts if c > right]
        if after and after[0] - left <= limit:
            right, grown = after[0], True
        if not grown:
            if before and right - before[-1] <= limit:
                left = before[-1]  # a frame, when nothing else fits
                continue
            return left, right

"""Term weighting shared by the extractive answerer and the quiz generator: IDF weights for a question's (or a
sentence's) tokens by the class of the word they come from, with thesaurus alternatives counted as one term."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from retrieval.affinity import story_factor
from retrieval.cilin import Cilin
from retrieval.inside_words import said_only_inside
from retrieval.lexical import LexicalIndex
from retrieval.synonyms import Alternative, Thesaurus, present


@dataclass(frozen=True)
class QueryTerms:
    """The question's terms, their weights and the words that count as the same term.

    `alternatives` (domain thesaurus: 上访 → 信访) count fully; `weak_alternatives` (同义词词林) count
    `weak_credit` of the term: a synonym is evidence, but less than the question's own word.
    """

    weights: dict[str, float]
    alternatives: dict[str, tuple[Alternative, ...]] = field(default_factory=dict)
    weak_alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)
    weak_credit: float = 0.0
    unseen: frozenset[str] = frozenset()
    nouns: frozenset[str] = frozenset()
    stand_ins: dict[str, tuple[str, ...]] = field(default_factory=dict)  # 词林 words for an unseen word
    stand_in_credit: float = 0.0
    # words of the language (in 词林) the library never uses, nor any synonym of them: verbs that weigh nothing
    # as colloquial phrasing would (感冒, 下雨, 失眠) and unseen nouns (拖鞋, 白酒) — a subject it does not treat
    foreign: frozenset[str] = frozenset()

    def without(self, words: frozenset[str]) -> QueryTerms:
        """The same terms with these words weighing nothing."""
        return replace(self, weights={t: 0.0 if t in words else w for t, w in self.weights.items()})

    @property
    def total(self) -> float:
        return sum(self.weights.values())

    def _credit(self, term: str, tokens: set[str]) -> float:
        credit = self._own_credit(term, tokens)
        if credit >= 1.0:
            return credit
        pieces = self.compounds.get(term)
        if pieces and all(self._own_credit(piece, tokens) >= 1.0 for piece in pieces):
            return 1.0
        # a piece the library never uses of a compound the text says otherwise: 摄像头 said as 图像采集 says 像头 too
        return max([credit, *(self._own_credit(whole, tokens) for whole in self.containers.get(term, ()))])

    @cached_property
    def containers(self) -> dict[str, tuple[str, ...]]:
        """For each term the library never uses, the question's longer terms it is part of (摄像头 for 像头)."""
        return {
            term: wholes
            for term in self.unseen
            if (wholes := tuple(w for w in self.weights if len(w) > len(term) and term in w))
        }

    def _own_credit(self, term: str, tokens: set[str]) -> float:
        if term in tokens or any(present(alt, tokens) for alt in self.alternatives.get(term, ())):
            return 1.0
        if any(alt in tokens for alt in self.stand_ins.get(term, ())):
            return self.stand_in_credit
        if any(alt in tokens for alt in self.weak_alternatives.get(term, ())):
            return self.weak_credit
        return 0.0

    @cached_property
    def compounds(self) -> dict[str, tuple[str, ...]]:
        """jieba's search mode weighs a compound and its pieces: 申请入党 with 申请, 入党 and the straddling 请入. A
        text that says the pieces apart (申请加入中国共产党) says the compound and its straddling piece too.
        Maps such a term to the pieces that spell its compound."""
        found: dict[str, tuple[str, ...]] = {}
        for word in sorted(self.weights, key=len, reverse=True):
            pieces = _spelling(word, [t for t in self.weights if t != word and t in word])
            if not pieces:
                continue
            for term in self.weights:
                if term == word or (term in word and term not in pieces):
                    found.setdefault(term, pieces)
        return found

    def covers(self, term: str, tokens: set[str]) -> bool:
        return self._credit(term, tokens) >= 1.0

    def says_any(self, tokens: set[str]) -> bool:
        """Some weighted word of the question, or its domain alternative, is among the tokens."""
        return any(self.covers(term, tokens) for term, weight in self.weights.items() if weight > 0)

    def coverage(self, tokens: set[str]) -> float:
        total = self.total
        return sum(w * self._credit(t, tokens) for t, w in self.weights.items()) / total if total else 0.0

    def noun_coverage(self, tokens: set[str]) -> float:
        total = sum(self.weights[t] for t in self.nouns)
        return sum(self.weights[t] * self._credit(t, tokens) for t in self.nouns) / total if total else 1.0

    def words_covered(self, tokens: set[str]) -> tuple[int, int]:
        """How many of the question's words the tokens say, of how many (its foreign words among them, though
        they weigh nothing): a word whose covered pieces are all that is covered counts once (党建工作 with 党建
        and 工作)."""
        words = [t for t, w in self.weights.items() if w > 0 or t in self.foreign]
        whole = [t for t in words if not any(t != other and t in other for other in words)]
        said = [t for t in words if self.covers(t, tokens)]
        return sum(1 for t in said if not any(t != other and t in other for other in said)), len(whole)

    def missing_max(self, tokens: set[str]) -> float:
        total = self.total
        missing = [w for t, w in self.weights.items() if self._credit(t, tokens) < 1.0]
        return max(missing, default=0.0) / total if total else 0.0

    @property
    def unseen_share(self) -> float:
        total = self.total
        return sum(self.weights[t] for t in self.unseen) / total if total else 0.0


def _spelling(word: str, parts: list[str]) -> tuple[str, ...]:
    """Parts that spell the word left to right without overlaps (申请 + 入党 = 申请入党), or () when none do."""
    spelled, position = [], 0
    while position < len(word):
        part = max((p for p in parts if word.startswith(p, position)), key=len, default=None)
        if part is None or (position == 0 and part == word):
            return ()
        spelled.append(part)
        position += len(part)
    return tuple(spelled) if len(spelled) > 1 else ()


FUNCTION_WORD_FACTOR = 0.1
# A one-character verb or adjective (想, 去, 办, 管, 算) says little: policy text words it otherwise.
SINGLE_CHARACTER_FACTOR = 0.2
# jieba glues a modal to the next verb (能管, 能约, 要交): unseen, such a “noun” is phrasing, not a topic.
_MODALS = frozenset("能会要可得想该去来")


def _class_factor(term: str, cls: str, refined: bool) -> float:
    if cls == "function":
        return FUNCTION_WORD_FACTOR
    if refined and cls != "noun" and len(term) == 1:
        return SINGLE_CHARACTER_FACTOR
    return 1.0


def demote_asking_words(classes: dict[str, str], asking: Sequence[str]) -> dict[str, str]:
    """Tokens that lie inside the question's interrogative phrases (哪几种 → 哪几, 几种) count as function words,
    and so do the tokens jieba cuts across one's end (几本书 → 本书, 几本书; 哪天起 → 天起; 多少钱): no text says
    them (“每年阅读书目不少于八本”), and as words the library never uses they outweighed the rest of
    “委员每年要读几本书”."""
    if not asking:
        return classes
    return {t: ("function" if any(_asks(t, phrase) for phrase in asking) else cls) for t, cls in classes.items()}


# asking phrases jieba glues to the word after them (几本书, 哪天起 → 天起, 多少钱)
_COUNTING_ASKS = ("几", "哪", "多少")


def _asks(token: str, phrase: str) -> bool:
    if token in phrase:
        return True
    straddles = any(token.startswith(phrase[start:]) for start in range(1, len(phrase)))
    return len(phrase) > 1 and phrase.startswith(_COUNTING_ASKS) and (token.startswith(phrase) or straddles)


def _idf(lexical: LexicalIndex, alternative: Alternative, term_known: bool) -> float:
    """An alternative weighs as its word; its pieces only for a term the library never uses (村委会 weighs
    as 村民, the rarer of 村民 and 委员会), since a known term's own weight is the better measure."""
    if lexical.idf(alternative[0]) > 0 or term_known:
        return lexical.idf(alternative[0])
    return max((lexical.idf(p) for p in alternative[1:]), default=0.0)


def weigh_terms(
    classes: dict[str, str],
    lexical: LexicalIndex,
    thesaurus: Thesaurus | None = None,
    cilin: Cilin | None = None,
    cilin_credit: float = 0.0,
    asking: Sequence[str] = (),
    refined: bool = False,
    abbreviations: bool = False,
    unseen_factor: float = 1.0,
    stand_in_credit: float = 0.0,
    everyday_share: Callable[[str], float] | None = None,
    story_floor: float = 1.0,
    question: str = "",
) -> QueryTerms:
    """IDF weights for a question's tokens, by the class of the word they come from.

    A noun the library has never seen (红烧肉, 世界杯) is the rarest kind of evidence, so it weighs the
    most and pulls coverage down; an unseen verb or particle is usually just colloquial phrasing (得批, 交上去)
    and weighs nothing; known function words (最多, 哪些) count a little. A term and its thesaurus
    alternatives (上访 → 信访) count as one term, weighed by the rarest of them the library knows.
    A word the library never uses but whose 词林 synonyms it does (当兵 → 入伍, 顾客 → 消费者) weighs as its
    rarest known synonym, which stands in for it at `stand_in_credit`.
    `refined` (with answer typing) also treats the asking words (哪几种, 多大) as function words, weighs a
    one-character verb (想, 去, 办) at a fifth and ignores unseen modal compounds (能管, 要交).
    Given the question, a word the library says only inside longer words of another meaning (挂号 of 挂号信)
    counts as one it never uses.
    """
    classes = demote_asking_words(classes, asking)
    if thesaurus is not None:  # its phrases the question says are words of the question (叫去问话)
        classes = {**{p: "content" for p in thesaurus.phrases if p not in classes}, **classes}
    n = max(len(lexical.state.chunk_ids), 1)
    unseen_weight = unseen_factor * math.log(1 + (n + 0.5) / 0.5)
    library = lexical if abbreviations else None
    alternatives = {t: thesaurus.alternatives(t, library) for t in classes} if thesaurus else {}
    covered = thesaurus.covered_pieces(classes) if thesaurus else set()
    inside = (
        {t for t in classes if said_only_inside(t, question, lexical, everyday_share)}
        if question and everyday_share is not None
        else set()
    )
    known = {t for t in classes if lexical.document_frequency(t) > 0 and t not in inside}
    synonyms = _cilin_synonyms(classes, lexical, cilin) if cilin_credit > 0 or stand_in_credit > 0 else {}
    stand_ins = _stand_ins(synonyms, lexical, alternatives, refined) if stand_in_credit > 0 else {}
    weights: dict[str, float] = {}
    unseen: set[str] = set()
    foreign: set[str] = set()
    for term, cls in classes.items():
        if term in covered:
            weights[term] = 0.0  # 手机 of 手机卡 (= 电话卡): the whole word and its alternatives stand for it
            continue
        own = 0.0 if term in inside else lexical.idf(term)
        idf = max([own, *(_idf(lexical, alt, own > 0) for alt in alternatives.get(term, ()))])
        if idf > 0:
            weights[term] = idf * _class_factor(term, cls, refined)
            if everyday_share is not None and story_floor < 1.0:
                words = [term, *(alt[0] for alt in alternatives.get(term, ()))]
                weights[term] *= story_factor(words, lexical, everyday_share, story_floor)
        elif term in stand_ins:
            weights[term] = max(lexical.idf(word) for word in stand_ins[term]) * _class_factor(term, cls, refined)
        elif _story_person(term, cilin, refined) or (refined and _story_place(term, known)):
            weights[term] = 0.0
        elif cls == "noun" and _unheard(term, known, refined):
            weights[term] = unseen_weight
            unseen.add(term)
            if _in_dictionary(term, cilin, synonyms):  # 拖鞋, 白酒: a thing of the language, not a fragment (首歌)
                foreign.add(term)
        else:
            # unseen phrasing, a one-character noun (事, 人), or an unseen compound whose known pieces count
            weights[term] = 0.0
            if cls != "function" and _unheard(term, known, refined) and _in_dictionary(term, cilin, synonyms):
                foreign.add(term)
    return QueryTerms(
        weights,
        {t: alts for t, alts in alternatives.items() if alts},
        synonyms if cilin_credit > 0 else {},
        cilin_credit,
        frozenset(unseen),
        frozenset(t for t, cls in classes.items() if cls == "noun" and weights.get(t, 0) > 0),
        stand_ins,
        stand_in_credit,
        frozenset(foreign),
    )


def _unheard(term: str, known: set[str], refined: bool) -> bool:
    """A word of the question the library never uses, none of its pieces either (得批 and 能管 are a modal
    and a verb the library may well use)."""
    return len(term) > 1 and not any(part in term for part in known) and not (refined and term[0] in _MODALS)


def _story_place(term: str, known: set[str]) -> bool:
    """厂里, 县里, 店里, 手里, 墙上: where the question's story happens, a place and a 方位词 jieba joins; no law
    says it so, and as an unseen noun it outweighed the rest of the question."""
    stem = term[:-1]
    return len(term) in (2, 3) and term[-1] in _LOCATIVES and (len(stem) == 1 or stem in known)


_LOCATIVES = frozenset("里上内中外边")


# 表哥, 堂姐: relatives 词林 does not list
_COUSIN = re.compile(r"[表堂][哥姐弟妹兄]")


def _story_person(term: str, cilin: Cilin | None, refined: bool) -> bool:
    """A relative or acquaintance the library never names (表哥, 侄子, 邻居) is a character of the member's story,
    not a topic the library lacks: it weighs nothing rather than the most."""
    return refined and (bool(_COUSIN.fullmatch(term)) or (cilin is not None and cilin.names_a_relation(term)))


def _in_dictionary(term: str, cilin: Cilin | None, synonyms: dict[str, tuple[str, ...]]) -> bool:
    """A word of the language (not a fragment such as 交了) none of whose 词林 synonyms the library uses."""
    return cilin is not None and cilin.knows(term) and not synonyms.get(term)


def _cilin_synonyms(classes: dict[str, str], lexical: LexicalIndex, cilin: Cilin | None) -> dict[str, tuple[str, ...]]:
    """The 词林 synonyms the library uses, for each of the question's content words that has some."""
    if cilin is None:
        return {}
    found: dict[str, tuple[str, ...]] = {}
    for term, cls in classes.items():
        if cls != "function":
            synonyms = cilin.synonyms(term, known=lambda w: lexical.document_frequency(w) > 0)
            if synonyms:
                found[term] = tuple(synonyms)
    return found


def _stand_ins(
    synonyms: dict[str, tuple[str, ...]],
    lexical: LexicalIndex,
    alternatives: dict[str, tuple[Alternative, ...]],
    refined: bool,
) -> dict[str, tuple[str, ...]]:
    """Of those synonyms, the ones standing in for a word the library never uses (and has no domain alternative)."""
    return {
        term: found
        for term, found in synonyms.items()
        if len(term) > 1
        and lexical.document_frequency(term) == 0
        and not alternatives.get(term)
        and not (refined and term[0] in _MODALS)
    }

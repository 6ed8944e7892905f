"""Question-side thesaurus: the colloquial words members use mapped to the words policy texts use.

Only questions are expanded (search and answer coverage); the index never changes with the thesaurus.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

from retrieval.abbreviations import abbreviations_of
from retrieval.answer_types import AnswerType, question_type
from retrieval.lexical import LexicalIndex
from retrieval.tokenizer import DATA_DIR, ChineseTokenizer, normalize

SYNONYMS = DATA_DIR / "synonyms.txt"
# An alternative: a word, then the pieces jieba cuts it into. It is present when the word is, or all its pieces
# are: the texts' “中国人民政治协商会议全国委员会” yields 政治, 协商, 会议 but never the token 政治协商会议.
Alternative = tuple[str, ...]


def present(alternative: Alternative, tokens: set[str] | frozenset[str]) -> bool:
    return alternative[0] in tokens or (len(alternative) > 1 and all(p in tokens for p in alternative[1:]))


def pieces(text: str, tokens: list[str]) -> list[str]:
    """The text cut into the finest of jieba's search-mode tokens, left to right without overlaps: 政治, 协商,
    会议 of 政治协商会议 (search mode also emits 商会, which straddles two of them and is no piece)."""
    finest = {t for t in tokens if not any(o != t and o in t for o in tokens)}
    found, position = [], 0
    while position < len(text):
        word = max((t for t in finest if text.startswith(t, position)), key=len, default=None)
        if word is None:
            position += 1
            continue
        found.append(word)
        position += len(word)
    return found


# Asked with 什么时候 / 哪天, these words ask a law's effective date (消防法是什么时候开始实行的), which every law
# states one way: 本法自…起施行.
_TAKES_EFFECT = re.compile(r"生效|实行|执行|实施")
EFFECTIVE = ("施行",)
# An entry this long is a phrase the question may say although jieba cuts it in pieces (叫去问话 → 叫 去 问话);
# a shorter one would match across word boundaries (开课 of 说好的开课 is a word; 的开 is not).
MIN_PHRASE = 3


class Thesaurus:
    def __init__(self, tokenizer: ChineseTokenizer, path: Path = SYNONYMS):
        self._tokenizer = tokenizer
        self._path = path
        self._for_this_question: dict[str, tuple[Alternative, ...]] = {}  # consulted first (for_question)
        self.phrases: tuple[str, ...] = ()  # the question's entries jieba cuts in pieces (for_question)

    @cached_property
    def _entries(self) -> dict[str, tuple[Alternative, ...]]:
        entries: dict[str, tuple[Alternative, ...]] = {}
        for line in self._path.read_text(encoding="utf-8").splitlines():
            if "=" not in line or line.lstrip().startswith("#"):
                continue
            word, alternatives = line.split("=", 1)
            entries[word.strip().lower()] = tuple(
                self._alternative(alt.strip()) for alt in alternatives.split(",") if alt.strip()
            )
        return entries

    def _alternative(self, text: str) -> Alternative:
        tokens = self._tokenizer.tokenize(text)
        parts = [p for p in pieces(text, tokens) if p != text]
        if len(parts) > 1:
            return (text, *parts)  # the phrase, or all of its pieces
        return (parts[0],) if parts and text not in tokens else (text,)  # one token stands for it

    def for_question(self, question: str) -> Thesaurus:
        """This thesaurus for one question (the same thesaurus when nothing below applies):
        - its entries of three or more characters the question says, which jieba cuts in pieces (叫去问话,
          赖着不走), are its `phrases`: words of the question whose alternatives stand for their pieces;
        - when it asks when something takes effect, its 实行 / 生效 / 执行 also count as the texts' 施行."""
        phrases = self._phrases_in(question)
        words = set(_TAKES_EFFECT.findall(question)) if question_type(question) is AnswerType.DATE else set()
        if not phrases and not words:
            return self
        view = copy.copy(self)  # shares the tokenizer, path and loaded entries
        view._for_this_question = {w: (*self._entries.get(w, ()), EFFECTIVE) for w in words}
        view.phrases = phrases
        return view

    def _phrases_in(self, question: str) -> tuple[str, ...]:
        text = normalize(question).lower()
        said = [phrase for phrase in self._long_entries if phrase in text]
        # the longest says it: 人大常委会 is said, not its 人大常委 (= 常务委员会组成人员)
        return tuple(p for p in said if not any(p in longer and p != longer for longer in said))

    @cached_property
    def _long_entries(self) -> tuple[str, ...]:
        return tuple(word for word in self._entries if len(word) >= MIN_PHRASE)

    def with_phrases(self, tokens: Iterable[str]) -> list[str]:
        """The question's phrases first (those not already a token), then its tokens."""
        tokens = list(tokens)
        return [*(p for p in self.phrases if p not in tokens), *tokens]

    def _lookup(self, token: str) -> tuple[Alternative, ...]:
        return self._for_this_question.get(token) or self._entries.get(token, ())

    def alternatives(self, token: str, library: LexicalIndex | None = None) -> tuple[Alternative, ...]:
        """What counts as this word; with a library, also its spelled-out form there (村委会 → 村民委员会)."""
        found = self._lookup(token)
        if not found and library is not None:
            return abbreviations_of(library).alternatives(token)
        return found

    def covered_pieces(self, tokens: Iterable[str], wholes: Iterable[str] = ()) -> set[str]:
        """The tokens that are pieces of a token the thesaurus says otherwise, or of one of `wholes`: 手机卡 is
        电话卡, so its 手机 is no word of the question's own — the whole word and its alternatives stand for it."""
        tokens = list(tokens)
        words = [*wholes, *(t for t in tokens if self._lookup(t))]
        return {t for t in tokens if any(t in word and t != word for word in words)}

    def expand(self, tokens: list[str], library: LexicalIndex | None = None, abbreviations: bool = False) -> list[str]:
        """The tokens followed by the words of their alternatives, whole and in pieces (for the BM25 query: the
        texts' 中国人民政治协商会议 yields 政治, 协商, 会议, never 政治协商会议). With `abbreviations`, the
        spelled-out form of an abbreviation is added, or stands in for it (Abbreviations.replaces)."""
        tokens = self.with_phrases(tokens)
        table = abbreviations_of(library) if library is not None and abbreviations else None
        spelled = {t: table.expansions(t) for t in tokens} if table is not None else {}
        replaced = [t for t in spelled if table is not None and table.replaces(t)]
        # …and so are the pieces jieba's search mode cut from it (村委, 委会 of 村委会)
        covered = self.covered_pieces(tokens, replaced)
        kept = [t for t in tokens if t not in covered and t not in replaced]
        extra = [
            word
            for t in tokens
            for word in ([w for alt in self._lookup(t) for w in alt] or spelled.get(t, ()))
            if word not in kept
        ]
        return kept + list(dict.fromkeys(extra))

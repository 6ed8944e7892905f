"""Words jieba cut across: 在外地摊上了官司 is cut 在外 / 地摊 / 上, and the question's 外地 and 摊上 are lost.

jieba resolves an ambiguous cut by everyday frequency; the library's own words are the better judge. A token
the library never says that straddles, with a neighbouring character, a word the library does say is read as
that word instead: the library word joins the question, the straddling token leaves it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retrieval.lexical import LexicalIndex
from retrieval.tokenizer import NUMERAL_CHARS, ChineseTokenizer, normalize

# the longest library word looked for across a token's edge
_LONGEST = 3
# numbers and asking words are cut across on purpose (一千多块, 哪几个): their pieces are no topic
_NOT_A_TOPIC = frozenset("零〇一二两三四五六七八九十百千万亿几多少哪什么怎")


@dataclass(frozen=True)
class Recut:
    """The question's tokens jieba joined across a library word, and those words."""

    misjoined: frozenset[str] = frozenset()
    words: tuple[str, ...] = ()

    def joined(self, other: Recut) -> Recut:
        return Recut(self.misjoined | other.misjoined, (*self.words, *(w for w in other.words if w not in self.words)))

    def tokens(self, tokens: Sequence[str]) -> list[str]:
        """The tokens with the misjoined ones replaced by the words they straddle."""
        kept = [t for t in tokens if t not in self.misjoined]
        return kept + [w for w in self.words if w not in kept]


def library_recut(question: str, tokenizer: ChineseTokenizer, lexical: LexicalIndex) -> Recut:
    """recut over jieba's plain cut of the question, judged by the library's words and jieba's dictionary."""
    words = [w for w in tokenizer.words(question) if not _NOT_A_TOPIC & set(w)]

    def says(word: str) -> bool:
        return lexical.document_frequency(word) > 0

    straddled = recut(
        question,
        words,
        says,
        lambda word: tokenizer.everyday_share(word) > 0 and not _NOT_A_TOPIC & set(word),
        tokenizer.everyday_share,
    )
    return straddled.joined(_glued(words, says, tokenizer)).joined(_then_glued(question))


def _glued(words: Sequence[str], says: Callable[[str], bool], tokenizer: ChineseTokenizer) -> Recut:
    """Words jieba's HMM made up by gluing a modal, a particle or a pronoun to a word (税能 of 税能不能, 人来 of
    两个人来店里): the library never says them, it says the word; read as that word. A one-character verb
    (交 of 要交, 管 of 能管) says too little to stand alone; a made-up word without such glue (微信, 绿萝) stays:
    it is what the question is about."""
    misjoined: set[str] = set()
    found: list[str] = []
    for word in words:
        if len(word) < 2 or says(word) or tokenizer.everyday_share(word) > 0:
            continue
        core = word.strip(_GLUE)
        if core and core != word and says(core) and (len(core) > 1 or _is_noun(core, tokenizer)):
            misjoined.add(word)
            if core not in found:
                found.append(core)
    return Recut(frozenset(misjoined), tuple(found))


# 几个人才能办, 看多少天才行, 起码要3人才能: an amount's unit, then 才 (only then) before a modal — jieba reads
# 人才, 天才
_UNIT_THEN = re.compile(rf"(?<=[0-9{NUMERAL_CHARS}万几多少个])([\u4e00-\u9fff])才(?=[能行可算会])")


def _then_glued(question: str) -> Recut:
    """The unit and the adverb 才 jieba joins into a word of its own (人才 talent, 天才 genius): no topic of the
    question, which counts people or days."""
    return Recut(frozenset(m.group(1) + "才" for m in _UNIT_THEN.finditer(normalize(question))))


# what jieba's HMM glues to a word: modals, adverbs, aspect particles, pronouns, measure words
_GLUE = "能会要可得想该去来再也都就还又才着了过的是个我你他她这那有"


def recut(
    question: str,
    tokens: Sequence[str],
    library_says: Callable[[str], bool],
    is_word: Callable[[str], bool],
    frequency: Callable[[str], float] = lambda word: 0.0,
) -> Recut:
    """For each token of two or more characters the library never says, the library's dictionary words that
    share some of its characters and some of a neighbour's (外地 across 在外 | 地摊) and are no rarer in
    everyday Chinese than the token (美国人 stays 美国, not 国人)."""
    text = normalize(question)
    misjoined: set[str] = set()
    words: list[str] = []
    for token in dict.fromkeys(tokens):
        if len(token) < 2 or library_says(token):
            continue
        found = [
            w for w in _straddling(text, token) if library_says(w) and is_word(w) and frequency(w) >= frequency(token)
        ]
        if found:
            misjoined.add(token)
            words.extend(w for w in found if w not in words)
    return Recut(frozenset(misjoined), tuple(words))


def _straddling(text: str, token: str) -> list[str]:
    """The spans of the text that begin before an occurrence of the token and end inside it, or begin inside it
    and end after it."""
    spans = []
    start = text.find(token)
    while start >= 0:
        end = start + len(token)
        for size in range(2, _LONGEST + 1):
            for left in range(start - size + 1, end):
                right = left + size
                crosses = (left < start < right < end) or (start < left < end < right)
                if crosses and left >= 0 and right <= len(text):
                    spans.append(text[left:right])
        start = text.find(token, start + 1)
    return spans


def recut_classes(question: str, tokenizer: ChineseTokenizer, lexical: LexicalIndex) -> dict[str, str]:
    """The question's term classes (tokenizer.term_classes) with its misjoined tokens replaced by the library
    words they straddle."""
    classes = tokenizer.term_classes(question)
    cut = library_recut(question, tokenizer, lexical)
    if not cut.misjoined:
        return classes
    kept = {token: cls for token, cls in classes.items() if token not in cut.misjoined}
    for word in cut.words:
        kept.setdefault(word, tokenizer.term_classes(word).get(word, "content"))
    return kept


def _is_noun(word: str, tokenizer: ChineseTokenizer) -> bool:
    return tokenizer.term_classes(word).get(word) == "noun"

"""Definitions: a question asking what a term means or covers (“消防设施”具体包括哪些, 噪声敏感建筑物都指哪些) is
answered where a text defines it — laws say 本法所称…是指… or list their terms under 用语的含义 (“消防设施，是指
火灾自动报警系统…”). Such an article shares only the term with the question, so the word legs rank every rule
that mentions the term above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from retrieval.tokenizer import ChineseTokenizer, normalize, word_class

# what a member asks when asking for a definition (not 算不算 / 属于: those ask whether a case falls under a rule)
_ASKS = re.compile(
    r"什么意思|啥意思|指什么|指啥|指的是|都指|是指|指哪些|什么叫|何谓|含义|定义|包括哪些|包括什么|包含哪些|具体指"
)
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,24})[”\"」』]")
# a term followed by what a definition says of it (“消防设施，是指”, “交通信号包括”), or 所称 before it
_DEFINES = r"(?:所称|所说的){term}|{term}[，,]?(?:是指|指的是|包括)"


@dataclass(frozen=True)
class AskedTerms:
    """The terms a definitional question asks about: those it quotes, else its nouns (none: not such a question)."""

    terms: tuple[str, ...]

    @classmethod
    def of(cls, tokenizer: ChineseTokenizer, question: str) -> AskedTerms:
        text = normalize(question)
        if not _ASKS.search(text):
            return cls(())
        quoted = tuple(dict.fromkeys(_QUOTED.findall(text)))
        if quoted:
            return cls(quoted)
        nouns = (word for word, flag in tokenizer.tagged_words(text) if word_class(word, flag) == "noun")
        return cls(tuple(dict.fromkeys(word for word in nouns if len(word) >= 2)))

    def __bool__(self) -> bool:
        return bool(self.terms)

    @cached_property  # one question, its terms tested against 30 passages and their sentences
    def _pattern(self) -> re.Pattern[str]:
        alternatives = "|".join(_DEFINES.format(term=re.escape(term)) for term in self.terms)
        return re.compile(alternatives)

    def defined_in(self, passage: str) -> bool:
        """The passage defines one of the terms (or says what it includes)."""
        return bool(self.terms) and self._pattern.search(normalize(passage)) is not None

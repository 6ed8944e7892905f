"""Abbreviations the library spells out in full: 村委会 → 村民委员会, 居委会 → 居民委员会, 医保 → 医疗保险.

Members abbreviate; policy texts rarely do. A question word the library (almost) never uses is looked up in the
library's own vocabulary: a word that starts with the same character and contains the abbreviation's characters
in order (医保 ⊑ 医疗保险), or two words that occur together and spell it the same way (村 ⊑ 村民, 委会 ⊑ 委员会;
the second word also ends with the abbreviation's last character). Learned from the texts, so it needs no list
and follows the library: a new law's 妇联 finds its 妇女联合会.
"""

from __future__ import annotations

import re
import weakref
from collections import defaultdict
from functools import cached_property

import numpy as np

from retrieval.lexical import LexicalIndex

# A question word is a candidate abbreviation when the library uses it in at most RARE_SHARE of its passages
# (at least RARE_DF); a spelled-out form must occur MIN_DF times and OUTNUMBER times as often as the abbreviation.
RARE_DF = 1
RARE_SHARE = 0.0005
MIN_DF = 2
OUTNUMBER = 5
MIN_TOGETHER = 2  # two words that spell it out must share this many chunks
MAX_EXPANSIONS = 2
_HAN = re.compile(r"[\u4e00-\u9fff]+")


def is_subsequence(short: str, long: str) -> bool:
    characters = iter(long)
    return all(c in characters for c in short)


class Abbreviations:
    def __init__(self, lexical: LexicalIndex):
        self._lexical = lexical
        self._found: dict[str, tuple[str, ...]] = {}

    @cached_property
    def _by_first(self) -> dict[str, list[str]]:
        """Library words of two or more Chinese characters by their first character."""
        words: dict[str, list[str]] = defaultdict(list)
        for word in self._lexical.vocabulary():
            if len(word) >= 2 and _HAN.fullmatch(word):
                words[word[0]].append(word)
        return words

    def expansions(self, token: str) -> tuple[str, ...]:
        """The library's spelled-out words for this abbreviation (empty when it is none)."""
        if token not in self._found:
            self._found[token] = self._expand(token) if self._is_candidate(token) else ()
        return self._found[token]

    def alternatives(self, token: str) -> tuple[tuple[str, ...], ...]:
        """What counts as this abbreviation in coverage (retrieval.synonyms.Alternative): each spelled-out
        word, or the two words that spell it together (村民委员会, present when 村民 and 委员会 both are)."""
        found = self.expansions(token)
        if len(found) == 2 and not is_subsequence(token, found[0]):
            return (("".join(found), *found),)
        return tuple((word,) for word in found)

    def replaces(self, token: str) -> bool:
        """The spelled-out form stands in for the abbreviation itself (in the query) when the library uses the
        abbreviation at most once: that one passage would otherwise outweigh every spelled-out one."""
        return bool(self.expansions(token)) and self._lexical.document_frequency(token) <= RARE_DF

    def _is_candidate(self, token: str) -> bool:
        rare = max(RARE_DF, RARE_SHARE * len(self._lexical.state.chunk_ids))
        return 2 <= len(token) <= 4 and bool(_HAN.fullmatch(token)) and self._lexical.document_frequency(token) <= rare

    def _frequent(self, word: str, token: str) -> bool:
        df = self._lexical.document_frequency(word)
        return df >= max(MIN_DF, OUTNUMBER * self._lexical.document_frequency(token))

    def _expand(self, token: str) -> tuple[str, ...]:
        whole = [
            w
            for w in self._by_first.get(token[0], ())
            if len(token) < len(w) <= 2 * len(token) + 3 and is_subsequence(token, w) and self._frequent(w, token)
        ]
        if whole:
            return tuple(sorted(whole, key=self._lexical.document_frequency, reverse=True)[:MAX_EXPANSIONS])
        return self._pair(token)

    def _pair(self, token: str) -> tuple[str, ...]:
        """Two words that occur together and spell the abbreviation: 村委会 → 村民 + 委员会."""
        best: tuple[int, tuple[str, ...]] = (0, ())
        for cut in range(1, len(token)):
            head, tail = token[:cut], token[cut:]
            firsts = [
                w for w in self._by_first.get(head[0], ()) if is_subsequence(head, w) and self._frequent(w, token)
            ]
            seconds = [
                w
                for w in self._by_first.get(tail[0], ())
                if w[-1] == token[-1] and len(w) > len(tail) and is_subsequence(tail, w) and self._frequent(w, token)
            ]
            for second in seconds if firsts else ():
                in_second = np.zeros(len(self._lexical.state.chunk_ids), dtype=bool)  # O(postings) per first
                in_second[self._lexical.postings(second)] = True
                for first in firsts:
                    together = int(in_second[self._lexical.postings(first)].sum())
                    if together >= max(MIN_TOGETHER, OUTNUMBER * self._lexical.document_frequency(token)) and (
                        together > best[0]
                    ):
                        best = (together, (first, second))
        return best[1]


_CACHE: weakref.WeakKeyDictionary[LexicalIndex, Abbreviations] = weakref.WeakKeyDictionary()


def abbreviations_of(lexical: LexicalIndex) -> Abbreviations:
    """One table per loaded index (a new generation is a new index, so the table follows the library)."""
    found = _CACHE.get(lexical)
    if found is None:
        found = _CACHE[lexical] = Abbreviations(lexical)
    return found

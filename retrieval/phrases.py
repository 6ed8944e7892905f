"""Phrase proximity: how much of a question a passage says word for word, in runs of several content words.

Bag-of-words legs cannot tell “团结和民主是中国人民政治协商会议的（ ）” from any passage of the charter that
repeats 中国人民政治协商会议: the sentence that says the whole stretch ranked eighth. A run counts only when it
joins at least two content words (a single long name is already the word legs' business) over six characters
or more, and never crosses punctuation; its content words' characters are the run's credit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from retrieval.tokenizer import ChineseTokenizer, is_word, normalize, word_class

_BLANK = re.compile(r"\s+")
MIN_CONTENT_WORDS = 2
# shorter runs are collocations any passage may hold (月内答复, 国家主席 split in two)
MIN_RUN_CHARS = 6


@dataclass(frozen=True)
class QuestionPhrases:
    """The question as plain words, each marked as content or not (None: punctuation, which breaks runs)."""

    words: tuple[str, ...]
    content: tuple[bool | None, ...]

    @classmethod
    def of(cls, tokenizer: ChineseTokenizer, question: str) -> QuestionPhrases:
        words: list[str] = []
        content: list[bool | None] = []
        for word, flag in tokenizer.tagged_words(question):
            if not word.strip():
                continue
            words.append(word)
            meaningful = word_class(word, flag) != "function" and word not in tokenizer.stopwords
            content.append(meaningful if is_word(word) else None)
        return cls(tuple(words), tuple(content))

    @property
    def content_chars(self) -> int:
        return sum(len(w) for w, c in zip(self.words, self.content) if c)

    def share_said(self, passage: str) -> float:
        """Share of the question's content characters the passage says inside runs of ≥ 2 content words."""
        total = self.content_chars
        if total == 0:
            return 0.0
        text = _plain(passage)
        covered, start, n = 0, 0, len(self.words)
        while start < n:
            end = self._run_end(start, text)
            run = range(start, end)
            said = sum(len(self.words[i]) for i in run)
            if said >= MIN_RUN_CHARS and sum(1 for i in run if self.content[i]) >= MIN_CONTENT_WORDS:
                covered += sum(len(self.words[i]) for i in run if self.content[i])
                start = end
            else:
                start += 1
        return covered / total

    def _run_end(self, start: int, text: str) -> int:
        """The end of the longest run of words from `start` that the text holds verbatim."""
        end, phrase = start, ""
        while end < len(self.words) and self.content[end] is not None:
            longer = phrase + self.words[end]
            if longer not in text:
                break
            phrase, end = longer, end + 1
        return end


@lru_cache(maxsize=8192)
def _plain(passage: str) -> str:
    """The passage folded as questions are, without blanks; remembered, as the head passages of a library recur
    across questions and folding is most of the cost (2 of 3.5 ms for 30 passages)."""
    return _BLANK.sub("", normalize(passage))

"""List detection over split sentences: pure functions shared by the extractive answerer and the quiz generator."""

from __future__ import annotations

from collections.abc import Sequence

LIST_INTRO_ENDS = ("：", ":")
LIST_CONTINUATION_CHARS = 240


def introduces_list(sentence: str) -> bool:
    """True for a sentence that announces a list ("应当遵循下列原则：")."""
    return sentence.rstrip().endswith(LIST_INTRO_ENDS)


def with_list_items(
    sentences: Sequence[str], position: int, max_chars: int = LIST_CONTINUATION_CHARS
) -> tuple[str, ...]:
    """A sentence that introduces a list is useless alone: it comes with the items that follow it (up to max_chars)."""
    parts = [sentences[position]]
    if not introduces_list(parts[0]):
        return tuple(parts)
    size = len(parts[0])
    for follower in sentences[position + 1 :]:
        size += len(follower)
        if size > max_chars:
            break
        parts.append(follower)
    return tuple(parts)

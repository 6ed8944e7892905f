"""Trainers' edits: a changed item or one written by hand is checked like a generated one before it is kept;
a reworded stem is allowed (with a warning) while the item stays checkable in its passage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from quiz.checks import is_near_duplicate
from quiz.generate import Material, QuizGenerator, QuizRequest
from quiz.library import LibraryView
from quiz.llm_generate import locate
from quiz.model import BLANK, FALSE, TRUE, ItemType, QuizError, QuizItem, Source
from quiz.text import bigrams, norm
from quiz.verdict import judge
from retrieval.types import Chunk


def build_item(kind: ItemType, stem: str, options: str, answer: str, explanation: str, origin: str) -> QuizItem:
    """An item from form fields: options one a line; choice answers upper-cased (a, c → AC)."""
    lines = tuple(line.strip() for line in options.splitlines() if line.strip())
    if kind in ("单选", "多选"):
        answer = "".join(ch for ch in answer.upper() if ch.isalpha())
    return QuizItem(
        type=kind,
        stem=stem.strip(),
        answer=answer.strip(),
        options=(TRUE, FALSE) if kind == "判断" else (() if kind == "填空" else lines),
        explanation=explanation.strip(),
        origin=origin,
    )


@dataclass(frozen=True)
class Edited:
    """An item that may be kept, and what the trainer should still look at (a reworded stem)."""

    item: QuizItem
    warnings: tuple[str, ...] = ()


def apply_edit(item: QuizItem, edited: QuizItem, chunk: Chunk | None, library: LibraryView | None) -> Edited:
    """The edited item, re-anchored in its passage, when it can still be checked there; QuizError with the reasons
    else. A reworded stem is kept with a warning: its key still stands in the passage, highlighted where it was."""
    if chunk is None:
        raise QuizError("这道题的出处段落已不在资料库中，无法核对修改。")
    changed = edited.with_changes(source=_source_after_edit(item, edited, chunk), kind=item.kind, origin=item.origin)
    verdict = judge(changed, library)
    if verdict.refusals:
        raise QuizError("修改未保存：" + "；".join(verdict.refusals))
    return Edited(changed, verdict.warnings)


def _source_after_edit(item: QuizItem, edited: QuizItem, chunk: Chunk) -> Source:
    """The original source while the edit marks the same words in the same passage (the highlight stays on the
    span the item was made from, not on the first occurrence of its key); the words located afresh otherwise.
    An item shown with a passage of its own (a report section's outline) is re-anchored in that passage."""
    if item.source.passage != chunk.text and item.source.chunk_id == chunk.id:
        chunk = replace(chunk, text=item.source.passage, heading=item.source.heading)
    if chunk.text == item.source.passage and _marked_words(item) == _marked_words(edited):
        return item.source
    return locate(edited, chunk)


def _marked_words(item: QuizItem) -> tuple[str, ...]:
    """What the source highlights: the keys, or a 判断 item's original sentence (as locate finds them)."""
    words = item.key_texts if item.type != "判断" else (item.explanation.removeprefix("原文："),)
    return tuple(norm(w) for w in words)


def anchor(item: QuizItem, chunks: Sequence[Chunk], library: LibraryView | None) -> Edited:
    """A hand-written item attached to the first passage that bears it out word for word, else to the passage
    nearest its wording that bears its key out (with a warning); QuizError with the nearest reasons."""
    if not chunks:
        raise QuizError("请先选择出处资料。")
    nearest: list[str] | None = None
    reworded: list[Edited] = []
    for chunk in chunks:
        candidate = item.with_changes(source=locate(item, chunk))
        verdict = judge(candidate, library)
        if not verdict.refusals and not verdict.warnings:
            return Edited(candidate)
        if not verdict.refusals:
            reworded.append(Edited(candidate, verdict.warnings))
        elif _nearer(verdict.refusals, nearest):
            nearest = list(verdict.refusals)
    if reworded:
        return max(reworded, key=lambda e: _shared_wording(e.item.stem, e.item.source.passage))
    raise QuizError("未添加：" + "；".join(nearest or ["所选资料中找不到这道题的出处（答案或原句不在资料中）"]))


def _nearer(problems: Sequence[str], nearest: Sequence[str] | None) -> bool:
    """Fewer problems than the nearest passage so far, the key found in this one."""
    return not any("出处段落" in p for p in problems) and (nearest is None or len(problems) < len(nearest))


def _shared_wording(stem: str, passage: str) -> float:
    """The share of the stem's character pairs the passage has too."""
    pairs = bigrams(norm(stem.replace(BLANK, "")))
    return len(pairs & bigrams(norm(passage))) / len(pairs)


def regenerate_one(
    generator: QuizGenerator, materials: Sequence[Material], draft: Sequence[QuizItem], index: int
) -> QuizItem:
    """Another item of the same type from the same materials, unlike every item of the draft."""
    kind = draft[index].type
    for attempt in range(1, 6):
        result = generator.generate(QuizRequest(tuple(materials), {kind: len(draft) + 1}, attempt * 7919 + index))
        fresh = [i for i in result.items if not any(is_near_duplicate(i, other) for other in draft)]
        if fresh:
            return fresh[0]
    raise QuizError(f"所选资料中没有可以替换的新{kind}题了。")

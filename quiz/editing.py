"""Trainers' edits: a changed item or one written by hand is checked like a generated one before it is kept."""

from __future__ import annotations

from collections.abc import Sequence

from quiz.checks import check_item, is_near_duplicate
from quiz.generate import Material, QuizGenerator, QuizRequest
from quiz.library import LibraryView
from quiz.llm_generate import locate
from quiz.model import FALSE, TRUE, ItemType, QuizError, QuizItem
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


def apply_edit(item: QuizItem, edited: QuizItem, chunk: Chunk | None, library: LibraryView | None) -> QuizItem:
    """The edited item, re-anchored in its passage, when it passes the checks; QuizError with the reasons else."""
    if chunk is None:
        raise QuizError("这道题的出处段落已不在资料库中，无法核对修改。")
    changed = edited.with_changes(source=locate(edited, chunk), kind=item.kind, origin=item.origin)
    problems = check_item(changed, library)
    if problems:
        raise QuizError("修改未保存：" + "；".join(problems))
    return changed


def anchor(item: QuizItem, chunks: Sequence[Chunk], library: LibraryView | None) -> QuizItem:
    """A hand-written item attached to the first passage that bears it out; QuizError with the nearest reasons."""
    if not chunks:
        raise QuizError("请先选择出处资料。")
    nearest: list[str] | None = None
    for chunk in chunks:
        candidate = item.with_changes(source=locate(item, chunk))
        problems = check_item(candidate, library)
        if not problems:
            return candidate
        if not any("出处段落" in p for p in problems) and (nearest is None or len(problems) < len(nearest)):
            nearest = problems
    raise QuizError("未添加：" + "；".join(nearest or ["所选资料中找不到这道题的出处（答案或原句不在资料中）"]))


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

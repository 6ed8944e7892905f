"""每日一练: the same few checked items for everyone on a day, from the materials trainers chose."""

from __future__ import annotations

import logging
from datetime import date

from quiz.generate import Material, QuizGenerator, QuizRequest
from quiz.model import QuizError, QuizItem
from quiz.store import QuizStore

log = logging.getLogger(__name__)
DAILY_ORDER = ("单选", "判断", "填空", "多选", "单选")
NO_PROGRAMME = "培训管理员还没有选定每日一练的资料，请稍后再来。"


def daily_mix(size: int) -> dict[str, int]:
    """The day's types: 单选, 判断, 填空, 多选, 单选, then round again."""
    mix: dict[str, int] = {}
    for number in range(size):
        kind = DAILY_ORDER[number % len(DAILY_ORDER)]
        mix[kind] = mix.get(kind, 0) + 1
    return mix


def daily_items(generator: QuizGenerator, store: QuizStore, day: date, size: int = 5) -> tuple[QuizItem, ...]:
    """The day's items (stored the first time they are asked for, so everyone gets the same ones)."""
    key = day.isoformat()
    stored = store.daily_items(key)
    if stored is not None:
        return stored
    doc_ids = [d for d in store.programme() if generator.kb.catalog.document(d) is not None]
    if not doc_ids:
        raise QuizError(NO_PROGRAMME)
    seed = int(key.replace("-", ""))
    request = QuizRequest(tuple(Material(d) for d in doc_ids), daily_mix(size), seed)
    items = list(generator.generate(request).items)
    if len(items) < size:  # some types ran short: top up with the types the material allows
        extra = generator.generate(QuizRequest(request.materials, {"单选": size, "填空": size, "判断": size}, seed))
        stems = {i.stem for i in items}
        items += [i for i in extra.items if i.stem not in stems][: size - len(items)]
    if not items:
        raise QuizError("每日一练的资料中没有可以出题的句子，请培训管理员换一些资料。")
    log.info("每日一练 %s: %d items", key, len(items))
    return store.save_daily(key, items[:size])

"""Saved quizzes, attempts and 每日一练, in tables of the catalog database (schema version in the meta table).

A quiz is saved only when every item passes the checks: a hand edit that breaks an item is refused with the
reason, and the stored quiz stays as it was. A stem a trainer reworded is kept with a warning while its key still
stands in the cited passage and the item stays checkable there (quiz.verdict.judge).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from quiz.checks import is_near_duplicate
from quiz.model import QuizError, QuizItem, Source, item_from_dict, item_to_dict
from quiz.score import QuizResult
from quiz.spans import strip_labels
from quiz.text import norm
from quiz.verdict import judge
from retrieval.catalog import Catalog
from retrieval.db import Schema, Transaction
from retrieval.text import split_sentences, strip_punctuation
from retrieval.tokenizer import normalize
from retrieval.types import Chunk

log = logging.getLogger(__name__)
SCHEMA_VERSION = 1
SCHEMA_KEY = "quiz_schema_version"
SCHEMA = """
CREATE TABLE IF NOT EXISTS quizzes (
    id {autoid},
    name TEXT NOT NULL UNIQUE,
    items TEXT NOT NULL,
    materials TEXT NOT NULL DEFAULT '[]',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS quiz_attempts (
    id {autoid},
    quiz_id INTEGER REFERENCES quizzes(id) ON DELETE CASCADE,
    daily_date TEXT,
    user_name TEXT NOT NULL DEFAULT '',
    answers TEXT NOT NULL,
    correct TEXT NOT NULL,
    score INTEGER NOT NULL,
    total INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quiz_attempts_by_quiz ON quiz_attempts(quiz_id);
CREATE INDEX IF NOT EXISTS quiz_attempts_by_user ON quiz_attempts(user_name, daily_date);
CREATE TABLE IF NOT EXISTS quiz_daily (day TEXT PRIMARY KEY, items TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS quiz_programme (
    doc_id TEXT PRIMARY KEY,
    chosen_by TEXT NOT NULL DEFAULT '',
    chosen_at TEXT NOT NULL
);
"""


MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL: a larger number names no quiz


def _has_quiz_tables(tx: Transaction) -> int:
    """Quiz tables made before schema_versions hold version 1."""
    return 1 if tx.has_table("quizzes") else 0


QUIZ_SCHEMA = Schema("quiz", SCHEMA, (SCHEMA,), legacy=_has_quiz_tables)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class SavedQuiz:
    id: int
    name: str
    items: tuple[QuizItem, ...]
    materials: tuple[str, ...]  # document ids it was built from
    created_by: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class QuizStats:
    """What trainers see of a quiz: attempts, the mean score, and each item's share of right answers."""

    attempts: int
    mean_percent: float
    item_shares: tuple[float, ...]


@dataclass(frozen=True)
class DailyRecord:
    day: str
    score: int
    total: int


def _items_json(items: Sequence[QuizItem]) -> str:
    return json.dumps([item_to_dict(i) for i in items], ensure_ascii=False)


def _quiz(row) -> SavedQuiz:
    return SavedQuiz(
        id=row["id"],
        name=row["name"],
        items=tuple(item_from_dict(d) for d in json.loads(row["items"])),
        materials=tuple(json.loads(row["materials"])),
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _spread(values: Sequence, positions: Sequence[int]) -> list:
    """values put at their positions in the quiz, None where an item was not asked."""
    spread = [None] * (max(positions, default=-1) + 1)
    for value, position in zip(values, positions):
        spread[position] = value
    return spread


def _kept(marks_json: str, keep: Sequence[int]) -> str:
    marks = json.loads(marks_json)
    return json.dumps([marks[n] if n < len(marks) else None for n in keep], ensure_ascii=False)


def _share(marks: Sequence[bool]) -> float:
    """The share of right answers among the attempts that asked the item."""
    return sum(marks) / len(marks) if marks else 0.0


def require_valid(items: Sequence[QuizItem]) -> None:
    """Raise QuizError naming each failing item (1-based) and why; nothing is saved then."""
    if not items:
        raise QuizError("试卷中没有题目。")
    kept: list[tuple[int, QuizItem]] = []
    failures: list[str] = []
    for number, item in enumerate(items, start=1):
        problems = list(judge(item).refusals)
        twin = next((n for n, other in kept if is_near_duplicate(item, other)), None)
        if twin is not None:
            problems.append(f"与第 {twin} 题重复或几乎相同")
        if problems:
            failures.append(f"第 {number} 题：{'，'.join(problems)}")
        else:
            kept.append((number, item))
    if failures:
        raise QuizError(f"有题目未通过检查，未保存：{'；'.join(failures)}")


# --- items of a replaced document ------------------------------------------------------------------------------------
# A new version of a document has a new content-hash id; the library keeps one document per title (an upload with the
# title of a stored one replaces it), so the current version of an item's document is the one with its title. An item
# stays current while that version states, in one passage, the sentences its answer stands in (and those its
# explanation quotes as 原文), compared without width, case, spaces and punctuation; it is then shown on that passage.
QUOTE_PREFIXES = ("原文：", "错误的说法原文为：")  # explanations that quote the source (quiz.generate)
FOLD_CACHE_SIZE = 20_000


class _FoldCache:
    """Folded chunk texts by chunk id: ids are content hashes, so an entry never goes out of date."""

    def __init__(self) -> None:
        self._folded: dict[str, tuple[str, tuple[int, ...]]] = {}

    def of(self, chunk: Chunk) -> tuple[str, tuple[int, ...]]:
        found = self._folded.get(chunk.id)
        if found is None:
            if len(self._folded) >= FOLD_CACHE_SIZE:
                self._folded.clear()
            found = self._folded[chunk.id] = _fold(chunk.text)
        return found


def _fold(text: str) -> tuple[str, tuple[int, ...]]:
    """quiz.text.norm of `text` (NFKC, lower case, simplified script, no punctuation or spaces), with the position in
    `text` of each character kept."""
    folded = normalize(text)
    if len(folded) == len(text):  # the usual case: one character for one
        pairs = [(i, ch) for i, ch in enumerate(folded) if strip_punctuation(ch)]
    else:
        pairs = [(i, ch) for i, raw in enumerate(text) for ch in strip_punctuation(normalize(raw))]
    return "".join(ch for _, ch in pairs), tuple(i for i, _ in pairs)


def _sentence_bounds(passage: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence of the passage, as the generator splits them (quiz.library.sentences_of)."""
    bounds, position = [], 0
    for text in split_sentences(passage):
        start = passage.find(text, position)
        if start >= 0:
            bounds.append((start, start + len(text)))
            position = start + len(text)
    return bounds


def _anchors(item: QuizItem) -> tuple[list[tuple[int, int]], list[str]] | None:
    """What must still be stated for the item to stand: the stretch of sentences around each answer span (without
    a leading 第N条 or （一）, which a renumbering changes), and the sentences its explanation quotes from the passage.
    None when the item has nothing to check against."""
    passage = item.source.passage
    bounds = _sentence_bounds(passage)
    blocks = []
    for start, end in item.source.answer_spans:
        over = [(a, b) for a, b in bounds if a < end and start < b]
        if not over or not 0 <= start < end <= len(passage):
            return None
        first = over[0][0]
        sentence = passage[first : over[0][1]]
        label = sentence.find(strip_labels(sentence)) if strip_labels(sentence) else 0
        blocks.append((first + label if first + label <= start else first, over[-1][1]))
    quote = next((item.explanation.removeprefix(p) for p in QUOTE_PREFIXES if item.explanation.startswith(p)), "")
    folded = norm(passage)
    quotes = [norm(q) for q in split_sentences(quote) if norm(q) and norm(q) in folded]
    return (blocks, quotes) if blocks or quotes else None


def _reanchored(item: QuizItem, chunk: Chunk, folds: _FoldCache) -> QuizItem | None:
    """The item on `chunk` when the chunk states its anchors; its answer spans moved to where they stand there."""
    anchors = _anchors(item)
    if anchors is None:
        return None
    blocks, quotes = anchors
    passage, text = item.source.passage, chunk.text
    if quotes and not all(q in folds.of(chunk)[0] for q in quotes):
        return None
    moved: dict[tuple[int, int], tuple[int, int]] = {}
    for span, (first, last) in zip(item.source.answer_spans, blocks):
        at = text.find(passage[first:last])
        if at >= 0:  # the sentences as they were, character for character
            moved[span] = (at + span[0] - first, at + span[1] - first)
            continue
        old, where = _fold(passage[first:last])
        new, positions = folds.of(chunk)
        at = new.find(old) if old else -1
        inside = [j for j, i in enumerate(where) if span[0] <= first + i < span[1]]
        if at < 0 or not inside:
            return None
        moved[span] = (positions[at + inside[0]], positions[at + inside[-1]] + 1)
    spans = tuple(moved[span] for span in item.source.answer_spans)
    anchored = item.with_changes(source=Source.of_chunk(chunk, spans))
    return None if judge(anchored).refusals else anchored  # checked on the new passage, as when it was saved


class _Versions:
    """Which of a set of items are current: each document, and each replaced one's current version, read once."""

    def __init__(self, catalog: Catalog, items: Sequence[QuizItem], folds: _FoldCache):
        titles: dict[str, str] = {}
        for item in items:
            if item.source.doc_id and not titles.get(item.source.doc_id):
                titles[item.source.doc_id] = item.source.title
        self.present = {d for d in titles if catalog.document(d) is not None}
        chunks_by_title: dict[str, list[list[Chunk]]] = {}
        self.successors: dict[str, list[list[Chunk]]] = {}
        for doc_id, title in titles.items():
            if doc_id in self.present or not title:
                continue
            if title not in chunks_by_title:  # newest first; normally one document has the title
                records = reversed(catalog.documents_titled(title))
                chunks_by_title[title] = [catalog.chunks_of(r.doc_id) for r in records]
            self.successors[doc_id] = chunks_by_title[title]
        self.folds = folds
        self._moved: dict[QuizItem, QuizItem | None] = {}  # an item in several quizzes is looked at once

    def current(self, item: QuizItem) -> QuizItem | None:
        if item.source.doc_id in self.present:
            return item
        if item not in self._moved:
            self._moved[item] = self._find(item)
        return self._moved[item]

    def _find(self, item: QuizItem) -> QuizItem | None:
        for chunks in self.successors.get(item.source.doc_id, ()):
            # the passage under the same heading first: a sentence repeated elsewhere is shown where it was
            ordered = sorted(chunks, key=lambda c: c.heading != item.source.heading)
            for chunk in ordered:
                anchored = _reanchored(item, chunk, self.folds)
                if anchored is not None:
                    return anchored
        return None


class QuizStore:
    """Owns the quiz tables; the catalog's lock makes it safe across Streamlit sessions."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        catalog.db.migrate(QUIZ_SCHEMA)
        catalog.execute(
            "INSERT INTO meta(key, value) VALUES (:key, :value) ON CONFLICT(key) DO NOTHING",
            {"key": SCHEMA_KEY, "value": str(SCHEMA_VERSION)},
        )
        found = int(catalog.execute("SELECT value FROM meta WHERE key = :key", {"key": SCHEMA_KEY})[0]["value"])
        if found > SCHEMA_VERSION:
            raise RuntimeError(f"试卷数据由更新版本的程序写入（版本 {found}），请升级程序。")
        self._folds = _FoldCache()  # chunk id (a content hash) → its folded text, for re-anchoring

    # --- quizzes
    def save(self, name: str, items: Sequence[QuizItem], user: str = "", materials: Sequence[str] = ()) -> SavedQuiz:
        name = name.strip()
        if not name:
            raise QuizError("请为试卷起一个名字。")
        require_valid(items)
        if self.catalog.execute("SELECT 1 FROM quizzes WHERE name = :name", {"name": name}):
            raise QuizError(f"已有名为「{name}」的试卷，请换一个名字。")
        now = _now()
        rows = self.catalog.execute(
            "INSERT INTO quizzes(name, items, materials, created_by, created_at, updated_at) "
            "VALUES (:name, :items, :materials, :user, :now, :now) RETURNING id",
            {
                "name": name,
                "items": _items_json(items),
                "materials": json.dumps(list(materials)),
                "user": user,
                "now": now,
            },
        )
        log.info("quiz %r saved with %d items by %r", name, len(items), user)
        return self.get(int(rows[0]["id"]))

    def update_items(self, quiz_id: int, items: Sequence[QuizItem]) -> SavedQuiz:
        self.get(quiz_id)
        require_valid(items)
        self.catalog.execute(
            "UPDATE quizzes SET items = :items, updated_at = :now WHERE id = :id",
            {"items": _items_json(items), "now": _now(), "id": quiz_id},
        )
        return self.get(quiz_id)

    def get(self, name_or_id: str | int) -> SavedQuiz:
        text = str(name_or_id).strip()
        rows = self.catalog.execute("SELECT * FROM quizzes WHERE name = :name", {"name": text})
        if not rows and text.isdigit() and int(text) <= MAX_ID:
            rows = self.catalog.execute("SELECT * FROM quizzes WHERE id = :id", {"id": int(text)})
        if not rows:
            raise QuizError(f"找不到试卷「{text}」，可用 python -m quiz list 查看已保存的试卷。")
        return _quiz(rows[0])

    def list(self) -> list[SavedQuiz]:
        return [_quiz(row) for row in self.catalog.execute("SELECT * FROM quizzes ORDER BY updated_at DESC, id DESC")]

    def rename(self, quiz_id: int, name: str) -> SavedQuiz:
        name = name.strip()
        current = self.get(quiz_id)
        if not name:
            raise QuizError("请为试卷起一个名字。")
        if name != current.name and self.catalog.execute("SELECT 1 FROM quizzes WHERE name = :name", {"name": name}):
            raise QuizError(f"已有名为「{name}」的试卷，请换一个名字。")
        self.catalog.execute(
            "UPDATE quizzes SET name = :name, updated_at = :now WHERE id = :id",
            {"name": name, "now": _now(), "id": quiz_id},
        )
        return self.get(quiz_id)

    def duplicate(self, quiz_id: int, name: str, user: str = "") -> SavedQuiz:
        original = self.get(quiz_id)
        return self.save(name, original.items, user, original.materials)

    def current(self, items: Sequence[QuizItem]) -> tuple[QuizItem | None, ...]:
        """Each item as the library holds it now: the item itself while its document is there; re-anchored to the
        current version of a replaced document (_Versions) while that version still states the item's source
        sentences with its key; None when stale. Read time only: the stored quiz stays as the trainer saved it."""
        versions = self._versions(items)
        return tuple(versions.current(item) for item in items)

    def stale_positions(self, items: Sequence[QuizItem]) -> tuple[int, ...]:
        """Positions of the items whose source is gone: the document was deleted, or replaced by a version that no
        longer states the item's source sentence (with its key). Items of a replaced document whose sentence the
        new version still holds are current (see current)."""
        return tuple(n for n, item in enumerate(self.current(items)) if item is None)

    def stale_counts(self, quizzes: Sequence[SavedQuiz]) -> dict[int, int]:
        """Each quiz's number of stale items (stale_positions), a picker's worth: every document looked up once."""
        versions = self._versions([i for quiz in quizzes for i in quiz.items])
        return {quiz.id: sum(versions.current(i) is None for i in quiz.items) for quiz in quizzes}

    def _versions(self, items: Sequence[QuizItem]) -> _Versions:
        return _Versions(self.catalog, items, self._folds)

    def remove_items(self, quiz_id: int, positions: Sequence[int]) -> SavedQuiz:
        """Drop these items; past attempts keep their scores, their per-item marks follow the remaining items."""
        quiz = self.get(quiz_id)
        keep = [n for n in range(len(quiz.items)) if n not in set(positions)]
        if not keep:
            raise QuizError("这样会删除试卷的全部题目，请直接删除整份试卷。")
        items = [quiz.items[n] for n in keep]
        with self.catalog.db.transaction(write=True) as tx:
            tx.execute(
                "UPDATE quizzes SET items = :items, updated_at = :now WHERE id = :id",
                {"items": _items_json(items), "now": _now(), "id": quiz_id},
            )
            attempts = tx.execute("SELECT id, answers, correct FROM quiz_attempts WHERE quiz_id = :id", {"id": quiz_id})
            tx.executemany(
                "UPDATE quiz_attempts SET answers = :answers, correct = :correct WHERE id = :id",
                [{"id": row["id"], "answers": _kept(row["answers"], keep), "correct": _kept(row["correct"], keep)}
                 for row in attempts],
            )  # fmt: skip
        log.info("quiz %r: %d items removed", quiz.name, len(quiz.items) - len(keep))
        return self.get(quiz_id)

    def delete(self, quiz_id: int) -> None:
        with self.catalog.db.transaction(write=True) as tx:
            tx.execute("DELETE FROM quiz_attempts WHERE quiz_id = :id", {"id": quiz_id})
            tx.execute("DELETE FROM quizzes WHERE id = :id", {"id": quiz_id})

    # --- attempts
    def record(
        self,
        result: QuizResult,
        user: str = "",
        quiz_id: int | None = None,
        day: str | None = None,
        positions: Sequence[int] | None = None,
    ) -> int:
        """Store one submitted attempt (user "" = anonymous) of a saved quiz or of a day's 每日一练. positions: where
        the answered items stand in the quiz when some were left out (stale sources); the others are marked None."""
        answers, correct = [r.given for r in result.results], [r.correct for r in result.results]
        if positions is not None:
            answers, correct = _spread(answers, positions), _spread(correct, positions)
        rows = self.catalog.execute(
            "INSERT INTO quiz_attempts(quiz_id, daily_date, user_name, answers, correct, score, total, created_at) "
            "VALUES (:quiz_id, :day, :user, :answers, :correct, :score, :total, :now) RETURNING id",
            {
                "quiz_id": quiz_id,
                "day": day,
                "user": user,
                "answers": json.dumps(answers, ensure_ascii=False),
                "correct": json.dumps(correct),
                "score": result.score,
                "total": result.total,
                "now": _now(),
            },
        )
        return int(rows[0]["id"])

    def stats(self, quiz_id: int) -> QuizStats:
        rows = self.catalog.execute(
            "SELECT correct, score, total FROM quiz_attempts WHERE quiz_id = :id ORDER BY id", {"id": quiz_id}
        )
        size = len(self.get(quiz_id).items)
        if not rows:
            return QuizStats(0, 0.0, (0.0,) * size)
        marks = [json.loads(row["correct"]) for row in rows]
        shares = tuple(_share([m[i] for m in marks if i < len(m) and m[i] is not None]) for i in range(size))
        mean = sum(row["score"] / row["total"] for row in rows if row["total"]) / len(rows)
        return QuizStats(len(rows), 100 * mean, shares)

    # --- 每日一练
    def set_programme(self, doc_ids: Sequence[str], user: str = "") -> None:
        with self.catalog.db.transaction(write=True) as tx:
            tx.execute("DELETE FROM quiz_programme")
            tx.executemany(
                "INSERT INTO quiz_programme(doc_id, chosen_by, chosen_at) VALUES (:doc_id, :user, :now)",
                [{"doc_id": doc_id, "user": user, "now": _now()} for doc_id in dict.fromkeys(doc_ids)],
            )

    def programme(self) -> list[str]:
        return [row["doc_id"] for row in self.catalog.execute("SELECT doc_id FROM quiz_programme ORDER BY doc_id")]

    def daily_items(self, day: str) -> tuple[QuizItem, ...] | None:
        rows = self.catalog.execute("SELECT items FROM quiz_daily WHERE day = :day", {"day": day})
        return tuple(item_from_dict(d) for d in json.loads(rows[0]["items"])) if rows else None

    def save_daily(self, day: str, items: Sequence[QuizItem]) -> tuple[QuizItem, ...]:
        """The first session of the day fixes that day's items; later ones get the stored ones."""
        self.catalog.execute(
            "INSERT INTO quiz_daily(day, items, created_at) VALUES (:day, :items, :now) ON CONFLICT(day) DO NOTHING",
            {"day": day, "items": _items_json(items), "now": _now()},
        )
        return self.daily_items(day) or tuple(items)

    def daily_history(self, user: str) -> list[DailyRecord]:
        """A member's best 每日一练 score per day, newest first."""
        rows = self.catalog.execute(
            "SELECT daily_date, MAX(score) AS score, MAX(total) AS total FROM quiz_attempts WHERE user_name = :user "
            "AND daily_date IS NOT NULL GROUP BY daily_date ORDER BY daily_date DESC",
            {"user": user},
        )
        return [DailyRecord(row["daily_date"], row["score"], row["total"]) for row in rows]

    def streak(self, user: str, today: date) -> int:
        """Consecutive days with a 每日一练 up to today (or up to yesterday, while today's is not done yet)."""
        days = {date.fromisoformat(r.day) for r in self.daily_history(user)}
        day = today if today in days else today - timedelta(days=1)
        count = 0
        while day in days:
            count += 1
            day -= timedelta(days=1)
        return count

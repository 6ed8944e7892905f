"""What members ask: every question with its outcome, latency and 👍/👎, for organizers to see what is missing.

Anonymous members leave no identity (user is empty). Kept in the catalog database beside the documents.
"""

from __future__ import annotations

import io
import json
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from retrieval.answer import LOW_CONFIDENCE
from retrieval.catalog import Catalog
from retrieval.db import Schema, Transaction
from retrieval.types import Answer

log = logging.getLogger(__name__)
SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id {autoid},
    asked_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    found INTEGER NOT NULL,
    mode TEXT NOT NULL,
    doc_ids TEXT NOT NULL DEFAULT '[]',
    titles TEXT NOT NULL DEFAULT '[]',
    chunk_ids TEXT NOT NULL DEFAULT '[]',
    latency_ms INTEGER NOT NULL DEFAULT 0,
    user_name TEXT NOT NULL DEFAULT '',
    rating INTEGER CHECK (rating IN (-1, 1)),
    comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS questions_by_time ON questions(asked_at);
"""
# Version 2: the member's chosen documents held no answer and the whole library did (shown and logged as
# answered, so 未解答问题 does not send organizers looking for material the library has).
OUTSIDE_FILTER = "ALTER TABLE questions ADD COLUMN outside_filter INTEGER NOT NULL DEFAULT 0;\n"
# Version 3: answered, but marked 仅供参考 (retrieval.answer.LOW_CONFIDENCE): often an unrelated article, so
# organizers see it beside 未解答问题 as material the library may lack (or a question to ignore). Rows logged
# before it read 0: their notices were not kept.
DOUBTFUL = "ALTER TABLE questions ADD COLUMN doubtful INTEGER NOT NULL DEFAULT 0;\n"


def _legacy_version(tx: Transaction) -> int:
    """A questions table made before schema_versions is version 1 (CREATE IF NOT EXISTS would not add a column)."""
    return 1 if tx.has_table("questions") else 0


QUESTIONS_SCHEMA = Schema(
    "questions", SCHEMA + OUTSIDE_FILTER + DOUBTFUL, (SCHEMA, OUTSIDE_FILTER, DOUBTFUL), legacy=_legacy_version
)
UTC_PLUS_8 = timezone(timedelta(hours=8), "UTC+8")
MAX_COMMENT_CHARS = 2000
MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True)
class LoggedQuestion:
    id: int
    asked_at: str
    question: str
    answer: str
    found: bool
    mode: str
    titles: tuple[str, ...]
    chunk_ids: tuple[str, ...]
    latency_ms: int
    user_name: str
    rating: int | None
    comment: str
    outside_filter: bool = False  # answered from the whole library: the chosen documents had no answer
    doubtful: bool = False  # answered, but marked 仅供参考: the library holds nothing that matches the question well

    @property
    def outcome(self) -> str:
        """结果 as organizers read it: 未找到 · 已回答 · 已回答（存疑）· 已回答（所选文件外）…"""
        if not self.found:
            return "未找到"
        marks = [m for m, on in (("所选文件外", self.outside_filter), ("存疑", self.doubtful)) if on]
        return f"已回答（{'，'.join(marks)}）" if marks else "已回答"

    @property
    def unanswered(self) -> bool:
        """Refused, or answered but marked not helpful: material organizers may need to add."""
        return not self.found or self.rating == -1


@dataclass(frozen=True)
class QuestionFilter:
    since: str = ""  # ISO date (inclusive), in `zone`
    until: str = ""  # ISO date (inclusive), in `zone`
    refused_only: bool = False
    disliked_only: bool = False
    doubtful_only: bool = False  # answered 仅供参考
    limit: int = 500
    zone: str = "UTC"  # the organizers' time zone: their day starts at their midnight, not at UTC's


def time_zone(name: str) -> tzinfo:
    """The named zone; UTC+8 when the system has no zone database (a slim container)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("time zone %r not found: using UTC+8", name)
        return UTC_PLUS_8


def local_time(stamp: str, zone: tzinfo) -> str:
    """A stored UTC time as the organizers read it: 2026-12-02 10:34."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp[:16].replace("T", " ")
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _utc_bound(day: str, zone: tzinfo, next_day: bool = False) -> str:
    """The UTC time at which a local day starts (or the next one does), as stored times are written."""
    start = datetime.combine(date.fromisoformat(day) + timedelta(days=1 if next_day else 0), time.min, zone)
    return start.astimezone(UTC).isoformat(timespec="seconds")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class QuestionLog:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        catalog.db.migrate(QUESTIONS_SCHEMA)

    def record(self, answer: Answer, latency_ms: float, user_name: str = "", outside_filter: bool = False) -> int:
        """Log a question and how it was answered; returns the id that feedback refers to. `outside_filter`:
        the member's chosen documents held no answer and `answer` is the whole library's. Whether the answer was
        doubtful (shown 仅供参考) is read from its notices."""
        citations = answer.citations
        rows = self.catalog.execute(
            "INSERT INTO questions(asked_at, question, answer, found, mode, doc_ids, titles, chunk_ids, latency_ms, "
            "user_name, outside_filter, doubtful) VALUES (:asked_at, :question, :answer, :found, :mode, :doc_ids, "
            ":titles, :chunk_ids, :latency_ms, :user_name, :outside_filter, :doubtful) RETURNING id",
            {
                "asked_at": _now(),
                "question": answer.question[:MAX_QUESTION_CHARS],
                "answer": answer.text,
                "found": int(answer.found),
                "mode": answer.mode,
                "doc_ids": json.dumps(list(dict.fromkeys(c.chunk.doc_id for c in citations))),
                "titles": json.dumps(list(dict.fromkeys(c.chunk.title for c in citations)), ensure_ascii=False),
                "chunk_ids": json.dumps([c.chunk.id for c in citations]),
                "latency_ms": round(latency_ms),
                "user_name": user_name,
                "outside_filter": int(outside_filter),
                "doubtful": int(is_doubtful(answer)),
            },
        )
        return int(rows[0]["id"])

    def rate(self, question_id: int, rating: int, comment: str | None = None) -> None:
        """👍 (+1) or 👎 (-1) on a logged question, with a comment; None keeps the comment already stored (the
        thumb is stored when clicked, the comment may follow)."""
        if rating not in (-1, 1):
            raise ValueError(f"rating must be +1 or -1, not {rating!r}")
        if comment is None:
            self.catalog.execute(
                "UPDATE questions SET rating = :rating WHERE id = :id", {"rating": rating, "id": question_id}
            )
        else:
            self.catalog.execute(
                "UPDATE questions SET rating = :rating, comment = :comment WHERE id = :id",
                {"rating": rating, "comment": comment.strip()[:MAX_COMMENT_CHARS], "id": question_id},
            )
        log.info("feedback %+d on question %d", rating, question_id)

    def find(self, where: QuestionFilter = QuestionFilter()) -> list[LoggedQuestion]:
        """Newest first, filtered by date range, refusals only, 👎 only and/or 仅供参考 answers only."""
        clauses, params = ["1 = 1"], {"limit": where.limit}
        zone = time_zone(where.zone)
        if where.since:
            clauses.append("asked_at >= :since")
            params["since"] = _utc_bound(where.since, zone)
        if where.until:
            clauses.append("asked_at < :until")
            params["until"] = _utc_bound(where.until, zone, next_day=True)  # inclusive of the whole day
        if where.refused_only:
            clauses.append("found = 0")
        if where.disliked_only:
            clauses.append("rating = -1")
        if where.doubtful_only:
            clauses.append("found = 1 AND doubtful = 1")
        rows = self.catalog.execute(
            f"SELECT * FROM questions WHERE {' AND '.join(clauses)} ORDER BY id DESC LIMIT :limit", params
        )
        return [_record(row) for row in rows]

    def unanswered(self, limit: int = 200) -> list[LoggedQuestion]:
        """未解答问题: refusals and 👎, newest first."""
        rows = self.catalog.execute(
            "SELECT * FROM questions WHERE found = 0 OR rating = -1 ORDER BY id DESC LIMIT :limit", {"limit": limit}
        )
        return [_record(row) for row in rows]

    def doubtful(self, limit: int = 200) -> list[LoggedQuestion]:
        """存疑（仅供参考）: answered with a 仅供参考 notice, newest first; not the 👎 ones (in 未解答问题 already)."""
        rows = self.catalog.execute(
            "SELECT * FROM questions WHERE found = 1 AND doubtful = 1 AND (rating IS NULL OR rating <> -1) "
            "ORDER BY id DESC LIMIT :limit",
            {"limit": limit},
        )
        return [_record(row) for row in rows]

    def most_asked(self, limit: int = 10) -> list[tuple[str, int]]:
        """Questions asked most often (compared without spaces and end punctuation)."""
        counts: Counter[str] = Counter()
        shown: dict[str, str] = {}
        for row in self.catalog.execute("SELECT question FROM questions ORDER BY id"):
            key = _question_key(row["question"])
            counts[key] += 1
            shown.setdefault(key, row["question"])
        return [(shown[key], n) for key, n in counts.most_common(limit)]

    def most_cited(self, limit: int = 10) -> list[tuple[str, int]]:
        """Documents cited most often in answers (by title at the time of the answer); 仅供参考 answers do not
        count: what they cite is often unrelated to the question."""
        counts: Counter[str] = Counter()
        for row in self.catalog.execute("SELECT titles FROM questions WHERE found = 1 AND doubtful = 0 ORDER BY id"):
            counts.update(json.loads(row["titles"]))
        return counts.most_common(limit)


def is_doubtful(answer: Answer) -> bool:
    """An answer shown with the 仅供参考 notice (retrieval.answer.LOW_CONFIDENCE)."""
    return answer.found and LOW_CONFIDENCE in answer.notices


def _question_key(question: str) -> str:
    return "".join(question.split()).rstrip("？?。！!")


def _record(row) -> LoggedQuestion:
    return LoggedQuestion(
        id=row["id"],
        asked_at=row["asked_at"],
        question=row["question"],
        answer=row["answer"],
        found=bool(row["found"]),
        mode=row["mode"],
        titles=tuple(json.loads(row["titles"])),
        chunk_ids=tuple(json.loads(row["chunk_ids"])),
        latency_ms=row["latency_ms"],
        user_name=row["user_name"],
        rating=row["rating"],
        comment=row["comment"],
        outside_filter=bool(row["outside_filter"]),
        doubtful=bool(row["doubtful"]),
    )


EXPORT_COLUMNS = ("时间", "问题", "是否回答", "引用资料", "用时（毫秒）", "用户", "评价", "意见", "回答")


def export_xlsx(questions: list[LoggedQuestion], zone: tzinfo = UTC) -> bytes:
    """The question list as an .xlsx workbook (openpyxl), one row a question, times in the organizers' zone."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "委员提问"
    sheet.append(EXPORT_COLUMNS)
    for q in questions:
        rating = {1: "👍", -1: "👎"}.get(q.rating or 0, "")
        sheet.append(
            [
                local_time(q.asked_at, zone),
                q.question,
                q.outcome,
                "；".join(q.titles),
                q.latency_ms,
                q.user_name,
                rating,
                q.comment,
                q.answer,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

"""Members' 👍/👎 on answers, kept in the catalog's SQLite file for organizers to review."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from retrieval.catalog import Catalog
from retrieval.types import Answer

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT NOT NULL DEFAULT '',
    chunk_ids TEXT NOT NULL,
    mode TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_by_time ON feedback(created_at);
"""
MAX_COMMENT_CHARS = 2000


@dataclass(frozen=True)
class FeedbackRecord:
    id: int
    created_at: str
    question: str
    answer: str
    rating: int  # +1 helpful, -1 not helpful
    comment: str
    chunk_ids: tuple[str, ...]  # the cited chunks, in citation order
    mode: str


class FeedbackStore:
    """Owns the `feedback` table; the catalog's lock makes it safe across Streamlit sessions."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        catalog.executescript(SCHEMA)

    def add(self, answer: Answer, rating: int, comment: str = "") -> int:
        """Store a rating (+1/-1) of an answer with its cited chunk ids; returns the feedback id."""
        if rating not in (-1, 1):
            raise ValueError(f"rating must be +1 or -1, not {rating!r}")
        chunk_ids = [c.chunk.id for c in answer.citations]
        rows = self.catalog.execute(
            "INSERT INTO feedback(created_at, question, answer, rating, comment, chunk_ids, mode) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                datetime.now(UTC).isoformat(timespec="seconds"),
                answer.question,
                answer.text,
                rating,
                comment.strip()[:MAX_COMMENT_CHARS],
                json.dumps(chunk_ids),
                answer.mode,
            ),
        )
        log.info("feedback %+d stored for %r", rating, answer.question[:40])
        return int(rows[0]["id"])

    def recent(self, limit: int = 50) -> list[FeedbackRecord]:
        """The newest feedback first."""
        rows = self.catalog.execute("SELECT * FROM feedback ORDER BY id DESC LIMIT ?", (limit,))
        return [FeedbackRecord(**{**dict(row), "chunk_ids": tuple(json.loads(row["chunk_ids"]))}) for row in rows]

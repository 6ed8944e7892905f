"""QA datasets: the project's JSONL format and SQuAD-format JSON (CMRC 2018), as QAItems.

JSONL, one object per line: {"id", "question", "evidence"} plus optional "doc", "answer", "type".
A line without "evidence" is an unanswerable question. In SQuAD data each paragraph becomes a document
and a question's evidence is its gold answer span, which only counts inside its own paragraph.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.text import strip_punctuation

LIMIT_SEED = 42


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    evidences: tuple[str, ...] = ()  # a passage that contains any of these is a hit
    doc: str | None = None  # file name of the document the evidence comes from
    answers: tuple[str, ...] = ()  # short gold answers (verbatim spans)
    type: str = ""
    strict_doc: bool = False  # SQuAD: only a passage from the question's own paragraph counts

    @property
    def answerable(self) -> bool:
        return bool(self.evidences)


def match_key(text: str) -> str:
    """What containment compares: width-folded, lower-cased, punctuation, symbols and spaces removed."""
    return strip_punctuation(unicodedata.normalize("NFKC", text)).lower()


def contains_any(passage: str, spans: Sequence[str]) -> bool:
    key = match_key(passage)
    return any(match_key(span) and match_key(span) in key for span in spans)


def load_qa_jsonl(path: Path) -> list[QAItem]:
    """Read a QA JSONL file; a malformed line stops the run with its line number."""
    items: list[QAItem] = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(_qa_item(json.loads(line), number))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}:{number}: not a QA item (JSON with id and question): {exc}") from exc
    _check_unique_ids(items, path)
    return items


def _qa_item(raw: dict, number: int) -> QAItem:
    evidence = str(raw.get("evidence") or "").strip()
    answer = str(raw.get("answer") or "").strip()
    return QAItem(
        id=str(raw.get("id", number)),
        question=str(raw["question"]),
        evidences=(evidence,) if evidence else (),
        doc=raw.get("doc") or None,
        answers=(answer,) if answer else (),
        type=str(raw.get("type") or ("factoid" if evidence else "unanswerable")),
    )


def _check_unique_ids(items: Sequence[QAItem], path: Path) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"{path}: question id {item.id!r} occurs twice")
        seen.add(item.id)


@dataclass(frozen=True)
class Paragraph:
    id: str
    title: str
    context: str

    @property
    def file_name(self) -> str:
        return re.sub(r"[^\w.-]", "_", self.id) + ".txt"


@dataclass(frozen=True)
class SquadSet:
    paragraphs: tuple[Paragraph, ...]
    items: tuple[QAItem, ...]


def load_squad(path: Path, limit: int | None = None) -> SquadSet:
    """Paragraphs and questions of a SQuAD-format file; `limit` keeps a seeded sample of the questions."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    paragraphs: list[Paragraph] = []
    items: list[QAItem] = []
    for article in raw["data"]:
        for number, para in enumerate(article["paragraphs"]):
            paragraph = Paragraph(
                str(para.get("id") or f"{article.get('id', 'p')}_{number}"),
                str(article.get("title", "")),
                para["context"],
            )
            paragraphs.append(paragraph)
            items.extend(_squad_item(qa, paragraph) for qa in para["qas"])
    return SquadSet(tuple(paragraphs), tuple(sample_items(items, limit)))


def _squad_item(qa: dict, paragraph: Paragraph) -> QAItem:
    spans = tuple(dict.fromkeys(a["text"].strip() for a in qa.get("answers", []) if a["text"].strip()))
    return QAItem(
        id=str(qa["id"]),
        question=qa["question"],
        evidences=spans,
        doc=paragraph.file_name,
        answers=spans,
        type="squad" if spans else "unanswerable",
        strict_doc=True,
    )


def sample_items(items: Sequence[QAItem], limit: int | None) -> list[QAItem]:
    """A seeded sample of `limit` items, kept in file order (all items when limit is None or larger)."""
    if limit is None or limit >= len(items):
        return list(items)
    chosen = set(random.Random(LIMIT_SEED).sample(range(len(items)), limit))
    return [item for index, item in enumerate(items) if index in chosen]


def write_paragraphs(paragraphs: Sequence[Paragraph], folder: Path) -> list[Path]:
    """Each paragraph as a .txt document (context only, as retrieval benchmarks index it)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for paragraph in paragraphs:
        path = folder / paragraph.file_name
        path.write_text(paragraph.context, encoding="utf-8")
        paths.append(path)
    return paths

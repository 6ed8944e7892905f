"""Text from images with rapidocr-onnxruntime (PP-OCRv4 models shipped inside the wheel: no download).

The engine is loaded lazily, once per process, and used under a lock: OCR is CPU-bound and the
ONNX sessions already use every core, so parallel calls would only contend.
"""

from __future__ import annotations

import logging
import statistics
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from ingest.loaders.base import LoadError

if TYPE_CHECKING:
    from PIL.Image import Image

logger = logging.getLogger(__name__)

_engine: Any = None
_engine_lock = threading.Lock()
_MIN_SCORE = 0.5
_SAME_LINE_OVERLAP = 0.5  # share of the shorter box's height two boxes of one line overlap by
_COLUMN_GAP = 2.0  # a gap wider than this many character heights separates cells or columns
_INDENT_STEP_SPACES = 2  # one CJK character of indent = two spaces, as layout extraction writes it
_MAX_INDENT_CHARS = 4


@dataclass(frozen=True)
class TextBox:
    """One recognised run of text and its axis-aligned bounds in pixels (y grows downwards)."""

    text: str
    left: float
    top: float
    right: float
    bottom: float

    @property
    def height(self) -> float:
        return max(1.0, self.bottom - self.top)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def recognize(image: Image) -> str:
    """The text of an image as reading lines ("\\n"-separated); paragraph indents kept as leading spaces."""
    return "\n".join(reading_lines(_boxes(image)))


def reading_lines(boxes: Sequence[TextBox]) -> list[str]:
    """Boxes sorted top-to-bottom into lines (boxes overlapping vertically share one), each left-to-right."""
    lines = _group_lines(sorted(boxes, key=lambda box: (box.middle, box.left)))
    if not lines:
        return []
    char_height = statistics.median(box.height for line in lines for box in line)
    margin = min(line[0].left for line in lines)
    return [_indent(line[0].left - margin, char_height) + _join_line(line, char_height) for line in lines]


def engine() -> Any:
    """The shared RapidOCR engine, created on first use."""
    global _engine
    with _engine_lock:
        if _engine is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:
                raise LoadError("OCR 组件未安装（需要 rapidocr-onnxruntime），无法识别扫描件") from exc
            _engine = RapidOCR()
            logger.info("OCR engine loaded")
        return _engine


def _boxes(image: Image) -> list[TextBox]:
    ocr = engine()
    try:
        with _engine_lock:
            result, _ = ocr(image.convert("RGB"))
    except Exception as exc:  # onnxruntime or OpenCV on a degenerate image
        logger.warning("OCR failed: %s", exc)
        raise LoadError("OCR 识别失败，图片可能已损坏") from exc
    boxes = []
    for points, text, score in result or []:
        if float(score) < _MIN_SCORE or not str(text).strip():
            continue
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        boxes.append(TextBox(str(text).strip(), min(xs), min(ys), max(xs), max(ys)))
    return boxes


def _group_lines(boxes: list[TextBox]) -> list[list[TextBox]]:
    lines: list[list[TextBox]] = []
    for box in boxes:
        line = next((line for line in reversed(lines[-3:]) if _same_line(line, box)), None)
        if line is None:
            lines.append([box])
        else:
            line.append(box)
    for line in lines:
        line.sort(key=lambda box: box.left)
    return lines


def _same_line(line: list[TextBox], box: TextBox) -> bool:
    top = statistics.fmean(b.top for b in line)
    bottom = statistics.fmean(b.bottom for b in line)
    overlap = min(bottom, box.bottom) - max(top, box.top)
    return overlap >= _SAME_LINE_OVERLAP * min(bottom - top, box.height)


def _join_line(line: list[TextBox], char_height: float) -> str:
    text = line[0].text
    for previous, box in pairwise(line):
        gap = box.left - previous.right
        if gap > _COLUMN_GAP * char_height:
            text += "  "  # table cells and columns stay apart (layout extraction pads them the same way)
        elif text[-1:].isascii() and text[-1:].isalnum() and box.text[:1].isascii() and box.text[:1].isalnum():
            text += " "
        text += box.text
    return text


def _indent(offset: float, char_height: float) -> str:
    chars = min(_MAX_INDENT_CHARS, round(offset / char_height)) if offset > 0.5 * char_height else 0
    return " " * (_INDENT_STEP_SPACES * chars)

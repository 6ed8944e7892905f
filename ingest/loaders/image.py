"""Images (scans, photos of documents): OCR into reading lines, then the same cleaning as hard-wrapped text."""

from __future__ import annotations

import io
import logging
import warnings
from pathlib import PurePosixPath

from PIL import Image, ImageOps, UnidentifiedImageError

from ingest import clean
from ingest.loaders import ocr
from ingest.loaders.base import NEEDS_OCR, Extracted, LoadContext, LoadError, check_chars, plain_title, short
from retrieval.types import PageText

logger = logging.getLogger(__name__)
IMAGE_ADVICE = "请用看图软件打开确认，另存为 PNG 或 JPG 后再上传。"


def load_image(path: PurePosixPath, data: bytes, context: LoadContext) -> Extracted:
    limits = context.limits
    if not limits.ocr_enabled:
        raise LoadError("图片需要 OCR 识别文字，但 OCR 未启用", NEEDS_OCR)
    image = _decode(data, limits.max_image_pixels)
    context.ocr_progress(0, 1)
    text = ocr.recognize(image)
    context.ocr_progress(1, 1)
    text = clean.clean_text(text, keep_indent=True)
    if clean.looks_hard_wrapped(text):
        text = clean.rejoin_broken_lines(text)
    text = clean.clean_text(text)
    if not text:
        raise LoadError("图片中没有识别出文字", "图片可能过于模糊、太小或没有文字：请上传更清晰的图片。")
    check_chars(len(text), limits)
    return Extracted(plain_title(text, path), (PageText(text, ocr=True),), ("已用 OCR 识别",))


def _decode(data: bytes, max_pixels: int) -> Image.Image:
    """Read the header first: the pixel count is checked before the image is decoded."""
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise LoadError("图片文件损坏或格式无法识别", IMAGE_ADVICE, short(exc)) from exc
    width, height = image.size
    if width * height > max_pixels:
        raise LoadError(f"图片太大（{width}×{height} 像素），上限 {max_pixels // 1_000_000} 百万像素")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own cap applies
            image.load()
        return ImageOps.exif_transpose(image) or image  # phone photos are stored rotated
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise LoadError("图片文件损坏，无法解码", IMAGE_ADVICE, short(exc)) from exc

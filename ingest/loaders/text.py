"""Plain text: encoding detection (UTF-8, UTF-16 with or without BOM, GB18030/GBK, Big5) and hard-wrap repair."""

from __future__ import annotations

import codecs
import logging
import unicodedata
from pathlib import PurePosixPath

from ingest import clean
from ingest.charsets import is_common_han, plausible_share
from ingest.limits import LoadLimits
from ingest.loaders.base import (
    RESAVE_AS_UTF8,
    UPLOAD_THE_ORIGINAL,
    Extracted,
    LoadContext,
    LoadError,
    check_chars,
    plain_title,
    too_many_chars,
)
from retrieval.types import PageText

logger = logging.getLogger(__name__)

_MAX_BAD_CHAR_RATIO = 0.01
# Share of sampled Han characters that must be common ones for a guessed encoding to be believed.
_MIN_COMMON_HAN = 0.9
_MIN_PLAUSIBLE_UTF16 = 0.9
_SAMPLE_CHARS = 20_000
_BYTES_PER_CHAR_MAX = 4  # UTF-8, UTF-16 and GB18030 all spend at most 4 bytes on one character


def load_txt(path: PurePosixPath, data: bytes, context: LoadContext) -> Extracted:
    text = clean.clean_text(decode_text(data, context.limits), keep_indent=True)
    # Only a hard-wrapped file is rejoined: one paragraph per line must keep its line breaks.
    if clean.looks_hard_wrapped(text):
        text = clean.rejoin_broken_lines(text)
    text = clean.clean_text(text)
    return Extracted(plain_title(text, path), (PageText(text),))


def decode_text(data: bytes, limits: LoadLimits | None = None) -> str:
    """Decode UTF-8/UTF-16 with a BOM, UTF-8, BOM-less UTF-16, GB18030 (GBK, GB2312) or Big5.

    With `limits`, text that must exceed the character cap is refused before it is decoded.
    """
    if limits is not None and len(data) > limits.max_document_chars * _BYTES_PER_CHAR_MAX:
        raise too_many_chars(limits)
    text = _decode(data)
    if limits is not None:
        check_chars(len(text), limits)
    return _check_textual(text)


def _decode(data: bytes) -> str:
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            text = _decode_or_none(data if codec == "utf-16" else data[len(bom) :], codec)
            if text is not None:
                return text
    if b"\x00" in data:  # valid UTF-8 too, but no text file holds NUL: UTF-16 (ASCII-heavy) or binary
        utf16 = _bomless_utf16(data)
        if utf16 is None:
            raise LoadError("不是文本文件（含有二进制数据）", UPLOAD_THE_ORIGINAL)
        return utf16
    text = _decode_utf8(data)
    if text is None:
        text = _bomless_utf16(data)  # Chinese UTF-16 has no NUL bytes
    return text if text is not None else _decode_chinese_legacy(data)


def _decode_or_none(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _decode_utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A file cut inside its last character is still UTF-8; GB18030 would turn it into mojibake.
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8", errors="strict")
        return None


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM, when nearly every decoded character is ordinary text (Han, ASCII, punctuation).

    Other encodings read as UTF-16 scatter over the whole BMP (Hangul, rare Han, unassigned), so they fail this.
    """
    if len(data) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        text = _decode_or_none(data, codec)
        if text is not None and plausible_share(text[:_SAMPLE_CHARS]) >= _MIN_PLAUSIBLE_UTF16:
            logger.info("text decoded as BOM-less %s", codec)
            return text
    return None


def _decode_chinese_legacy(data: bytes) -> str:
    """GB18030 unless the bytes read as GB18030 give mostly rare characters and read well as Big5."""
    gb = _decode_or_none(data, "gb18030")
    if gb is not None and _common_han_share(gb, "gb2312") >= _MIN_COMMON_HAN:
        return gb
    big5 = _decode_or_none(data, "big5")
    if big5 is not None and _common_han_share(big5, "big5") >= _MIN_COMMON_HAN:
        logger.info("text decoded as Big5")
        return big5
    if gb is not None:
        return gb  # few Han characters to judge by, or genuinely rare ones: the mainland default
    raise LoadError("无法识别文本编码（支持 UTF-8、UTF-16、GB18030/GBK 和 Big5）", RESAVE_AS_UTF8)


def _common_han_share(text: str, codec: str) -> float:
    """Share of Han characters in the encoding's common set; 1.0 when there are none to judge by."""
    han = [char for char in text[:_SAMPLE_CHARS] if "\u3400" <= char <= "\u9fff"]
    if not han:
        return 1.0
    return sum(1 for char in han if is_common_han(char, codec)) / len(han)


def _check_textual(text: str) -> str:
    """Reject decoded data that is mostly control, private-use or replacement characters."""
    bad = sum(1 for char in text if _is_bad_char(char))
    if text and bad / len(text) > _MAX_BAD_CHAR_RATIO:
        raise LoadError("不是文本文件（含有大量不可显示的字符）", f"{UPLOAD_THE_ORIGINAL}若确是文本，{RESAVE_AS_UTF8}")
    return text


def _is_bad_char(char: str) -> bool:
    if char in "\t\n\r\f\v":
        return False
    return char == "\ufffd" or unicodedata.category(char) in ("Cc", "Co", "Cn")

"""File names made safe to show and store: decoded readably, never used as paths.

Names from disk may hold bytes that are not UTF-8 (Python carries them as lone surrogates, which
SQLite and JSON refuse); names in zips made on Chinese Windows are GBK without the UTF-8 flag.
"""

from __future__ import annotations

import os
import unicodedata
import zipfile

from ingest.charsets import plausible_share

_UTF8_FLAG = 0x800  # zip general-purpose bit 11: the name is UTF-8
_COMPONENT_MAX = 120


def readable_bytes(raw: bytes) -> str:
    """UTF-8 or GB18030 (GBK), whichever reads as ordinary text, else UTF-8 with replacement characters.

    Short GBK names are often valid UTF-8 too ("通知" in GBK reads as "֪ͨ"), so both are judged.
    """
    candidates = []
    for codec in ("utf-8", "gb18030"):
        try:
            candidates.append(raw.decode(codec))
        except UnicodeDecodeError:
            continue
    if not candidates:
        return raw.decode("utf-8", errors="replace")
    return max(candidates, key=plausible_share)  # ties keep UTF-8


def fs_name(name: str) -> str:
    """A name from the file system (possibly carrying surrogate escapes) as readable text."""
    return printable(readable_bytes(os.fsencode(name)))


def zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: zipfile reads names without the UTF-8 flag as CP437."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:  # already decoded some other way
        return info.filename
    return readable_bytes(raw)


def safe_relative(path: str) -> str:
    """An archive path for display: no root, no drive, no "."/".." and no control characters.

    "../../etc/passwd" → "etc/passwd"; "C:\\\\x\\\\a.txt" → "x/a.txt". Only ever shown, never opened.
    """
    parts = []
    for part in path.replace("\\", "/").split("/"):
        part = printable(part)
        if part in ("", ".", "..") or (not parts and len(part) == 2 and part[1] == ":"):
            continue
        parts.append(part)
    return "/".join(parts)


def printable(text: str) -> str:
    """Without control, format or surrogate characters, and at most 120 characters (the suffix kept)."""
    cleaned = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()
    if len(cleaned) > _COMPONENT_MAX:
        _, dot, suffix = cleaned.rpartition(".")
        tail = f".{suffix}" if dot and len(suffix) <= 10 else ""
        cleaned = cleaned[: _COMPONENT_MAX - len(tail) - 1] + "…" + tail
    return cleaned

"""A .zip expanded into its supported files, every member accounted for.

Each member becomes an ArchiveEntry: its bytes, or None and a Chinese reason when it is refused.
Members are judged from the zip directory before anything is decompressed (bombs, sizes, encryption);
member names are decoded (UTF-8 flag, else GBK) and only ever displayed, never used as paths.
"""

from __future__ import annotations

import io
import logging
import stat
import zipfile
import zlib
from typing import NamedTuple

from ingest.limits import LoadLimits, megabytes
from ingest.loaders import SUPPORTED_SUFFIXES, display_name, unsupported_type
from ingest.names import safe_relative, zip_member_name
from ingest.zipguard import archive_problem, member_problem

logger = logging.getLogger(__name__)

ARCHIVE_SUFFIXES = (".zip",)


class ArchiveEntry(NamedTuple):
    name: str  # "材料.zip/子目录/通知.pdf": shown to users
    data: bytes | None  # None when refused
    reason: str = ""  # why it was refused, in Chinese
    advice: str = ""  # what to do about it, when there is something to do


def is_archive(name: str) -> bool:
    return display_name(name).lower().endswith(ARCHIVE_SUFFIXES)


def expand(name: str, data: bytes, limits: LoadLimits | None = None) -> list[ArchiveEntry]:
    """The supported files inside the zip `name`, in name order; hidden files and folders are left out."""
    limits = limits or LoadLimits()
    shown = display_name(name)
    if len(data) > limits.max_file_bytes:
        return [
            ArchiveEntry(shown, None, f"压缩包过大（{megabytes(len(data))}），上限 {megabytes(limits.max_file_bytes)}")
        ]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        logger.info("%s: not a readable zip: %s", shown, exc)
        return [ArchiveEntry(shown, None, "压缩包损坏或不是 zip 格式，无法打开")]
    problem = archive_problem(infos, limits)
    if problem:
        return [ArchiveEntry(shown, None, f"压缩包{problem}")]
    members = sorted(((f"{shown}/{safe_relative(zip_member_name(info))}", info) for info in infos), key=_order)
    entries = [_entry(archive, member, info, limits) for member, info in members if _listed(member, info)]
    if not entries:
        return [ArchiveEntry(shown, None, "压缩包中没有文件")]
    return entries


def _order(item: tuple[str, zipfile.ZipInfo]) -> tuple[str, str]:
    return item[0], item[1].filename


def _listed(member: str, info: zipfile.ZipInfo) -> bool:
    """Folders, hidden files and macOS metadata are not documents and get no report line."""
    parts = member.split("/")[1:]
    return not info.is_dir() and bool(parts) and not any(p.startswith(".") or p == "__MACOSX" for p in parts)


def _entry(archive: zipfile.ZipFile, member: str, info: zipfile.ZipInfo, limits: LoadLimits) -> ArchiveEntry:
    suffix = "." + member.rsplit(".", 1)[-1].lower() if "." in member.rsplit("/", 1)[-1] else ""
    if stat.S_ISLNK(info.external_attr >> 16):
        return ArchiveEntry(member, None, "符号链接，已跳过")
    if suffix in ARCHIVE_SUFFIXES:
        return ArchiveEntry(member, None, "压缩包中的压缩包不展开，请先解压")
    if suffix not in SUPPORTED_SUFFIXES:
        return ArchiveEntry(member, None, *unsupported_type(suffix))
    problem = member_problem(info, limits)
    if problem:
        return ArchiveEntry(member, None, problem)
    try:
        return ArchiveEntry(member, archive.read(info))
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        logger.info("%s: cannot extract: %s", member, exc)
        return ArchiveEntry(member, None, "压缩包中的此文件已损坏或使用了不支持的压缩方式")

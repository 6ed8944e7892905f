"""Files and folders named on the command line → the files to ingest, each with a report line.

Safe on hostile trees: links are not followed out of the folder given, pipes and devices are
refused without being opened (opening a FIFO blocks forever), sizes are checked before reading and
reading stops at the cap (a link to /dev/zero never grows memory), names are decoded readably.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from ingest.archive import ArchiveEntry, expand, is_archive
from ingest.limits import LoadLimits, megabytes
from ingest.loaders import SUPPORTED_SUFFIXES, display_name, unsupported_type
from ingest.names import fs_name

logger = logging.getLogger(__name__)

_MAX_DEPTH = 32
_SPECIAL = "不是普通文件（管道、设备或套接字），已跳过"


class SourceFile(NamedTuple):
    name: str  # shown to users: "corpus/子目录/通知.pdf", "材料.zip/通知.pdf"
    data: bytes | None  # None when refused
    reason: str = ""  # why it was refused, in Chinese
    advice: str = ""  # what to do about it, when there is something to do


def collect(paths: Sequence[Path], limits: LoadLimits | None = None) -> list[SourceFile]:
    """Every file named and every file under the folders named (hidden ones left out), zips expanded.

    Order: the paths as given; inside a folder, by name. A file reached twice is read once.
    """
    walker = _Walker(limits or LoadLimits())
    for path in paths:
        walker.add_given(Path(path))
    return walker.files


class _Walker:
    def __init__(self, limits: LoadLimits) -> None:
        self.limits = limits
        self.files: list[SourceFile] = []
        self._seen: dict[str, str] = {}  # real path → name it was first listed under

    def add_given(self, path: Path) -> None:
        """A path the user named: a link here is followed (it was asked for), but only to a file or folder."""
        shown = fs_name(str(path))
        try:
            info = os.stat(path)
        except FileNotFoundError:
            reason = "符号链接无效（目标不存在）" if os.path.islink(path) else "文件不存在"
            self._refuse(shown, reason)
            return
        except OSError as exc:
            self._refuse(shown, _os_reason(exc))
            return
        if stat.S_ISDIR(info.st_mode):
            root = os.path.realpath(path)
            self._walk(root, root, fs_name(os.path.basename(root) or str(path)), 0)
        else:
            self._add_file(os.path.realpath(path), shown, info)

    def _walk(self, folder: str, root: str, shown: str, depth: int) -> None:
        if depth > _MAX_DEPTH:
            self._refuse(shown, f"文件夹层级超过 {_MAX_DEPTH} 层，未展开")
            return
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: os.fsencode(entry.name))
        except OSError as exc:
            self._refuse(shown, _os_reason(exc))
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden files and folders (.git, .DS_Store) are not library material
            self._visit(entry, root, f"{shown}/{fs_name(entry.name)}", depth)

    def _visit(self, entry: os.DirEntry[str], root: str, shown: str, depth: int) -> None:
        try:
            if entry.is_symlink():
                self._follow_link(entry.path, root, shown)
            elif entry.is_dir(follow_symlinks=False):
                self._walk(entry.path, root, shown, depth + 1)
            else:
                self._add_file(entry.path, shown, entry.stat(follow_symlinks=False))
        except OSError as exc:
            self._refuse(shown, _os_reason(exc))

    def _follow_link(self, path: str, root: str, shown: str) -> None:
        """A link inside a folder is read only when it points to a file inside the same folder."""
        try:
            target = os.path.realpath(path, strict=True)
        except OSError:
            self._refuse(shown, "符号链接无效（目标不存在或链接成环）")
            return
        if os.path.commonpath([root, target]) != root:
            self._refuse(shown, "符号链接指向文件夹之外，已跳过")
            return
        info = os.stat(target)
        if stat.S_ISDIR(info.st_mode):
            self._refuse(shown, "指向文件夹的符号链接不展开，已跳过")
            return
        self._add_file(target, shown, info)

    def _add_file(self, path: str, shown: str, info: os.stat_result) -> None:
        if not stat.S_ISREG(info.st_mode):
            self._refuse(shown, _SPECIAL)
            return
        suffix = os.path.splitext(shown)[1].lower()
        if not is_archive(shown) and suffix not in SUPPORTED_SUFFIXES:
            self._refuse(shown, *unsupported_type(suffix))
            return
        real = os.path.realpath(path)
        if real in self._seen:
            self._refuse(shown, f"与 {self._seen[real]} 是同一个文件，已跳过")
            return
        self._seen[real] = shown
        if info.st_size > self.limits.max_file_bytes:
            self._refuse(shown, _too_big(info.st_size, self.limits))
            return
        data, reason = _read_capped(path, self.limits.max_file_bytes)
        if data is None:
            self._refuse(shown, reason)
        elif is_archive(shown):
            self.files.extend(_under(shown, entry) for entry in expand(shown, data, self.limits))
        else:
            self.files.append(SourceFile(shown, data))

    def _refuse(self, shown: str, reason: str, advice: str = "") -> None:
        logger.info("skipped %s: %s", shown, reason)
        self.files.append(SourceFile(shown, None, reason, advice))


def _read_capped(path: str, cap: int) -> tuple[bytes | None, str]:
    """Read at most `cap` bytes. O_NONBLOCK: should the file have been swapped for a FIFO since it
    was checked, opening returns at once instead of waiting for a writer; fstat then refuses it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return None, _os_reason(exc)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, _SPECIAL
        data = handle.read(cap + 1)
    if len(data) > cap:
        return None, f"文件过大，单个文件上限 {megabytes(cap)}"
    return data, ""


def _too_big(size: int, limits: LoadLimits) -> str:
    return f"文件过大（{megabytes(size)}），单个文件上限 {megabytes(limits.max_file_bytes)}"


def _os_reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "没有读取权限"
    if exc.errno == errno.ELOOP:
        return "符号链接无效（链接成环）"
    if exc.errno == errno.ENOENT:
        return "文件不存在"
    return f"无法读取：{exc.strerror or exc}"


def _under(shown: str, entry: ArchiveEntry) -> SourceFile:
    """An archive entry named from the folder given ("corpus/材料.zip/通知.pdf"), not just the zip's name."""
    label = display_name(shown)
    name = shown + entry.name[len(label) :] if entry.name.startswith(label) else entry.name
    return SourceFile(name, entry.data, entry.reason, entry.advice)

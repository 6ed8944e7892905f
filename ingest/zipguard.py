"""Zip bombs are refused from the zip's central directory, before a byte is decompressed.

Python's zipfile never inflates a member past the size its directory entry declares (it stops and
fails the CRC check), so declared sizes bound memory even when a crafted archive lies about them.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence

from ingest.limits import MB, LoadLimits, megabytes

_RATIO_CHECKED_ABOVE = 1 * MB  # small members (XML, text) compress well; only big ones can be bombs
_ENCRYPTED = 0x1


def member_problem(info: zipfile.ZipInfo, limits: LoadLimits) -> str | None:
    """Why one member must not be decompressed, in Chinese; None if it may be."""
    if info.flag_bits & _ENCRYPTED:
        return "文件已加密"
    if info.file_size > limits.max_file_bytes:
        return f"解压后 {megabytes(info.file_size)}，超过单个文件 {megabytes(limits.max_file_bytes)} 的上限"
    if info.file_size > _RATIO_CHECKED_ABOVE and info.file_size > limits.max_compression_ratio * max(
        1, info.compress_size
    ):
        ratio = info.file_size // max(1, info.compress_size)
        return f"压缩比异常（{ratio} 倍，上限 {limits.max_compression_ratio} 倍），疑似压缩炸弹"
    return None


def archive_problem(infos: Sequence[zipfile.ZipInfo], limits: LoadLimits) -> str | None:
    """Why the archive as a whole must not be opened, in Chinese; None if it may be."""
    if len(infos) > limits.max_archive_entries:
        return f"包含 {len(infos)} 个文件，超过 {limits.max_archive_entries} 个的上限"
    total = sum(info.file_size for info in infos)
    if total > limits.max_unpacked_bytes:
        return f"解压后共 {megabytes(total)}，超过 {megabytes(limits.max_unpacked_bytes)} 的上限，疑似压缩炸弹"
    return None

"""ingest.archive.expand and ingest.walk.collect on real zips and folders made in tmp_path."""

from __future__ import annotations

import io
import os
import stat
import threading
import zipfile
from pathlib import Path

import pytest

from ingest.archive import ArchiveEntry, expand
from ingest.limits import LoadLimits
from ingest.loaders import unsupported_type
from ingest.walk import SourceFile, collect

NOTICE = "关于召开政协会议的通知\n\n各位委员：会议定于下周召开。".encode()


def make_zip(members: list[tuple[str | bytes, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip whose names are written as given: str names as zipfile writes them (UTF-8 flag when not
    ASCII), bytes names raw without the flag, as Windows zip tools write GBK names."""
    raw_names: dict[bytes, bytes] = {}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for number, (name, data) in enumerate(members):
            if isinstance(name, bytes):
                placeholder = f"~{number:0{len(name) - 1}d}".encode()  # ASCII, same length
                raw_names[placeholder] = name
                name = placeholder.decode()
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            archive.writestr(info, data)
    data = out.getvalue()
    for placeholder, name in raw_names.items():  # in the local header and the central directory
        data = data.replace(placeholder, name)
    return data


# --- archive.expand ------------------------------------------------------------------------------


def test_gbk_and_utf8_names_are_decoded() -> None:
    data = make_zip([("资料/章程.txt", NOTICE), ("资料/通知.txt".encode("gbk"), NOTICE)])
    raw_flags = [info.flag_bits & 0x800 for info in zipfile.ZipFile(io.BytesIO(data)).infolist()]
    assert raw_flags == [0x800, 0]  # one UTF-8 name, one GBK name without the flag

    assert expand("材料.zip", data) == [
        ArchiveEntry("材料.zip/资料/章程.txt", NOTICE),
        ArchiveEntry("材料.zip/资料/通知.txt", NOTICE),
    ]


def test_traversal_absolute_and_long_names_are_only_displayed() -> None:
    long_name = "长" * 200 + ".txt"
    members = [
        ("../../etc/evil.txt", NOTICE),
        ("/abs/path.md", NOTICE),
        ("C:\\win\\x.txt", NOTICE),
        (long_name, NOTICE),
    ]
    names = [entry.name for entry in expand("up.zip", make_zip(members))]
    assert names == ["up.zip/abs/path.md", "up.zip/etc/evil.txt", "up.zip/win/x.txt", "up.zip/" + "长" * 115 + "….txt"]


def test_unsupported_nested_hidden_and_control_character_members() -> None:
    data = make_zip(
        [
            ("a.exe", b"MZ"),
            ("inner.zip", make_zip([("x.txt", NOTICE)])),
            (".hidden.txt", NOTICE),
            ("__MACOSX/._a.txt", b"x"),
            ("folder/", b""),
            ("bad\x1bname.txt", NOTICE),
        ]
    )
    assert expand("mixed.zip", data) == [
        ArchiveEntry("mixed.zip/a.exe", None, *unsupported_type(".exe")),
        ArchiveEntry("mixed.zip/badname.txt", NOTICE),
        ArchiveEntry("mixed.zip/inner.zip", None, "压缩包中的压缩包不展开，请先解压"),
    ]


def test_zip_bomb_member_is_refused_before_decompressing() -> None:
    data = make_zip([("spaces.txt", b" " * (20 * 1024 * 1024)), ("ok.txt", NOTICE)])
    assert len(data) < 100_000
    entries = expand("bomb.zip", data)
    assert entries[1] == ArchiveEntry("bomb.zip/spaces.txt", None, entries[1].reason)
    assert entries[1].reason.startswith("压缩比异常（") and entries[1].reason.endswith("疑似压缩炸弹")
    assert entries[0] == ArchiveEntry("bomb.zip/ok.txt", NOTICE)


def test_archive_totals_and_member_size_caps() -> None:
    many = make_zip([(f"{i}.txt", NOTICE) for i in range(5)])
    assert expand("many.zip", many, LoadLimits(max_archive_entries=4)) == [
        ArchiveEntry("many.zip", None, "压缩包包含 5 个文件，超过 4 个的上限")
    ]
    stored = make_zip([("a.txt", b"x" * 3000), ("b.txt", b"y" * 3000)], zipfile.ZIP_STORED)
    [entry] = expand("big.zip", stored, LoadLimits(max_unpacked_bytes=5000))
    assert entry.data is None and entry.reason.startswith("压缩包解压后共 ")
    [entry] = expand("big.zip", make_zip([("a.txt", b"x" * 3000)]), LoadLimits(max_file_bytes=2000))
    assert entry == ArchiveEntry("big.zip/a.txt", None, "解压后 0.0 MB，超过单个文件 0.0 MB 的上限")


def test_lying_directory_cannot_inflate_past_the_declared_size() -> None:
    data = bytearray(make_zip([("a.txt", "政协" * 5000 + "。")]))
    # Shrink the declared size in the central directory: zipfile stops there and fails the CRC.
    central = data.rindex(b"PK\x01\x02")
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")
    [entry] = expand("liar.zip", bytes(data))
    assert entry == ArchiveEntry("liar.zip/a.txt", None, "压缩包中的此文件已损坏或使用了不支持的压缩方式")


def test_corrupt_and_empty_archives() -> None:
    assert expand("x.zip", b"PK\x03\x04 broken") == [ArchiveEntry("x.zip", None, "压缩包损坏或不是 zip 格式，无法打开")]
    assert expand("e.zip", make_zip([])) == [ArchiveEntry("e.zip", None, "压缩包中没有文件")]


# --- walk.collect --------------------------------------------------------------------------------


def test_folder_walk_is_sorted_skips_hidden_and_reports_everything(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / ".git" / "config.txt").write_bytes(NOTICE)
    (root / ".DS_Store").write_bytes(b"x")
    (root / "b.txt").write_bytes(NOTICE)
    (root / "a.md").write_bytes(NOTICE)
    (root / "sub" / "c.pdf").write_bytes(b"%PDF-1.4")
    (root / "table.xls").write_bytes(b"x")
    (root / "pack.zip").write_bytes(make_zip([("inner.txt", NOTICE)]))

    assert collect([root]) == [
        SourceFile("corpus/a.md", NOTICE),
        SourceFile("corpus/b.txt", NOTICE),
        SourceFile("corpus/pack.zip/inner.txt", NOTICE),
        SourceFile("corpus/sub/c.pdf", b"%PDF-1.4"),
        SourceFile("corpus/table.xls", None, *unsupported_type(".xls")),
    ]


def test_symlinks_are_not_followed_out_of_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_bytes(b"root:x:0:0")
    root = tmp_path / "docs"
    root.mkdir()
    (root / "real.txt").write_bytes(NOTICE)
    (root / "to-outside.txt").symlink_to(outside)
    (root / "to-passwd.txt").symlink_to("/etc/passwd")
    (root / "to-zero.txt").symlink_to("/dev/zero")
    (root / "dangling.txt").symlink_to(root / "missing.txt")
    (root / "loop.txt").symlink_to(root / "loop.txt")
    (root / "to-real.txt").symlink_to(root / "real.txt")
    (root / "to-dir").symlink_to(root)

    assert collect([root]) == [
        SourceFile("docs/dangling.txt", None, "符号链接无效（目标不存在或链接成环）"),
        SourceFile("docs/loop.txt", None, "符号链接无效（目标不存在或链接成环）"),
        SourceFile("docs/real.txt", NOTICE),
        SourceFile("docs/to-dir", None, "指向文件夹的符号链接不展开，已跳过"),
        SourceFile("docs/to-outside.txt", None, "符号链接指向文件夹之外，已跳过"),
        SourceFile("docs/to-passwd.txt", None, "符号链接指向文件夹之外，已跳过"),
        SourceFile("docs/to-real.txt", None, "与 docs/real.txt 是同一个文件，已跳过"),
        SourceFile("docs/to-zero.txt", None, "符号链接指向文件夹之外，已跳过"),
    ]


def test_fifo_and_devices_are_refused_without_opening(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    result: list[list[SourceFile]] = []
    worker = threading.Thread(target=lambda: result.append(collect([fifo, tmp_path / "zero.txt", Path("/dev/null")])))
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "collect() blocked on a FIFO"
    special = "不是普通文件（管道、设备或套接字），已跳过"
    assert result[0] == [
        SourceFile(str(fifo), None, special),
        SourceFile(str(tmp_path / "zero.txt"), None, special),  # named directly: followed, still refused
        SourceFile("/dev/null", None, special),
    ]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_fifo_inside_a_folder_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    assert collect([tmp_path]) == [
        SourceFile(f"{tmp_path.name}/pipe.md", None, "不是普通文件（管道、设备或套接字），已跳过")
    ]


def test_non_utf8_names_are_decoded_readably(tmp_path: Path) -> None:
    root = tmp_path / "gbk"
    root.mkdir()
    gbk_name = os.fsencode(root) + b"/" + "通知.txt".encode("gbk")
    with open(gbk_name, "wb") as out:
        out.write(NOTICE)
    latin_junk = os.fsencode(root) + b"/\xff\xfe\xfd.txt"
    with open(latin_junk, "wb") as out:
        out.write(NOTICE)

    files = collect([root])
    assert [file.name for file in files] == ["gbk/通知.txt", "gbk/\ufffd\ufffd\ufffd.txt"]
    for file in files:
        file.name.encode("utf-8")  # no surrogate escapes: storable in SQLite and JSON
        assert file.data == NOTICE


def test_size_cap_before_reading_and_missing_paths(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as out:
        out.truncate(5 * 1024 * 1024)
    limits = LoadLimits(max_file_bytes=1024 * 1024)
    assert collect([big, tmp_path / "missing.txt"], limits) == [
        SourceFile(str(big), None, "文件过大（5 MB），单个文件上限 1 MB"),
        SourceFile(str(tmp_path / "missing.txt"), None, "文件不存在"),
    ]


def test_same_file_twice_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(NOTICE)
    files = collect([tmp_path / "a.txt", tmp_path])
    assert files == [
        SourceFile(str(tmp_path / "a.txt"), NOTICE),
        SourceFile(f"{tmp_path.name}/a.txt", None, f"与 {tmp_path / 'a.txt'} 是同一个文件，已跳过"),
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_bytes(NOTICE)
    path.chmod(0)
    assert collect([path]) == [SourceFile(str(path), None, "没有读取权限")]

"""Files and folders named on a command line, as Uploads for the writer."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from library.service import Upload


def uploads_from_paths(paths: Iterable[Path]) -> list[Upload]:
    """Files named, plus every file under named folders (recursively, hidden ones left out), in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = (p for p in path.rglob("*") if p.is_file())
            files.extend(sorted(p for p in inside if not _hidden(p.relative_to(path))))
        else:
            files.append(path)
    return [_read(path) for path in dict.fromkeys(files)]


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _read(path: Path) -> Upload:
    try:
        return Upload(path.name, path.read_bytes())
    except FileNotFoundError:
        return Upload(path.name, None, "文件不存在")
    except OSError as exc:
        return Upload(path.name, None, f"无法读取文件：{exc.strerror or exc}")

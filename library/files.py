"""Files and folders named on a command line, as Uploads for the writer."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from library.service import Upload
from retrieval.settings import Settings


def uploads_from_paths(paths: Iterable[Path]) -> list[Upload]:
    """Every file collect_files finds, read into an Upload (or the reason it could not be read)."""
    return [_read(path) for path in collect_files(paths)]


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files named, plus every file under named folders (recursively, hidden ones left out), in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = (p for p in path.rglob("*") if p.is_file())
            files.extend(sorted(p for p in inside if not _hidden(p.relative_to(path))))
        else:
            files.append(path)
    return list(dict.fromkeys(files))


def uploads_from_upload(name: str, data: bytes, settings: Settings) -> list[Upload]:
    """An uploaded file as Uploads: a .zip becomes its supported entries (each with a report line)."""
    if not name.lower().endswith(".zip"):
        return [Upload(name, data)]
    from ingest.archive import expand

    return [Upload(entry.name, entry.data, entry.reason) for entry in expand(name, data, settings)]


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _read(path: Path) -> Upload:
    try:
        return Upload(path.name, path.read_bytes())
    except FileNotFoundError:
        return Upload(path.name, None, "文件不存在")
    except OSError as exc:
        return Upload(path.name, None, f"无法读取文件：{exc.strerror or exc}")

"""Files and folders named on a command line, as Uploads for the writer."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from library.service import Upload
from retrieval.settings import Settings


def uploads_from_paths(paths: Iterable[Path], settings: Settings | None = None) -> list[Upload]:
    """Files and folders (zips expanded) walked safely: symlinks stay inside the folder given, special files
    are refused, names are decoded readably; every entry becomes an Upload or says why it could not be read."""
    from ingest.walk import collect

    limits = (settings or Settings()).load_limits
    return [Upload(f.name, f.data, f.reason, f.advice) for f in collect(list(paths), limits)]


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

    return [
        Upload(entry.name, entry.data, entry.reason, entry.advice) for entry in expand(name, data, settings.load_limits)
    ]


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)

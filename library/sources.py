"""Every ingested file's bytes, kept by content hash, so the library can be rebuilt from its sources."""

from __future__ import annotations

import os
from pathlib import Path


class SourceStore:
    def __init__(self, root: Path):
        self.root = root

    def _path(self, doc_id: str) -> Path:
        return self.root / doc_id[:2] / doc_id

    def put(self, doc_id: str, data: bytes) -> None:
        """Write once, atomically (a killed write leaves only a temp file)."""
        path = self._path(doc_id)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)

    def get(self, doc_id: str) -> bytes | None:
        path = self._path(doc_id)
        return path.read_bytes() if path.exists() else None

    def has(self, doc_id: str) -> bool:
        return self._path(doc_id).exists()

    def delete(self, doc_id: str) -> None:
        self._path(doc_id).unlink(missing_ok=True)

    def ids(self) -> set[str]:
        if not self.root.exists():
            return set()
        return {p.name for p in self.root.glob("*/*") if p.is_file() and not p.name.endswith(".tmp")}


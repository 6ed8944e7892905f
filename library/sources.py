"""Every ingested file's bytes, kept by content hash, so the library can be rebuilt from its sources."""

from __future__ import annotations

import json
import os
from pathlib import Path

META_SUFFIX = ".json"


class SourceStore:
    def __init__(self, root: Path):
        self.root = root

    def _path(self, doc_id: str) -> Path:
        return self.root / doc_id[:2] / doc_id

    def put(self, doc_id: str, data: bytes, name: str = "", added_by: str = "") -> None:
        """Write once, atomically (a killed write leaves only a temp file), with the name it came with."""
        path = self._path(doc_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            _write_atomically(path, data)
        meta = json.dumps({"name": name, "added_by": added_by}, ensure_ascii=False).encode()
        _write_atomically(path.with_name(path.name + META_SUFFIX), meta)

    def meta(self, doc_id: str) -> dict[str, str]:
        """The name (and who added it) a source came with; empty when unknown."""
        path = self._path(doc_id).with_name(doc_id + META_SUFFIX)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def get(self, doc_id: str) -> bytes | None:
        path = self._path(doc_id)
        return path.read_bytes() if path.exists() else None

    def has(self, doc_id: str) -> bool:
        return self._path(doc_id).exists()

    def delete(self, doc_id: str) -> None:
        self._path(doc_id).unlink(missing_ok=True)
        self._path(doc_id).with_name(doc_id + META_SUFFIX).unlink(missing_ok=True)

    def ids(self) -> set[str]:
        if not self.root.exists():
            return set()
        return {p.name for p in self.root.glob("*/*") if p.is_file() and "." not in p.name}


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


"""The corpus as plain documents for the baselines: the project's loaders, so every system reads the same text."""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.loaders import SUPPORTED_SUFFIXES, LoadError, load_file
from library.files import collect_files

log = logging.getLogger(__name__)
# The shared corpus lists its sources in SOURCES.md: provenance, not part of the library users would load.
DEFAULT_EXCLUDE = ("SOURCES.md",)


@dataclass(frozen=True)
class CorpusDoc:
    name: str  # file name: what a QA item's "doc" refers to
    text: str


def corpus_files(paths: Sequence[Path], exclude: Sequence[str] = DEFAULT_EXCLUDE) -> list[Path]:
    """The files under the paths (as the ingester collects them) minus names matching an exclude pattern."""
    return [p for p in collect_files(paths) if not any(fnmatch.fnmatch(p.name, pattern) for pattern in exclude)]


def load_corpus(paths: Sequence[Path]) -> list[CorpusDoc]:
    """Every loadable file under the paths; unreadable ones are logged and skipped, like the ingester does."""
    docs: list[CorpusDoc] = []
    for path in collect_files(paths):
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        try:
            loaded = load_file(path)
        except LoadError as exc:
            log.warning("baseline corpus: skipped %s (%s)", path, exc.reason)
            continue
        docs.append(CorpusDoc(path.name, "\n\n".join(page.text for page in loaded.pages)))
    return docs

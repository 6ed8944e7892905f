"""The one first-run rule, used by the app's start-up and the CLI alike: a library that has never held
anything is filled once from settings.corpus_dir. An organizer who later empties it keeps it empty."""

from __future__ import annotations

import logging

from library.files import uploads_from_paths
from library.progress import ProgressHooks, Report
from library.service import Library

log = logging.getLogger(__name__)
SEEDED_KEY = "seeded_from"


class CatalogLostError(RuntimeError):
    """The catalog is empty while the data dir still holds the library's sources."""


def seed_if_new(library: Library, hooks: ProgressHooks | None = None) -> Report | None:
    """Index the bundled corpus on the very first start; None when the library was seeded or filled before."""
    if library.catalog.meta(SEEDED_KEY) is not None:
        return None
    if not library.is_empty():
        library.mark(SEEDED_KEY, "(filled before seeding existed)")
        return None
    if library.sources.ids():
        # Stored sources but an empty catalog: the catalog was lost or emptied. Never paper over that.
        raise CatalogLostError(
            "资料库目录数据库为空，但数据目录中仍保存着已入库的原文件：目录数据库可能被清空或损坏。"
            "请运行 python -m ingest --rebuild --from-sources 从保存的原文件重建资料库。"
        )
    corpus = library.settings.corpus_dir
    report = library.add_many(uploads_from_paths([corpus], library.settings), added_by="（内置资料）", hooks=hooks)
    library.mark(SEEDED_KEY, str(corpus))
    log.info("first run: %s from %s", report.summary(), corpus)
    return report

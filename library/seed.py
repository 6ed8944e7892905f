"""The one first-run rule, used by the app's start-up and the CLI alike: a library that has never held
anything is filled once from settings.corpus_dir. An organizer who later empties it keeps it empty."""

from __future__ import annotations

import logging

from library.files import uploads_from_paths
from library.progress import ProgressHooks, Report
from library.service import Library
from library.sources import check_not_lost

log = logging.getLogger(__name__)
SEEDED_KEY = "seeded_from"


def seed_if_new(library: Library, hooks: ProgressHooks | None = None) -> Report | None:
    """Index the bundled corpus on the very first start; None when the library was seeded or filled before."""
    if library.catalog.meta(SEEDED_KEY) is not None:
        return None
    if not library.is_empty():
        library.mark(SEEDED_KEY, "(filled before seeding existed)")
        return None
    check_not_lost(True, library.sources)
    corpus = library.settings.corpus_dir
    report = library.add_many(uploads_from_paths([corpus], library.settings), added_by="（内置资料）", hooks=hooks)
    library.mark(SEEDED_KEY, str(corpus))
    log.info("first run: %s from %s", report.summary(), corpus)
    return report

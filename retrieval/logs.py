"""Logging set-up for entry points (CLI modules and app.py); library modules only create loggers."""

from __future__ import annotations

import logging
import warnings


def configure_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    # jieba logs its dictionary loading at DEBUG through its own handler; chroma and HF are chatty too.
    for name in ("jieba", "bm25s", "chromadb", "httpx", "sentence_transformers", "transformers", "huggingface_hub"):
        logging.getLogger(name).setLevel(logging.WARNING if not verbose else logging.INFO)
    import jieba

    jieba.setLogLevel(logging.WARNING)
    # transformers' progress bars are turned off where the model loads (retrieval.embeddings): importing it here
    # would cost every command a second, also those that load no model (ingest --list, library user).
    warnings.filterwarnings("ignore", category=FutureWarning)

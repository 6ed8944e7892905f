"""Fetch a Chinese embedding model into the data dir, once, so it is used from then on.

Sources: the Hugging Face hub through huggingface_hub (honours a mirror: SHUXIANG_HF_ENDPOINT, or the HF_ENDPOINT
variable huggingface_hub reads itself, e.g. https://hf-mirror.com) or ModelScope (the `modelscope` package),
which is reachable from mainland China. The model is checked by loading it before it replaces anything.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Literal

log = logging.getLogger(__name__)
Source = Literal["huggingface", "modelscope"]
DEFAULT_FILE = "DEFAULT"  # names the folder under models/ that load_embedder uses
Fetch = Callable[[str, Path], None]  # (model name, empty target folder) -> files written there


class ModelDownloadError(RuntimeError):
    """The model could not be fetched or does not load; the message says what to do (Chinese)."""


def model_folder(models_dir: Path, name: str) -> Path:
    return models_dir / name.replace("/", "__")


def default_model(models_dir: Path) -> Path | None:
    """The downloaded model to use when none is configured, or None."""
    marker = models_dir / DEFAULT_FILE
    if not marker.exists():
        return None
    folder = models_dir / marker.read_text(encoding="utf-8").strip()
    return folder if (folder / "modules.json").exists() or (folder / "config.json").exists() else None


def download(
    name: str, models_dir: Path, source: Source = "huggingface", endpoint: str = "", fetch: Fetch | None = None
) -> Path:
    """Fetch `name` into models_dir, verify it loads, make it the default; returns its folder."""
    target = model_folder(models_dir, name)
    partial = target.with_name(target.name + ".part")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        (fetch or _fetcher(source, endpoint))(name, partial)
        dim = _verify(partial)
    except ModelDownloadError:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    (models_dir / DEFAULT_FILE).write_text(target.name, encoding="utf-8")
    log.info("model %s (%d dimensions) in %s", name, dim, target)
    return target


def _fetcher(source: Source, endpoint: str) -> Fetch:
    return _from_modelscope if source == "modelscope" else (lambda name, folder: _from_hub(name, folder, endpoint))


def _from_hub(name: str, folder: Path, endpoint: str) -> None:
    from huggingface_hub import snapshot_download

    try:
        snapshot_download(name, local_dir=folder, endpoint=endpoint or None, etag_timeout=10)
    except Exception as exc:  # offline, blocked, unknown repo: huggingface_hub raises many kinds
        raise ModelDownloadError(
            f"无法从 Hugging Face{'（' + endpoint + '）' if endpoint else ''} 下载 {name}：{_short(exc)}。"
            "在中国大陆可改用镜像：HF_ENDPOINT=https://hf-mirror.com python -m retrieval model download，"
            "或用 ModelScope：python -m retrieval model download --source modelscope。"
        ) from exc


def _from_modelscope(name: str, folder: Path) -> None:
    try:
        from modelscope import snapshot_download
    except ImportError as exc:
        raise ModelDownloadError("需要先安装 modelscope：.venv/bin/pip install modelscope") from exc
    try:
        snapshot_download(name, local_dir=str(folder))
    except Exception as exc:
        raise ModelDownloadError(f"无法从 ModelScope 下载 {name}：{_short(exc)}。请检查网络和模型名称。") from exc


def _verify(folder: Path) -> int:
    from sentence_transformers import SentenceTransformer

    try:
        model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        return int(model.get_embedding_dimension())
    except Exception as exc:
        raise ModelDownloadError(f"下载的文件不是可用的 sentence-transformers 模型：{_short(exc)}") from exc


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__

"""Fetch a web page for the library (organizers add pages by URL): bounded in time and size."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlparse

from retrieval.settings import Settings

USER_AGENT = "shuxiang-kb/1.0 (+library page fetch)"


class WebPageError(Exception):
    """The page could not be fetched; the message says why, in Chinese."""


@dataclass(frozen=True)
class WebPage:
    name: str  # a file name ending in .html, from the URL
    data: bytes


def fetch_page(url: str, settings: Settings) -> WebPage:
    url = url.strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise WebPageError("请输入以 http:// 或 https:// 开头的网页地址")
    limit = settings.max_upload_mb * 1024 * 1024
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=settings.web_fetch_timeout) as response:
            data = response.read(limit + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WebPageError(f"无法打开该网页（{reason}）。请检查地址和网络，或把网页另存为 .html 文件后上传。") from exc
    if len(data) > limit:
        raise WebPageError(f"网页超过 {settings.max_upload_mb} MB 的上限")
    return WebPage(_file_name(parsed.netloc, parsed.path), data)


def _file_name(host: str, path: str) -> str:
    stem = re.sub(r"[^\w.-]+", "_", f"{host}{path}").strip("_.")[:80] or host
    return stem if stem.lower().endswith((".html", ".htm")) else f"{stem}.html"

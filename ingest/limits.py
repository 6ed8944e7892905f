"""Caps that keep one hostile or huge file from exhausting memory or time while it is parsed.

Every cap is checked before the expensive step it protects: the file size before reading, a zip's
directory before decompressing, a text's byte length before decoding, an image's header before decoding.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class LoadLimits:
    max_file_bytes: int = 100 * MB  # one uploaded or read file
    max_document_chars: int = 2_000_000  # text of one document after extraction
    max_archive_entries: int = 1000  # files listed in one .zip (or parts in one .docx)
    max_unpacked_bytes: int = 300 * MB  # total uncompressed size of one .zip or .docx
    max_compression_ratio: int = 100  # uncompressed/compressed of one member larger than 1 MB
    max_docx_xml_bytes: int = 32 * MB  # one XML part of a .docx: python-docx holds ~16x its size in memory
    max_html_bytes: int = 20 * MB  # an HTML page (parsed into a tree in memory)
    max_image_pixels: int = 50_000_000  # one image (decoded to an array for OCR)
    max_ocr_pages: int = 200  # pages of one PDF sent to OCR; the rest are skipped and reported
    ocr_enabled: bool = True

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if isinstance(value, int) and not isinstance(value, bool) and value < 1 and name != "max_ocr_pages":
                raise ValueError(f"{name} must be at least 1, got {value}")
        if self.max_ocr_pages < 0:
            raise ValueError(f"max_ocr_pages must be at least 0, got {self.max_ocr_pages}")


def megabytes(size: int) -> str:
    """A size for Chinese messages: "100 MB", "1.5 MB", "0.2 MB"."""
    value = size / MB
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


def chars_label(count: int) -> str:
    """A character count for Chinese messages: 2000000 → "200 万字"."""
    return f"{count / 10_000:g} 万字" if count >= 10_000 else f"{count} 字"

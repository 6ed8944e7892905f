"""OCR with the real rapidocr engine on scans rendered in the test (Pillow + a CJK font found by fc-list)."""

from __future__ import annotations

import io
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ingest.chunker import chunk_document
from ingest.limits import LoadLimits
from ingest.loaders import LoadError, load
from ingest.loaders.ocr import TextBox, reading_lines
from ingest.pipeline import parse

SENTENCES = ["政协委员应当积极参加政协组织的各项活动。", "第三条 本办法自印发之日起施行。"]
TITLE = "政协委员履职管理办法"


def _cjk_font() -> str | None:
    if shutil.which("fc-list"):
        listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False).stdout
        for line in listed.splitlines():
            path = line.split(":")[0].strip()
            if path.endswith((".ttc", ".ttf", ".otf")):
                return path
    fallback = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
    return str(fallback) if fallback.exists() else None


FONT_PATH = _cjk_font()
needs_font = pytest.mark.skipif(FONT_PATH is None, reason="no CJK font installed (apt install fonts-wqy-zenhei)")


def scan(lines: list[str], size: tuple[int, int] = (1240, 480)) -> Image.Image:
    """A clean 'scan': black text on white, 32 px characters, one line every 70 px."""
    font = ImageFont.truetype(FONT_PATH, 32)
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((80, 60 + 70 * row), line, fill=0, font=font)
    return image


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def scanned_pdf(path: Path, page_images: list[Image.Image | None], junk_text: str = "") -> bytes:
    """One page per image (None: a page with a real text layer); `junk_text` drawn over the scans."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=(620, 877))
    for image in page_images:
        if image is None:
            pdf.setFont("STSong-Light", 12)
            pdf.drawString(72, 800, "一、为了加强政协委员履职管理，制定本办法。")
        else:
            pdf.drawImage(ImageReader(image), 0, 877 - image.height / 2, image.width / 2, image.height / 2)
            if junk_text:
                pdf.setFont("JunkFont", 10)
                pdf.drawString(72, 400, junk_text)
        pdf.showPage()
    pdf.save()
    return path.read_bytes()


# --- reading order (pure) ------------------------------------------------------------------------


def test_boxes_become_lines_top_to_bottom_left_to_right() -> None:
    boxes = [
        TextBox("第二行", 100, 150, 220, 182),
        TextBox("右半", 190, 52, 270, 84),  # same line as 左半, found first
        TextBox("左半", 100, 50, 180, 82),
        TextBox("缩进的段落开头", 164, 250, 400, 282),  # two characters in: an indented paragraph
        TextBox("项目", 100, 350, 164, 382),
        TextBox("标准", 400, 351, 464, 383),  # far right: a table cell
    ]
    assert reading_lines(boxes) == ["左半右半", "第二行", "    缩进的段落开头", "项目  标准"]


def test_latin_words_keep_a_space_and_nothing_gives_nothing() -> None:
    assert reading_lines([TextBox("Article", 0, 0, 140, 20), TextBox("12", 146, 1, 170, 21)]) == ["Article 12"]
    assert reading_lines([]) == []


# --- the real engine -----------------------------------------------------------------------------


@needs_font
def test_scanned_png_is_recognised_and_marked_ocr() -> None:
    pages: list[tuple[int, int]] = []
    image = png_bytes(scan([TITLE, *SENTENCES]))
    doc = load("通知.png", image, on_page=lambda done, total: pages.append((done, total)))

    assert doc.file_type == "image"
    assert doc.title == TITLE
    assert len(doc.pages) == 1 and doc.pages[0].ocr and doc.pages[0].page is None
    text = doc.pages[0].text.replace(" ", "")
    assert "政协委员应当积极参加政协组织的各项活动。" in text
    assert "本办法自印发之日起施行" in text
    assert pages == [(0, 1), (1, 1)]
    assert all(chunk.ocr for chunk in chunk_document(doc, "doc"))


@needs_font
def test_image_only_pdf_pages_go_through_ocr_with_progress(tmp_path: Path) -> None:
    # Page 2 starts a new section, so each page has chunks of its own.
    data = scanned_pdf(tmp_path / "mixed.pdf", [None, scan(["二、" + SENTENCES[0]], (1240, 200))])
    stages: list[tuple[str, float]] = []
    parsed = parse("mixed.pdf", data, on_stage=lambda stage, fraction: stages.append((stage, fraction)))

    assert parsed.pages == 2 and parsed.ocr_pages == 1
    assert parsed.warnings == ("1 页没有文字层，已用 OCR 识别",)
    by_page = {chunk.page_start: chunk for chunk in parsed.chunks}
    assert by_page[1].ocr is False and by_page[1].text.startswith("一、为了加强")
    assert by_page[2].ocr is True and "政协委员应当积极参加政协组织的各项活动" in by_page[2].text
    assert stages == [("read", 0.0), ("read", 0.5), ("read", 1.0), ("ocr", 1.0), ("chunk", 0.0), ("chunk", 1.0)]


@needs_font
def test_ocr_page_cap_reports_skipped_pages(tmp_path: Path) -> None:
    page = scan([SENTENCES[0]], (1240, 200))
    data = scanned_pdf(tmp_path / "scan.pdf", [page, page, page])
    doc = load("scan.pdf", data, LoadLimits(max_ocr_pages=1))
    assert [(p.page, p.ocr) for p in doc.pages] == [(1, True)]
    assert doc.warnings == ("1 页没有文字层，已用 OCR 识别", "2 页没有文字层，超过 OCR 上限（1 页），已跳过")


@needs_font
def test_junk_text_layer_is_replaced_by_ocr(tmp_path: Path) -> None:
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("JunkFont", FONT_PATH, subfontIndex=0))
    junk = "".join(chr(0xE000 + i) for i in range(60))  # private-use code points: what unmapped CID fonts give
    data = scanned_pdf(tmp_path / "cid.pdf", [scan([SENTENCES[0]], (1240, 200))], junk_text=junk)
    doc = load("cid.pdf", data)
    assert doc.pages[0].ocr
    assert "政协委员应当积极参加政协组织的各项活动" in doc.pages[0].text.replace(" ", "")
    assert "\ue000" not in doc.pages[0].text


def test_ocr_disabled_refuses_images() -> None:
    with pytest.raises(LoadError) as caught:
        load("scan.png", png_bytes(Image.new("L", (10, 10), 255)), LoadLimits(ocr_enabled=False))
    assert caught.value.reason == "图片需要 OCR 识别文字，但 OCR 未启用"


def test_image_over_pixel_cap_is_refused_before_decoding() -> None:
    big = png_bytes(Image.new("1", (9000, 9000), 1))  # 81 megapixels, a small file
    started = time.perf_counter()
    with pytest.raises(LoadError) as caught:
        load("big.png", big)
    assert caught.value.reason == "图片太大（9000×9000 像素），上限 50 百万像素"
    assert time.perf_counter() - started < 1.0


def test_corrupt_image_and_blank_image() -> None:
    with pytest.raises(LoadError) as caught:
        load("broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg" * 10)
    assert caught.value.reason == "图片文件损坏或格式无法识别"
    with pytest.raises(LoadError) as caught:
        load("blank.png", png_bytes(Image.new("L", (400, 300), 255)))
    assert caught.value.reason == "图片中没有识别出文字"

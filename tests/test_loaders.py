"""ingest.loaders on real files written in the test (reportlab PDFs, python-docx documents, encoded text)."""

from __future__ import annotations

import io
import logging
import random
import re
import zipfile
from pathlib import Path

import docx
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ingest.limits import LoadLimits
from ingest.loaders import SUPPORTED_SUFFIXES, LoadError
from ingest.loaders import load_file as load

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="../shared is not in this checkout")

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

HEADER = "某某市政协办公室文件"
# (text, starts a paragraph): the first article's sentence is broken across two lines.
PDF_PAGES = [
    [
        ("第一条 为了加强政协委员履职管理，提高履职能力和水平，根据", True),
        ("有关规定，结合本市实际，制定本办法。", False),
        ("第二条 本办法适用于本市各级政协委员。", True),
    ],
    [
        ("第三条 政协委员应当坚持党的领导，积极参加政协组织的各项", True),
        ("活动，认真履行政治协商、民主监督和参政议政职能。", False),
    ],
    [
        ("第四条 委员履职情况实行年度考核，考核结果向委员本人反馈。", True),
        ("第五条 本办法自印发之日起施行。", True),
    ],
]


def write_pdf(path: Path, pages: list[list[tuple[str, bool]]], indent: bool = True, header: str = HEADER) -> Path:
    """A real PDF in a CJK CID font: running header, body lines, "- n -" page numbers at the foot."""
    pdf = canvas.Canvas(str(path))
    for number, lines in enumerate(pages, 1):
        pdf.setFont(FONT, 12)
        if header:
            pdf.drawString(72, 800, header)
        for row, (text, starts_paragraph) in enumerate(lines):
            pdf.drawString(96 if indent and starts_paragraph else 72, 760 - 20 * row, text)
        pdf.drawCentredString(297, 40, f"- {number} -")
        pdf.showPage()
    pdf.save()
    return path


# --- PDF -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("indent", [True, False], ids=["indented-paragraphs", "block-paragraphs"])
def test_pdf_pages_cleaned_and_rejoined(tmp_path: Path, indent: bool) -> None:
    doc = load(write_pdf(tmp_path / "banfa.pdf", PDF_PAGES, indent=indent))

    assert doc.file_type == "pdf"
    assert doc.source == "banfa.pdf"  # the name, never a path
    assert [page.page for page in doc.pages] == [1, 2, 3]
    assert doc.pages[0].text == (
        "第一条 为了加强政协委员履职管理，提高履职能力和水平，根据有关规定，结合本市实际，制定本办法。\n"
        "第二条 本办法适用于本市各级政协委员。"
    )
    assert doc.pages[1].text == (
        "第三条 政协委员应当坚持党的领导，积极参加政协组织的各项活动，认真履行政治协商、民主监督和参政议政职能。"
    )
    assert (
        doc.pages[2].text
        == "第四条 委员履职情况实行年度考核，考核结果向委员本人反馈。\n第五条 本办法自印发之日起施行。"
    )
    # reportlab's /Title is "untitled" (junk), the header is furniture and an article is no title.
    assert doc.title == "banfa"


def test_pdf_title_from_first_line_of_page_one(tmp_path: Path) -> None:
    pages = [[("关于加强委员履职管理的办法", True), ("第一条 为了加强管理，制定本办法。", True)]]
    doc = load(write_pdf(tmp_path / "a.pdf", pages, header=""))
    assert doc.title == "关于加强委员履职管理的办法"


def test_pdf_title_from_real_metadata(tmp_path: Path) -> None:
    source = write_pdf(tmp_path / "plain.pdf", PDF_PAGES)
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.add_metadata({"/Title": "政协委员履职管理办法"})
    with (tmp_path / "titled.pdf").open("wb") as out:
        writer.write(out)
    assert load(tmp_path / "titled.pdf").title == "政协委员履职管理办法"


def _encrypted_copy(source: Path, target: Path, user: str, owner: str | None = None) -> Path:
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user, owner_password=owner)
    with target.open("wb") as out:
        writer.write(out)
    return target


def test_pdf_with_user_password_is_refused(tmp_path: Path) -> None:
    locked = _encrypted_copy(write_pdf(tmp_path / "a.pdf", PDF_PAGES), tmp_path / "locked.pdf", "secret")
    with pytest.raises(LoadError) as caught:
        load(locked)
    assert "加密" in caught.value.reason


def test_pdf_with_owner_password_only_opens(tmp_path: Path) -> None:
    source = write_pdf(tmp_path / "a.pdf", PDF_PAGES)
    restricted = _encrypted_copy(source, tmp_path / "restricted.pdf", "", owner="owner")
    assert [page.page for page in load(restricted).pages] == [1, 2, 3]


def test_random_bytes_pdf_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "noise.pdf"
    path.write_bytes(random.Random(7).randbytes(4000))
    with pytest.raises(LoadError) as caught:
        load(path)
    assert caught.value.reason.startswith("PDF 文件损坏，无法解析：")


def test_truncated_pdf_is_refused(tmp_path: Path) -> None:
    data = write_pdf(tmp_path / "a.pdf", PDF_PAGES).read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(LoadError) as caught:
        load(path)
    assert caught.value.reason.startswith("PDF")


@pytest.mark.parametrize(
    ("ocr_enabled", "picture", "reason"),
    [
        (False, True, "PDF 没有文字层（可能是扫描件，需要 OCR）"),
        (True, True, "PDF 是扫描件，但 OCR 没有识别出文字"),
        (True, False, "PDF 没有可提取的文字（既没有文字层，也没有可识别的图片）"),
    ],
    ids=["ocr-off", "blank-scan", "drawing-only"],
)
def test_pdf_without_text(tmp_path: Path, ocr_enabled: bool, picture: bool, reason: str) -> None:
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    for _ in range(2):
        if picture:  # a scan of an empty sheet
            pdf.drawImage(ImageReader(Image.new("L", (200, 280), 250)), 72, 72, 400, 600)
        else:
            pdf.rect(72, 72, 400, 600, fill=1)
        pdf.showPage()
    pdf.save()
    with pytest.raises(LoadError) as caught:
        load(path, LoadLimits(ocr_enabled=ocr_enabled))
    assert caught.value.reason == reason


# --- errors common to all formats ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.txt", "empty.pdf", "empty.docx", "blank.md"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"" if name.startswith("empty") else b"  \n\n ")
    with pytest.raises(LoadError) as caught:
        load(path)
    assert caught.value.reason == "文件为空"


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "table.xls"
    path.write_bytes(b"data")
    with pytest.raises(LoadError) as caught:
        load(path)
    assert caught.value.reason == "不支持的文件类型 .xls（支持 txt/md/pdf/docx/html/png/jpg）"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        load(tmp_path / "missing.txt")
    assert caught.value.reason == "文件不存在"


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "NOTE.TXT"
    path.write_text("通知\n内容。", encoding="utf-8")
    assert load(path).file_type == "txt"
    assert ".markdown" in SUPPORTED_SUFFIXES


# --- DOCX ----------------------------------------------------------------------------------------


def _docx_with_structure(path: Path, title: str = "") -> Path:
    document = docx.Document()
    document.core_properties.title = title
    document.add_paragraph("第一章 总则", style="Heading 1")
    document.add_paragraph("　　第一条 为了规范管理，制定本办法。")
    document.add_paragraph("一、基本要求", style="Heading 2")
    table = document.add_table(rows=3, cols=3)
    for row, values in zip(
        table.rows, [("项目", "标准", "备注"), ("用餐", "四菜一汤", ""), ("住宿", "标准间", "单间")]
    ):
        for cell, value in zip(row.cells, values):
            cell.text = value
    merged = table.cell(2, 1).merge(table.cell(2, 2))
    merged.text = "标准间"
    document.add_paragraph("表格之后的段落。")
    document.save(str(path))
    return path


def test_docx_keeps_document_order_headings_and_tables(tmp_path: Path) -> None:
    doc = load(_docx_with_structure(tmp_path / "banfa.docx"))
    assert doc.file_type == "docx"
    assert [page.page for page in doc.pages] == [None]
    assert doc.pages[0].text == (
        "# 第一章 总则\n"
        "第一条 为了规范管理，制定本办法。\n"
        "## 一、基本要求\n"
        "项目 | 标准 | 备注\n"
        "用餐 | 四菜一汤 |\n"  # the empty third cell
        "住宿 | 标准间\n"  # the merged cell once, not twice
        "表格之后的段落。"
    )
    assert doc.title == "banfa"  # first line is a chapter heading, not a title


def test_docx_title_from_core_properties(tmp_path: Path) -> None:
    assert load(_docx_with_structure(tmp_path / "a.docx", title="公务接待管理办法")).title == "公务接待管理办法"


def test_docx_title_from_title_style_or_first_short_paragraph(tmp_path: Path) -> None:
    styled = docx.Document()
    styled.add_paragraph("前言段落，说明背景。")
    styled.add_paragraph("关于加强管理的通知", style="Title")
    styled.save(str(tmp_path / "styled.docx"))
    plain = docx.Document()
    plain.add_paragraph("麻醉药品和精神药品管理条例")
    plain.add_paragraph("第一条 为加强管理，制定本条例。")
    plain.save(str(tmp_path / "plain.docx"))

    assert load(tmp_path / "styled.docx").title == "关于加强管理的通知"
    assert load(tmp_path / "plain.docx").title == "麻醉药品和精神药品管理条例"


def test_corrupt_docx(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    with pytest.raises(LoadError) as caught:
        load(path)
    assert caught.value.reason == "DOCX 文件损坏，无法打开"


def test_docx_without_text(tmp_path: Path) -> None:
    docx.Document().save(str(tmp_path / "blank.docx"))
    with pytest.raises(LoadError) as caught:
        load(tmp_path / "blank.docx")
    assert caught.value.reason == "没有可提取的文字"


# --- text and markdown ---------------------------------------------------------------------------

REPORT = (
    "关于政协党建工作的调研报告\n\n"
    "(一)发挥党组领导作用,坚持党的全面领导\n\n"
    "全市政协系统把坚持党的全面领导作为根本政治原则。\n"
)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8", "utf-16"])
def test_txt_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(REPORT.encode(encoding))
    doc = load(path)
    assert doc.title == "关于政协党建工作的调研报告"
    assert doc.pages[0].text == (
        "关于政协党建工作的调研报告\n\n（一）发挥党组领导作用，坚持党的全面领导\n\n全市政协系统把坚持党的全面领导作为根本政治原则。"
    )
    assert doc.pages[0].page is None


def test_txt_gb18030_only_characters(tmp_path: Path) -> None:
    text = "生僻字㐀与欧元符号€都能读出。"
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    path = tmp_path / "rare.txt"
    path.write_bytes(text.encode("gb18030"))
    assert load(path).pages[0].text == text


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 8, b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(2000), b"\x81\x20\xff\xfe\x80" * 50],
    ids=["all-bytes", "png", "invalid-gb18030"],
)
def test_binary_txt_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "binary.txt"
    path.write_bytes(data)
    with pytest.raises(LoadError) as caught:
        load(path)
    assert caught.value.reason.startswith(("不是文本文件", "无法识别文本编码"))


def test_txt_title_falls_back_to_stem(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text("这是一段很长的正文，没有标题，直接开始说明情况。\n第二段。", encoding="utf-8")
    assert load(path).title == "notice"


@pytest.mark.parametrize("first_line", ["政协委员学习培训办法（试行）", "关于开展“书香政协”读书月活动的通知"])
def test_a_title_ending_in_a_bracket_or_quote_is_the_title(tmp_path: Path, first_line: str) -> None:
    """It was taken for a sentence: the file was titled 《peixun》 and the line indexed as text (walkthrough)."""
    path = tmp_path / "peixun.txt"
    path.write_text(f"{first_line}\n\n第一条 委员每年参加一次集中培训。\n", encoding="utf-8")
    assert load(path).title == first_line


def test_hard_wrapped_txt_is_rejoined(tmp_path: Path) -> None:
    lines = [
        "　　中国是世界上历史最悠久的国家之一。中国各族人民共同创造了",
        "光辉灿烂的文化，具有光荣的革命传统。一八四〇年以后，封建的中",
        "国逐渐变成半殖民地、半封建的国家。中国人民为国家独立、民族解",
        "放和民主自由进行了前仆后继的英勇奋斗。",
        "　　二十世纪，中国发生了翻天覆地的伟大历史变革。一九一一年孙中",
        "山先生领导的辛亥革命，废除了封建帝制，创立了中华民国。",
    ]
    path = tmp_path / "wrapped.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert load(path).pages[0].text == (
        "中国是世界上历史最悠久的国家之一。中国各族人民共同创造了光辉灿烂的文化，具有光荣的革命传统。"
        "一八四〇年以后，封建的中国逐渐变成半殖民地、半封建的国家。中国人民为国家独立、民族解放和民主自由进行了前仆后继的英勇奋斗。\n"
        "二十世纪，中国发生了翻天覆地的伟大历史变革。一九一一年孙中山先生领导的辛亥革命，废除了封建帝制，创立了中华民国。"
    )


def test_txt_with_one_paragraph_per_line_keeps_lines(tmp_path: Path) -> None:
    text = (
        "一、经验做法\n"
        "（一）发挥党组领导作用\n"
        "全市政协系统把坚持和加强党的全面领导作为根本政治原则。\n"
        "（二）强化思想理论武装\n"
        "全市政协系统积极开展读书活动。"
    )
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    assert load(path).pages[0].text == text


def test_markdown_drops_comments_and_keeps_headings(tmp_path: Path) -> None:
    path = tmp_path / "xianfa.md"
    path.write_text(
        "# 中华人民共和国宪法\n\n## 序言\n\n第一段。\n\n<!-- FORCE BREAK -->\n\n"
        "第二段。\n\n## 第一章 总纲\n\n第一条 内容。\n",
        encoding="utf-8",
    )
    doc = load(path)
    assert doc.file_type == "md"
    assert doc.title == "中华人民共和国宪法"
    assert (
        doc.pages[0].text
        == "# 中华人民共和国宪法\n\n## 序言\n\n第一段。\n\n第二段。\n\n## 第一章 总纲\n\n第一条 内容。"
    )


# --- HTML ----------------------------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head><meta charset="gbk"><title>公务接待管理规定_中国政府网</title>
<style>.x { color: red }</style><script>var tracking = "脚本内容";</script></head>
<body>
<header><a href="/">网站首页</a></header>
<nav><ul><li>导航栏目</li></ul></nav>
<main>
  <h1>公务接待管理规定</h1>
  <h2>第一章 总则</h2>
  <p>第一条 为了规范公务接待，
  制定本规定。</p>
  <div>第二条 本规定适用于各级机关。<br>第三条 接待应当简化礼仪。</div>
  <ul><li>项目一</li><li>项目二</li></ul>
  <table><tr><th>项目</th><th>标准</th></tr><tr><td>工作餐</td><td>四菜一汤</td></tr></table>
</main>
<aside>相关链接</aside>
<footer>版权所有 网站标识码</footer>
<noscript>请启用脚本</noscript>
</body></html>
"""


def test_html_keeps_content_and_drops_furniture(tmp_path: Path) -> None:
    path = tmp_path / "jiedai.html"
    path.write_bytes(HTML.encode("gbk"))
    doc = load(path)
    assert doc.file_type == "html"
    assert doc.title == "公务接待管理规定"  # the <h1> inside the site-suffixed <title>
    assert doc.pages[0].text == (
        "# 公务接待管理规定\n\n"
        "## 第一章 总则\n\n"
        "第一条 为了规范公务接待，制定本规定。\n"
        "第二条 本规定适用于各级机关。\n"
        "第三条 接待应当简化礼仪。\n"
        "项目一\n"
        "项目二\n"
        "项目 | 标准\n"
        "工作餐 | 四菜一汤"
    )
    for furniture in ("脚本内容", "导航栏目", "网站首页", "版权所有", "相关链接", "请启用脚本", "color"):
        assert furniture not in doc.pages[0].text


def test_html_title_from_title_tag(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_text("<html><head><title>通知公告</title></head><body><p>正文内容。</p></body></html>", encoding="utf-8")
    doc = load(path)
    assert doc.title == "通知公告"
    assert doc.pages[0].text == "正文内容。"


# --- the real files in ../shared -----------------------------------------------------------------


@pytest.mark.shared
@needs_shared
def test_real_xianfa_pdf() -> None:
    doc = load(SHARED / "corpus" / "files" / "xianfa.pdf")
    assert doc.title == "中华人民共和国宪法"
    assert [page.page for page in doc.pages] == list(range(1, 32))
    text = "\n".join(page.text for page in doc.pages)
    assert "第一条 中华人民共和国是工人阶级领导的、以工农联盟为基础的人民民主专政的社会主义国家。" in text
    assert "中华人民共和国是工人阶级领导的" in text
    lines = text.split("\n")
    assert not [line for line in lines if re.fullmatch(r"[\s\d\-—–第页共/]*", line) and line]
    assert "目录" not in lines  # the table of contents is dropped
    assert "第一章 总纲" in lines
    assert sum(1 for line in lines if line.startswith("第") and "条 " in line[:9]) >= 140
    assert 17_000 < len(text) < 19_000


@pytest.mark.shared
@needs_shared
@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("ershida-baogao.docx", "ershida-baogao"),
        ("mazui-yaopin-jingshen-yaopin-guanli-tiaoli.docx", "麻醉药品和精神药品管理条例"),
    ],
)
def test_real_docx(name: str, title: str) -> None:
    doc = load(SHARED / "corpus" / "files" / name)
    assert doc.title == title
    assert len(doc.pages[0].text) > 10_000
    assert not any(line != line.strip() for line in doc.pages[0].text.split("\n"))


@pytest.mark.shared
@needs_shared
def test_real_markdown_and_txt_load() -> None:
    paths = sorted((SHARED / "corpus").glob("*.md")) + sorted((SHARED / "corpus").glob("*.txt"))
    docs = [load(path) for path in paths]
    assert len(docs) >= 30
    assert all(doc.title and doc.pages[0].text for doc in docs)
    assert all("FORCE BREAK" not in doc.pages[0].text for doc in docs)


# --- hostile and unusual input (issues 7 and 12) -------------------------------------------------


def _load_bytes(name: str, data: bytes, limits: LoadLimits | None = None):
    from ingest.loaders import load as load_bytes

    return load_bytes(name, data, limits)


def test_aes_pdf_that_opens_without_password_loads(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(write_pdf(tmp_path / "a.pdf", PDF_PAGES)))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    with (tmp_path / "aes.pdf").open("wb") as out:
        writer.write(out)
    doc = load(tmp_path / "aes.pdf")
    assert [page.page for page in doc.pages] == [1, 2, 3]
    assert doc.pages[1].text.startswith("第三条 政协委员应当坚持党的领导")


def test_aes_pdf_with_password_is_refused(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(write_pdf(tmp_path / "a.pdf", PDF_PAGES)))
    writer.encrypt(user_password="secret", algorithm="AES-256")
    with (tmp_path / "locked.pdf").open("wb") as out:
        writer.write(out)
    with pytest.raises(LoadError) as caught:
        load(tmp_path / "locked.pdf")
    assert caught.value.reason == "PDF 已加密，需要密码才能打开"


def test_damaged_pdf_gets_the_damage_reason_and_one_log_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = bytearray(write_pdf(tmp_path / "a.pdf", PDF_PAGES).read_bytes())
    # Break every page's content stream: the page tree still parses, no page yields text.
    for match in re.finditer(rb"stream\r?\n", bytes(data)):
        for offset in range(match.end(), min(match.end() + 40, len(data))):
            data[offset] ^= 0x55
    caplog.set_level(logging.DEBUG)
    with pytest.raises(LoadError) as caught:
        _load_bytes("damaged.pdf", bytes(data))
    assert re.fullmatch(r"PDF 文件损坏，无法提取文字（解析时发现 \d+ 处错误）", caught.value.reason)
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]  # summarised, not repeated
    summaries = [r for r in caplog.records if r.name == "ingest.loaders.pdf_log"]
    assert len(summaries) == 1 and "damaged.pdf: pypdf reported" in summaries[0].getMessage()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第一条 为了规范管理，制定本办法。", True),
        ("", False),
        ("- 3 -", False),  # a page number alone
        ("\ufffd" * 40 + "第一条规定", False),  # replacement characters: a font without a Unicode map
        ("".join(chr(0xE000 + i) for i in range(30)) + "政协委员会议", False),  # private-use junk
    ],
    ids=["text", "empty", "page-number", "replacement", "private-use"],
)
def test_usable_text_layer(text: str, expected: bool) -> None:
    from ingest.loaders.pdf import has_usable_text

    assert has_usable_text(text) is expected


def test_whitespace_only_and_oversized_files() -> None:
    with pytest.raises(LoadError) as caught:
        _load_bytes("blank.txt", b" \n\t\r\n ")
    assert caught.value.reason == "文件为空"
    with pytest.raises(LoadError) as caught:
        _load_bytes("big.txt", b"a" * 2048, LoadLimits(max_file_bytes=1024))
    assert caught.value.reason == "文件过大（0.0 MB），单个文件上限 0.0 MB"


def test_oversized_file_on_disk_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as out:
        out.truncate(3 * 1024 * 1024)  # sparse: size without content
    with pytest.raises(LoadError) as caught:
        load(path, LoadLimits(max_file_bytes=2 * 1024 * 1024))
    assert caught.value.reason == "文件过大（3 MB），单个文件上限 2 MB"


def test_too_many_characters_names_the_cap() -> None:
    text = ("政协委员应当积极参加政协组织的各项活动。" * 600).encode()
    with pytest.raises(LoadError) as caught:
        _load_bytes("long.txt", text, LoadLimits(max_document_chars=10_000))
    assert caught.value.reason == "文字太多：超过单个文档 1 万字 的上限，请拆分后再导入"
    # Far over the cap: refused from the byte length, before decoding.
    with pytest.raises(LoadError):
        _load_bytes("long.md", text * 10, LoadLimits(max_document_chars=10_000))


def test_big5_text_is_detected(tmp_path: Path) -> None:
    text = "中國人民政治協商會議全國委員會每屆任期五年。\n委員應當積極參加政協組織的各項活動。"
    doc = _load_bytes("big5.txt", text.encode("big5"))
    assert doc.pages[0].text == text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_bomless_utf16_is_detected(codec: str) -> None:
    doc = _load_bytes("u16.txt", REPORT.encode(codec))
    assert doc.title == "关于政协党建工作的调研报告"
    assert doc.pages[0].text.endswith("全市政协系统把坚持党的全面领导作为根本政治原则。")


def test_bomless_utf16_with_latin_text_is_detected() -> None:
    doc = _load_bytes("u16.txt", "Annual report 2024\nAll members attended.".encode("utf-16-le"))
    assert doc.pages[0].text == "Annual report 2024\nAll members attended."


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\a\\通知.pdf", "通知.pdf"),
        ("bad\x00\x1b[31mname\n.txt", "bad[31mname.txt"),
        ("dir/", "dir"),
        ("\udcb8\udcfa.txt", ".txt"),  # surrogate escapes from undecodable bytes never reach callers
        ("/", "未命名"),
    ],
)
def test_display_name_is_never_a_path(name: str, shown: str) -> None:
    from ingest.loaders import display_name

    assert display_name(name) == shown


def test_display_name_of_a_long_name_keeps_its_suffix() -> None:
    from ingest.loaders import display_name

    shown = display_name("关" * 200 + ".docx")
    assert len(shown) == 120 and shown.endswith("…" + ".docx")


# --- DOCX bombs and caps -------------------------------------------------------------------------


def _docx_with_body(path: Path, body_xml: bytes) -> bytes:
    """A real python-docx document whose word/document.xml is replaced by `body_xml`."""
    docx.Document().save(str(path))
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["word/document.xml"] = body_xml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _body(paragraphs: list[str], padding: int = 0) -> bytes:
    runs = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>{runs}'
        f'<w:p><w:r><w:t xml:space="preserve">{" " * padding}</w:t></w:r></w:p></w:body></w:document>'
    ).encode()


def test_docx_with_replaced_body_loads(tmp_path: Path) -> None:
    data = _docx_with_body(tmp_path / "a.docx", _body(["关于加强管理的通知", "第一条 为加强管理，制定本办法。"]))
    doc = _load_bytes("a.docx", data)
    assert doc.title == "关于加强管理的通知"
    assert doc.pages[0].text == "关于加强管理的通知\n第一条 为加强管理，制定本办法。"


def test_docx_bomb_is_refused_from_the_zip_directory(tmp_path: Path) -> None:
    data = _docx_with_body(tmp_path / "a.docx", _body(["通知"], padding=8 * 1024 * 1024))  # 8 MB of spaces
    with pytest.raises(LoadError) as caught:
        _load_bytes("bomb.docx", data)
    assert re.fullmatch(
        r"DOCX 文件不安全或过大：word/document\.xml：压缩比异常（\d+ 倍，上限 100 倍），疑似压缩炸弹",
        caught.value.reason,
    )


def test_docx_over_unpacked_and_xml_caps(tmp_path: Path) -> None:
    data = _docx_with_body(tmp_path / "a.docx", _body(["政协委员应当积极参加政协组织的各项活动。"] * 2000))
    with pytest.raises(LoadError) as caught:
        _load_bytes("a.docx", data, LoadLimits(max_unpacked_bytes=50_000))
    assert caught.value.reason.startswith("DOCX 文件不安全或过大：解压后共 ")
    with pytest.raises(LoadError) as caught:
        _load_bytes("a.docx", data, LoadLimits(max_docx_xml_bytes=50_000))
    assert caught.value.reason.startswith("DOCX 文件不安全或过大：word/document.xml：正文 XML 解压后 ")


def test_docx_over_character_cap_is_refused_while_streaming(tmp_path: Path) -> None:
    data = _docx_with_body(tmp_path / "a.docx", _body(["政协委员应当积极参加政协组织的各项活动。"] * 2000))
    with pytest.raises(LoadError) as caught:
        _load_bytes("a.docx", data, LoadLimits(max_document_chars=10_000))
    assert caught.value.reason == "文字太多：超过单个文档 1 万字 的上限，请拆分后再导入"


def test_docx_that_is_not_a_zip_and_text_renamed_docx(tmp_path: Path) -> None:
    for data in (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "这是一个文本文件。".encode()):
        with pytest.raises(LoadError) as caught:
            _load_bytes("old-word.docx", data)
        assert caught.value.reason == "DOCX 文件损坏，无法打开"


def test_html_over_cap_is_refused_before_parsing() -> None:
    page = b"<html><body>" + b"<p>\xe6\x94\xbf\xe5\x8d\x8f</p>" * 10_000 + b"</body></html>"
    with pytest.raises(LoadError) as caught:
        _load_bytes("page.html", page, LoadLimits(max_html_bytes=100_000))
    assert caught.value.reason == "网页文件过大（0.1 MB），HTML 上限 0.1 MB"

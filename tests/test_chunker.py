from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from ingest.chunker import chunk_document, chunk_id
from retrieval.text import split_sentences
from retrieval.types import Chunk, LoadedDocument, PageText

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not in this checkout")

LAW = """# 某某条例

2022年1月1日 某某会议通过

## 第一章 总则

第一条 为了规范某某工作，制定本条例。

第二条 某某工作应当遵循下列原则：

（一）坚持党的领导；

（二）坚持依法办事。

第三条 本条例适用于全市。

## 第二章 管理

### 第一节 一般规定

第四条 管理部门应当建立健全工作制度，明确工作职责，加强工作人员的业务培训。\
管理部门应当定期检查工作制度的落实情况，发现问题及时纠正。\
检查结果应当向社会公开，接受群众监督。

有关单位和个人应当予以配合。

第五条 本条例自公布之日起施行。
"""

REPORT = """# 某某工作报告

一、总体情况

今年以来，全市工作稳步推进。各项指标好于预期。群众满意度持续提升。重点项目全部开工。

（一）经济运行

全年生产总值增长5.2%。固定资产投资增长3.5%。社会消费品零售总额增长6.1%。

进出口总额1.2万亿元。新增就业岗位十二万个。城镇调查失业率保持在合理区间。居民人均可支配收入稳步增长。

（二）改革开放。深化重点领域改革，激发市场活力。扩大高水平对外开放。

1.优化营商环境。推行一网通办。

二、存在问题

部分领域风险隐患仍然较多。
"""


def _doc(text: str, title: str, pages: tuple[int | None, ...] = (None,)) -> LoadedDocument:
    page_texts = (PageText(text, pages[0]),) if len(pages) == 1 else ()
    return LoadedDocument("test.md", title, page_texts, "md")


def _pairs(chunks: list[Chunk]) -> list[tuple[tuple[str, ...], str]]:
    return [(chunk.heading, chunk.text) for chunk in chunks]


def test_law_articles_stay_whole_and_a_long_article_splits_at_sentence_ends() -> None:
    chunks = chunk_document(_doc(LAW, "某某条例"), "doc-law", chunk_size=80)
    assert _pairs(chunks) == [
        ((), "2022年1月1日 某某会议通过"),
        (("第一章 总则", "第一条"), "第一条 为了规范某某工作，制定本条例。"),
        (("第一章 总则", "第二条"), "第二条 某某工作应当遵循下列原则：\n（一）坚持党的领导；\n（二）坚持依法办事。"),
        (("第一章 总则", "第三条"), "第三条 本条例适用于全市。"),
        (
            ("第二章 管理", "第一节 一般规定", "第四条"),
            "第四条 管理部门应当建立健全工作制度，明确工作职责，加强工作人员的业务培训。"
            "管理部门应当定期检查工作制度的落实情况，发现问题及时纠正。",
        ),
        (
            ("第二章 管理", "第一节 一般规定", "第四条"),
            "检查结果应当向社会公开，接受群众监督。\n有关单位和个人应当予以配合。",
        ),
        (("第二章 管理", "第一节 一般规定", "第五条"), "第五条 本条例自公布之日起施行。"),
    ]
    assert [chunk.position for chunk in chunks] == list(range(7))
    assert all(chunk.title == "某某条例" and chunk.doc_id == "doc-law" for chunk in chunks)
    assert all(chunk.page_start is None and chunk.page_end is None for chunk in chunks)


def test_report_sections_pack_sentences_with_one_sentence_overlap() -> None:
    chunks = chunk_document(_doc(REPORT, "某某工作报告"), "doc-report", chunk_size=80)
    economy = ("一、总体情况", "（一）经济运行")
    assert _pairs(chunks) == [
        (("一、总体情况",), "今年以来，全市工作稳步推进。各项指标好于预期。群众满意度持续提升。重点项目全部开工。"),
        (
            economy,
            "全年生产总值增长5.2%。固定资产投资增长3.5%。社会消费品零售总额增长6.1%。\n"
            "进出口总额1.2万亿元。新增就业岗位十二万个。",
        ),
        (economy, "新增就业岗位十二万个。城镇调查失业率保持在合理区间。居民人均可支配收入稳步增长。"),
        (("一、总体情况", "（二）改革开放"), "（二）改革开放。深化重点领域改革，激发市场活力。扩大高水平对外开放。"),
        (("一、总体情况", "（二）改革开放", "1.优化营商环境"), "1.优化营商环境。推行一网通办。"),
        (("二、存在问题",), "部分领域风险隐患仍然较多。"),
    ]


def test_overlap_is_exactly_one_sentence_and_chunks_never_cross_headings() -> None:
    sentences = "".join(f"第{n}句话说明某项工作的进展情况。" for n in range(1, 13))
    text = f"一、总体情况\n{sentences}\n二、下一步\n最后一句。"
    chunks = chunk_document(_doc(text, "报告"), "doc", chunk_size=80)
    section = [chunk for chunk in chunks if chunk.heading == ("一、总体情况",)]
    assert len(section) > 2
    for before, after in itertools.pairwise(section):
        assert split_sentences(before.text)[-1] == split_sentences(after.text)[0]
        assert split_sentences(before.text)[-2] != split_sentences(after.text)[0]
    assert chunks[-1].heading == ("二、下一步",) and chunks[-1].text == "最后一句。"
    assert all(len(chunk.text) <= 80 for chunk in chunks)


def test_sentence_longer_than_chunk_size_splits_at_commas_then_hard() -> None:
    clauses = ["甲" * 30 + "，", "乙" * 30 + "、", "丙" * 30 + "。"]
    chunks = chunk_document(_doc("".join(clauses), "文"), "doc", chunk_size=80)
    assert [chunk.text for chunk in chunks] == [clauses[0] + clauses[1], clauses[2]]
    chunks = chunk_document(_doc("丁" * 200, "文"), "doc", chunk_size=80)
    assert [chunk.text for chunk in chunks] == ["丁" * 80, "丁" * 80, "丁" * 40]


def test_pages_of_prose_and_of_an_article_spanning_pages() -> None:
    pages = (
        PageText("第一章 总则\n第一页的一段话。\n第二条 本条跨页：\n（一）第一项；", 1),
        PageText("（二）第二项。\n二、本行在条内，不是标题。\n第二章 附则\n第二页的一段话。", 2),
    )
    doc = LoadedDocument("a.pdf", "条例", pages, "pdf")
    chunks = chunk_document(doc, "doc", chunk_size=400)
    assert [(c.heading, c.page_start, c.page_end, c.page_label) for c in chunks] == [
        (("第一章 总则",), 1, 1, "第1页"),
        (("第一章 总则", "第二条"), 1, 2, "第1-2页"),
        (("第二章 附则",), 2, 2, "第2页"),
    ]
    assert chunks[1].text == "第二条 本条跨页：\n（一）第一项；\n（二）第二项。\n二、本行在条内，不是标题。"


def test_pieces_of_a_long_article_get_the_pages_of_their_own_text() -> None:
    first = "第九条 " + "甲" * 50 + "。"
    pages = (PageText(first + "\n" + "乙" * 50 + "。", 3), PageText("丙" * 50 + "。", 4))
    chunks = chunk_document(LoadedDocument("a.pdf", "条例", pages, "pdf"), "doc", chunk_size=80)
    assert [(c.text, c.page_start, c.page_end) for c in chunks] == [
        (first, 3, 3),
        ("乙" * 50 + "。", 3, 3),
        ("丙" * 50 + "。", 4, 4),
    ]
    assert all(c.heading == ("第九条",) for c in chunks)


def test_prose_chunk_spanning_pages() -> None:
    pages = (PageText("一、情况\n第一页的一段话。", 1), PageText("第二页的一段话。", 2))
    chunks = chunk_document(LoadedDocument("a.pdf", "报告", pages, "pdf"), "doc")
    assert [(c.text, c.page_start, c.page_end) for c in chunks] == [("第一页的一段话。\n第二页的一段话。", 1, 2)]


def test_ids_are_content_hashes() -> None:
    doc = _doc(LAW, "某某条例")
    first = chunk_document(doc, "doc-a", chunk_size=80)
    assert [c.id for c in first] == [c.id for c in chunk_document(doc, "doc-a", chunk_size=80)]
    assert all(re.fullmatch(r"[0-9a-f]{24}", c.id) for c in first)
    assert len({c.id for c in first}) == len(first)
    other_doc = chunk_document(doc, "doc-b", chunk_size=80)
    assert not {c.id for c in first} & {c.id for c in other_doc}
    assert chunk_id("d", 0, "文本") == chunk_id("d", 0, "文本")
    assert chunk_id("d", 0, "文本") != chunk_id("d", 1, "文本")
    assert chunk_id("d", 0, "文本") != chunk_id("d", 0, "文本。")
    assert chunk_id("d", 0, "文本") != chunk_id("e", 0, "文本")


@pytest.mark.parametrize("size", [79, 0, -400])
def test_chunk_size_below_minimum_is_rejected(size: int) -> None:
    with pytest.raises(ValueError, match="chunk_size must be an integer of at least 80"):
        chunk_document(_doc(LAW, "某某条例"), "doc", chunk_size=size)


def test_empty_doc_id_is_rejected() -> None:
    with pytest.raises(ValueError, match="doc_id"):
        chunk_document(_doc(LAW, "某某条例"), "", chunk_size=400)


def test_document_without_text_gives_no_chunks() -> None:
    assert chunk_document(LoadedDocument("e.txt", "空", (), "txt"), "doc") == []
    assert chunk_document(_doc(" \n \n", "空"), "doc") == []


# --- the shared corpus -------------------------------------------------------------------------


def _load_corpus_file(name: str) -> LoadedDocument:
    text = (SHARED / "corpus" / name).read_text(encoding="utf-8")
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    match = re.search(r"^# (.+)$", text, flags=re.MULTILINE)
    title = match.group(1).strip() if match else text.strip().splitlines()[0].strip()
    return LoadedDocument(name, title, (PageText(text),), name.rsplit(".", 1)[-1])


@needs_shared
def test_xinfang_regulation_articles() -> None:
    chunks = chunk_document(_load_corpus_file("xinfang-gongzuo-tiaoli-2022.md"), "xinfang")
    (fifth,) = [c for c in chunks if c.text.startswith("第五条")]
    assert fifth.heading == ("第一章 总则", "第五条")
    assert "（五）坚持源头治理化解矛盾" in fifth.text
    eleventh = [c for c in chunks if c.heading == ("第二章 信访工作体制", "第十一条")]
    assert "（六）指导地方各级信访工作联席会议工作；" in "".join(c.text for c in eleventh)
    articles = [c for c in chunks if c.heading and c.heading[-1].endswith("条")]
    assert len({c.heading[-1] for c in articles}) == 50
    # no chunk holds two articles
    assert all(len(re.findall(r"^第[一二三四五六七八九十百]+条 ", c.text, re.MULTILINE)) <= 1 for c in chunks)
    assert chunks[-1].heading == ("第六章 附则", "第五十条")


@needs_shared
def test_ershida_report_headings() -> None:
    chunks = chunk_document(_load_corpus_file("ershida-baogao.md"), "ershida")
    for chunk in chunks[:12]:
        print(chunk.heading_path, "|", chunk.text[:40])
    assert chunks[0].heading == ()
    assert "同志们" in chunks[0].text
    market = ("四、加快构建新发展格局，着力推动高质量发展", "（一）构建高水平社会主义市场经济体制")
    first_market = next(c for c in chunks if c.heading == market)
    assert first_market.text.startswith("（一）构建高水平社会主义市场经济体制。坚持和完善社会主义基本经济制度")
    assert {c.heading[0] for c in chunks if c.heading} >= {"一、过去五年的工作和新时代十年的伟大变革"}
    assert all(len(c.heading) <= 2 for c in chunks)
    assert all(len(c.text) <= 400 for c in chunks)


@needs_shared
def test_seed_report_with_half_width_punctuation() -> None:
    chunks = chunk_document(_load_corpus_file("zhengxie-dangjian-diaoyan-baogao.txt"), "seed")
    for chunk in chunks:
        print(chunk.heading_path, "|", chunk.text[:40])
    assert chunks[0].heading == ()
    assert chunks[0].text.startswith("为全面贯彻习近平新时代中国特色社会主义思想")
    assert chunks[1].heading == ("一、经验做法", "(一)发挥党组领导作用,坚持党对政协工作的全面领导")
    tops = {c.heading[0] for c in chunks[1:]}
    assert tops == {"一、经验做法", "二、存在问题", "三、工作建议"}
    assert len({c.heading for c in chunks[1:]}) == 13
    assert chunks[-1].heading == ("三、工作建议", "(四)多维发力凝聚共识,服务社会发展大局")


@needs_shared
def test_whole_shared_corpus_chunks_within_size() -> None:
    for path in sorted((SHARED / "corpus").glob("*.md")):
        if path.name == "SOURCES.md":
            continue
        chunks = chunk_document(_load_corpus_file(path.name), path.stem)
        assert chunks, path.name
        assert all(0 < len(c.text) <= 400 for c in chunks), path.name
        assert len({c.id for c in chunks}) == len(chunks), path.name


# --- OCR marks -----------------------------------------------------------------------------------


def test_chunks_from_ocr_pages_are_marked() -> None:
    doc = LoadedDocument(
        source="mixed.pdf",
        title="办法",
        pages=(
            PageText("一、总体要求\n政协委员应当积极参加政协组织的各项活动。", page=1),
            PageText("二、工作安排\n本办法自印发之日起施行。", page=2, ocr=True),
        ),
        file_type="pdf",
    )
    chunks = chunk_document(doc, "mixed")
    assert [(chunk.page_start, chunk.ocr) for chunk in chunks] == [(1, False), (2, True)]


def test_a_chunk_spanning_a_text_page_and_an_ocr_page_is_marked() -> None:
    doc = LoadedDocument(
        source="a.pdf",
        title="办法",
        pages=(PageText("第一条 委员应当履职尽责。", page=1), PageText("委员应当参加各项活动。", page=2, ocr=True)),
        file_type="pdf",
    )
    [chunk] = chunk_document(doc, "a")
    assert (chunk.page_start, chunk.page_end, chunk.ocr) == (1, 2, True)


def test_an_ocr_image_without_page_numbers_marks_every_chunk() -> None:
    doc = LoadedDocument("scan.png", "通知", (PageText("第一条 内容。\n第二条 内容。", ocr=True),), "image")
    assert [chunk.ocr for chunk in chunk_document(doc, "scan")] == [True, True]

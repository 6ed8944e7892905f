"""Unit tests of ingest.clean: exact strings in, exact strings out."""

from __future__ import annotations

import pytest

from ingest.clean import (
    clean_text,
    collapse_inner_spaces,
    collapse_spaced_headings,
    continues_on_next_page,
    display_width,
    drop_table_of_contents,
    has_paragraph_indents,
    is_page_number,
    is_structure_start,
    looks_hard_wrapped,
    normalize_width,
    rejoin_broken_lines,
    should_join,
    strip_page_furniture,
)

# --- normalize_width ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(一)发挥党组领导作用,坚持党对政协工作的全面领导", "（一）发挥党组领导作用，坚持党对政协工作的全面领导"),
        ("现将调研情况报告如下:", "现将调研情况报告如下："),
        ("为什么?因为!好;", "为什么？因为！好；"),
        ("作用 , 坚持", "作用，坚持"),
        ("精神药品目录(以下称目录)的药品", "精神药品目录（以下称目录）的药品"),
        ("(2005年8月3日公布 根据2013年修订)", "（2005年8月3日公布 根据2013年修订）"),
        ('深入贯彻落实"第一议题"制度', "深入贯彻落实“第一议题”制度"),
        ("党组\"关于落实'第一议题'制度\"的", "党组“关于落实‘第一议题’制度”的"),
        ("共3,其中", "共3，其中"),
        ("时间:10:30", "时间：10:30"),
        ("ＡＢＣ１２３　中文", "ABC123 中文"),
    ],
)
def test_normalize_width_chinese_context(text: str, expected: str) -> None:
    assert normalize_width(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Hello, world! (see note): fine; ok?",
        "增长3.5%，共1,000元",
        "见 http://www.gov.cn/a?b=1,c=2;d 好",
        "Copyright Law (《著作权法》第五条).",
        "Laws@2f4c5c2:宪法/宪法.md",
        "it's 中文 don't",
        '"plain English quote"',
    ],
)
def test_normalize_width_leaves_english_numbers_and_urls(text: str) -> None:
    assert normalize_width(text) == text


# --- clean_text ---------------------------------------------------------------------------------


def test_clean_text_normalises_lines_and_keeps_paragraph_breaks() -> None:
    raw = "\ufeff　　第一条\u3000为了\u200b保障,制定本法。  \r\n第二条 本法适用于全国。\r\n\r\n\r\n\r\n二、附则\t \n"
    assert clean_text(raw) == "第一条 为了保障，制定本法。\n第二条 本法适用于全国。\n\n二、附则"


def test_clean_text_keep_indent_keeps_leading_spaces() -> None:
    assert clean_text("　　第一条 内容。\n续行。  ", keep_indent=True) == "  第一条 内容。\n续行。"


def test_clean_text_applies_nfc() -> None:
    assert clean_text("Cafe\u0301") == "Café"


# --- rejoin_broken_lines ------------------------------------------------------------------------

WRAPPED = (
    "第一条 中华人民共和国是工人阶级领导的、以工农联盟为基础\n"
    "的人民民主专政的社会主义国家。\n"
    "社会主义制度是中华人民共和国的根本制度。中国共产党领导是\n"
    "中国特色社会主义最本质的特征。\n"
    "第二条 中华人民共和国的一切权力属于人民。"
)


def test_rejoin_joins_wrapped_sentences_and_keeps_articles() -> None:
    assert rejoin_broken_lines(WRAPPED) == (
        "第一条 中华人民共和国是工人阶级领导的、以工农联盟为基础的人民民主专政的社会主义国家。\n"
        "社会主义制度是中华人民共和国的根本制度。中国共产党领导是中国特色社会主义最本质的特征。\n"
        "第二条 中华人民共和国的一切权力属于人民。"
    )


def test_rejoin_keeps_short_lines_headings_and_list_items() -> None:
    text = (
        "第一章 总纲\n"
        "第八十六条 国务院由下列人员组成：\n"
        "总理，\n"
        "副总理若干人，\n"
        "（一）根据宪法和法律，规定行政措施，制定行政法规，发布决\n"
        "定和命令；\n"
        "# 标题\n"
        "正文"
    )
    assert rejoin_broken_lines(text, line_width=60) == (
        "第一章 总纲\n"
        "第八十六条 国务院由下列人员组成：\n"
        "总理，\n"
        "副总理若干人，\n"
        "（一）根据宪法和法律，规定行政措施，制定行政法规，发布决定和命令；\n"
        "# 标题\n"
        "正文"
    )


def test_rejoin_does_not_glue_a_new_numbered_item() -> None:
    text = "一、经验做法这一部分写得很长很长很长很长很长很长很长很长\n1. 第一项\n（1）小项"
    assert rejoin_broken_lines(text, line_width=40) == text


def test_rejoin_keeps_a_space_between_latin_words() -> None:
    text = "The State Council shall report its work to the\nNational People's Congress."
    assert rejoin_broken_lines(text, line_width=46) == (
        "The State Council shall report its work to the National People's Congress."
    )


def test_rejoin_uses_indents_when_paragraphs_are_indented() -> None:
    # Layout extraction: a paragraph's first line is indented, its continuation lines are not.
    text = (
        "  一八四〇年以后，封建的中国逐渐变成半殖民地、半封建的国家。\n"
        "中国人民为国家独立、民族解放和民主自由进行了前仆后继的英勇奋\n"
        "斗。\n"
        "  二十世纪，中国发生了翻天覆地的伟大历史变革。二十世纪，中国\n"
        "  总理，"
    )
    assert has_paragraph_indents(text)
    assert rejoin_broken_lines(text) == (
        "  一八四〇年以后，封建的中国逐渐变成半殖民地、半封建的国家。"
        "中国人民为国家独立、民族解放和民主自由进行了前仆后继的英勇奋斗。\n"
        "  二十世纪，中国发生了翻天覆地的伟大历史变革。二十世纪，中国\n"
        "  总理，"
    )


def test_should_join_checks_the_physical_line() -> None:
    assert should_join("这是一个很长的被打断的句", "子的后半部分。", line_width=24)
    assert not should_join("短行", "下一行", line_width=24)
    assert not should_join("这是一个很长的完整的句子。", "下一句。", line_width=24)
    assert not should_join("这是一个很长的被打断的句", "第二条 另起一条。", line_width=24)


def test_display_width_counts_chinese_double() -> None:
    assert display_width("中文ab1") == 7


@pytest.mark.parametrize(
    "line",
    [
        "第一章 总纲",
        "第十二条 内容",
        "第 3 编",
        "一、经验做法",
        "（一）发挥",
        "(二)深入",
        "1. 项",
        "2、项",
        "（3）项",
        "# 标题",
        "- 项",
        "——我们",
    ],
)
def test_structure_starts(line: str) -> None:
    assert is_structure_start(line)


@pytest.mark.parametrize("line", ["3.5%的增长", "第一议题制度", "一八四〇年以后", "中国人民"])
def test_not_structure_starts(line: str) -> None:
    assert not is_structure_start(line)


def test_looks_hard_wrapped() -> None:
    paragraph = "这是一段被硬换行的文字，每一行的长度都差不多而且不在句末结束这里还"
    wrapped = "\n".join([paragraph] * 6 + ["结束。"])
    one_per_line = "\n".join(
        ["标题", "第一段话写完了。", "第二段话也写完了，并且更长一些。", "二、小标题", "最后一段。"]
    )
    assert looks_hard_wrapped(wrapped)
    assert not looks_hard_wrapped(one_per_line)


def test_continues_on_next_page() -> None:
    assert continues_on_next_page("……是中国共产", "党领导中国各族人民")
    assert not continues_on_next_page("……职责。", "第一章 总纲")
    assert not continues_on_next_page("……是中国共产", "第二条 内容")


# --- page furniture -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line", ["- 3 -", "— 12 —", "－3－", "第 3 页", "第3页 共31页", "第三页", "3/31", "Page 3 of 31"]
)
def test_page_number_lines(line: str) -> None:
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["第三条 内容", "2024年", "- 项目", "3.5"])
def test_not_page_number_lines(line: str) -> None:
    assert not is_page_number(line)


def test_strip_page_furniture_drops_numbers_headers_and_footers() -> None:
    bodies = [
        "国家实行社会主义市场经济。\n国家加强经济立法。",
        "公民有劳动的权利。\n公民有休息的权利。",
        "国务院由下列人员组成：\n总理，",
    ]
    pages = [
        f"某某市人民政府公报 2024年第{n}期\n{body}\n内部资料 注意保存\n- {n} -" for n, body in enumerate(bodies, 1)
    ]
    assert strip_page_furniture(pages) == bodies


def test_strip_page_furniture_bare_numbers_only_at_edges() -> None:
    pages = ["1\n第一页正文。\n2023\n结尾。\n7", "第二页正文。"]
    assert strip_page_furniture(pages) == ["第一页正文。\n2023\n结尾。", "第二页正文。"]


def test_strip_page_furniture_needs_three_pages_for_headers() -> None:
    pages = ["页眉\n正文一。", "页眉\n正文二。"]
    assert strip_page_furniture(pages) == pages


# --- layout leftovers ---------------------------------------------------------------------------


def test_collapse_spaced_headings() -> None:
    text = "序 言\n第一章 总 纲\n目 录\n第一条 我 是一个句子，不是标题 但它很短"
    assert collapse_spaced_headings(text) == "序言\n第一章 总纲\n目录\n第一条 我 是一个句子，不是标题 但它很短"


def test_collapse_inner_spaces_keeps_indent() -> None:
    assert collapse_inner_spaces("  第一章  总 纲   x") == "  第一章 总 纲 x"


def test_drop_table_of_contents() -> None:
    text = "宪法\n修正）\n目 录\n序 言\n第一章 总 纲\n第二章 公民的基本权利和义务 ........ 5"
    assert drop_table_of_contents(text) == "宪法\n修正）"


def test_drop_table_of_contents_stops_at_the_repeated_first_entry() -> None:
    text = "目录\n第一章 总则\n第二章 附则\n第一章 总则\n第一条 为了规范管理，制定本办法。"
    assert drop_table_of_contents(text) == "第一章 总则\n第一条 为了规范管理，制定本办法。"


def test_drop_table_of_contents_without_toc() -> None:
    assert drop_table_of_contents("第一章 总则\n内容。") == "第一章 总则\n内容。"

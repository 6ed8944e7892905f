from __future__ import annotations

import pytest

from ingest.structure import Block, parse_blocks, tidy_heading
from retrieval.types import PageText


def _parse(text: str, title: str = "某某条例") -> list[tuple[tuple[str, ...], str]]:
    return [(block.heading, block.text) for block in parse_blocks([PageText(text)], title)]


def test_articles_keep_their_items_and_end_at_a_higher_heading() -> None:
    text = """# 某某条例

2022年1月1日 某某会议通过

## 第一章　总 则

第一条 为了规范某某工作，制定本条例。

第二条 某某工作应当遵循下列原则：

（一）坚持党的领导；

（二）坚持依法办事。

一、本项也是第二条的内容。

1. 这一项同样属于第二条。

## 第二章 管理

### 第一节 一般规定

第三条 管理部门负责本条例的实施。

### 第二节 监督

第四条 监督部门负责监督。
"""
    assert _parse(text) == [
        ((), "2022年1月1日 某某会议通过"),
        (("第一章 总则", "第一条"), "第一条 为了规范某某工作，制定本条例。"),
        (
            ("第一章 总则", "第二条"),
            "第二条 某某工作应当遵循下列原则：\n（一）坚持党的领导；\n（二）坚持依法办事。\n"
            "一、本项也是第二条的内容。\n1. 这一项同样属于第二条。",
        ),
        (("第二章 管理", "第一节 一般规定", "第三条"), "第三条 管理部门负责本条例的实施。"),
        (("第二章 管理", "第二节 监督", "第四条"), "第四条 监督部门负责监督。"),
    ]


def test_bian_zhang_jie_nest_and_a_new_heading_pops_same_or_deeper_levels() -> None:
    text = """第一编 总则
第一章 一般规定
第一节 原则
第一条 甲。
第二节 范围
第二条 乙。
第二章 附则
第三条 丙。
第二编 分则
第四条 丁。"""
    assert _parse(text) == [
        (("第一编 总则", "第一章 一般规定", "第一节 原则", "第一条"), "第一条 甲。"),
        (("第一编 总则", "第一章 一般规定", "第二节 范围", "第二条"), "第二条 乙。"),
        (("第一编 总则", "第二章 附则", "第三条"), "第三条 丙。"),
        (("第二编 分则", "第四条"), "第四条 丁。"),
    ]


def test_preamble_is_an_ordinary_heading_and_the_title_heading_is_left_out() -> None:
    text = (
        "# 中华人民共和国宪法\n\n## 序言\n\n中国是世界上历史最悠久的国家之一。\n\n"
        "## 第一章 总纲\n\n第一条 中华人民共和国是社会主义国家。"
    )
    assert _parse(text, title="中华人民共和国宪法") == [
        (("序言",), "中国是世界上历史最悠久的国家之一。"),
        (("第一章 总纲", "第一条"), "第一条 中华人民共和国是社会主义国家。"),
    ]


def test_markdown_preamble_is_popped_by_enumerated_headings_at_its_level() -> None:
    text = """# 决议
## 序言
序言正文。
## 一、第一部分
正文一。
### （一）在某方面上
正文二。
## 二、第二部分
正文三。"""
    assert _parse(text, title="决议") == [
        (("序言",), "序言正文。"),
        (("一、第一部分",), "正文一。"),
        (("一、第一部分", "（一）在某方面上"), "正文二。"),
        (("二、第二部分",), "正文三。"),
    ]


def test_report_headings_short_lines_and_long_paragraph_starts() -> None:
    text = """关于某某工作的报告

一、总体情况

今年以来，全市工作稳步推进。

（一）经济运行

全年生产总值增长5.2%。

3.5%的增长来自消费。

（二）改革开放。深化重点领域改革，激发市场活力。

1.优化营商环境。推行一网通办。

（1）简化审批

压缩审批时限。

(2)强化服务

（一）风险防控压力较大；

二、存在问题

部分领域风险隐患仍然较多。
"""
    assert _parse(text, title="关于某某工作的报告") == [
        (("一、总体情况",), "今年以来，全市工作稳步推进。"),
        (("一、总体情况", "（一）经济运行"), "全年生产总值增长5.2%。"),
        (("一、总体情况", "（一）经济运行"), "3.5%的增长来自消费。"),
        (("一、总体情况", "（二）改革开放"), "（二）改革开放。深化重点领域改革，激发市场活力。"),
        (("一、总体情况", "（二）改革开放", "1.优化营商环境"), "1.优化营商环境。推行一网通办。"),
        (("一、总体情况", "（二）改革开放", "1.优化营商环境", "（1）简化审批"), "压缩审批时限。"),
        # "(2)强化服务" has no body; the list item ending in ； is text, not a heading.
        (("一、总体情况", "（二）改革开放", "1.优化营商环境", "(2)强化服务"), "（一）风险防控压力较大；"),
        (("二、存在问题",), "部分领域风险隐患仍然较多。"),
    ]


def test_a_numbered_point_broken_off_mid_phrase_is_joined_to_its_next_line() -> None:
    text = """## 十五、坚定不移全面从严治党

（二）坚持不懈用

新时代中国特色社会主义思想凝心铸魂。用党的创新理论武装全党。

（三）完善党的自我革命制度规范体系

坚持制度治党、依规治党。
"""
    assert _parse(text, title="报告") == [
        (
            ("十五、坚定不移全面从严治党", "（二）坚持不懈用新时代中国特色社会主义思想凝心铸魂"),
            "（二）坚持不懈用新时代中国特色社会主义思想凝心铸魂。用党的创新理论武装全党。",
        ),
        (("十五、坚定不移全面从严治党", "（三）完善党的自我革命制度规范体系"), "坚持制度治党、依规治党。"),
    ]


def test_an_address_to_the_audience_ends_the_numbered_points_of_a_part() -> None:
    text = """## 三、今年政府工作任务

（九）加强生态文明建设。推进绿色发展。

（十）切实保障和改善民生。稳就业促增收。

各位代表！

过去一年，国防和军队建设取得新的成绩。
"""
    assert _parse(text, title="政府工作报告") == [
        (("三、今年政府工作任务", "（九）加强生态文明建设"), "（九）加强生态文明建设。推进绿色发展。"),
        (("三、今年政府工作任务", "（十）切实保障和改善民生"), "（十）切实保障和改善民生。稳就业促增收。"),
        (("三、今年政府工作任务",), "各位代表！"),
        (("三、今年政府工作任务",), "过去一年，国防和军队建设取得新的成绩。"),
    ]
    plain = "一、总体情况\n\n（一）经济运行\n\n增长5.2%。\n\n同志们、朋友们！\n\n我们要继续努力。\n"
    assert _parse(plain, title="报告")[-1] == (("一、总体情况",), "我们要继续努力。")


def test_long_paragraph_heading_is_capped_at_a_clause_end() -> None:
    line = (
        "一、中央政治局全体同志要改进调查研究，到基层调研要深入了解真实情况，"
        "总结经验、研究问题、解决困难、指导工作。其他内容。"
    )
    assert _parse(line, title="八项规定") == [
        (("一、中央政治局全体同志要改进调查研究，到基层调研要深入了解真实情况",), line),
    ]


def test_half_width_enumerators_of_the_seed_report() -> None:
    text = "一、经验做法\n(一)发挥党组领导作用,坚持党对政协工作的全面领导\n全市政协系统把坚持党的全面领导作为根本原则。"
    assert _parse(text, title="调研报告") == [
        (
            ("一、经验做法", "(一)发挥党组领导作用,坚持党对政协工作的全面领导"),
            "全市政协系统把坚持党的全面领导作为根本原则。",
        ),
    ]


def test_reference_lines_starting_with_a_label_are_not_headings() -> None:
    text = "第五十二条 增加一节。\n第七节相应改为第八节，第一百二十三条相应改为第一百二十八条。"
    assert _parse(text, title="修正案") == [
        (("第五十二条",), "第五十二条 增加一节。\n第七节相应改为第八节，第一百二十三条相应改为第一百二十八条。"),
    ]


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("第一章　总则", "第一章 总则"),
        ("第九章 附 则", "第九章 附则"),
        ("第一章总则", "第一章 总则"),
        ("第四章 国旗、国歌、国徽、首都", "第四章 国旗、国歌、国徽、首都"),
        ("序　言", "序言"),
        ("  一、总体  要求 ", "一、总体要求"),
    ],
)
def test_tidy_heading(raw: str, tidy: str) -> None:
    assert tidy_heading(raw) == tidy


def test_article_spanning_two_pages_starts_on_its_first_page() -> None:
    pages = [
        PageText("第一章 总则\n第一条 本条在第一页。\n第二条 本条跨页：\n（一）第一项；", 1),
        PageText("（二）第二项。\n第三条 本条在第二页。", 2),
    ]
    assert parse_blocks(pages, "某某条例") == [
        Block("第一条 本条在第一页。", ("第一章 总则", "第一条"), 1, True, 1, (1,)),
        Block("第二条 本条跨页：\n（一）第一项；\n（二）第二项。", ("第一章 总则", "第二条"), 1, True, 2, (1, 1, 2)),
        Block("第三条 本条在第二页。", ("第一章 总则", "第三条"), 2, True, 2, (2,)),
    ]


def test_prose_blocks_carry_their_page() -> None:
    pages = [PageText("一、总体情况\n第一段。", 1), PageText("第二段。", 2)]
    assert parse_blocks(pages, "报告") == [
        Block("第一段。", ("一、总体情况",), 1, False, 1, (1,)),
        Block("第二段。", ("一、总体情况",), 2, False, 2, (2,)),
    ]


def test_empty_document_has_no_blocks() -> None:
    assert parse_blocks([], "空") == []
    assert parse_blocks([PageText(" \n\u3000\n", 1)], "空") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "序　言\n序言正文。\n第一章 总纲\n第一条 总纲内容。",
            [(("序言",), "序言正文。"), (("第一章 总纲", "第一条"), "第一条 总纲内容。")],
        ),
        (
            "序言\n序言正文。\n一、第一部分\n正文一。",
            [(("序言",), "序言正文。"), (("一、第一部分",), "正文一。")],
        ),
    ],
)
def test_plain_preamble_line_sits_at_the_documents_top_level(
    text: str, expected: list[tuple[tuple[str, ...], str]]
) -> None:
    assert _parse(text, title="文件") == expected

from __future__ import annotations

import pytest

from retrieval.text import split_sentences, strip_punctuation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("坚持党的领导。坚持人民至上！怎么办？", ["坚持党的领导。", "坚持人民至上！", "怎么办？"]),
        ("（一）坚持党的领导；（二）坚持依法办事。", ["（一）坚持党的领导；", "（二）坚持依法办事。"]),
        ("第一行没有句号\n  第二行。  \n\n", ["第一行没有句号", "第二行。"]),
        ("增长3.5%，达到1.2万亿元。", ["增长3.5%，达到1.2万亿元。"]),
        ("他说：“要改进作风。”大家赞同。", ["他说：“要改进作风。”", "大家赞同。"]),
        ("「守正创新！」』继续。", ["「守正创新！」』", "继续。"]),
        ("真的吗？！是的。", ["真的吗？！", "是的。"]),
        ("重要渠道。...区政协坚持。", ["重要渠道。...", "区政协坚持。"]),
        ("成绩很大。……问题不少。", ["成绩很大。……", "问题不少。"]),
        ("等等……然后继续。", ["等等……然后继续。"]),
        ("不超过3人;其他委员不陪同!完毕", ["不超过3人;", "其他委员不陪同!", "完毕"]),
        ("结尾是半角叹号!", ["结尾是半角叹号!"]),
        ("见 http://a.cn/?q=1;x=2 说明。", ["见 http://a.cn/?q=1;x=2 说明。"]),
        ('落实"第一议题"制度。"三会一课"要落实。', ['落实"第一议题"制度。', '"三会一课"要落实。']),
        ('他说"好。"然后走了。', ['他说"好。"', "然后走了。"]),
        ("", []),
        ("  \n \u3000 ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_split_sentences_keeps_every_character_but_whitespace_at_the_edges() -> None:
    text = "（一）坚持党的全面领导。把党的领导贯彻到信访工作各方面和全过程，确保正确政治方向。"
    assert "".join(split_sentences(text)) == text


def test_strip_punctuation_removes_cjk_and_ascii_punctuation_and_whitespace() -> None:
    assert strip_punctuation("（一）坚持“党的”领导， 3.5%！\n(a-b)《法》…") == "一坚持党的领导35ab法"


def test_strip_punctuation_makes_spans_comparable() -> None:
    passage = "第五条 信访工作应当遵循下列原则：\n（一）坚持党的全面领导。"
    span = "信访工作应当遵循下列原则（一）坚持党的全面领导"
    assert strip_punctuation(span) in strip_punctuation(passage)

"""The hand-built HTML of answers and passages: highlighting, and document text that never renders."""

from __future__ import annotations

from retrieval.types import Chunk, Citation
from ui.examples import example_questions
from ui.highlight import answer_html, citation_html, context_html, highlight

TEXT = "第五条 委员履职应当遵循下列原则：坚持党的领导。坚持团结民主。"


def chunk(text: str, position: int, heading: tuple[str, ...] = ()) -> Chunk:
    return Chunk(id=f"c{position}", doc_id="d", text=text, title="履职条例", heading=heading, position=position)


def test_supporting_sentence_is_marked_and_terms_bold() -> None:
    shown = highlight(TEXT, sentences=["坚持党的领导。"], terms=["领导", "团结", "党"])
    assert '<mark class="sx-support"' in shown
    assert shown.count("<mark") == 1 and "坚持党的<b" in shown  # one mark around the sentence, terms inside
    assert shown.count('<b class="sx-term"') == 2  # 领导, 团结; one-character terms are not highlighted
    assert shown.replace("</b>", "").replace("</mark>", "").count("坚持党的") == 1


def test_document_markup_is_escaped_everywhere() -> None:
    hostile = '<script>alert(1)</script>**粗体**<img src=x onerror="alert(2)">[1]'
    shown = highlight(hostile, sentences=[hostile], terms=["script", "粗体"])
    assert "<script" not in shown and "<img" not in shown
    assert "&lt;" in shown and "&quot;alert(2)&quot;" in shown and "**" in shown
    answer = answer_html("<b>x</b>答案[1]")
    assert "&lt;b&gt;x&lt;/b&gt;答案" in answer and '<sup class="sx-ref"' in answer
    head = citation_html(Citation(1, chunk("正文", 0, ("<i>第一章</i>",))), ())
    assert "&lt;i&gt;第一章&lt;/i&gt;" in head and "《履职条例》" in head


def test_context_drops_the_sentence_neighbours_repeat() -> None:
    before = chunk("第一句。第二句。", 0)
    cited = chunk("第二句。第三句。", 1)
    after = chunk("第三句。第四句。", 2)
    shown = context_html([before, cited, after], Citation(1, cited, ("第三句。",)), ())
    plain = shown.replace("<br/>", "|")
    assert plain.count("第二句") == 1 and plain.count("第三句") == 1
    assert "第一句" in plain and "第四句" in plain


def test_examples_follow_the_library() -> None:
    class Doc:
        def __init__(self, title: str) -> None:
            self.title = title

    seed = example_questions([Doc("关于全市政协系统党的建设工作的调研报告")])
    assert seed == ["政协党组如何发挥领导作用？", "如何加强政协委员的教育管理？"]
    assert example_questions([Doc("信访工作条例")]) == ["信访事项应当在多长时间内办结？"]
    assert example_questions([]) == []

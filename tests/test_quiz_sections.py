"""多选 items on a report's outline (quiz.sections): “下列属于“工作建议”部分内容的有哪些？” keyed by the section's
own sub-headings, checked against the outline the item shows; a section of problems is asked only when other
reports' problems can stand beside it."""

from __future__ import annotations

from pathlib import Path

from quiz_library import build_library, doc_id, items_over_seeds

from quiz.checks import check_item
from quiz.generate import Material, QuizGenerator, QuizRequest
from quiz.model import LETTERS
from retrieval.tokenizer import ChineseTokenizer

REPORT = """关于委员读书活动的调研报告

为推动书香政协建设，调研组开展了专题调研。

一、经验做法

（一）健全读书组织体系，压实各级责任

各专委会成立了读书小组，由专委会主任担任组长。

（二）丰富线上读书平台，方便委员随时学习

市政协开通了线上读书群，委员每周分享读书心得。

（三）坚持读用结合，推动成果转化

委员把读书心得转化为提案和社情民意信息。

二、存在问题

（一）部分委员参与读书活动的主动性不强

有的委员以工作忙为由很少参加读书分享。

（二）读书成果转化渠道不够畅通

读书心得转化为履职成果的机制还不健全。

三、工作建议

（一）完善读书激励机制，激发委员读书热情

要把读书情况纳入委员履职档案，定期通报表扬。

（二）拓展读书成果运用，提升履职实效

要把读书心得作为提案和协商发言的重要来源。
"""

OTHER_REPORT = """关于专委会协商工作的调研报告

一、存在问题

（一）协商议题选题不够精准

有的议题与群众关切联系不紧。

（二）协商成果跟踪落实机制不健全

部分协商意见缺乏后续跟踪。

二、工作建议

（一）精选协商议题，聚焦群众关切

要广泛征集委员和界别群众意见。

（二）建立协商成果跟踪机制

要定期了解协商意见的采纳落实情况。
"""

TITLE = "关于委员读书活动的调研报告"
PRACTICES = ("健全读书组织体系，压实各级责任", "丰富线上读书平台，方便委员随时学习", "坚持读用结合，推动成果转化")
SUGGESTIONS = ("完善读书激励机制，激发委员读书热情", "拓展读书成果运用，提升履职实效")
PROBLEMS = ("部分委员参与读书活动的主动性不强", "读书成果转化渠道不够畅通")


def section_items(kb) -> dict[str, list]:
    items = [i for i in items_over_seeds(kb, TITLE, {"多选": 6}) if i.kind == "sections"]
    by_section: dict[str, list] = {}
    for item in items:
        name = item.stem.split("下列属于“")[1].split("”部分")[0]
        by_section.setdefault(name, []).append(item)
    return by_section


def keys_of(item) -> set[str]:
    return {option for letter, option in zip(LETTERS, item.options, strict=False) if letter in item.answer}


def test_a_report_is_asked_what_each_of_its_sections_holds(tmp_path: Path, tokenizer: ChineseTokenizer) -> None:
    kb = build_library(tmp_path, tokenizer, {"report.txt": REPORT})
    quizzes = [
        QuizGenerator(kb).generate(QuizRequest((Material(doc_id(kb, TITLE)),), {"多选": 6}, seed)) for seed in range(4)
    ]
    # one outline item per quiz: the 经验做法 item's wrong options are the 工作建议 item's keys
    assert all(sum(i.kind == "sections" for i in quiz.items) == 1 for quiz in quizzes)
    by_section = section_items(kb)
    assert set(by_section) == {"经验做法", "工作建议"}  # 存在问题: no other report's problems to stand beside them
    for item in by_section["经验做法"] + by_section["工作建议"]:
        own = PRACTICES if "经验做法" in item.stem else SUGGESTIONS
        assert keys_of(item) <= set(own) and len(keys_of(item)) >= 2
        assert set(item.options) - keys_of(item) <= set(PRACTICES + SUGGESTIONS) - set(own)  # the other section's
        assert check_item(item) == []
        marked = [item.source.passage[s:e] for s, e in item.source.answer_spans]
        assert sorted(marked) == sorted(keys_of(item))  # the outline shown with the item highlights the keys
    kb.close()


def test_problems_are_asked_beside_other_reports_problems(tmp_path: Path, tokenizer: ChineseTokenizer) -> None:
    kb = build_library(tmp_path, tokenizer, {"report.txt": REPORT, "other.txt": OTHER_REPORT})
    problems = section_items(kb)["存在问题"]
    for item in problems:
        assert keys_of(item) == set(PROBLEMS)
        assert set(item.options) - keys_of(item) <= {"协商议题选题不够精准", "协商成果跟踪落实机制不健全"}
    kb.close()


def test_a_section_item_can_be_edited_against_its_outline(tmp_path: Path, tokenizer: ChineseTokenizer) -> None:
    from quiz.editing import apply_edit
    from quiz.generate import QuizGenerator

    kb = build_library(tmp_path, tokenizer, {"report.txt": REPORT})
    item = section_items(kb)["经验做法"][0]  # three points: one can be added or taken out
    chunk = kb.catalog.chunks_by_ids([item.source.chunk_id])[item.source.chunk_id]
    library = QuizGenerator(kb).library()
    reworded = apply_edit(item, item.with_changes(stem=item.stem.replace("下列属于", "以下属于")), chunk, library)
    assert reworded.item.source == item.source  # the outline, its keys still highlighted
    own = set(PRACTICES)
    kept = keys_of(item)
    if own - kept:  # another of the section's points made a key: found in the outline like the others
        options = (*item.options, sorted(own - kept)[0])
    else:  # every point is a key: one taken out
        options = tuple(o for o in item.options if o != sorted(kept)[0])
    keys = own & set(options)
    answer = "".join(LETTERS[n] for n, option in enumerate(options) if option in keys)
    edited = apply_edit(item, item.with_changes(options=options, answer=answer), chunk, library).item
    assert sorted(edited.source.passage[s:e] for s, e in edited.source.answer_spans) == sorted(keys)
    kb.close()

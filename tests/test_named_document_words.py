"""A question naming a document (爱国主义教育法从哪天起施行) is searched within it for what it asks: the words of the
name are in all its passages and would rank them by how often they repeat the name."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_library import build_library, other_regulations

from retrieval.kb import KnowledgeBase

PATRIOTIC = "\n\n".join(
    [
        "# 中华人民共和国爱国主义教育法",
        "第一条 为了加强新时代爱国主义教育，传承和弘扬爱国主义精神，制定本法。",
        "第二条 爱国主义教育坚持思想引领、文化涵育，爱国主义教育应当融入学校教育、家庭教育和社会教育。",
        "第三条 国家将爱国主义教育纳入国民教育体系，各级各类学校应当将爱国主义教育贯穿学校教育全过程。",
        "第四条 中央爱国主义教育主管部门负责全国爱国主义教育工作的指导、监督和统筹协调。",
        "第五条 本法自2024年1月1日起施行。",
    ]
)
# Other laws: each has its own 施行 article, as every law does, so 施行 is an everyday word of the library while
# 爱国主义 is rare in it and weighs much.
TOPICS = ("全民阅读", "公共图书馆", "非物质文化遗产", "博物馆", "档案", "公共文化服务", "体育", "旅游")
OTHERS = other_regulations(TOPICS, "市人民政府应当将{topic}工作纳入国民经济和社会发展规划。")


@pytest.fixture
def patriotic_library(tmp_path: Path):
    kb = build_library(tmp_path, files={"patriotic.md": PATRIOTIC, **OTHERS})
    yield kb
    kb.close()


def test_a_named_law_is_searched_for_what_is_asked_of_it(patriotic_library: KnowledgeBase) -> None:
    hits = patriotic_library.search("爱国主义教育法从哪天起施行？", k=3)
    assert hits[0].chunk.text.startswith("第五条")


def test_the_name_is_left_out_only_for_the_search_within_the_named_document(
    patriotic_library: KnowledgeBase,
) -> None:
    searcher = patriotic_library.searcher

    def asked(question: str) -> str:
        return searcher._without_names(question, searcher._naming(question))

    assert "爱国主义" not in asked("爱国主义教育法从哪天起施行？")
    assert asked("国家为什么要开展爱国主义教育？") == "国家为什么要开展爱国主义教育？"


# Another law's history: the revision the question asks of the named law is there, in the wrong law.
REVISED = "\n\n".join(
    [
        "# 中华人民共和国体育法",
        "2022年6月24日第十三届全国人民代表大会常务委员会第三十五次会议修订《中华人民共和国体育法》，新增了反兴奋剂一章。",
        "第一条 为了发展体育运动，增强人民体质，制定本法。",
    ]
)


@pytest.fixture
def revised_library(tmp_path: Path):
    kb = build_library(tmp_path, files={"patriotic.md": PATRIOTIC, "sport.md": REVISED, **OTHERS})
    yield kb
    kb.close()


def test_what_a_named_law_does_not_say_is_not_answered_from_another(revised_library: KnowledgeBase) -> None:
    question = "爱国主义教育法2022年修订时新增了哪些内容？"
    assert any(hit.named for hit in revised_library.search(question, k=5))
    answer = revised_library.ask(question)
    assert not answer.found, answer.text
    assert revised_library.ask("爱国主义教育法从哪天起施行？").found  # asked of it, and it says it

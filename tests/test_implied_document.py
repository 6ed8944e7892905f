"""A question most of whose best passages come from one law is asked about that law without naming it: its
passages are searched again without the words most of them say (承包 in the land contract law), and that ranking
is added to the library's."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from quiz_library import build_library

from eval.laws import LAWS
from retrieval.kb import KnowledgeBase
from retrieval.search import implied_document, without_words
from retrieval.tokenizer import ChineseTokenizer

LAND = LAWS / "民法商法/农村土地承包法(2018-12-29).md"
OTHERS = (LAWS / "宪法相关法/村民委员会组织法(2018-12-29).md", LAWS / "社会法/劳动法(2018-12-29).md")


def test_the_implied_document_holds_the_best_passage_and_most_of_the_best_five() -> None:
    document_of = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B"}
    assert implied_document([("a1", 1.0), ("b1", 0.9), ("a2", 0.8), ("b2", 0.7), ("a3", 0.6)], document_of) == "A"
    assert implied_document([("b1", 1.0), ("a1", 0.9), ("a2", 0.8), ("b2", 0.7), ("a3", 0.6)], document_of) is None


def test_topic_words_are_taken_out_of_the_question_longest_first() -> None:
    assert without_words("承包地的地界吵起来了找谁调解", ["承包", "承包地"]) == "，的地界吵起来了找谁调解"


@pytest.fixture
def land_library(tmp_path: Path, tokenizer: ChineseTokenizer):
    if not LAND.is_file() or not all(path.is_file() for path in OTHERS):
        pytest.skip("../shared/datasets/laws is not here")
    files = {path.name: path.read_text(encoding="utf-8") for path in (LAND, *OTHERS)}
    kb = build_library(tmp_path, tokenizer, files)
    yield kb
    kb.close()


def test_a_question_about_one_law_ranks_its_passages_by_what_it_asks(land_library: KnowledgeBase) -> None:
    question = "跟邻居为承包地的地界吵起来了，可以找谁来调解？"
    lexical = land_library.index.lexical()
    land = next(d.doc_id for d in land_library.documents() if "土地承包" in d.title)
    assert lexical.shares_in_document(["承包"], land)["承包"] > 0.3  # its topic: tells its articles apart no more
    defaults = land_library.searcher.defaults
    without = land_library.search(question, k=1, options=replace(defaults, implied_weight=0.0))
    with_implied = land_library.search(question, k=1, options=replace(defaults, implied_weight=0.3))
    assert "调解" not in without[0].chunk.text
    assert "村民委员会、乡（镇）人民政府等调解解决" in with_implied[0].chunk.text

"""A question's word the library says far less often than everyday Chinese would (自己, 觉得, 一天) tells the
question's story, not its subject: rare in a library of laws, it would weigh the most in BM25 and in the answer's
coverage, so it weighs down to Settings.story_floor; the words the laws use for their subjects keep their weight."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_library import build_library

from eval.laws import LAWS
from retrieval.affinity import story_factor
from retrieval.kb import KnowledgeBase
from retrieval.query import weighted_query
from retrieval.terms import weigh_terms
from retrieval.tokenizer import ChineseTokenizer

VILLAGES = LAWS / "宪法相关法/村民委员会组织法(2018-12-29).md"
OTHERS = (LAWS / "社会法/劳动法(2018-12-29).md", LAWS / "行政法/出境入境管理法(2012-06-30).md")
QUESTION = "这是我们自己村里的事情，开村民会议的时候要到多少人才算数？"


@pytest.fixture(scope="module")
def laws(tmp_path_factory: pytest.TempPathFactory, tokenizer: ChineseTokenizer):
    if not VILLAGES.is_file() or not all(path.is_file() for path in OTHERS):
        pytest.skip("../shared/datasets/laws is not here")
    files = {path.name: path.read_text(encoding="utf-8") for path in (VILLAGES, *OTHERS)}
    kb = build_library(Path(tmp_path_factory.mktemp("story")), tokenizer, files)
    yield kb
    kb.close()


def test_story_words_weigh_less_than_the_words_of_the_subject(laws: KnowledgeBase) -> None:
    lexical, tokenizer = laws.index.lexical(), laws.tokenizer
    share = tokenizer.everyday_share
    assert lexical.document_frequency("自己") > 0  # in 第一条 (办理自己的事情): rare, so BM25 weighs it high
    assert story_factor(["自己"], lexical, share, 0.25) < 0.6
    assert story_factor(["村民"], lexical, share, 0.25) == 1.0  # the laws say it more than everyday Chinese
    assert story_factor(["贴膜"], lexical, share, 0.25) == 1.0  # said nowhere and expected nowhere: no evidence


def test_the_word_leg_weighs_a_story_word_down_to_the_floor(laws: KnowledgeBase) -> None:
    lexical, tokenizer = laws.index.lexical(), laws.tokenizer
    plain = weighted_query(QUESTION, tokenizer, lexical)
    weighed = weighted_query(QUESTION, tokenizer, lexical, story_floor=0.25)
    assert plain["自己"] == plain["村民"] == 1.0
    assert 0.25 <= weighed["自己"] < 0.6
    assert weighed["村民"] == 1.0


def test_the_answer_weighs_a_story_word_less_in_its_coverage(laws: KnowledgeBase) -> None:
    lexical, tokenizer = laws.index.lexical(), laws.tokenizer
    classes = tokenizer.term_classes(QUESTION)
    plain = weigh_terms(classes, lexical)
    weighed = weigh_terms(classes, lexical, everyday_share=tokenizer.everyday_share, story_floor=0.25)
    assert weighed.weights["自己"] < 0.6 * plain.weights["自己"]
    assert weighed.weights["村民"] == plain.weights["村民"]

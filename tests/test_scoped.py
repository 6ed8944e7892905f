"""A question asked of chosen documents (检索范围): when they hold no answer, or only a doubtful one, the whole
library is asked (retrieval.scoped, shared by the app and the API). Real jieba, bm25s and catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_files

from library.files import uploads_from_paths
from library.service import Library
from retrieval.answer import LOW_CONFIDENCE
from retrieval.kb import KnowledgeBase
from retrieval.scoped import ask_in_scope
from retrieval.settings import Settings
from retrieval.tokenizer import ChineseTokenizer

CONSTITUTION = """# 某国宪法

第五十九条 全国人民代表大会由省、自治区、直辖市和军队选出的代表组成。

第六十条 全国人民代表大会每届任期五年。

第六十一条 全国人民代表大会会议每年举行一次，由全国人民代表大会常务委员会召集。
"""
CHARTER = """# 中国人民政治协商会议章程

中国人民政治协商会议简称人民政协，其全国委员会简称全国政协。

第四十一条 中国人民政治协商会议全国委员会每届任期五年。

第四十二条 中国人民政治协商会议全国委员会全体会议每年举行一次。
"""


@pytest.fixture
def kb(tmp_path: Path, tokenizer: ChineseTokenizer):
    write_files(tmp_path / "lib", {"constitution.md": CONSTITUTION, "charter.md": CHARTER})
    settings = Settings(data_dir=tmp_path / "data", embedding_model="none")
    writer = Library(settings, tokenizer=tokenizer, embedder=None)
    writer.add_many(uploads_from_paths([tmp_path / "lib"], settings))
    writer.close()
    reader = KnowledgeBase(settings, tokenizer=tokenizer)
    yield reader
    reader.close()


def test_a_doubtful_answer_in_the_chosen_documents_gives_way_to_a_sure_one_elsewhere(kb: KnowledgeBase) -> None:
    question = "全国政协一届是几年？"
    constitution = [d.doc_id for d in kb.documents() if d.title == "某国宪法"]
    within = kb.ask(question, constitution)
    assert within.found and LOW_CONFIDENCE in within.notices  # 全国人民代表大会每届任期五年: another body
    scoped = ask_in_scope(question, constitution, kb.ask)
    assert scoped.outside_filter and "全国委员会每届任期五年" in scoped.answer.text
    assert LOW_CONFIDENCE not in scoped.answer.notices


def test_a_sure_answer_in_the_chosen_documents_stays(kb: KnowledgeBase) -> None:
    constitution = [d.doc_id for d in kb.documents() if d.title == "某国宪法"]
    scoped = ask_in_scope("全国人民代表大会每届任期几年？", constitution, kb.ask)
    assert not scoped.outside_filter and "第六十条" in scoped.answer.text

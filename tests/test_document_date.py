"""A year a question pins its answer to (2018年中央一号文件) is said by the document's date line, not by each of
its passages: a passage of that document answers it."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_library import build_library

from retrieval.kb import KnowledgeBase
from retrieval.tokenizer import ChineseTokenizer

NO1 = "\n\n".join(
    [
        "# 中共中央 国务院关于实施乡村振兴战略的意见",
        "（2018年1月2日）",
        "实施乡村振兴战略，是党的十九大作出的重大决策部署，是新时代“三农”工作的总抓手。",
        "## 九、推进体制机制创新",
        "深化农村土地制度改革。探索宅基地所有权、资格权、使用权“三权分置”，落实宅基地集体所有权，保障宅基地"
        "农户资格权和农民房屋财产权，适度放活宅基地和农民房屋使用权。",
    ]
)


@pytest.fixture
def dated_library(tmp_path: Path, tokenizer: ChineseTokenizer):
    kb = build_library(tmp_path, tokenizer, {"no1.md": NO1})
    yield kb
    kb.close()


def test_the_year_of_a_dated_document_is_said_by_its_date_line(dated_library: KnowledgeBase) -> None:
    answer = dated_library.ask("2018年中央一号文件说要探索宅基地“三权分置”，是哪三种权？")
    assert answer.found
    assert "所有权、资格权、使用权" in answer.text
    assert not dated_library.ask("2019年中央一号文件说要探索宅基地“三权分置”，是哪三种权？").found

"""The quiz tests' small real library, added through the one writer (library.Library)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import write_files

from library.files import uploads_from_paths
from library.service import Library
from quiz.generate import Material, QuizGenerator, QuizRequest
from quiz.model import QuizError, QuizItem
from retrieval.kb import KnowledgeBase
from retrieval.settings import Settings
from retrieval.tokenizer import ChineseTokenizer

RULES = """# 委员履职条例

## 第一章 总则

第一条 委员每届任期五年，可以连任。

第二条 委员履职应当遵循下列原则：
（一）坚持党的领导；
（二）坚持团结民主；
（三）坚持实事求是。

## 第二章 视察

第三条 专委会组织视察调研应当符合下列要求：
（一）深入基层一线；
（二）听取界别群众意见；
（三）形成书面调研报告。

第四条 委员应当积极参加书香政协、委员读书、专题协商、民主监督等履职活动。
"""

# A second list of 原则 for RULES: a numbered list's wrong options come from its own text's lists of the same noun.
COMMITTEE_PRINCIPLES = """
第五条 专门委员会开展工作应当遵循下列原则：
（一）突出专业特色；
（二）注重协商实效；
（三）加强界别联系。
"""

PETITIONS = """# 信访事项办理规定

第一条 信访事项应当自受理之日起60日内办结。

第二条 复查机构应当自收到复查请求之日起30日内提出复查意见。

第三条 复核机构应当自收到复核请求之日起90日内提出复核意见。
"""

SMALLTALK = """随笔

你好。今天天气不错。
"""

QUIZ_LIBRARY = {"rules.md": RULES, "petitions.md": PETITIONS, "smalltalk.txt": SMALLTALK}


def quiz_settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, embedding_model="none")


def build_library(
    folder: Path, tokenizer: ChineseTokenizer | None = None, files: dict[str, str] | None = None
) -> KnowledgeBase:
    """Write the files into folder/lib, index them into folder/data (no embedding model) and open the library."""
    write_files(folder / "lib", files or QUIZ_LIBRARY)
    settings = quiz_settings(folder / "data")
    writer = Library(settings, tokenizer=tokenizer, embedder=None)
    writer.add_many(uploads_from_paths([folder / "lib"]))
    writer.close()
    return KnowledgeBase(settings, tokenizer=tokenizer, embedder=None)


def open_library(
    factory: pytest.TempPathFactory, tokenizer: ChineseTokenizer, name: str, files: dict[str, str]
) -> Iterator[KnowledgeBase]:
    """A module's small library for a fixture to yield from: built in a fresh folder, closed afterwards."""
    kb = build_library(Path(factory.mktemp(name)), tokenizer, files)
    try:
        yield kb
    finally:
        kb.close()


def doc_id(kb: KnowledgeBase, title: str) -> str:
    return next(d.doc_id for d in kb.documents() if d.title == title)


def items_over_seeds(kb: KnowledgeBase, title: str, counts: dict[str, int], seeds: int = 4) -> list[QuizItem]:
    """The items of quizzes on one document over several seeds (a document with nothing to ask gives none)."""
    material = Material(doc_id(kb, title))
    found: list[QuizItem] = []
    for seed in range(seeds):
        with contextlib.suppress(QuizError):  # nothing to ask: the trainer is told so
            found += QuizGenerator(kb).generate(QuizRequest((material,), counts, seed)).items
    return found


def other_regulations(topics: tuple[str, ...], second_article: str) -> dict[str, str]:
    """Files of small city regulations, one per topic, each with its own 施行 article (as every law has), so 施行
    is an everyday word of the library; `second_article` is formatted with the topic."""
    return {
        f"other{n}.md": "\n\n".join(
            [
                f"# 某市{topic}条例",
                f"第一条 为了促进{topic}事业发展，制定本条例。",
                "第二条 " + second_article.format(topic=topic),
                f"第三条 本条例自20{10 + n}年3月1日起施行。",
            ]
        )
        for n, topic in enumerate(topics)
    }

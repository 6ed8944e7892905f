"""Shared fixtures: the expensive model and jieba load once per session; every test gets its own data dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from library.files import uploads_from_paths
from library.progress import Report
from library.service import Library
from retrieval.embeddings import Embedder, load_embedder
from retrieval.kb import KnowledgeBase
from retrieval.settings import Settings
from retrieval.tokenizer import ChineseTokenizer

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
NO_SHARED = "../shared is not in this checkout"


@pytest.fixture(scope="session")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    """The bundled sentence-transformers model (the only one that loads offline here)."""
    loaded = load_embedder(Settings(data_dir=tmp_path_factory.mktemp("model")))
    assert loaded is not None
    return loaded


@pytest.fixture(scope="session")
def tokenizer(tmp_path_factory: pytest.TempPathFactory) -> ChineseTokenizer:
    return ChineseTokenizer(tmp_path_factory.mktemp("jieba"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def kb(settings: Settings, tokenizer: ChineseTokenizer, embedder: Embedder) -> KnowledgeBase:
    handle = KnowledgeBase(settings, tokenizer=tokenizer, embedder=embedder)
    yield handle
    handle.close()


@pytest.fixture
def library(settings: Settings, tokenizer: ChineseTokenizer, embedder: Embedder) -> Library:
    """The writer over the same data dir as `kb` (the one door through which tests fill a library)."""
    writer = Library(settings, tokenizer=tokenizer, embedder=embedder)
    yield writer
    writer.close()


def add_folder(library: Library, folder: Path, **options: object) -> Report:
    """Add every file under folder through the writer, as `python -m ingest folder` does."""
    return library.add_many(uploads_from_paths([folder], library.settings), **options)


def write_files(folder: Path, files: dict[str, str], encoding: str = "utf-8") -> list[Path]:
    """Write {name: text} into folder and return the paths (a small real corpus for a test)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding=encoding)
        paths.append(path)
    return paths


# A small real library: a regulation with 章/条, a report with 一、/（一）, and an unrelated text.
LAW = """# 某市政协委员履职条例

## 第一章 总则

第一条 为了规范政协委员履职，加强委员队伍建设，制定本条例。

第二条 政协委员应当认真学习习近平新时代中国特色社会主义思想，积极参加书香政协读书活动。

## 第二章 履职

第三条 政协委员每届任期五年，可以连任。

第四条 委员应当每年至少提交一件提案，并参加专委会组织的视察调研。

第五条 委员履职应当遵循下列原则：
（一）坚持党的领导；
（二）坚持团结民主；
（三）坚持实事求是。

第六条 委员工作室应当定期开展协商议政活动，听取界别群众意见。
"""

REPORT = """关于信访工作的调研报告

一、基本情况

信访事项应当自受理之日起60日内办结。情况复杂的，经批准可以适当延长办理期限，但延长期限不得超过30日。

二、存在问题

（一）理论学习不够扎实

部分单位落实第一议题制度不够扎实，三会一课质量不高，主题党日活动形式单一。
"""

FARM = """# 乡村振兴工作要点

全年粮食产量保持在1.3万亿斤以上，稳定大豆油料种植面积。

推进高标准农田建设，新建高标准农田4500万亩。
"""

LIBRARY = {"law.md": LAW, "report.txt": REPORT, "farm.md": FARM}


# --- real servers on loopback (tests marked `server`)
@pytest.fixture(scope="session")
def postgres_cluster():
    from servers import running_postgres

    with running_postgres() as cluster:
        yield cluster


@pytest.fixture
def database_url(postgres_cluster) -> str:
    """A fresh PostgreSQL database for this test."""
    return postgres_cluster.new_database()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):
    from servers import running_chroma

    with running_chroma(tmp_path_factory.mktemp("chroma-server")) as server:
        yield server


@pytest.fixture
def chroma_url(chroma_server) -> str:
    """The shared Chroma server, emptied for this test; this process's client is forgotten too."""
    from retrieval import vectors

    chroma_server.clear()
    vectors._SHARED.pop(chroma_server.url, None)
    return chroma_server.url

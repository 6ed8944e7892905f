"""The pipelines users would pick instead, built with langchain on the same documents.

- langchain-default: what the langchain docs give a newcomer — RecursiveCharacterTextSplitter() with its
  defaults (4,000 characters, 200 overlap, no Chinese separators) and BM25Retriever with its default
  preprocessing (str.split: a Chinese line is one "word").
- chatchat-style: Langchain-Chatchat's recipe — Chinese recursive splitting (750 characters, 150 overlap),
  BM25 over jieba.lcut_for_search and the dense leg fused 0.5/0.5 by EnsembleRetriever (weighted RRF).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import jieba
from langchain_classic.retrievers import EnsembleRetriever
from langchain_community.retrievers import BM25Retriever
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import InMemoryVectorStore
from langchain_text_splitters import RecursiveCharacterTextSplitter, TextSplitter

from eval.corpus import CorpusDoc
from eval.systems import Passage

log = logging.getLogger(__name__)
BASELINES = ("langchain-default", "chatchat-style")
CHATCHAT_SEPARATORS = ["\n\n", "\n", "。|！|？", "；", "，"]
CHATCHAT_CHUNK_SIZE = 750
CHATCHAT_OVERLAP = 150


def split_documents(splitter: TextSplitter, docs: Sequence[CorpusDoc]) -> list[Document]:
    return splitter.create_documents([d.text for d in docs], metadatas=[{"source": d.name} for d in docs])


def to_passages(documents: Sequence[Document], k: int) -> list[Passage]:
    return [Passage(d.page_content, d.metadata["source"]) for d in documents[:k]]


class LangchainDefault:
    name = "langchain-default"

    def __init__(self, docs: Sequence[CorpusDoc]):
        self.chunks = split_documents(RecursiveCharacterTextSplitter(), docs)
        self.retriever = BM25Retriever.from_documents(self.chunks)

    def search(self, question: str, k: int) -> list[Passage]:
        self.retriever.k = k
        return to_passages(self.retriever.invoke(question), k)


class EmbedderEmbeddings(Embeddings):
    """The project's loaded model behind langchain's Embeddings interface (same model for every dense leg)."""

    def __init__(self, embedder: object):
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.encode_documents(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.encode_query(text).tolist()


def chatchat_splitter() -> RecursiveCharacterTextSplitter:
    # Chatchat's ChineseRecursiveTextSplitter: regex separators, each kept at the end of its piece.
    return RecursiveCharacterTextSplitter(
        separators=CHATCHAT_SEPARATORS,
        is_separator_regex=True,
        keep_separator="end",
        chunk_size=CHATCHAT_CHUNK_SIZE,
        chunk_overlap=CHATCHAT_OVERLAP,
    )


class ChatchatStyle:
    name = "chatchat-style"

    def __init__(self, docs: Sequence[CorpusDoc], embedder: object, jieba_dir: Path):
        self.chunks = split_documents(chatchat_splitter(), docs)
        words = jieba.Tokenizer()  # its own instance: same cut as jieba.lcut_for_search, no global state
        words.tmp_dir = str(jieba_dir)
        self.bm25 = BM25Retriever.from_documents(self.chunks, preprocess_func=words.lcut_for_search)
        log.info("chatchat-style: embedding %d chunks", len(self.chunks))
        store = InMemoryVectorStore(EmbedderEmbeddings(embedder))
        store.add_documents(self.chunks)
        self.dense = store.as_retriever(search_kwargs={"k": 10})
        self.ensemble = EnsembleRetriever(retrievers=[self.bm25, self.dense], weights=[0.5, 0.5])

    def search(self, question: str, k: int) -> list[Passage]:
        self.bm25.k = k
        self.dense.search_kwargs = {"k": k}
        return to_passages(self.ensemble.invoke(question), k)


def build_baselines(docs: Sequence[CorpusDoc], embedder: object | None, work_dir: Path) -> list[object]:
    """Both baselines (chatchat-style needs the dense model; without one it is left out)."""
    systems: list[object] = [LangchainDefault(docs)]
    if embedder is not None:
        systems.append(ChatchatStyle(docs, embedder, work_dir))
    return systems

"""`python -m retrieval model download`: the whole path with a tiny Chinese BERT built here (random weights, a
character vocabulary) — the hub itself is the one boundary replaced (by a fetch that copies the local model)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from conftest import LIBRARY, add_folder, write_files

from library.service import Library
from retrieval.embeddings import BGE_ZH_QUERY_INSTRUCTION, load_embedder
from retrieval.kb import KnowledgeBase
from retrieval.model_download import DEFAULT_FILE, ModelDownloadError, download
from retrieval.settings import Settings
from retrieval.store import IndexMismatchError

pytestmark = pytest.mark.slow
NAME = "BAAI/bge-small-zh-v1.5"


def tiny_chinese_bert(folder: Path, texts: list[str]) -> Path:
    """A sentence-transformers model: 1-layer BERT, 32 dimensions, one token per character of `texts`."""
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel, BertTokenizer

    chars = sorted({ch for text in texts for ch in text if not ch.isspace()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]
    folder.mkdir(parents=True)
    (folder / "vocab.txt").write_text("\n".join(vocab), encoding="utf-8")
    BertTokenizer(str(folder / "vocab.txt"), tokenize_chinese_chars=True).save_pretrained(folder)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=512,
    )
    BertModel(config).save_pretrained(folder)
    word = models.Transformer(str(folder), max_seq_length=256)
    pooling = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    out = folder.parent / (folder.name + "-st")
    SentenceTransformer(modules=[word, pooling], device="cpu").save(str(out))
    return out


def test_downloaded_model_is_used_and_a_dimension_change_asks_for_a_rebuild(
    tmp_path: Path, tokenizer, embedder
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    write_files(tmp_path / "lib", LIBRARY)
    writer = Library(settings, tokenizer=tokenizer, embedder=embedder)  # built with the bundled English model
    add_folder(writer, tmp_path / "lib")
    writer.close()

    local = tiny_chinese_bert(tmp_path / "tiny", list(LIBRARY.values()))
    folder = download(
        NAME, settings.models_dir, fetch=lambda name, target: shutil.copytree(local, target, dirs_exist_ok=True)
    )
    assert folder == settings.models_dir / "BAAI__bge-small-zh-v1.5" and (folder / "modules.json").exists()
    assert (settings.models_dir / DEFAULT_FILE).read_text(encoding="utf-8") == folder.name

    chinese = load_embedder(settings)
    assert chinese.name == NAME and chinese.dim == 32 and not chinese.notices
    assert chinese.query_instruction == BGE_ZH_QUERY_INSTRUCTION
    reader = KnowledgeBase(settings, tokenizer=tokenizer, embedder=chinese)
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        reader.search("政协委员每届任期几年", k=3)
    assert Library(settings, tokenizer=tokenizer, embedder=chinese).rebuild() == reader.catalog.chunk_count()
    hits = reader.search("政协委员每届任期几年", k=3)
    assert "任期五年" in hits[0].chunk.text and len(reader.index.vectors.query(chinese.encode_query("任期"), 1)) == 1


def test_offline_download_fails_fast_with_what_to_do(tmp_path: Path) -> None:
    started = time.perf_counter()
    with pytest.raises(ModelDownloadError, match=r"hf-mirror\.com") as error:
        download(NAME, tmp_path / "models", endpoint="http://127.0.0.1:9")  # nothing listens on port 9
    assert time.perf_counter() - started < 30
    assert "modelscope" in str(error.value)
    assert not (tmp_path / "models" / DEFAULT_FILE).exists()
    assert not list((tmp_path / "models").glob("*.part"))

"""python -m retrieval ask "问题" | ask --batch QUESTIONS.jsonl --json | search "问题" | search --batch FILE --k 10"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from retrieval.catalog import CatalogError
from retrieval.cli import fail, reported
from retrieval.embeddings import CHINESE_MODEL, use_one_thread_for_queries
from retrieval.kb import KnowledgeBase
from retrieval.logs import configure_logging
from retrieval.settings import Settings
from retrieval.store import IndexMismatchError
from retrieval.types import Answer, Hit


def _hit_count(value: str) -> int:
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--k 须为 1 到 100 的整数，不是 {value!r}") from None
    if not 1 <= k <= 100:
        raise argparse.ArgumentTypeError(f"--k 须为 1 到 100 的整数，不是 {k}")
    return k


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m retrieval", description="检索资料库、回答问题")
    parser.add_argument("--verbose", action="store_true")
    commands = parser.add_subparsers(dest="command", required=True)
    ask = commands.add_parser("ask", help="回答一个问题并给出出处")
    ask.add_argument("question", nargs="?", help="一个问题（或用 --batch）")
    ask.add_argument(
        "--batch",
        type=Path,
        help='JSONL 文件，每行 {"id": ..., "question": ...}；每个问题输出一行 JSON（模型只加载一次）',
    )
    ask.add_argument("--json", action="store_true", help="输出 JSON")
    ask.add_argument("--doc", action="append", default=[], help="只在这些文档（doc_id 或标题）中检索，可重复")
    ask.add_argument("--no-llm", action="store_true", help="即使配置了大模型（SHUXIANG_LLM_*）也只用摘录式回答")
    search = commands.add_parser("search", help="检索段落")
    search.add_argument("query", nargs="?", help="一个检索词（或用 --batch）")
    search.add_argument("--batch", type=Path, help='JSONL 文件，每行 {"id": ..., "question": ...}')
    search.add_argument("--k", type=_hit_count, default=10, help="返回的段落数（1–100）")
    search.add_argument("--json", action="store_true", help="输出 JSON（批量时每行一个问题）")
    search.add_argument("--doc", action="append", default=[], help="只在这些文档（doc_id 或标题）中检索，可重复")
    model = commands.add_parser("model", help="向量模型：download 下载中文模型到资料库目录")
    model.add_argument("action", choices=["download"])
    model.add_argument("name", nargs="?", default=CHINESE_MODEL, help=f"模型名（默认 {CHINESE_MODEL}）")
    model.add_argument("--source", choices=["huggingface", "modelscope"], default="huggingface")
    return parser.parse_args(argv)


def download_model(args: argparse.Namespace, settings: Settings) -> int:
    from retrieval.model_download import ModelDownloadError, download

    print(f"正在从 {args.source} 下载 {args.name} ……", file=sys.stderr)
    try:
        folder = download(args.name, settings.models_dir, args.source, settings.hf_endpoint)
    except ModelDownloadError as exc:
        return fail(exc)
    print(f"已下载到 {folder}，今后默认使用该模型。")
    print("资料库中已有的向量来自原模型：请运行 python -m ingest --rebuild 用新模型重建（原文无需重新上传）。")
    return 0


def hit_json(hit: Hit) -> dict:
    chunk = hit.chunk
    return {
        "text": chunk.text,
        "doc": chunk.doc_id,
        "title": chunk.title,
        "heading": chunk.heading_path,
        "page": chunk.page_start,
        "score": round(hit.score, 6),
        "chunk_id": chunk.id,
    }


def answer_json(answer: Answer) -> dict:
    return {
        "question": answer.question,
        "found": answer.found,
        "answer": answer.text,
        "mode": answer.mode,
        "confidence": answer.confidence,
        "highlight_terms": list(answer.highlight_terms),
        "citations": [
            {
                "n": c.number,
                "title": c.chunk.title,
                "heading": c.chunk.heading_path,
                "page": c.chunk.page_start,
                "doc": c.chunk.doc_id,
                "chunk_id": c.chunk.id,
                "passage": c.chunk.text,
                "sentences": list(c.sentences),
            }
            for c in answer.citations
        ],
        "notices": list(answer.notices),
    }


def print_answer(answer: Answer) -> None:
    print(answer.text)
    for citation in answer.citations:
        chunk = citation.chunk
        where = " · ".join(part for part in (chunk.heading_path, chunk.page_label) if part)
        print(f"\n[{citation.number}] 《{chunk.title}》 {where}".rstrip())
        print("    " + chunk.text.replace("\n", "\n    "))


def read_batch(path: Path) -> Iterator[dict]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            yield {"id": item.get("id", number), "question": str(item["question"])}
        except (json.JSONDecodeError, KeyError, AttributeError) as exc:
            raise SystemExit(f"{path} 第 {number} 行不是有效的问题（需要 JSON 且含 question 字段）：{exc}") from exc


def resolve_docs(kb: KnowledgeBase, names: list[str]) -> list[str] | None:
    """Document filters given as doc ids or (parts of) titles."""
    if not names:
        return None
    docs = kb.documents()
    chosen = [d.doc_id for d in docs if any(n == d.doc_id or n in d.title for n in names)]
    if not chosen:
        raise SystemExit(f"没有找到文档：{'、'.join(names)}")
    return chosen


def ask(kb: KnowledgeBase, question: str, doc_ids: list[str] | None, use_llm: bool) -> Answer:
    """The LLM answer when one is configured (it falls back to the extractive one by itself), else extractive."""
    if not use_llm:
        return kb.ask(question, doc_ids)
    from retrieval.llm import LLMAnswerer

    return LLMAnswerer(kb).ask(question, doc_ids)


def run(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    doc_ids = resolve_docs(kb, args.doc)
    if args.command == "ask" and args.batch:
        use_llm = kb.settings.llm_enabled and not args.no_llm
        for item in read_batch(args.batch):
            answer = ask(kb, item["question"], doc_ids, use_llm)
            print(json.dumps({"id": item["id"], **answer_json(answer)}, ensure_ascii=False), flush=True)
        return 0
    if args.command == "ask":
        if not args.question:
            raise SystemExit("请给出问题，或用 --batch 指定问题文件")
        answer = ask(kb, args.question, doc_ids, kb.settings.llm_enabled and not args.no_llm)
        if args.json:
            print(json.dumps(answer_json(answer), ensure_ascii=False))
        else:
            print_answer(answer)
            for notice in (n for n in answer.notices if n not in kb.notices):  # e.g. why the LLM was not used
                print(f"提示：{notice}", file=sys.stderr)
        return 0
    if args.batch:
        for item in read_batch(args.batch):
            hits = kb.search(item["question"], args.k, doc_ids)
            print(json.dumps({"id": item["id"], "hits": [hit_json(h) for h in hits]}, ensure_ascii=False), flush=True)
        return 0
    if not args.query:
        raise SystemExit("请给出检索词，或用 --batch 指定问题文件")
    hits = kb.search(args.query, args.k, doc_ids)
    if args.json:
        print(json.dumps({"query": args.query, "hits": [hit_json(h) for h in hits]}, ensure_ascii=False))
    for rank, hit in enumerate(hits if not args.json else [], start=1):
        print(f"{rank}. [{hit.score:.3f}] 《{hit.chunk.title}》 {hit.chunk.heading_path} {hit.chunk.page_label}")
        print("   " + hit.chunk.text[:120].replace("\n", " "))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging(args.verbose)
    settings = Settings()
    if args.command == "model":
        return download_model(args, settings)
    use_one_thread_for_queries()
    try:
        kb = KnowledgeBase(settings)
    except CatalogError as exc:  # a damaged catalog: say what and how to repair, never a traceback
        return fail(exc)
    for notice in kb.notices + kb.damage():
        print(f"提示：{notice}", file=sys.stderr)
    if kb.is_empty():
        return empty(kb)
    return reported(lambda: run(args, kb), IndexMismatchError)


def empty(kb: KnowledgeBase) -> int:
    """An empty library: a new one is filled with ingest; an emptied one (sources still stored) must not be."""
    from library.sources import CatalogLostError, check_not_lost, open_source_store

    try:
        check_not_lost(True, open_source_store(kb.settings, kb.catalog.db))
    except CatalogLostError as exc:
        return fail(exc)
    print(
        "知识库为空：请先运行 python -m ingest（加入内置资料 corpus/）或 python -m ingest 文件或文件夹。",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())

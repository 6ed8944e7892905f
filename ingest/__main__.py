"""python -m ingest [PATH...] [--replace] | --remove TITLE_OR_ID... | --list [--json] | --rebuild [--from-sources]

Every change goes through library.service.Library (the one writer); --list and --remove load no model.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ingest", description="管理资料库：加入、替换、删除、列出文档")
    parser.add_argument("paths", nargs="*", type=Path, help="文件、文件夹或 .zip（默认：内置资料 corpus/）")
    parser.add_argument("--replace", action="store_true", help="标题相同而内容不同的文件替换资料库中的旧版本")
    parser.add_argument("--remove", nargs="+", metavar="TITLE_OR_ID", help="删除文档（完整标题或 doc_id）")
    parser.add_argument("--list", action="store_true", help="列出资料库中的文档")
    parser.add_argument("--json", action="store_true", help="与 --list 一起：输出 JSON")
    parser.add_argument("--rebuild", action="store_true", help="用当前向量模型重新计算全部向量并重建 BM25 索引")
    parser.add_argument("--from-sources", action="store_true", help="与 --rebuild 一起：先从保存的原文件重新解析")
    parser.add_argument("--quiet", action="store_true", help="不显示进度条")
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args(argv)


def document_json(record) -> dict:
    return {
        "id": record.doc_id,
        "title": record.title,
        "source_name": record.name,
        "file_type": record.file_type,
        "chunks": record.n_chunks,
        "pages": record.pages,
        "ocr_pages": record.ocr_pages,
        "added_by": record.added_by,
        "added_at": record.added_at,
    }


def list_documents(settings, as_json: bool) -> int:
    from retrieval.catalog import Catalog

    documents = Catalog(settings.catalog_url).documents()
    if as_json:
        print(json.dumps([document_json(d) for d in documents], ensure_ascii=False, indent=2))
        return 0
    for d in documents:
        print(f"{d.doc_id}  《{d.title}》  {d.file_type}  {d.n_chunks} 段  {d.added_at[:10]}  {d.name}")
    print(f"共 {len(documents)} 个文档")
    return 0


def resolve(documents, names: list[str]) -> tuple[list[str], list[str]]:
    """Doc ids for names given as an id or a whole title; the names that matched nothing."""
    ids, unknown = [], []
    for name in names:
        found = [d.doc_id for d in documents if name in (d.doc_id, d.title)]
        ids.extend(found) if found else unknown.append(name)
    return ids, unknown


def remove(library, names: list[str]) -> int:
    ids, unknown = resolve(library.documents(), names)
    for name in unknown:
        print(f"[失败] {name} 没有这个文档（用 python -m ingest --list 查看标题和 id）")
    report = library.remove(ids) if ids else None
    for outcome in report.outcomes if report else []:
        print(f"[{outcome.label}] 《{outcome.title}》 {outcome.doc_id}")
    return 0 if ids and not unknown else 1


def print_report(report) -> None:
    for outcome in report.outcomes:
        title = f"《{outcome.title}》" if outcome.title and outcome.status not in ("exists",) else ""
        print(f"[{outcome.label}] {outcome.name} {title}".rstrip())
        if outcome.advice:
            print(f"    {outcome.advice}")
    print(report.summary())


def add(library, paths: list[Path], replace: bool, quiet: bool) -> int:
    from tqdm import tqdm

    from library.files import uploads_from_paths
    from library.progress import STAGE_LABELS, ProgressHooks

    uploads = uploads_from_paths(paths, library.settings)
    with tqdm(total=len(uploads), unit="个文件", disable=quiet, file=sys.stderr) as bar:
        hooks = ProgressHooks(
            file_started=lambda name, number, total: bar.set_postfix_str(name[:40]),
            stage=lambda name, stage, share: bar.set_postfix_str(f"{name[:30]} {STAGE_LABELS[stage]} {share:.0%}"),
            file_done=lambda outcome: bar.update(1),
        )
        report = library.add_many(uploads, replace=replace, hooks=hooks)
        bar.update(bar.total - bar.n)
    print_report(report)
    for notice in library.embedder.notices if library.embedder is not None else []:
        print(f"提示：{notice}", file=sys.stderr)
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from retrieval.logs import configure_logging
    from retrieval.settings import Settings

    configure_logging(args.verbose)
    settings = Settings()
    from retrieval.catalog import CatalogError
    from retrieval.cli import reported

    # a damaged catalog: say what and how to repair, never a traceback
    return reported(lambda: list_documents(settings, args.json) if args.list else change(args, settings), CatalogError)


def change(args: argparse.Namespace, settings) -> int:
    from library.lock import LibraryBusyError
    from library.service import Library
    from library.sources import CatalogLostError
    from retrieval.cli import reported
    from retrieval.errors import DataDamagedError
    from retrieval.store import IndexMismatchError

    library = Library(settings)
    known = (IndexMismatchError, LibraryBusyError, CatalogLostError, DataDamagedError)
    try:
        return reported(lambda: apply(args, library), *known)
    finally:
        library.close()


def apply(args: argparse.Namespace, library) -> int:
    from library.sources import check_not_lost

    if args.remove:
        return remove(library, args.remove)
    if args.rebuild:
        count = library.rebuild(from_sources=args.from_sources)
        print(f"已用模型 {library.embedder.name if library.embedder else '（无）'} 重建 {count} 个段落的索引")
        return 0
    if not args.paths:  # the bundled sample must not fill an emptied catalog
        check_not_lost(library.is_empty(), library.sources)
    return add(library, args.paths or [library.settings.corpus_dir], args.replace, args.quiet)


if __name__ == "__main__":
    sys.exit(main())

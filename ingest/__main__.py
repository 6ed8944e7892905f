"""python -m ingest PATH... — add files and folders to the library and print a report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from ingest.pipeline import STATUS_LABELS, Ingester, IngestReport, ProgressHooks
from retrieval.kb import KnowledgeBase
from retrieval.logs import configure_logging
from retrieval.settings import Settings
from retrieval.store import IndexMismatchError


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ingest", description="把文件或文件夹加入资料库")
    parser.add_argument("paths", nargs="*", type=Path, help="文件或文件夹（默认：内置资料 corpus/）")
    parser.add_argument("--rebuild", action="store_true", help="用当前向量模型重新计算全部向量并重建 BM25 索引")
    parser.add_argument("--quiet", action="store_true", help="不显示进度条")
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args(argv)


def print_report(report: IngestReport) -> None:
    for outcome in report.outcomes:
        label = STATUS_LABELS[outcome.status]
        detail = outcome.reason or (f"{outcome.chunks} 个段落" if outcome.chunks else "")
        title = f"《{outcome.title}》" if outcome.title else ""
        print(f"[{label}] {outcome.path} {title} {detail}".rstrip())
    print(report.summary())


def run_ingest(kb: KnowledgeBase, paths: list[Path], quiet: bool = False) -> IngestReport:
    """Ingest with a progress bar over files; the bar's note shows the file and its embedding progress."""
    with tqdm(unit="个文件", disable=quiet, file=sys.stderr) as bar:

        def started(path: Path, number: int, total: int) -> None:
            bar.total = total
            bar.set_postfix_str(path.name[:40])

        hooks = ProgressHooks(
            file_started=started,
            chunks_embedded=lambda done, total: bar.set_postfix_str(f"向量 {done}/{total}"),
            file_done=lambda outcome: bar.update(1),
        )
        return Ingester(kb).ingest(paths, hooks)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging(args.verbose)
    settings = Settings()
    kb = KnowledgeBase(settings)
    for notice in kb.notices:
        print(f"提示：{notice}", file=sys.stderr)
    try:
        if args.rebuild:
            with kb.index.write_lock():
                count = kb.index.rebuild_vectors()
            print(f"已用模型 {kb.index.model_name} 重建 {count} 个段落的索引")
            return 0
        report = run_ingest(kb, args.paths or [settings.corpus_dir], args.quiet)
    except (IndexMismatchError, RuntimeError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print_report(report)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

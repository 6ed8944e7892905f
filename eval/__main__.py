"""python -m eval retrieval | answer | sweep | bench | report — measure the knowledge base (see eval/REPORT.md).

python -m eval retrieval --qa eval/data/dev_qa.jsonl --baselines \
    --corpus ../shared/corpus --corpus ../shared/corpus/files
python -m eval retrieval --squad ../shared/datasets/cmrc2018/dev.json --limit 1000 --baselines
python -m eval answer --qa eval/data/dev_qa.jsonl --corpus ../shared/corpus --coverages 0.3,0.5,0.7
python -m eval sweep --qa eval/data/dev_qa.jsonl --corpus ../shared/corpus
python -m eval bench --sizes 1000,10000,100000 [--no-dense]
python -m eval browser --corpus ../shared/corpus --corpus ../shared/corpus/files
python -m eval levers [--calibrate] [--sets dev,heldout,cmrc] [--try "bigram_weight=0.3"]
python -m eval report
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from eval import answer_eval, bench, bench_report, levers_cmd, report, retrieval_eval, sweep
from eval.corpus import DEFAULT_EXCLUDE, corpus_files
from eval.datasets import QAItem, load_qa_jsonl, load_squad, sample_items, write_paragraphs
from eval.systems import project_systems
from eval.workspace import DEFAULT_CACHE, Workspace
from retrieval.logs import configure_logging

OVERRIDES = ("chunk_size", "fusion", "bm25_weight", "dense_weight", "answer_min_coverage")


def floats(text: str) -> list[float]:
    return [float(part) for part in text.split(",") if part.strip()]


def ints(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def add_data_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--qa", type=Path, help="QA JSONL file (id, question, evidence[, doc, answer])")
    parser.add_argument("--squad", type=Path, help="SQuAD-format JSON (e.g. CMRC 2018): each paragraph is a document")
    parser.add_argument("--corpus", type=Path, action="append", default=[], help="corpus folder or file (repeatable)")
    parser.add_argument(
        "--exclude",
        type=names,
        default=list(DEFAULT_EXCLUDE),
        help="file names to leave out "
        "(comma-separated globs; default SOURCES.md, the shared corpus' provenance list; '' for none)",
    )
    parser.add_argument("--limit", type=int, help="evaluate a seeded sample of this many questions")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-dense", action="store_true", help="no embedding model: BM25 only, no dense systems")
    parser.add_argument("--embed-cache", type=Path, default=DEFAULT_CACHE, help="document-vector cache (sqlite)")
    parser.add_argument("--no-embed-cache", action="store_true", help="embed every chunk afresh")
    parser.add_argument("--chunk-size", type=int)
    parser.add_argument("--fusion", choices=("weighted", "rrf"))
    parser.add_argument("--bm25-weight", type=float)
    parser.add_argument("--dense-weight", type=float)
    parser.add_argument("--answer-min-coverage", type=float)


def add_bench_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus", type=Path, action="append", default=[], help="sentence source (default ../shared/corpus)"
    )
    parser.add_argument("--qa", type=Path, default=report.DEV_QA, help="questions mixed into the latency set")
    parser.add_argument("--dense", action=argparse.BooleanOptionalAction, default=True, help="embed (model loaded)")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1, help="passes over the questions (latency is pooled)")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", action="store_true")
    commands = parser.add_subparsers(dest="command", required=True)
    ret = commands.add_parser("retrieval", help="R@1/5/10, MRR@10, nDCG@10 and the misses")
    add_data_args(ret)
    ret.add_argument("--k", type=int, default=10, help="depth for the misses list (metrics use 1, 5, 10)")
    ret.add_argument("--baselines", action="store_true", help="also run langchain-default and chatchat-style")
    ret.add_argument("--misses", type=int, default=30, help="list at most this many misses of the default system")
    ans = commands.add_parser("answer", help="extractive answers: evidence, citations, refusal P/R")
    add_data_args(ans)
    ans.add_argument("--coverages", type=floats, default=[], help="also sweep answer_min_coverage, e.g. 0.3,0.5,0.7")
    ans.add_argument("--failures", type=int, default=30, help="list at most this many wrong answers")
    ans.add_argument("--batch-cli", action="store_true", help="answer through python -m retrieval ask --batch --json")
    swp = commands.add_parser("sweep", help="fusion method/weights, chunk sizes, answer_min_coverage")
    add_data_args(swp)
    swp.add_argument("--chunk-sizes", type=ints, default=list(sweep.CHUNK_SIZES))
    swp.add_argument("--dense-weights", type=floats, default=list(sweep.DENSE_WEIGHTS))
    swp.add_argument("--coverages", type=floats, default=list(sweep.COVERAGES))
    bch = commands.add_parser("bench", help="ingest throughput, index size, RSS, latency per library size")
    add_bench_args(bch)
    bch.add_argument("--sizes", type=ints, default=[1000, 10000])
    bch.add_argument("--results", type=Path, default=report.BENCH_JSON, help="results file (merged by size)")
    bch.add_argument("--plot", type=Path, default=report.BENCH_PNG)
    one = commands.add_parser("bench-one", help=argparse.SUPPRESS)
    add_bench_args(one)
    one.add_argument("--size", type=int, required=True)
    one.add_argument("--workdir", type=Path, required=True)
    brw = commands.add_parser("browser", help="Enter→answer in Chromium and the app's memory, on a corpus")
    brw.add_argument("--corpus", type=Path, action="append", required=True)
    brw.add_argument("--questions", type=int, default=10)
    brw.add_argument("--out", type=Path, help="also write the result as JSON here")
    lev = commands.add_parser("levers", help="issue 9's levers on/off on dev, held-out and CMRC 2018")
    levers_cmd.add_arguments(lev)
    rep = commands.add_parser("report", help="run everything and write eval/REPORT.md")
    report.add_arguments(rep)
    return parser.parse_args(argv)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def overrides(args: argparse.Namespace) -> dict[str, object]:
    return {name: getattr(args, name) for name in OVERRIDES if getattr(args, name, None) is not None}


def workspace(args: argparse.Namespace) -> Workspace:
    cache = None if args.no_embed_cache else args.embed_cache
    return Workspace(dense=not args.no_dense, cache_path=cache)


def dataset(args: argparse.Namespace, ws: Workspace) -> tuple[list[QAItem], list[Path]]:
    """The questions and the corpus files (SQuAD paragraphs are written as documents first)."""
    if args.squad:
        squad = load_squad(args.squad, args.limit)
        folder = ws.scratch("squad")
        write_paragraphs(squad.paragraphs, folder)
        return list(squad.items), corpus_files([folder, *args.corpus], args.exclude)
    if not args.qa or not args.corpus:
        raise SystemExit("give --qa FILE and --corpus DIR (or --squad FILE)")
    return sample_items(load_qa_jsonl(args.qa), args.limit), corpus_files(args.corpus, args.exclude)


def indexed(ws: Workspace, corpus: list[Path], args: argparse.Namespace):
    started = time.perf_counter()
    say(f"indexing {len(corpus)} files …")
    kb = ws.index(corpus, **overrides(args))
    say(f"indexed {kb.catalog.chunk_count()} chunks in {time.perf_counter() - started:.0f} s")
    return kb


def cmd_retrieval(args: argparse.Namespace) -> int:
    with workspace(args) as ws:
        items, corpus = dataset(args, ws)
        kb = indexed(ws, corpus, args)
        systems = project_systems(kb)
        if args.baselines:
            say("building baselines …")
            systems = [*ws.baselines(corpus), *systems]
        runs = []
        for system in systems:
            say(f"searching: {system.name}")
            runs.append(retrieval_eval.run_system(system, items, args.k))
    if args.json:
        print(json.dumps(retrieval_eval.as_json(runs), ensure_ascii=False))
        return 0
    print(f"{len(runs[0].outcomes)} answerable questions of {len(items)}\n")
    print(retrieval_eval.results_table(runs))
    default = next(r for r in runs if r.name == "default")
    misses = default.misses(args.k)
    print(f"\nmisses of `default` at k={args.k}: {len(misses)}\n")
    if misses and args.misses:
        print(retrieval_eval.misses_table(default, args.k, args.misses))
    return 0


def cmd_answer(args: argparse.Namespace) -> int:
    with workspace(args) as ws:
        items, corpus = dataset(args, ws)
        kb = indexed(ws, corpus, args)
        if args.batch_cli:  # the same questions through `python -m retrieval ask --batch --json`
            from eval.batch_cli import run_answers_via_cli

            say("answering through python -m retrieval ask --batch …")
            outcomes = run_answers_via_cli(kb.settings, items, answer_eval.sources_of(kb), kb.embedder is not None)
        else:
            outcomes = answer_eval.run_answers(kb, items)
        scores = answer_eval.score_answers(outcomes)
        swept = answer_eval.coverage_sweep(kb, items, args.coverages) if args.coverages else []
    if args.json:
        sweep_json = [{"answer_min_coverage": t, **s.as_dict()} for t, s in swept]
        print(json.dumps({"n": len(items), "scores": scores.as_dict(), "coverage_sweep": sweep_json}))
        return 0
    print(answer_eval.answer_table(scores))
    if swept:
        print("\n" + answer_eval.sweep_table(swept))
    print("\nwrong answers and unwarranted answers:\n")
    print(answer_eval.failures_table(outcomes, args.failures))
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    with workspace(args) as ws:
        items, corpus = dataset(args, ws)
        base = {k: v for k, v in overrides(args).items() if k != "chunk_size"}
        say(f"sweeping chunk sizes {args.chunk_sizes} (one ingest each) …")
        fusion, chunks = sweep.sweep_chunk_sizes(ws, corpus, items, args.chunk_sizes, args.dense_weights, **base)
        coverage = answer_eval.coverage_sweep(indexed(ws, corpus, args), items, args.coverages)
    if args.json:
        print(json.dumps(sweep.as_json(fusion, chunks, coverage)))
        return 0
    print(sweep.fusion_table(fusion) + "\n\n" + sweep.chunk_table(chunks) + "\n\n")
    print(answer_eval.sweep_table(coverage))
    return 0


def bench_corpus(args: argparse.Namespace) -> list[Path]:
    return list(args.corpus) or [report.default_bench_corpus()]


def cmd_bench(args: argparse.Namespace) -> int:
    corpus = bench_corpus(args)
    new = bench.run_sizes(args.sizes, args.dense, corpus, args.qa, args.questions, args.rounds, progress=say)
    results = bench.merge_results(args.results, new) if args.results else new
    bench_report.plot(results, args.plot)
    print(bench_report.ingest_table(results) + "\n\n" + bench_report.serve_table(results))
    print(f"\nplot: {args.plot}")
    return 0


def cmd_bench_one(args: argparse.Namespace) -> int:
    config = bench.BenchConfig(
        args.size, args.dense, tuple(bench_corpus(args)), args.qa, args.workdir, args.questions, args.rounds
    )
    result = bench.bench_one(config, say)
    print(json.dumps(result, ensure_ascii=False))
    return 0


def cmd_browser(args: argparse.Namespace) -> int:
    from eval import browser_bench  # needs Playwright and Debian's Chromium

    print(json.dumps(browser_bench.run(args.corpus, args.questions, args.out), ensure_ascii=False, indent=2))
    return 0


COMMANDS = {
    "browser": cmd_browser,
    "retrieval": cmd_retrieval,
    "answer": cmd_answer,
    "sweep": cmd_sweep,
    "bench": cmd_bench,
    "bench-one": cmd_bench_one,
    "levers": lambda args: levers_cmd.command(args, say),
    "report": lambda args: report.run(args, say),
}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging(args.verbose)
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())

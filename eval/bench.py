"""Benchmark: ingest throughput by stage, index size, peak RSS, search/ask latency, per library size.

Each size runs in a fresh subprocess (`python -m eval bench-one`) so its peak RSS is its own. The ingest runs
through the real writer, its stages timed by progress hooks: parse (load + chunk), embed (model + Chroma add;
"vectors" is folded into it) and index (tokenize, BM25 publish, catalog commit; "tokenize" is folded into it);
the lexical path is parse + index.
"""

from __future__ import annotations

import json
import logging
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from eval.datasets import load_qa_jsonl
from eval.library import SEED, build_library, sentence_pool
from eval.metrics import percentile
from library.files import uploads_from_paths
from library.progress import ProgressHooks
from library.service import Library
from retrieval.embeddings import load_embedder
from retrieval.kb import KnowledgeBase
from retrieval.settings import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)
STAGES = ("parse", "tokenize", "embed", "vectors", "index")
WARMUP = 10
QUERY_CHARS = 30


@dataclass
class StageTimes:
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] += time.perf_counter() - started


class _StageClock:
    """Progress hooks that time the writer's stages: read (parse) until embedding starts, embed (model and
    Chroma add) until the commit stage; the rest (tokenize, BM25 publish, catalog commit) counts as index."""

    def __init__(self, times: StageTimes):
        self.times = times
        self.stage = ""
        self.since = time.perf_counter()

    def at(self, name: str, stage: str, share: float) -> None:
        now = time.perf_counter()
        if self.stage:
            self.times.seconds[_BENCH_STAGE[self.stage]] += now - self.since
        self.stage, self.since = stage, now


_BENCH_STAGE = {"read": "parse", "ocr": "parse", "chunk": "parse", "embed": "embed", "commit": "index"}


def ingest_library(
    kb: KnowledgeBase, files: Sequence[Path], progress: Callable[[str], None] | None = None
) -> tuple[StageTimes, int]:
    """Ingest through the real writer (library.Library), its stages timed by progress hooks."""
    times = StageTimes()
    clock = _StageClock(times)
    writer = Library(kb.settings, tokenizer=kb.tokenizer, embedder=kb.embedder)
    step = max(1, len(files) // 10)
    done = [0, 0]

    def file_done(outcome) -> None:
        done[0] += 1
        done[1] += outcome.chunks
        if progress and (done[0] % step == 0 or done[0] == len(files)):
            progress(f"  {done[0]}/{len(files)} documents, {done[1]:,} chunks")

    started = time.perf_counter()
    hooks = ProgressHooks(stage=clock.at, file_done=file_done)
    report = writer.add_many(uploads_from_paths(files, kb.settings), hooks=hooks)
    wall = time.perf_counter() - started
    times.seconds["index"] = wall - times.seconds["parse"] - times.seconds["embed"]
    writer.close()
    return times, sum(o.chunks for o in report.outcomes)


def latency_questions(pool: Sequence[str], qa_path: Path | None, n: int) -> list[str]:
    """Half dev-set questions (when the file exists), the rest library sentences cut to query length."""
    rng = random.Random(SEED)
    dev = [item.question for item in load_qa_jsonl(qa_path)] if qa_path and qa_path.exists() else []
    picked = rng.sample(dev, min(len(dev), n // 2))
    picked += [s[:QUERY_CHARS] for s in rng.sample(list(pool), min(len(pool), n - len(picked)))]
    rng.shuffle(picked)
    return picked


def measure_latency(kb: KnowledgeBase, questions: Sequence[str], rounds: int = 1) -> dict[str, float]:
    """p50/p95 in ms of search (k=10, the shipped fusion) and ask, after a warm-up."""
    for question in questions[:WARMUP]:
        kb.search(question, 10)
        kb.ask(question)
    search, ask, search_cpu, ask_cpu = [], [], [], []
    load_before = os.getloadavg()[0]
    for _ in range(rounds):
        for question in questions:
            started, started_cpu = time.perf_counter(), time.thread_time()
            kb.search(question, 10)
            middle, middle_cpu = time.perf_counter(), time.thread_time()
            kb.ask(question)
            search.append(1000 * (middle - started))
            ask.append(1000 * (time.perf_counter() - middle))
            search_cpu.append(1000 * (middle_cpu - started_cpu))
            ask_cpu.append(1000 * (time.thread_time() - middle_cpu))
    return {
        "search_p50_ms": percentile(search, 50),
        "search_p95_ms": percentile(search, 95),
        "ask_p50_ms": percentile(ask, 50),
        "ask_p95_ms": percentile(ask, 95),
        # CPU time of the serving thread: what a query costs when it has a core to itself (this machine is shared)
        "search_cpu_p50_ms": percentile(search_cpu, 50),
        "ask_cpu_p50_ms": percentile(ask_cpu, 50),
        "load_avg": (load_before + os.getloadavg()[0]) / 2,
    }


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def disk_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


@dataclass(frozen=True)
class BenchConfig:
    size: int
    dense: bool
    corpus: tuple[Path, ...]
    qa: Path | None
    workdir: Path
    questions: int = 200
    rounds: int = 1


def bench_one(config: BenchConfig, progress: Callable[[str], None] | None = None) -> dict:
    """Build one library, ingest it stage by stage, and measure it (run in its own process for the RSS)."""
    clock = _Clock(progress)
    settings = Settings(data_dir=config.workdir / "data", embedding_model="" if config.dense else "none")
    embedder = load_embedder(settings) if config.dense else None
    rss_model = peak_rss_mb()
    pool = sentence_pool(config.corpus)
    files = build_library(pool, config.size, config.workdir / "library", settings.chunk_size)
    kb = KnowledgeBase(settings, embedder=embedder)
    kb.tokenizer.tokenize("预热")  # jieba loads its dictionary once per process: a start-up cost, not throughput
    clock.lap(f"library of {len(files):,} documents written, model and jieba loaded")
    times, chunks = ingest_library(kb, files, progress)
    ingest_wall = clock.lap(f"ingested {chunks:,} chunks")
    kb.index.lexical()
    derived = {"bm25_load_s": clock.lap("BM25 index loaded")}
    if settings.bigram_weight > 0:
        kb.searcher.derived.wait("bigram")  # built once per catalog generation, before the first search that uses it
        derived["bigram_build_s"] = clock.lap("character-bigram leg built")
    latency = measure_latency(kb, latency_questions(pool, config.qa, config.questions), config.rounds)
    clock.lap("latency measured")
    result = summarize(config, files, times, chunks, latency)
    result |= {
        "ingest_wall_s": ingest_wall,
        "rss_before_ingest_mb": rss_model,
        "index_mb": disk_mb(settings.data_dir),
        "model": embedder.name if embedder else "none",
        "peak_rss_mb": peak_rss_mb(),
        **derived,
    }
    kb.close()
    return result


class _Clock:
    """Wall time per phase, told to the progress callback (the stage timers only cover the ingest itself)."""

    def __init__(self, progress: Callable[[str], None] | None):
        self.progress = progress
        self.last = time.perf_counter()

    def lap(self, message: str) -> float:
        now = time.perf_counter()
        seconds, self.last = now - self.last, now
        if self.progress:
            self.progress(f"  {message} ({seconds:.1f} s)")
        return seconds


def summarize(config: BenchConfig, files: Sequence[Path], times: StageTimes, chunks: int, latency: dict) -> dict:
    mb = sum(p.stat().st_size for p in files) / 2**20
    s = times.seconds
    lexical = s["parse"] + s["tokenize"] + s["index"]
    total = sum(s.values())
    return {
        "size": config.size,
        "dense": config.dense,
        "chunks": chunks,
        "docs": len(files),
        "mb": mb,
        "stages_s": dict(s),
        "lexical_mb_s": mb / lexical if lexical else None,
        "ingest_chunks_s": chunks / total if total else None,
        "ingest_mb_s": mb / total if total else None,
        "embed_chunks_s": chunks / s["embed"] if s["embed"] else None,
        "questions": config.questions * config.rounds,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **latency,
    }


def run_in_subprocess(config: BenchConfig) -> dict:
    """`python -m eval bench-one ...` in a fresh interpreter; its last stdout line is the JSON result."""
    command = [
        sys.executable,
        "-m",
        "eval",
        "bench-one",
        "--size",
        str(config.size),
        "--dense" if config.dense else "--no-dense",
        "--workdir",
        str(config.workdir),
        "--questions",
        str(config.questions),
        "--rounds",
        str(config.rounds),
    ]
    command += [arg for path in config.corpus for arg in ("--corpus", str(path))]
    if config.qa:
        command += ["--qa", str(config.qa)]
    done = subprocess.run(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench-one --size {config.size} failed with exit code {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_sizes(
    sizes: Sequence[int],
    dense: bool,
    corpus: Sequence[Path],
    qa: Path | None,
    questions: int = 200,
    rounds: int = 1,
    progress: Callable[[str], None] | None = None,
) -> list[dict]:
    """Every size in its own subprocess and its own temporary directory, removed afterwards."""
    results = []
    for size in sizes:
        workdir = Path(tempfile.mkdtemp(prefix=f"shuxiang-bench-{size}-"))
        if progress:
            progress(f"bench: {size:,} chunks ({'dense+BM25' if dense else 'BM25 only'}) …")
        try:
            config = BenchConfig(size, dense, tuple(corpus), qa, workdir, questions, rounds)
            results.append(run_in_subprocess(config))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    return results


def merge_results(path: Path, new: Sequence[dict]) -> list[dict]:
    """Results file keyed by (size, dense): a later run of a size replaces the earlier one."""
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    merged = {(r["size"], r["dense"]): r for r in [*old, *new]}
    results = sorted(merged.values(), key=lambda r: (r["dense"], r["size"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return results

"""Bench results as tables and a PNG plot of latency and memory against library size."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from eval.tables import markdown_table


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _mode(result: dict) -> str:
    return "dense+BM25" if result["dense"] else "BM25 only"


def ingest_table(results: Sequence[dict]) -> str:
    headers = [
        "target chunks",
        "mode",
        "actual chunks",
        "docs",
        "MB",
        "parse s",
        "tokenize s",
        "embed s",
        "vectors s",
        "index s",
        "lexical path MB/s",
        "ingest chunks/s",
        "embed chunks/s",
    ]
    rows = []
    for r in results:
        s = r["stages_s"]
        rows.append(
            [
                f"{r['size']:,}",
                _mode(r),
                f"{r['chunks']:,}",
                f"{r['docs']:,}",
                _num(r["mb"]),
                *(_num(s[stage]) for stage in ("parse", "tokenize", "embed", "vectors", "index")),
                _num(r["lexical_mb_s"], 2),
                _num(r["ingest_chunks_s"]),
                _num(r["embed_chunks_s"]),
            ]
        )
    return markdown_table(headers, rows)


def serve_table(results: Sequence[dict]) -> str:
    headers = [
        "chunks",
        "mode",
        "index on disk MB",
        "RSS before ingest MB",
        "peak RSS MB",
        "search p50 ms",
        "search p95 ms",
        "ask p50 ms",
        "ask p95 ms",
        "search / ask p50 CPU ms",
        "load avg",
        "questions",
        "measured (UTC)",
    ]
    rows = [
        [
            f"{r['chunks']:,}",
            _mode(r),
            _num(r["index_mb"]),
            _num(r["rss_before_ingest_mb"], 0),
            _num(r["peak_rss_mb"], 0),
            _num(r["search_p50_ms"]),
            _num(r["search_p95_ms"]),
            _num(r["ask_p50_ms"]),
            _num(r["ask_p95_ms"]),
            f"{_num(r['search_cpu_p50_ms'])} / {_num(r['ask_cpu_p50_ms'])}" if "search_cpu_p50_ms" in r else "—",
            _num(r["load_avg"], 1) if "load_avg" in r else "—",
            r["questions"],
            r["measured_at"].replace("+00:00", ""),
        ]
        for r in results
    ]
    return markdown_table(headers, rows)


def plot(results: Sequence[dict], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (latency, memory) = plt.subplots(1, 2, figsize=(11, 4.2))
    for dense in (True, False):
        runs = sorted((r for r in results if r["dense"] == dense), key=lambda r: r["chunks"])
        if not runs:
            continue
        x = [r["chunks"] for r in runs]
        mode = _mode(runs[0])
        for key, style in (
            ("search_p50_ms", "o-"),
            ("search_p95_ms", "o:"),
            ("ask_p50_ms", "s-"),
            ("ask_p95_ms", "s:"),
        ):
            latency.plot(x, [r[key] for r in runs], style, label=f"{key.split('_')[0]} {key.split('_')[1]} ({mode})")
        memory.plot(x, [r["peak_rss_mb"] for r in runs], "o-", label=f"peak RSS ({mode})")
        memory.plot(x, [r["index_mb"] for r in runs], "s--", label=f"index on disk ({mode})")
    _style(latency, "latency (ms)", "search and ask latency")
    _style(memory, "MB", "memory and disk")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _style(axis: object, ylabel: str, title: str) -> None:
    axis.set_xscale("log")
    axis.set_xlabel("chunks in the library")
    axis.set_ylabel(ylabel)
    axis.set_title(title)
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=7)

"""Backup and restore of the whole ../shared/corpus library, through the real command lines, SQLite and PostgreSQL.

/work/main/.venv/bin/python -m eval.backup_times [--corpus ../shared/corpus] [--out eval/backup_times.json]

For each backend: `python -m ingest CORPUS` into a fresh data dir (the embedding model chosen as the app chooses
it: a downloaded Chinese model, else the bundled one), `python -m library backup FILE` (timed, archive size), then
`python -m library restore FILE` into an empty data dir (SQLite) or a new empty database (PostgreSQL, a throw-away
cluster on loopback), whose own output splits the time into restore (catalog, accounts, sources) and rebuild
(vectors and BM25). The wall time of the restore command also holds interpreter start-up and the model load.
Finally the restored library must list the same documents and answer a question with the same passage.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eval.servers import PostgresCluster, postgres_bin
from retrieval.settings import PROJECT_ROOT

CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
QUESTION = "政协委员每届任期几年"


def _cli(args: list[str], data_dir: Path, database_url: str = "") -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHUXIANG_")}
    env.update(SHUXIANG_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1")
    if database_url:
        env["SHUXIANG_DATABASE_URL"] = database_url
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=7200
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"python -m {' '.join(args)} failed ({done.returncode}): {done.stderr[-3000:]}")
    return seconds, done.stdout


def _seconds(pattern: str, output: str) -> float:
    return float(re.search(pattern, output).group(1))


def measure(backend: str, corpus: Path, scratch: Path, urls: tuple[str, str] = ("", "")) -> dict:
    source_dir, target_dir, archive = scratch / f"{backend}-a", scratch / f"{backend}-b", scratch / f"{backend}.tar.gz"
    source_url, target_url = urls
    ingest_s, _ = _cli(["ingest", str(corpus), "--quiet"], source_dir, source_url)
    _, listing = _cli(["ingest", "--list", "--json"], source_dir, source_url)
    documents = json.loads(listing)
    _, hit_before = _cli(["retrieval", "search", QUESTION, "--k", "1", "--json"], source_dir, source_url)
    backup_s, _ = _cli(["library", "backup", str(archive)], source_dir, source_url)
    restore_wall_s, out = _cli(["library", "restore", str(archive)], target_dir, target_url)
    _, listing_after = _cli(["ingest", "--list", "--json"], target_dir, target_url)
    _, hit_after = _cli(["retrieval", "search", QUESTION, "--k", "1", "--json"], target_dir, target_url)
    same_documents = sorted(d["id"] for d in json.loads(listing_after)) == sorted(d["id"] for d in documents)
    same_hit = json.loads(hit_after)["hits"][0]["chunk_id"] == json.loads(hit_before)["hits"][0]["chunk_id"]
    result = {
        "backend": backend,
        "documents": len(documents),
        "chunks": sum(d["chunks"] for d in documents),
        "ingest_s": round(ingest_s, 1),
        "backup_s": round(backup_s, 1),
        "archive_mb": round(archive.stat().st_size / 2**20, 2),
        "restore_s": _seconds(r"已恢复 \d+ 个文档（用时 ([\d.]+) 秒）", out),
        "rebuild_s": _seconds(r"已重建 \d+ 个段落的向量和关键词索引（用时 ([\d.]+) 秒）", out),
        "restore_command_wall_s": round(restore_wall_s, 1),
        "same_documents": same_documents,
        "same_top_passage": same_hit,
    }
    print(json.dumps(result, ensure_ascii=False), file=sys.stderr)
    return result


def table(results: list[dict]) -> str:
    lines = [
        "| backend | documents | passages | ingest s | `library backup` s | archive MB | restore s | rebuild s "
        "| `library restore` wall s | same documents, same top passage |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        same = "yes" if r["same_documents"] and r["same_top_passage"] else "**no**"
        lines.append(
            f"| {r['backend']} | {r['documents']} | {r['chunks']} | {r['ingest_s']} | {r['backup_s']} | "
            f"{r['archive_mb']} | {r['restore_s']} | {r['rebuild_s']} | {r['restore_command_wall_s']} | {same} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.backup_times", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="shuxiang-backup-times-") as tmp:
        backends = args.backends.split(",")
        if "sqlite" in backends:
            results.append(measure("sqlite", args.corpus, Path(tmp)))
        if "postgresql" in backends:
            bindir = postgres_bin()
            if bindir is None:
                raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
            cluster = PostgresCluster(bindir)
            cluster.start()
            try:
                urls = (cluster.new_database(), cluster.new_database())
                results.append(measure("postgresql", args.corpus, Path(tmp), urls))
            finally:
                cluster.stop()
    if args.out:
        machine = {"cpus": os.cpu_count(), "load_avg": os.getloadavg()}
        args.out.write_text(json.dumps({"machine": machine, "results": results}, ensure_ascii=False, indent=1))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

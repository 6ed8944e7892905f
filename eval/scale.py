"""Scale-out measurements (issue 11): a bounded load test of the HTTP API on loopback, embedded storage
(SQLite + Chroma in the data dir) against the server setup (PostgreSQL + `chroma run`), and a large library
served through the server setup by a fresh replica, with the time that replica takes to catch up after a write
(shared artefacts downloaded vs BM25 rebuilt from the catalog).

python -m eval.scale --laws 40 --seconds 60 --concurrency 1,8,32 --large-laws 0 --out eval/scale.json
python -m eval.scale --laws 0 --seconds 60 --large-laws all --out eval/scale_large.json

Servers (a throw-away PostgreSQL cluster, chroma run) and API processes (`python -m api`) are started here on
loopback and stopped at the end. Document vectors are cached (eval/cache.py) so both setups embed each chunk once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from eval.cache import CachedEmbedder, VectorCache
from eval.servers import ChromaServer, PostgresCluster, free_port, http_ok, postgres_bin, wait_until
from library.files import uploads_from_paths
from library.service import LEGS, Library
from retrieval.embeddings import load_embedder
from retrieval.settings import PROJECT_ROOT, Settings
from retrieval.tokenizer import ChineseTokenizer

LAWS = PROJECT_ROOT.parent / "shared" / "datasets" / "laws"
QA = PROJECT_ROOT / "eval" / "data" / "dev_qa.jsonl"


def law_files(limit: int | None) -> list[Path]:
    files = sorted(p for p in LAWS.rglob("*.md") if p.name != "README.md")
    return files if limit is None else files[:limit]


def questions(laws: list[Path], n: int = 200, seed: int = 7) -> list[str]:
    """The project's dev questions and questions naming laws of the library (fixed seed: the same every run)."""
    rng = random.Random(seed)
    asked = [json.loads(line)["question"] for line in QA.read_text(encoding="utf-8").splitlines() if line.strip()]
    templates = ("{}的立法目的是什么？", "{}适用于哪些情形？", "{}由哪个部门负责实施？", "违反{}要承担什么责任？")
    for path in rng.sample(laws, min(len(laws), n)):
        asked.append(rng.choice(templates).format(path.stem.split("(")[0]))
    rng.shuffle(asked)
    return asked


def build(settings: Settings, files: list[Path], embedder, tokenizer) -> dict:
    started = time.perf_counter()
    library = Library(settings, tokenizer=tokenizer, embedder=embedder)
    report = library.add_many(uploads_from_paths([PROJECT_ROOT / "corpus", *files]), added_by="scale")
    chunks = library.catalog.chunk_count()
    documents = library.catalog.document_count()
    library.close()
    return {"documents": documents, "chunks": chunks, "ingest_s": round(time.perf_counter() - started, 1),
            "summary": report.summary()}  # fmt: skip


@contextmanager
def api_process(env: dict[str, str], log: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api", "--port", str(port), "--no-seed"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: proc.poll() is None and http_ok(f"{url}/health"), 600, "API")
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


async def _load(url: str, path: str, bodies: list[dict], concurrency: int, seconds: float) -> dict:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))

    async def worker(client: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline:
            body = bodies[next(counter) % len(bodies)]
            started = time.perf_counter()
            response = await client.post(path, json=body)
            latencies.append(time.perf_counter() - started)
            statuses[response.status_code] += 1

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return summarize(latencies, elapsed, concurrency, statuses)


def summarize(latencies: list[float], elapsed: float, concurrency: int, statuses: Counter[int]) -> dict:
    ordered = sorted(latencies)
    pick = lambda q: round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)  # noqa: E731
    return {
        "concurrency": concurrency,
        "requests": len(ordered),
        "rps": round(len(ordered) / elapsed, 2),
        "p50_ms": pick(0.50),
        "p95_ms": pick(0.95),
        "mean_ms": round(1000 * statistics.fmean(ordered), 1) if ordered else 0.0,
        "statuses": dict(statuses),
    }


def load(url: str, path: str, bodies: list[dict], concurrency: int, seconds: float) -> dict:
    return asyncio.run(_load(url, path, bodies, concurrency, seconds))


def environment(settings: Settings) -> dict[str, str]:
    env = {**os.environ, "SHUXIANG_DATA_DIR": str(settings.data_dir), "HF_HUB_OFFLINE": "1"}
    for key in ("database_url", "chroma_url", "embedding_model"):
        if getattr(settings, key):
            env[f"SHUXIANG_{key.upper()}"] = getattr(settings, key)
    return env


def measure_api(
    settings: Settings,
    asked: list[str],
    concurrency: list[int],
    seconds: float,
    log: Path,
    writer: Settings | None = None,
) -> dict:
    """Load-test a fresh replica; with `writer` (the writer's settings), then time its catch-up after writes."""
    bodies = [{"question": q} for q in asked]
    with api_process(environment(settings), log) as (url, pid):
        started = time.perf_counter()
        httpx.post(f"{url}/ask", json=bodies[0], timeout=600)
        first_ms = round(1000 * (time.perf_counter() - started), 1)
        load(url, "/ask", bodies, 1, 3)  # warm-up
        runs = [load(url, "/ask", bodies, c, seconds) for c in concurrency]
        search = load(url, "/search", [{"query": q, "k": 10} for q in asked], concurrency[0], seconds)
        measured = {"first_ask_ms": first_ms, "ask": runs, "search": search, "rss_mb": rss_mb(pid)}
        measured["health"] = httpx.get(f"{url}/health").json()
        if writer is not None:
            measured["catch_up"] = catch_up(writer, url, pid)
            measured["rss_mb_after_catch_up"] = rss_mb(pid)
        return measured


# One write for the catch-up measurement: a short regulation with a fact no law of the library states.
_NEW_LAW = """# 书香政协阅读促进办法（第{n}版）

第一条 为了推动书香政协建设，制定本办法。

第二条 委员每年应当阅读政治理论书籍不少于{books}本，并提交读书心得。
"""


def catch_up(writer_settings: Settings, url: str, pid: int, downloads: int = 2) -> list[dict]:
    """Time from a write's commit (the writer's `add` returning) to the replica's first answer that carries it:
    with the shared artefacts (download + load), then without them (deleted after the commit: the replica
    rebuilds BM25 from the catalog, as every replica did before; last, since its bigram leg then builds in the
    background and would slow what follows)."""
    library = Library(writer_settings, embedder=None)
    runs = []
    for n, shared in enumerate([True] * downloads + [False], start=1):
        started = time.perf_counter()
        outcome = library.add(f"reading-{n}.md", _NEW_LAW.format(n=n, books=n + 11).encode(), added_by="scale")
        write_s = time.perf_counter() - started
        state = library.catalog.generation_state()
        sizes = {kind: library.artefacts.size(kind, state.number, state.stamp) for kind in LEGS}
        if not shared:
            library.artefacts.prune(state.number + 2, "")  # drops every shared artefact
        committed = time.perf_counter()
        question = f"书香政协阅读促进办法（第{n}版）要求委员每年阅读多少本书？"
        answer = httpx.post(f"{url}/ask", json={"question": question}, timeout=600).json()
        first_answer_s = time.perf_counter() - committed
        hits = httpx.post(f"{url}/search", json={"query": question, "k": 5}, timeout=600).json()["hits"]
        runs.append({
            "shared_artefact": shared,
            "status": outcome.status,
            "write_s": round(write_s, 1),
            "first_answer_s": round(first_answer_s, 2),
            # the replica serves the new generation: the new document is searched and (usually) cited
            "in_search": outcome.doc_id in [h["doc"] for h in hits],
            "cited": outcome.doc_id in [c["doc"] for c in answer["citations"]],
            "artefact_mb": {k: round(v / 2**20, 1) for k, v in sizes.items() if v is not None},
            "loads": httpx.get(f"{url}/health").json().get("loads", {}),
            "rss_mb": rss_mb(pid),
        })  # fmt: skip
        print("catch-up", runs[-1], flush=True)
    library.close()
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.scale", description=__doc__.splitlines()[0])
    parser.add_argument("--laws", default="300", help="laws in the load-test library (a number or 'all')")
    parser.add_argument("--large-laws", default="all", help="laws in the large library ('0' to skip)")
    parser.add_argument(
        "--large-dense", action="store_true", help="embed the large library too (default: BM25 leg only, no model)"
    )
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: a temp dir)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "eval" / "scale.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    for name in ("library.service", "retrieval.artefact_store"):  # the writer's build, upload and prune times
        logging.getLogger(name).setLevel(logging.INFO)
    if postgres_bin() is None:
        raise SystemExit("需要 PostgreSQL（apt-get install postgresql）")
    work = args.work or Path(tempfile.mkdtemp(prefix="shuxiang-scale-"))
    concurrency = [int(c) for c in args.concurrency.split(",")]
    count = lambda text: None if text == "all" else int(text)  # noqa: E731
    tokenizer = ChineseTokenizer(work / "jieba")
    inner = load_embedder(Settings(data_dir=work / "jieba"))
    embedder = CachedEmbedder(inner, VectorCache(work / "vectors.sqlite3"))
    results: dict = {"cpus": os.cpu_count(), "seconds": args.seconds, "model": inner.name}
    cluster = PostgresCluster(postgres_bin())
    cluster.start()
    chroma = ChromaServer(work / "chroma-server")
    chroma.start()
    try:
        files = law_files(count(args.laws))
        asked = questions(files)
        setups = {
            "embedded": Settings(data_dir=work / "embedded"),
            "server": Settings(data_dir=work / "server-a", database_url=cluster.new_database(), chroma_url=chroma.url),
        }
        for name, settings in setups.items() if files else ():
            library = build(settings, files, embedder, tokenizer)
            print(name, library, flush=True)
            replica = (
                settings.model_copy(update={"data_dir": work / f"{name}-replica"}) if name == "server" else settings
            )
            results[name] = {
                "library": library,
                **measure_api(replica, asked, concurrency, args.seconds, work / f"{name}.log"),
            }
            print(json.dumps(results[name], ensure_ascii=False), flush=True)
        if args.large_laws != "0":
            chroma.clear()
            large_files = law_files(count(args.large_laws))
            model = {} if args.large_dense else {"embedding_model": "none"}
            # One commit: 73 batches would each rebuild and ship BM25 and the bigram leg of the whole library.
            settings = Settings(
                data_dir=work / "large-a",
                database_url=cluster.new_database(),
                chroma_url=chroma.url,
                commit_batch_chunks=10**7,
                **model,
            )
            library = build(settings, large_files, embedder if args.large_dense else None, tokenizer)
            library["dense"] = args.large_dense
            print("large", library, flush=True)
            replica = settings.model_copy(update={"data_dir": work / "large-replica"})
            measured = measure_api(
                replica, questions(large_files), [1, 8], args.seconds, work / "large.log", writer=settings
            )
            results["large_server"] = {"library": library, **measured}
            print(json.dumps(results["large_server"], ensure_ascii=False), flush=True)
    finally:
        chroma.stop()
        cluster.stop()
        embedder.cache.close()
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Wall time of the command lines, at a baseline commit and at HEAD, on the same small library.

/work/main/.venv/bin/python -m eval.cli_times --baseline d39f0be [--also REV] [--head HEAD] [--runs 5] [--out FILE]

Each revision is checked out into a temporary `git worktree` under the system temp dir (never inside the project),
gets its own data dir, ingests the same three texts of ../shared/corpus with its own `python -m ingest`, then
runs each command once cold (the first run of that checkout: the project's bytecode is not compiled yet) and
`--runs` times warm: the median wall time, and the median CPU time (user + system) the command used, which moves
less than wall time when other work shares the machine. All runs use this interpreter (the same venv) and
HF_HUB_OFFLINE=1, so no run waits on the network. A command the revision does not have is reported as such.
Worktrees are removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from retrieval.settings import PROJECT_ROOT

CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
FILES = ("zhengxie-zhangcheng-2018.md", "xinfang-gongzuo-tiaoli-2022.md", "xianfa.md")
QUESTION = "政协委员每届任期几年"
COMMANDS = {
    f'retrieval search "{QUESTION}"': ["retrieval", "search", QUESTION],
    "ingest --list": ["ingest", "--list"],
    "library check": ["library", "check"],
}
MISSING = ("invalid choice", "unrecognized arguments", "No module named")


@dataclass
class Timing:
    command: str
    revision: str
    cold_s: float | None
    median_s: float | None
    runs_s: list[float]
    cpu_median_s: float | None = None  # user + system CPU of the command: steadier than wall time on a busy machine
    note: str = ""


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHUXIANG_")}
    return {**env, "SHUXIANG_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", "PYTHONDONTWRITEBYTECODE": ""}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(args: list[str], checkout: Path, data_dir: Path) -> tuple[float, subprocess.CompletedProcess, float]:
    """Wall seconds, the finished process, CPU seconds it used."""
    cpu, started = _cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", *args], cwd=checkout, env=_env(data_dir), capture_output=True, text=True, timeout=900
    )
    return time.perf_counter() - started, done, _cpu() - cpu


def measure(revision: str, runs: int, scratch: Path) -> list[Timing]:
    checkout, data_dir = scratch / f"checkout-{revision}", scratch / f"data-{revision}"
    subprocess.run(["git", "worktree", "add", "--detach", str(checkout), revision], cwd=PROJECT_ROOT, check=True,
                   capture_output=True)  # fmt: skip
    try:
        seconds, done, _ = _run(["ingest", *(str(CORPUS / f) for f in FILES), "--quiet"], checkout, data_dir)
        if done.returncode != 0:
            raise RuntimeError(f"ingest at {revision} failed: {done.stderr[-2000:]}")
        print(f"{revision}: ingested {len(FILES)} files in {seconds:.1f} s", file=sys.stderr)
        results = []
        for label, args in COMMANDS.items():
            cold, done, _ = _run(args, checkout, data_dir)
            if done.returncode != 0 and any(m in done.stderr for m in MISSING):
                results.append(Timing(label, revision, None, None, [], note="no such command at this revision"))
                continue
            if done.returncode not in (0, 1):
                raise RuntimeError(f"{label} at {revision} failed: {done.stderr[-2000:]}")
            measured = [_run(args, checkout, data_dir) for _ in range(runs)]
            warm, cpu = [m[0] for m in measured], statistics.median(m[2] for m in measured)
            results.append(Timing(label, revision, cold, statistics.median(warm), warm, cpu))
            print(f"{revision}: {label}: cold {cold:.2f} s, median {statistics.median(warm):.2f} s", file=sys.stderr)
        return results
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=PROJECT_ROOT, capture_output=True)


def table(timings: list[Timing], revisions: list[str]) -> str:
    by = {(t.command, t.revision): t for t in timings}
    lines = ["| command | revision | cold s | median s (warm) | median CPU s |", "|---|---|---|---|---|"]
    for label in COMMANDS:
        for revision in revisions:
            t = by[label, revision]
            if t.median_s is None:
                lines.append(f"| `python -m {label}` | {revision} | {t.note} | – | – |")
            else:
                cells = f"{t.cold_s:.2f} | {t.median_s:.2f} | {t.cpu_median_s:.2f}"
                lines.append(f"| `python -m {label}` | {revision} | {cells} |")
    return "\n".join(lines)


def _short(revision: str) -> str:
    done = subprocess.run(["git", "rev-parse", "--short", revision], cwd=PROJECT_ROOT, capture_output=True, text=True)
    return done.stdout.strip() or revision


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.cli_times", description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="commit to compare with (e.g. d39f0be)")
    parser.add_argument("--head", default="HEAD", help="commit measured as 'after' (default HEAD)")
    parser.add_argument("--also", action="append", default=[], help="another commit to measure in between")
    parser.add_argument("--runs", type=int, default=5, help="warm runs per command (the median is reported)")
    parser.add_argument("--out", type=Path, help="also write the timings as JSON")
    args = parser.parse_args(argv)
    revisions = [_short(r) for r in (args.baseline, *args.also, args.head)]
    with tempfile.TemporaryDirectory(prefix="shuxiang-cli-times-") as tmp:
        timings = [t for revision in revisions for t in measure(revision, args.runs, Path(tmp))]
    if args.out:
        machine = {"cpus": os.cpu_count(), "load_avg": os.getloadavg()}
        args.out.write_text(json.dumps({"machine": machine, "timings": [asdict(t) for t in timings]}, indent=1))
    print(table(timings, revisions))
    return 0


if __name__ == "__main__":
    sys.exit(main())

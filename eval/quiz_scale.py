"""Quiz generation in a large library: the first quiz after start (the generator reads the library), a second one,
and one after an upload, with the process's peak memory.

    python -m eval.quiz_scale [--laws 600] [--keep DIR]

The library is the project's corpus/ plus the first N laws of ../shared/datasets/laws (no embedding model); each
quiz asks 5 items of each type from one law. Times in seconds; run it on two commits to compare.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

from eval.scale import LAWS, build, law_files
from library.service import Library
from quiz.generate import Material, QuizGenerator, QuizRequest
from retrieval.kb import KnowledgeBase
from retrieval.settings import Settings
from retrieval.tokenizer import ChineseTokenizer

COUNTS = {"单选": 5, "多选": 5, "判断": 5, "填空": 5}
UPLOAD = "# 会议通知\n\n第一条 会议材料应当在会前7日内送达全体委员。\n\n第二条 委员因故不能出席的，应当书面请假。\n"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def timed_quiz(generator: QuizGenerator, doc_id: str) -> dict:
    started = time.perf_counter()
    result = generator.generate(QuizRequest((Material(doc_id),), COUNTS, seed=1))
    return {"seconds": round(time.perf_counter() - started, 2), "items": len(result.items), "peak_mb": round(peak_mb())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.quiz_scale", description=__doc__.splitlines()[0])
    parser.add_argument("--laws", type=int, default=600)
    parser.add_argument("--keep", type=Path, help="build the library here (reused when it exists)")
    args = parser.parse_args(argv)
    if not LAWS.is_dir():
        print(f"needs {LAWS}")
        return 1
    folder = args.keep or Path(tempfile.mkdtemp(prefix="quiz-scale-"))
    settings = Settings(data_dir=folder / "data", embedding_model="none")
    tokenizer = ChineseTokenizer()
    files = law_files(args.laws)
    built = None if (folder / "data").exists() else build(settings, files, None, tokenizer)
    kb = KnowledgeBase(settings, tokenizer=tokenizer, embedder=None)
    try:
        documents = sorted(kb.documents(), key=lambda d: -d.n_chars)
        first, second = documents[0].doc_id, documents[1].doc_id  # the two longest texts
        generator = QuizGenerator(kb)
        report = {
            "documents": len(documents),
            "characters": sum(d.n_chars for d in documents),
            "ingest": built,
            "first quiz": timed_quiz(generator, first),
            "second quiz": timed_quiz(generator, second),
        }
        writer = Library(settings, tokenizer=tokenizer, embedder=None)
        writer.add("upload.md", UPLOAD.encode())
        writer.close()
        report["quiz after an upload"] = timed_quiz(generator, second)
        print(json.dumps(report, ensure_ascii=False, indent=1))
    finally:
        kb.close()
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

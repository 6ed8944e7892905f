"""Quiz generation on six real documents of ../shared/corpus: produced vs asked, check pass rate, items/s,
and a sample of items for a trainer to read.   python -m eval.quiz_eval [--per-type 15] [--sample FILE]"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from library.files import uploads_from_paths
from library.service import Library
from quiz.generate import Material, QuizGenerator, QuizRequest
from quiz.model import ITEM_TYPES, LETTERS, QuizItem
from retrieval.kb import KnowledgeBase
from retrieval.logs import configure_logging
from retrieval.settings import Settings

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
DOCUMENTS = {  # file → style
    "xinfang-gongzuo-tiaoli-2022.md": "law",
    "xuanjufa-2020.md": "law",
    "zhengxie-zhangcheng-2018.md": "law",
    "zhengfu-gongzuo-baogao-2024.md": "report",
    "ershida-baogao.md": "report",
    "xiangcun-zhenxing-yijian-2018.md": "report",
}


def render(item: QuizItem) -> str:
    options = "  ".join(f"{letter}. {o}" for letter, o in zip(LETTERS, item.options))
    return f"[{item.type}/{item.kind}] {item.stem}\n    {options}\n    答案：{item.answer}  出处：{item.source.label}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.quiz_eval")
    parser.add_argument("--per-type", type=int, default=15)
    parser.add_argument("--sample", type=Path, default=Path("test-artifacts/quiz_sample.md"))
    parser.add_argument("--sample-size", type=int, default=40)
    args = parser.parse_args(argv)
    missing = [name for name in DOCUMENTS if not (CORPUS / name).exists()]
    if missing:
        print(f"skipped: {CORPUS} lacks {', '.join(missing)}")
        return 0
    configure_logging()
    work = Path(tempfile.mkdtemp(prefix="quiz-eval-"))
    try:
        folder = work / "corpus"
        folder.mkdir()
        for name in DOCUMENTS:
            shutil.copy(CORPUS / name, folder / name)
        settings = Settings(data_dir=work / "data", embedding_model="none")
        started = time.perf_counter()
        writer = Library(settings, embedder=None)  # the library's one writer door, as the app adds files
        writer.add_many(uploads_from_paths([folder], settings))
        writer.close()
        kb = KnowledgeBase(settings, embedder=None)
        print(f"indexed {len(DOCUMENTS)} documents in {time.perf_counter() - started:.1f} s")
        generator = QuizGenerator(kb)
        started = time.perf_counter()
        generator.library()
        print(f"library view (pools of same-kind terms) built in {time.perf_counter() - started:.1f} s")
        sample = run(kb, generator, args.per_type)
        write_sample(args.sample, sample, args.sample_size)
        kb.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def run(kb: KnowledgeBase, generator: QuizGenerator, per_type: int) -> dict[str, list[QuizItem]]:
    by_source = {d.source.rsplit("/", 1)[-1]: d for d in kb.documents()}
    header = f"{'document':40} {'style':6} " + " ".join(f"{t:>6}" for t in ITEM_TYPES) + "   pass    s"
    print(header)
    totals = {"asked": 0, "produced": 0, "built": 0, "passed": 0, "seconds": 0.0}
    sample: dict[str, list[QuizItem]] = {t: [] for t in ITEM_TYPES}
    for name, style in DOCUMENTS.items():
        record = by_source[name]
        counts = dict.fromkeys(ITEM_TYPES, per_type)
        result = generator.generate(QuizRequest((Material(record.doc_id),), counts, seed=0))
        cells = " ".join(f"{result.produced[t]:>3}/{per_type:<2}" for t in ITEM_TYPES)
        print(f"{record.title[:20]:40} {style:6} {cells} {result.pass_rate:6.0%} {result.seconds:5.2f}")
        totals["asked"] += per_type * len(ITEM_TYPES)
        totals["produced"] += len(result.items)
        totals["built"] += result.built
        totals["passed"] += result.passed
        totals["seconds"] += result.seconds
        for item in result.items:
            sample[item.type].append(item)
    rate = totals["passed"] / totals["built"] if totals["built"] else 1.0
    print(
        f"total: produced {totals['produced']}/{totals['asked']}, checks passed {totals['passed']}/{totals['built']}"
        f" ({rate:.0%}), {totals['produced'] / totals['seconds']:.1f} items/s ({totals['seconds']:.1f} s)"
    )
    return sample


def write_sample(path: Path, sample: dict[str, list[QuizItem]], size: int) -> None:
    rng = random.Random(0)
    chosen = []
    for kind in ITEM_TYPES:
        pool = sample[kind]
        chosen += rng.sample(pool, min(len(pool), size // len(ITEM_TYPES)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(f"{n}. {render(i)}" for n, i in enumerate(chosen, start=1)) + "\n", encoding="utf-8")
    print(f"{len(chosen)} sampled items for review written to {path}")


if __name__ == "__main__":
    sys.exit(main())

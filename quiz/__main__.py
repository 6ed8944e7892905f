"""python -m quiz: generate, export and list quizzes from the command line (no embedding model is loaded).

python -m quiz generate --doc TITLE_OR_ID [--doc …] --types 单选=5,多选=2,判断=3,填空=5
                       [--seed N] [--save NAME] --json
python -m quiz export NAME_OR_ID --format docx|xlsx|wjx --out FILE
python -m quiz list
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from quiz.export import FORMATS, export, wjx_answer_key
from quiz.generate import QuizGenerator, QuizRequest, parse_counts
from quiz.model import QuizError, QuizItem, item_to_dict
from quiz.store import QuizStore
from retrieval.cli import reported
from retrieval.kb import KnowledgeBase
from retrieval.logs import configure_logging
from retrieval.settings import Settings


def item_json(item: QuizItem) -> dict:
    """The item's fields; source carries title, heading (a path), page and passage, plus ids and offsets."""
    data = item_to_dict(item)
    data["source"]["heading"] = item.source.heading_path
    return data


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m quiz", description="智能组卷：出题、导出、列出试卷")
    commands = top.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="从资料出题")
    generate.add_argument("--doc", action="append", required=True, help="资料标题或编号（可重复）")
    generate.add_argument("--types", default="单选=5,多选=2,判断=3,填空=5", help="题型=题量，逗号分隔")
    generate.add_argument("--seed", type=int, default=0)
    generate.add_argument("--save", metavar="NAME", help="保存为试卷")
    generate.add_argument("--json", action="store_true", help="输出 JSON 数组")
    out = commands.add_parser("export", help="导出已保存的试卷")
    out.add_argument("quiz", metavar="NAME_OR_ID")
    out.add_argument("--format", choices=FORMATS, required=True)
    out.add_argument("--out", type=Path, required=True)
    commands.add_parser("list", help="列出已保存的试卷")
    return top


def run(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    store = QuizStore(kb.catalog)
    if args.command == "list":
        for quiz in store.list():
            print(f"{quiz.id}\t{quiz.name}\t{len(quiz.items)} 题\t{quiz.created_by or '-'}\t{quiz.updated_at}")
        return 0
    if args.command == "export":
        quiz = store.get(args.quiz)
        args.out.write_bytes(export(quiz.name, quiz.items, args.format))
        if args.format == "wjx":  # the paste text cannot carry the key (see quiz.export)
            key_file = args.out.with_name(args.out.stem + ".答案.txt")
            key_file.write_text(wjx_answer_key(quiz.items), encoding="utf-8")
            print(f"答案另存为 {key_file}", file=sys.stderr)
        print(f"已导出 {len(quiz.items)} 题到 {args.out}", file=sys.stderr)
        return 0
    generator = QuizGenerator(kb)
    materials = tuple(generator.resolve(args.doc))
    result = generator.generate(QuizRequest(materials, parse_counts(args.types), args.seed))
    for notice in result.notices:
        print(notice, file=sys.stderr)
    if args.save:
        saved = store.save(args.save, result.items, user="cli", materials=[m.doc_id for m in materials])
        print(f"已保存试卷「{saved.name}」（编号 {saved.id}，{len(saved.items)} 题）", file=sys.stderr)
    if args.json:
        print(json.dumps([item_json(i) for i in result.items], ensure_ascii=False, indent=2))
    else:
        for number, item in enumerate(result.items, start=1):
            options = "  ".join(f"{letter}. {o}" for letter, o in zip("ABCDEF", item.options))
            print(f"{number}. [{item.type}] {item.stem}\n   {options}")
            print(f"   答案：{item.answer}  出处：{item.source.label}")
    rate = f"{result.passed}/{result.built}（{result.pass_rate:.0%}）"
    print(f"通过检查 {rate}，用时 {result.seconds:.1f} 秒", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    configure_logging()
    kb = KnowledgeBase(Settings(), embedder=None)  # generation needs the catalog and jieba, not the model
    try:
        return reported(lambda: run(args, kb), QuizError)
    finally:
        kb.close()


if __name__ == "__main__":
    sys.exit(main())

"""python -m library user add NAME --role organizer|trainer|member | user list | user remove NAME | user passwd NAME
   python -m library check [--repair] | backup FILE | restore FILE
   python -m library token add NAME [--role organizer|trainer|member] | token list | token remove NAME

Passwords are read from stdin (without echo on a terminal). A new API token is printed once (only its hash is
kept). Loads no model: these commands start fast.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from pathlib import Path

from library.roles import ROLE_LABELS, ROLES


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m library", description="资料库的账号管理")
    commands = parser.add_subparsers(dest="command", required=True)
    user = commands.add_parser("user", help="账号：add / list / remove / passwd").add_subparsers(
        dest="action", required=True
    )
    add = user.add_parser("add", help="新建账号（密码从标准输入读取）")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    user.add_parser("list", help="列出账号")
    remove = user.add_parser("remove", help="删除账号")
    remove.add_argument("name")
    passwd = user.add_parser("passwd", help="修改密码（从标准输入读取）")
    passwd.add_argument("name")
    check = commands.add_parser("check", help="核对目录、向量、关键词索引和保存的原文件")
    check.add_argument("--repair", action="store_true", help="修复可重建的部分（向量、关键词索引）")
    backup = commands.add_parser(
        "backup", help="备份目录数据库（文档、账号、提问记录、试卷、令牌）和原文件；PostgreSQL 用 pg_dump"
    )
    backup.add_argument("file", type=Path)
    restore = commands.add_parser(
        "restore", help="把备份恢复到空的数据目录（或空的 PostgreSQL 数据库），然后重建向量和关键词索引"
    )
    restore.add_argument("file", type=Path)
    token = commands.add_parser("token", help="HTTP API 令牌：add / list / remove").add_subparsers(
        dest="action", required=True
    )
    token_add = token.add_parser("add", help="新建令牌（只显示这一次）")
    token_add.add_argument("name")
    token_add.add_argument("--role", choices=ROLES, default="organizer", help="令牌的权限（默认资料库管理员）")
    token.add_parser("list", help="列出令牌（不显示令牌本身）")
    token_remove = token.add_parser("remove", help="删除令牌（立即失效）")
    token_remove.add_argument("name")
    return parser.parse_args(argv)


def run_maintenance(args: argparse.Namespace, settings) -> int:
    from library import maintenance
    from library.service import Library

    library = Library(settings)
    started = time.perf_counter()
    if args.command == "backup":
        path = maintenance.backup(library, args.file)
        size = path.stat().st_size / 2**20
        print(f"已备份到 {path}（{size:.1f} MB，用时 {time.perf_counter() - started:.1f} 秒）")
        return 0
    if args.command == "restore":
        maintenance.restore_stored(library, args.file)
        restored = time.perf_counter()
        print(f"已恢复 {library.catalog.document_count()} 个文档（用时 {restored - started:.1f} 秒），正在重建索引……")
        count = library.rebuild()
        print(f"已重建 {count} 个段落的向量和关键词索引（用时 {time.perf_counter() - restored:.1f} 秒）")
        return 0
    health = maintenance.repair(library) if args.repair else maintenance.check(library)
    shared = "" if health.shared_ok is None else f"，共享数据库中的关键词索引{'正常' if health.shared_ok else '异常'}"
    print(
        f"文档 {health.documents}，段落 {health.chunks}，向量 {health.vectors}，第 {health.generation} 代关键词索引"
        f"{'正常' if health.bm25_ok else '异常'}{shared}，未被引用的原文件 {health.unlisted_sources}"
    )
    for problem in health.problems:
        print(f"问题：{problem}")
    if not health.problems:
        print("一切正常")
    elif not args.repair:
        print("可运行 python -m library check --repair 修复可重建的部分")
    return 0 if health.ok else 1


def read_password() -> str:
    """On a terminal: asked twice without echo. Piped: the first line of stdin."""
    if sys.stdin.isatty():
        first = getpass.getpass("密码：")
        if getpass.getpass("再输入一次：") != first:
            raise SystemExit("两次输入的密码不一致")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def run_user(args: argparse.Namespace, store) -> int:
    if args.action == "list":
        for user in store.users():
            print(f"{user.name}\t{user.role}\t{ROLE_LABELS[user.role]}")
        return 0
    if args.action == "add":
        user = store.add(args.name, args.role, read_password())
        print(f"已创建账号 {user.name}（{ROLE_LABELS[user.role]}）")
    elif args.action == "remove":
        store.remove(args.name)
        print(f"已删除账号 {args.name}")
    elif args.action == "passwd":
        store.set_password(args.name, read_password())
        print(f"已修改 {args.name} 的密码")
    return 0


def run_token(args: argparse.Namespace, store) -> int:
    if args.action == "list":
        for info in store.tokens():
            print(f"{info.name}\t{info.role}\t创建于 {info.created_at}\t最近使用 {info.last_used_at or '从未'}")
        return 0
    if args.action == "add":
        token = store.add(args.name, args.role)
        print(f"已创建令牌 {args.name}（{ROLE_LABELS[args.role]}）。请立即保存，它不会再显示：", file=sys.stderr)
        print(token)
    elif args.action == "remove":
        store.remove(args.name)
        print(f"已删除令牌 {args.name}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from retrieval.catalog import CatalogError
    from retrieval.cli import reported
    from retrieval.errors import DataDamagedError
    from retrieval.settings import Settings

    settings = Settings()
    # a damaged catalog or vector store: say what and how to repair, never a traceback
    return reported(lambda: run_command(args, settings), CatalogError, DataDamagedError)


def run_command(args: argparse.Namespace, settings) -> int:
    from library.tokens import TokenStore
    from library.users import LockoutPolicy, UserError, UserStore
    from retrieval.catalog import Catalog
    from retrieval.cli import reported

    if args.command in ("check", "backup", "restore"):
        from library.lock import LibraryBusyError
        from library.maintenance import RestoreError

        return reported(lambda: run_maintenance(args, settings), RestoreError, LibraryBusyError)
    catalog = Catalog(settings.catalog_url)
    policy = LockoutPolicy(settings.login_max_failures, settings.login_lockout_minutes, settings.login_session_hours)
    try:
        if args.command == "token":
            return reported(lambda: run_token(args, TokenStore(catalog)), UserError)
        return reported(lambda: run_user(args, UserStore(catalog, policy)), UserError)
    finally:
        catalog.close()


if __name__ == "__main__":
    sys.exit(main())

"""python -m library user add NAME --role organizer|trainer|member | user list | user remove NAME | user passwd NAME
python -m library token add NAME [--role organizer|trainer|member] | token list | token remove NAME

Passwords are read from stdin (without echo on a terminal). A new API token is printed once (only its hash is
kept). Loads no model: these commands start fast.
"""

from __future__ import annotations

import argparse
import getpass
import sys

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
    from library.tokens import TokenStore
    from library.users import LockoutPolicy, UserError, UserStore
    from retrieval.catalog import Catalog
    from retrieval.settings import Settings

    settings = Settings()
    catalog = Catalog(settings.catalog_url)
    try:
        if args.command == "token":
            return run_token(args, TokenStore(catalog))
        policy = LockoutPolicy(settings.login_max_failures, settings.login_lockout_minutes)
        return run_user(args, UserStore(catalog, policy))
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    finally:
        catalog.close()


if __name__ == "__main__":
    sys.exit(main())

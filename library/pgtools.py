"""pg_dump and pg_restore for backups of a PostgreSQL catalog: found on PATH or in Debian's
/usr/lib/postgresql/<version>/bin (newest first), or in the folder SHUXIANG_PG_BIN_DIR names. The password goes to
the tool through PGPASSWORD, never on its command line (where `ps` would show it)."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

DEBIAN_BINDIRS = "/usr/lib/postgresql/*/bin"
_TIMEOUT = 6 * 3600  # a whole library with its source files; bounded so a hung server does not hang the CLI


class PgToolError(RuntimeError):
    """A PostgreSQL client tool is missing or failed (Chinese message)."""


def find_tool(name: str, bin_dir: Path | None = None) -> Path:
    """The configured folder, then PATH, then the newest /usr/lib/postgresql/*/bin."""
    if bin_dir is not None:
        candidate = Path(bin_dir) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
        raise PgToolError(f"在 SHUXIANG_PG_BIN_DIR={bin_dir} 中找不到可执行的 {name}：请检查该目录。")
    found = shutil.which(name)
    if found:
        return Path(found)
    versions = sorted(glob.glob(f"{DEBIAN_BINDIRS}/{name}"), key=_version_key)
    if versions:
        return Path(versions[-1])
    raise PgToolError(
        f"找不到 {name}（PostgreSQL 客户端工具）：PATH 和 {DEBIAN_BINDIRS} 中都没有。"
        "请安装 PostgreSQL 客户端（Debian/Ubuntu：apt-get install postgresql-client），"
        "或用 SHUXIANG_PG_BIN_DIR 指定 pg_dump 和 pg_restore 所在的目录。"
    )


def _version_key(path: str) -> tuple[int, ...]:
    match = re.search(r"/postgresql/([\d.]+)/", path)
    return tuple(int(p) for p in match.group(1).split(".") if p) if match else (0,)


def connection(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, and the environment carrying it (PGPASSWORD)."""
    url = make_url(database_url)
    password = url.password
    plain = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    plain = plain.render_as_string(hide_password=False)
    env = dict(os.environ)  # passed through to the child, not read: settings stay the only reader of config
    if password:
        env["PGPASSWORD"] = str(password)
    return plain, env


def dump(database_url: str, target: Path, bin_dir: Path | None = None) -> None:
    """pg_dump of the whole database, custom format, without owners (restorable under another role)."""
    tool = find_tool("pg_dump", bin_dir)
    uri, env = connection(database_url)
    _run([str(tool), "--format=custom", "--no-owner", "--file", str(target), "--dbname", uri], env, "pg_dump")


def restore(database_url: str, source: Path, bin_dir: Path | None = None) -> None:
    """pg_restore in one transaction (an error leaves the database as it was), replacing the empty tables the
    program created, owned by the connecting role."""
    tool = find_tool("pg_restore", bin_dir)
    uri, env = connection(database_url)
    command = [str(tool), "--single-transaction", "--clean", "--if-exists", "--no-owner", "--no-privileges"]
    _run([*command, "--dbname", uri, str(source)], env, "pg_restore")


def _run(command: list[str], env: dict[str, str], name: str) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PgToolError(f"{name} 无法运行：{exc}") from exc
    if done.returncode != 0:
        detail = " ".join(done.stderr.strip().splitlines()[-3:])[:500] or f"退出码 {done.returncode}"
        hint = (
            "；客户端版本比服务器旧时，请安装与服务器相同或更新版本的 PostgreSQL 客户端，或用 SHUXIANG_PG_BIN_DIR 指定"
            if "version mismatch" in done.stderr
            else ""
        )
        raise PgToolError(f"{name} 失败：{detail}{hint}")

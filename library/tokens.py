"""API tokens: organizers create them with the CLI (`python -m library token add NAME`); the HTTP API accepts
them as `Authorization: Bearer …`. A token is 32 random bytes shown once; only its SHA-256 is stored (a random
token needs no slow hash: there is nothing to guess from it), in the catalog database beside the accounts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from library.roles import ROLES, User
from library.users import UserError
from retrieval.catalog import Catalog
from retrieval.db import Schema

_DDL = """
CREATE TABLE IF NOT EXISTS api_tokens (
    name TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT NOT NULL DEFAULT ''
);
"""
TOKENS_SCHEMA = Schema("api_tokens", _DDL, (_DDL,))
PREFIX = "sx_"  # recognisable in logs and secret scanners
MAX_NAME = 40
MAX_TOKEN_CHARS = 200


@dataclass(frozen=True)
class TokenInfo:
    name: str
    role: str
    created_at: str
    last_used_at: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class TokenStore:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        catalog.db.migrate(TOKENS_SCHEMA)

    def add(self, name: str, role: str = "organizer") -> str:
        """Create a token; returns it (the only time it is ever shown)."""
        name = name.strip()
        if not name or len(name) > MAX_NAME or any(ch.isspace() or not ch.isprintable() for ch in name):
            raise UserError(f"令牌名称须为 1–{MAX_NAME} 个字符，不含空格和控制字符")
        if role not in ROLES:
            raise UserError(f"角色须为 {'、'.join(ROLES)} 之一")
        if self.catalog.execute("SELECT 1 FROM api_tokens WHERE name = :name", {"name": name}):
            raise UserError(f"令牌 {name} 已存在")
        token = PREFIX + secrets.token_urlsafe(32)
        self.catalog.execute(
            "INSERT INTO api_tokens(name, token_hash, role, created_at) VALUES (:name, :hash, :role, :now)",
            {"name": name, "hash": token_hash(token), "role": role, "now": _now()},
        )
        return token

    def remove(self, name: str) -> None:
        if not self.catalog.execute("DELETE FROM api_tokens WHERE name = :name RETURNING name", {"name": name}):
            raise UserError(f"没有令牌 {name}")

    def tokens(self) -> list[TokenInfo]:
        rows = self.catalog.execute("SELECT name, role, created_at, last_used_at FROM api_tokens ORDER BY name")
        return [TokenInfo(r["name"], r["role"], r["created_at"], r["last_used_at"]) for r in rows]

    def verify(self, token: str) -> User | None:
        """The token's holder (named after the token), or None for an unknown token."""
        if not token or len(token) > MAX_TOKEN_CHARS:
            return None
        digest = token_hash(token)
        rows = self.catalog.execute(
            "SELECT name, role, token_hash FROM api_tokens WHERE token_hash = :h", {"h": digest}
        )
        if not rows or not hmac.compare_digest(rows[0]["token_hash"], digest):
            return None
        return User(rows[0]["name"], rows[0]["role"])

    def touch(self, name: str) -> None:
        """Record when a token was last used (shown by `token list`)."""
        self.catalog.execute(
            "UPDATE api_tokens SET last_used_at = :now WHERE name = :name", {"now": _now(), "name": name}
        )

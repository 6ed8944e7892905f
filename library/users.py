"""Accounts: argon2-hashed passwords in the catalog database, roles, and a lockout that survives restarts.

After `max_failures` wrong passwords for one user name, logins for that name are refused for `lockout_minutes`,
whether or not the user exists; no message says which (a refused login never tells whether the name exists).

A login is a session: a random token the browser keeps in a cookie (so a new tab or a reload stays logged in),
stored only as its SHA-256 with an expiry, in the shared database (so every replica knows it). A new password or
a removed account ends the user's sessions.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from library.roles import ROLES, User
from retrieval.catalog import Catalog
from retrieval.db import Schema

log = logging.getLogger(__name__)
SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    name TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until TEXT NOT NULL DEFAULT ''
);
"""
SESSIONS = """
CREATE TABLE IF NOT EXISTS login_sessions (
    token_hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
"""
# version 1 = the tables made before versions were kept; version 2 adds login sessions
USERS_SCHEMA = Schema("users", SCHEMA + SESSIONS, (SCHEMA, SESSIONS))
WRONG = "用户名或密码不正确。"
LOCKED = "登录失败次数过多，该用户名已被锁定 {minutes} 分钟，请稍后再试。"
MIN_PASSWORD = 8
MAX_NAME = 40
MAX_SESSION_TOKEN = 100


class LoginError(Exception):
    """A refused login; the message is safe to show (it never says whether the user exists)."""


class UserError(ValueError):
    """Bad input for an account command (Chinese message)."""


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    lockout_minutes: int = 15
    session_hours: int = 12  # how long a login lasts in a browser


def _now() -> datetime:
    return datetime.now(UTC)


class UserStore:
    def __init__(self, catalog: Catalog, policy: LockoutPolicy = LockoutPolicy()):
        self.catalog = catalog
        self.policy = policy
        self._hasher = PasswordHasher()
        self._dummy_hash = self._hasher.hash("not-a-password")  # unknown names cost as much as known ones
        catalog.db.migrate(USERS_SCHEMA)

    # --- accounts
    def add(self, name: str, role: str, password: str) -> User:
        name = _check_name(name)
        _check_role(role)
        _check_password(password)
        if self.get(name) is not None:
            raise UserError(f"用户 {name} 已存在")
        self.catalog.execute(
            "INSERT INTO users(name, role, password_hash, created_at) VALUES (:name, :role, :hash, :now)",
            {
                "name": name,
                "role": role,
                "hash": self._hasher.hash(password),
                "now": _now().isoformat(timespec="seconds"),
            },
        )
        return User(name, role)  # type: ignore[arg-type]

    def set_password(self, name: str, password: str) -> None:
        _check_password(password)
        if self.get(name) is None:
            raise UserError(f"没有用户 {name}")
        with self.catalog.db.transaction(write=True) as tx:
            tx.execute(
                "UPDATE users SET password_hash = :hash WHERE name = :name",
                {"hash": self._hasher.hash(password), "name": name},
            )
            tx.execute("DELETE FROM login_failures WHERE name = :name", {"name": name})
            tx.execute("DELETE FROM login_sessions WHERE name = :name", {"name": name})

    def remove(self, name: str) -> None:
        if self.get(name) is None:
            raise UserError(f"没有用户 {name}")
        with self.catalog.db.transaction(write=True) as tx:
            tx.execute("DELETE FROM users WHERE name = :name", {"name": name})
            tx.execute("DELETE FROM login_sessions WHERE name = :name", {"name": name})

    def get(self, name: str) -> User | None:
        rows = self.catalog.execute("SELECT name, role FROM users WHERE name = :name", {"name": name})
        return User(rows[0]["name"], rows[0]["role"]) if rows else None

    def users(self) -> list[User]:
        return [User(r["name"], r["role"]) for r in self.catalog.execute("SELECT name, role FROM users ORDER BY name")]

    def has_role(self, role: str) -> bool:
        return bool(self.catalog.execute("SELECT 1 FROM users WHERE role = :role LIMIT 1", {"role": role}))

    # --- logging in
    def authenticate(self, name: str, password: str) -> User:
        """The user, or LoginError (wrong name or password, or locked out: the message does not say which)."""
        name = name.strip()
        if self._locked(name):
            raise LoginError(LOCKED.format(minutes=self.policy.lockout_minutes))
        rows = self.catalog.execute("SELECT name, role, password_hash FROM users WHERE name = :name", {"name": name})
        stored = rows[0]["password_hash"] if rows else self._dummy_hash
        try:
            self._hasher.verify(stored, password)
            ok = bool(rows)
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            raise LoginError(self._failed(name))
        self.catalog.execute("DELETE FROM login_failures WHERE name = :name", {"name": name})
        return User(rows[0]["name"], rows[0]["role"])

    # --- sessions
    def open_session(self, user: User) -> str:
        """A new session token for this user (shown once: only its hash is kept); expired sessions are dropped."""
        token = secrets.token_urlsafe(32)
        now = _now()
        expires = now + timedelta(hours=self.policy.session_hours)
        with self.catalog.db.transaction(write=True) as tx:
            tx.execute("DELETE FROM login_sessions WHERE expires_at < :now", {"now": now.isoformat(timespec="seconds")})
            tx.execute(
                "INSERT INTO login_sessions(token_hash, name, expires_at) VALUES (:hash, :name, :expires)",
                {"hash": _session_hash(token), "name": user.name, "expires": expires.isoformat(timespec="seconds")},
            )
        return token

    def session_user(self, token: str) -> User | None:
        """The user of a live session (with the role the account has now), or None."""
        if not isinstance(token, str) or not token or len(token) > MAX_SESSION_TOKEN:
            return None
        rows = self.catalog.execute(
            "SELECT name, expires_at FROM login_sessions WHERE token_hash = :hash", {"hash": _session_hash(token)}
        )
        if not rows or rows[0]["expires_at"] < _now().isoformat(timespec="seconds"):
            return None
        return self.get(rows[0]["name"])

    def close_session(self, token: str) -> None:
        if token and len(token) <= MAX_SESSION_TOKEN:
            self.catalog.execute("DELETE FROM login_sessions WHERE token_hash = :hash", {"hash": _session_hash(token)})

    def _locked(self, name: str) -> bool:
        rows = self.catalog.execute("SELECT locked_until FROM login_failures WHERE name = :name", {"name": name})
        return bool(rows and rows[0]["locked_until"] and rows[0]["locked_until"] > _now().isoformat())

    def _failed(self, name: str) -> str:
        """Count a failure; the message to show (locked once the count reaches the limit)."""
        rows = self.catalog.execute(
            "INSERT INTO login_failures(name, failures) VALUES (:name, 1) "
            "ON CONFLICT(name) DO UPDATE SET failures = login_failures.failures + 1 RETURNING failures",
            {"name": name},
        )
        if rows[0]["failures"] < self.policy.max_failures:
            return WRONG
        until = _now() + timedelta(minutes=self.policy.lockout_minutes)
        self.catalog.execute(
            "UPDATE login_failures SET failures = 0, locked_until = :until WHERE name = :name",
            {"until": until.isoformat(), "name": name},
        )
        log.warning("login locked for %r until %s", name, until.isoformat(timespec="seconds"))
        return LOCKED.format(minutes=self.policy.lockout_minutes)


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise UserError(f"用户名须为 1–{MAX_NAME} 个字符，不含空格和控制字符")
    return name


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(f"角色须为 {'、'.join(ROLES)} 之一")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 个字符")


def _session_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()

"""Who is calling: `Authorization: Bearer <token>` checked against the hashed API tokens.

Reading (ask, search, the document list) is open like the app's 学习问答, unless members must log in
(SHUXIANG_MEMBERS_MUST_LOGIN); quizzes need a trainer's token; changing the library needs an organizer's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.services import Services
from library.roles import ROLE_LABELS, User

_bearer = HTTPBearer(auto_error=False, description="python -m library token add NAME 生成的 API 令牌")
_TOUCH_EVERY_SECONDS = 600.0  # last-used time is recorded at most this often (not a write per request)
_touched: dict[str, float] = {}
_touched_lock = threading.Lock()


def services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(services)]


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, message, headers={"WWW-Authenticate": "Bearer"})


def caller(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)], svc: ServicesDep
) -> User | None:
    """The token's holder; None without a token; 401 for a token that is not (or no longer) valid."""
    if credentials is None:
        return None
    user = svc.tokens.verify(credentials.credentials)
    if user is None:
        raise _unauthorized("API 令牌无效或已被删除，请向资料库管理员索取新的令牌。")
    _touch(svc, user.name)
    return user


def reader(user: Annotated[User | None, Depends(caller)], svc: ServicesDep) -> User | None:
    if user is None and svc.settings.members_must_login:
        raise _unauthorized("需要 API 令牌：请在请求头中加入 Authorization: Bearer 令牌。")
    return user


def requires(*roles: str) -> Callable[..., User]:
    """A dependency that lets through holders of one of `roles` (organizers always)."""
    wanted = "或".join(ROLE_LABELS[r] for r in roles)

    def check(user: Annotated[User | None, Depends(caller)]) -> User:
        if user is None:
            raise _unauthorized(f"需要{wanted}的 API 令牌：请在请求头中加入 Authorization: Bearer 令牌。")
        if not user.can(*roles):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"令牌 {user.name}（{ROLE_LABELS[user.role]}）没有权限，需要{wanted}的令牌。"
            )
        return user

    return check


def _touch(svc: Services, name: str) -> None:
    now = time.monotonic()
    with _touched_lock:
        if now - _touched.get(name, -_TOUCH_EVERY_SECONDS) < _TOUCH_EVERY_SECONDS:
            return
        _touched[name] = now
    svc.tokens.touch(name)

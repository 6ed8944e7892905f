"""Minimal auth contract (replaced by the real login in main): the session's user and a role gate."""

from __future__ import annotations

import streamlit as st

from library.roles import User


def current_user() -> User | None:
    return st.session_state.get("user")


def require_role(*roles: str) -> User:
    """The session's user when it may act in one of these roles; otherwise a notice and st.stop()."""
    user = current_user()
    if user is not None and user.can(*roles):
        return user
    st.warning("请先登录（培训管理员或资料库管理员）")
    st.stop()

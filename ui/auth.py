"""Logging in: who the session's user is, and a gate for pages that need a role.

`st.session_state["user"]` holds a library.roles.User, or nothing for an anonymous member.
"""

from __future__ import annotations

import streamlit as st

from library.roles import ROLE_LABELS, User
from library.users import LoginError
from ui import resources

SESSION_USER = "user"


def current_user() -> User | None:
    return st.session_state.get(SESSION_USER)


def require_role(*roles: str) -> User:
    """The session's user when it may act in one of `roles`; else a login form, and the page stops here."""
    user = current_user()
    if user is not None and user.can(*roles):
        return user
    if user is not None:
        wanted = "或".join(ROLE_LABELS[r] for r in roles)
        st.warning(f"当前账号（{user.name}，{ROLE_LABELS[user.role]}）没有权限打开本页，需要{wanted}账号。")
    login_form()
    st.stop()
    raise AssertionError("st.stop() returned")  # for type checkers: st.stop never returns


def login_form() -> None:
    with st.form("login", clear_on_submit=False):
        st.markdown("#### 登录")
        name = st.text_input("用户名", max_chars=40)
        password = st.text_input("密码", type="password", max_chars=200)
        submitted = st.form_submit_button("登录", type="primary")
    if not submitted:
        return
    try:
        st.session_state[SESSION_USER] = resources.users().authenticate(name, password)
    except LoginError as exc:
        st.error(str(exc))
        return
    st.rerun()


def sidebar_account() -> None:
    """Who is logged in, and a way out."""
    user = current_user()
    if user is None:
        return
    with st.sidebar:
        st.caption(f"已登录：{user.name}（{ROLE_LABELS[user.role]}）")
        if st.button("退出登录", key="logout"):
            st.session_state.pop(SESSION_USER, None)
            st.rerun()

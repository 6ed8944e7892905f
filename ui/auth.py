"""Logging in: who the session's user is, and a gate for pages that need a role.

`st.session_state["user"]` holds a library.roles.User, or nothing for an anonymous member. A login is also kept
in a cookie holding a session token (library.users: only its hash is stored), so a new tab or a reload starts
logged in; 退出登录 ends the session and clears the cookie.
"""

from __future__ import annotations

import streamlit as st

from library.roles import ROLE_LABELS, User
from library.users import LoginError
from ui import resources

SESSION_USER = "user"
SESSION_TOKEN = "login_token"
COOKIE_PENDING = "login_cookie"  # a token to write into the cookie, or "" to clear it, on the next run
COOKIE_CHECKED = "login_cookie_checked"
COOKIE = "sx_login"


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
        user = resources.users().authenticate(name, password)
    except LoginError as exc:
        st.error(str(exc))
        return
    token = resources.users().open_session(user)
    st.session_state.update({SESSION_USER: user, SESSION_TOKEN: token, COOKIE_PENDING: token})
    st.rerun()


def keep_login() -> None:
    """Each run: at a browser session's start, the login its cookie holds; then any cookie change pending."""
    if COOKIE_CHECKED not in st.session_state:
        st.session_state[COOKIE_CHECKED] = True
        token = st.context.cookies.get(COOKIE)  # not a str where no browser sent one (AppTest)
        fresh = isinstance(token, str) and token and SESSION_USER not in st.session_state
        user = resources.users().session_user(token) if fresh else None
        if user is not None:
            st.session_state.update({SESSION_USER: user, SESSION_TOKEN: token})
    pending = st.session_state.pop(COOKIE_PENDING, None)
    if pending is not None:
        with st.sidebar:
            st.html(_cookie_script(pending), unsafe_allow_javascript=True)


def _cookie_script(token: str) -> str:
    """Write (or, for "", expire) the login cookie: a random URL-safe token, nothing a script could inject."""
    max_age = resources.settings().login_session_hours * 3600 if token else 0
    return (
        f'<script>document.cookie = "{COOKIE}={token}; path=/; max-age={max_age}; SameSite=Strict"'
        ' + (location.protocol === "https:" ? "; Secure" : "");</script>'
    )


def sidebar_account() -> None:
    """Who is logged in, and a way out."""
    user = current_user()
    if user is None:
        return
    with st.sidebar:
        st.caption(f"已登录：{user.name}（{ROLE_LABELS[user.role]}）")
        if st.button("退出登录", key="logout"):
            resources.users().close_session(st.session_state.pop(SESSION_TOKEN, ""))
            st.session_state.pop(SESSION_USER, None)
            st.session_state[COOKIE_PENDING] = ""
            st.rerun()

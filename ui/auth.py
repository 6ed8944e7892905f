"""Placeholder for main's login (ui/auth.py there replaces this file): the session's user and a role gate.

Contract: st.session_state["user"] holds a library.roles.User or is absent; require_role renders a login form and
stops the page when the session's user lacks the role. The form here takes a name and a role without a password.
"""

from __future__ import annotations

import streamlit as st

from library.roles import ROLE_LABELS, ROLES, User


def current_user() -> User | None:
    return st.session_state.get("user")


def require_role(*roles: str) -> User:
    """The session's user when it may act in one of these roles; otherwise a notice, a login form and st.stop()."""
    user = current_user()
    if user is not None and user.can(*roles):
        return user
    st.warning("请先登录（培训管理员或资料库管理员）")
    with st.form("login"):
        name = st.text_input("姓名")
        role = st.selectbox("身份", ROLES, format_func=ROLE_LABELS.__getitem__)
        if st.form_submit_button("登录") and name.strip():
            st.session_state["user"] = User(name.strip(), role)
            st.rerun()
    st.stop()

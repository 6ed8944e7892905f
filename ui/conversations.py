"""The chat history of a browser tab, kept on the server under an id in the URL (?c=…), so a page reload
(which starts a new Streamlit session) gets the conversation back. Bounded: the oldest are forgotten."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict

import streamlit as st

PARAM = "c"
MAX_CONVERSATIONS = 2000
_STORE: OrderedDict[str, list] = OrderedDict()
_LOCK = threading.Lock()


def history(key: str) -> list:
    """This tab's turns (restored after a reload); appending to the list keeps it."""
    if key not in st.session_state:
        conversation = st.query_params.get(PARAM)
        if not conversation or not _valid(conversation):
            conversation = secrets.token_urlsafe(12)
            st.query_params[PARAM] = conversation
        st.session_state[key] = _turns(conversation)
    return st.session_state[key]


def clear(key: str) -> None:
    """Forget this tab's conversation (a new id, so a reload does not bring it back)."""
    conversation = secrets.token_urlsafe(12)
    st.query_params[PARAM] = conversation
    st.session_state[key] = _turns(conversation)


def _turns(conversation: str) -> list:
    with _LOCK:
        turns = _STORE.setdefault(conversation, [])
        _STORE.move_to_end(conversation)
        while len(_STORE) > MAX_CONVERSATIONS:
            _STORE.popitem(last=False)
        return turns


def _valid(conversation: str) -> bool:
    return 8 <= len(conversation) <= 32 and all(ch.isalnum() or ch in "-_" for ch in conversation)

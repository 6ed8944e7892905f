"""书香政协知识库 — the Streamlit entry: page config, start-up work, navigation over the pages.

Run: python -m ui.serve (warms everything before serving) or streamlit run app.py; settings from SHUXIANG_*.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import auth, resources
from ui.progress_bridge import file_progress_hooks

HERE = Path(__file__).resolve().parent
# (page file, title, icon, url path). A page is listed once its file exists. The first is the default page,
# served at / whatever its url path: /ask is a hidden alias that switches to it, so a bookmark of it works.
PAGES = (
    ("ui/ask.py", "学习问答", ":material/forum:", "home"),
    ("ui/quiz_build.py", "智能组卷", ":material/quiz:", "quiz"),
    ("ui/quiz_take.py", "练习答题", ":material/edit_note:", "practice"),
    ("ui/library.py", "资料库管理", ":material/library_books:", "library"),
)

st.set_page_config(page_title="书香政协知识库", page_icon=":material/menu_book:", layout="centered")
resources.setup_logging()
with st.spinner("正在准备资料库（首次启动会从内置资料建立索引）……"):
    resources.start_up(hooks=file_progress_hooks())
pages = [
    st.Page(path, title=title, icon=icon, url_path=url, default=number == 0)
    for number, (path, title, icon, url) in enumerate(PAGES)
    if (HERE / path).exists()
]
alias = st.Page(lambda: st.switch_page(pages[0]), title="学习问答", url_path="ask", visibility="hidden")
auth.keep_login()
auth.sidebar_account()
st.navigation([*pages, alias]).run()

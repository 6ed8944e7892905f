"""书香政协知识库 — the Streamlit entry: page config, the shared knowledge base, navigation over the pages.

Run: streamlit run app.py (settings from SHUXIANG_* variables; the first start indexes corpus/).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import resources

HERE = Path(__file__).resolve().parent
# (page file, title, icon). 智能组卷 and 资料库管理 arrive with their own issues: a page is listed once its file exists.
PAGES = (
    ("ui/ask.py", "学习问答", ":material/forum:"),
    ("ui/quiz_build.py", "智能组卷", ":material/quiz:"),
    ("ui/quiz_take.py", "练习答题", ":material/edit_note:"),
    ("ui/library.py", "资料库管理", ":material/library_books:"),
)

st.set_page_config(page_title="书香政协知识库", page_icon=":material/menu_book:", layout="centered")
resources.setup_logging()
resources.ensure_library(resources.knowledge_base())
URL_PATHS = {"ui/quiz_build.py": "quiz", "ui/quiz_take.py": "practice"}
pages = [
    st.Page(path, title=title, icon=icon, default=number == 0, url_path=URL_PATHS.get(path))
    for number, (path, title, icon) in enumerate(PAGES)
    if (HERE / path).exists()
]
st.navigation(pages).run()

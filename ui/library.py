"""资料库管理 (organizers only): upload with progress, the document table, what members ask."""

from __future__ import annotations

import streamlit as st

from ui import auth, resources
from ui.library_backup import render_backup
from ui.library_documents import render_documents
from ui.library_questions import render_questions
from ui.library_upload import render_upload

st.title("资料库管理")
if not resources.users().has_role("organizer"):
    st.info(
        "还没有资料库管理员账号。请在服务器上运行下面的命令创建一个（按提示输入密码），然后刷新本页登录：\n\n"
        "`python -m library user add 用户名 --role organizer`"
    )
    st.stop()
user = auth.require_role("organizer")
for notice in resources.organizer_notices():
    st.warning(notice)

upload, documents, questions, backup = st.tabs(["上传资料", "文档列表", "委员提问", "备份"])
with upload:
    render_upload(resources.library(), user, resources.upload_jobs())
with documents:
    render_documents(resources.library(), resources.knowledge_base(), user, resources.upload_jobs())
with questions:
    render_questions(resources.question_log(), resources.settings().timezone)
with backup:
    render_backup(resources.library())

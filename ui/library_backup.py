"""Backup for organizers: a consistent copy of the catalog (documents, accounts, logs, quizzes) and sources."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

import streamlit as st

from library import maintenance
from library.service import Library

READY = "backup_ready"  # session state: (file name, bytes) of the backup just made


def render_backup(library: Library) -> None:
    st.caption(
        "备份包含文档原文、段落、账号、提问记录和试卷（使用 PostgreSQL 时由 pg_dump 导出整个数据库）；"
        "向量和关键词索引在恢复后自动重建。恢复：在新的空数据目录（或新建的空 PostgreSQL 数据库）"
        "运行 python -m library restore 备份文件。"
    )
    if st.button("生成备份", key="backup_make"):
        with st.spinner("正在生成备份……"), tempfile.TemporaryDirectory() as tmp:
            name = f"shuxiang-backup-{datetime.now():%Y%m%d-%H%M}.tar.gz"
            try:
                path = maintenance.backup(library, Path(tmp) / name)
            except maintenance.RestoreError as exc:  # e.g. pg_dump missing: say what to install
                st.error(str(exc))
                st.stop()
            st.session_state[READY] = (name, path.read_bytes())
    if READY in st.session_state:
        name, data = st.session_state[READY]
        st.download_button(f"下载 {name}（{len(data) / 2**20:.1f} MB）", data, file_name=name,
                           mime="application/gzip", key="backup_download")  # fmt: skip

"""Upload files (or a web page by URL) into the library, with a progress bar per file and its outcome."""

from __future__ import annotations

import streamlit as st

from library.files import uploads_from_upload
from library.progress import Outcome, Report
from library.roles import User
from library.service import Library, Upload
from library.web import WebPageError, fetch_page
from ui.progress_bridge import file_progress_hooks

ACCEPTED = ["pdf", "docx", "txt", "md", "html", "htm", "png", "jpg", "jpeg", "zip"]
CONFLICTS = "upload_conflicts"  # session state: name -> (bytes, existing doc id, title) awaiting a decision


def render_upload(library: Library, user: User) -> None:
    files = st.file_uploader(
        "选择文件（可多选）：PDF、Word、文本、网页、扫描图片，或打包成 .zip",
        type=ACCEPTED,
        accept_multiple_files=True,
        key="upload_files",
    )
    replace = st.checkbox("标题相同的文档直接替换旧版本", key="upload_replace")
    if st.button("开始入库", type="primary", disabled=not files, key="upload_start"):
        uploads = [u for f in files for u in uploads_from_upload(f.name, f.getvalue(), library.settings)]
        _run(library, uploads, user, replace)
    _url_form(library, user)
    _pending_conflicts(library, user)


def _run(library: Library, uploads: list[Upload], user: User, replace: bool) -> None:
    with st.status(f"正在入库 {len(uploads)} 个文件……", expanded=True) as status:
        try:
            report = library.add_many(uploads, added_by=user.name, replace=replace, hooks=file_progress_hooks())
        except RuntimeError as exc:  # another writer, or the index needs a rebuild
            status.update(label=f"未能入库：{exc}", state="error")
            return
        status.update(label=report.summary(), state="complete" if report.ok else "error")
    _show_outcomes(report)
    conflicts = st.session_state.setdefault(CONFLICTS, {})
    data = {u.name: u.data for u in uploads}
    for outcome in report.with_status("conflict"):
        conflicts[outcome.name] = (data.get(outcome.name), outcome.existing_id, outcome.title)


def _show_outcomes(report: Report) -> None:
    for outcome in report.outcomes:
        _outcome_line(outcome)


def _outcome_line(outcome: Outcome) -> None:
    text = f"**{outcome.name}** — {outcome.label}"
    if outcome.status in ("added", "replaced"):
        st.success(text)
    elif outcome.status == "failed":
        st.error(text)
    else:
        st.info(text)


def _pending_conflicts(library: Library, user: User) -> None:
    conflicts: dict = st.session_state.get(CONFLICTS, {})
    for name, (data, existing_id, title) in list(conflicts.items()):
        st.warning(f"**{name}**：资料库中已有同名文档《{title}》。要用这个文件替换旧版本吗？")
        replace_col, keep_col = st.columns(2)
        if replace_col.button("替换旧版本", key=f"replace-{name}") and data is not None:
            outcome = library.replace(existing_id, name, data, added_by=user.name, hooks=file_progress_hooks())
            conflicts.pop(name)
            _outcome_line(outcome)
        if keep_col.button("保留旧版本", key=f"keep-{name}"):
            conflicts.pop(name)
            st.rerun()


def _url_form(library: Library, user: User) -> None:
    with st.form("add_url", clear_on_submit=True):
        url = st.text_input("或输入网页地址（http/https）", placeholder="https://www.cppcc.gov.cn/…")
        if not st.form_submit_button("抓取网页并入库"):
            return
    try:
        page = fetch_page(url, library.settings)
    except WebPageError as exc:
        st.error(str(exc))
        return
    outcome = library.add(page.name, page.data, added_by=user.name, hooks=file_progress_hooks())
    _outcome_line(outcome)

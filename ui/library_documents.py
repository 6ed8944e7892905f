"""The document table: filter, look at a document's passages, delete (confirmed), re-index.

Re-indexing (parsing a document again from its stored file) runs in the background like an upload
(ui.upload_jobs), with the same bar and outcome: a click elsewhere no longer stops it."""

from __future__ import annotations

from datetime import tzinfo

import streamlit as st

from library.progress import ProgressHooks, Report
from library.questions import local_time, time_zone
from library.roles import User
from library.service import Library
from retrieval.catalog import DocumentRecord
from retrieval.kb import KnowledgeBase
from ui.library_upload import jobs_panel, one_file, start_job
from ui.upload_jobs import UploadJob, UploadJobs

TYPE_LABELS = {"pdf": "PDF", "docx": "Word", "txt": "文本", "md": "Markdown", "html": "网页", "image": "图片"}


FLASH = "library_flash"  # a message that must survive the rerun after a deletion


def render_documents(library: Library, kb: KnowledgeBase, user: User, jobs: UploadJobs) -> None:
    if FLASH in st.session_state:
        st.success(st.session_state.pop(FLASH))
    documents = kb.documents()
    if not documents:
        st.info("资料库中还没有文档，请在“上传资料”中添加。")
        jobs_panel(jobs, user.name, "reindex")
        return
    wanted = st.text_input("按标题筛选", key="doc_title_filter", placeholder="输入标题中的字词")
    shown = [d for d in documents if wanted.strip() in d.title] if wanted.strip() else documents
    st.caption(f"共 {len(documents)} 个文档，{sum(d.n_chunks for d in documents)} 个段落；显示 {len(shown)} 个")
    zone = time_zone(kb.settings.timezone)  # the zone 委员提问 shows its times in: one clock on the page
    st.dataframe([_row(d, zone) for d in shown], hide_index=True)
    if not shown:
        return
    titles = {d.doc_id: d.title for d in shown}
    chosen = st.selectbox("查看或管理文档", list(titles), format_func=titles.__getitem__, key="doc_chosen")
    record = next(d for d in shown if d.doc_id == chosen)
    _actions(library, record, user, jobs)
    jobs_panel(jobs, user.name, "reindex")  # its bar, then its outcome, whichever document is chosen meanwhile
    _passages(kb, record)


def _row(d: DocumentRecord, zone: tzinfo) -> dict[str, object]:
    return {
        "标题": d.title,
        "类型": TYPE_LABELS.get(d.file_type, d.file_type),
        "页数": d.pages,
        "段落": d.n_chunks,
        "OCR": f"{d.ocr_pages} 页" if d.ocr_pages else "",
        "添加人": d.added_by,
        "入库时间": local_time(d.added_at, zone),  # stored in UTC
        "文件名": d.name,
        "提示": "含疑似指令文字" if d.flags else "",
    }


def _actions(library: Library, record: DocumentRecord, user: User, jobs: UploadJobs) -> None:
    delete_col, reindex_col = st.columns(2)
    confirm_key = f"confirm-delete-{record.doc_id}"
    if delete_col.button("删除该文档", key=f"delete-{record.doc_id}"):
        st.session_state[confirm_key] = True
    if st.session_state.get(confirm_key):
        st.warning(f"确定删除《{record.title}》吗？删除后问答和组卷都不再使用它。")
        yes, no = st.columns(2)
        if yes.button("确认删除", type="primary", key=f"yes-{record.doc_id}"):
            report = library.remove([record.doc_id])
            st.session_state.pop(confirm_key, None)
            st.session_state[FLASH] = f"已删除《{record.title}》（{report.outcomes[0].chunks} 个段落）"
            st.rerun()
        if no.button("取消", key=f"no-{record.doc_id}"):
            st.session_state.pop(confirm_key, None)
            st.rerun()
    running = jobs.reindexing(user.name, record.doc_id)
    if reindex_col.button("重新解析入库", key=f"reindex-{record.doc_id}", disabled=running):
        _start_reindex(library, record, user, jobs)
        st.rerun()  # the panel below starts polling the job


def _start_reindex(library: Library, record: DocumentRecord, user: User, jobs: UploadJobs) -> None:
    def write(hooks: ProgressHooks) -> Report:
        return one_file(lambda: library.reindex(record.doc_id, hooks=hooks))

    job = UploadJob(user.name, f"重新解析《{record.title}》", kind="reindex", doc_id=record.doc_id)
    start_job(jobs, job, write)


def _passages(kb: KnowledgeBase, record: DocumentRecord) -> None:
    chunks = kb.chunks_of(record.doc_id)
    with st.expander(f"《{record.title}》的 {len(chunks)} 个段落"):
        for chunk in chunks:
            where = " · ".join(p for p in (chunk.heading_path, chunk.page_label, "OCR 识别" if chunk.ocr else "") if p)
            st.caption(where or "（无标题层级）")
            st.text(chunk.text)

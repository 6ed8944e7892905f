"""Upload files (or a web page by URL) into the library, with a progress bar per file and its outcome.

Each write runs as an UploadJob in the background (ui.upload_jobs): the page polls it, so a click elsewhere or a
closed tab no longer cuts an upload off. The 文档列表 tab runs re-indexing the same way (start_job, jobs_panel)."""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st
from streamlit import config

from library.files import uploads_from_upload
from library.progress import Outcome, ProgressHooks, Report
from library.roles import User
from library.service import Library
from library.web import WebPageError, fetch_page
from retrieval.settings import Settings
from ui.upload_jobs import Conflict, JobKind, UploadJob, UploadJobs

ACCEPTED = ["pdf", "docx", "txt", "md", "html", "htm", "png", "jpg", "jpeg", "zip"]
WATCHING = "upload_jobs_watching"  # session state: ids of jobs this session saw running
UPLOADER_ROUND = "upload_round"  # session state: a new file picker after each upload
POLL_SECONDS = 1.0
BACKGROUND_NOTE = "在后台进行：可以继续操作，也可以关闭页面，稍后回到这里查看结果"


def upload_limit_mb(settings: Settings) -> int:
    """The largest file the picker takes: settings.max_upload_mb (what the library accepts), unless the server's
    own cap (Streamlit's server.maxUploadSize, 200 MB by default) is lower."""
    return min(settings.max_upload_mb, int(config.get_option("server.maxUploadSize")))


def render_upload(library: Library, user: User, jobs: UploadJobs) -> None:
    limit = upload_limit_mb(library.settings)
    files = st.file_uploader(
        "选择文件（可多选）：PDF、Word、文本、网页、扫描图片，或打包成 .zip",
        type=ACCEPTED,
        accept_multiple_files=True,
        key=f"upload_files-{st.session_state.get(UPLOADER_ROUND, 0)}",
        max_upload_size=limit,  # the picker's “Limit … per file” states it, and refuses a larger file at once
    )
    st.caption(f"每个文件不超过 {limit} MB（.zip 包中的每个文件也是）。")
    replace = st.checkbox("标题相同的文档直接替换旧版本", key="upload_replace")
    if st.button("开始入库", type="primary", disabled=not files, key="upload_start"):
        uploads = [u for f in files for u in uploads_from_upload(f.name, f.getvalue(), library.settings)]
        job = UploadJob(user.name, f"入库 {len(uploads)} 个文件", {u.name: u.data for u in uploads})
        start_job(jobs, job, lambda hooks: library.add_many(uploads, added_by=user.name, replace=replace, hooks=hooks))
        # an empty picker for the next files: the ones sent stay in the job, not to be sent twice by accident
        st.session_state[UPLOADER_ROUND] = st.session_state.get(UPLOADER_ROUND, 0) + 1
        st.rerun()
    _url_form(library, user, jobs)
    jobs_panel(jobs, user.name, "upload")
    _pending_conflicts(library, user, jobs)


def start_job(jobs: UploadJobs, job: UploadJob, write: Callable[[ProgressHooks], Report]) -> None:
    """Run `write` in the background as `job`; this session watches it (and reruns the page when it ends)."""
    jobs.start(job, write)
    st.session_state.setdefault(WATCHING, set()).add(job.id)


def one_file(write: Callable[[], Outcome]) -> Report:
    """A single-file write (a replacement, a web page) reported like a batch."""
    started = time.perf_counter()
    outcome = write()
    return Report([outcome], time.perf_counter() - started)


def jobs_panel(jobs: UploadJobs, user_name: str, kind: JobKind) -> None:
    """The organizer's running jobs of this kind, or else the last one; polled while any runs."""
    polling = jobs.running(user_name, kind)
    st.fragment(_draw_jobs, run_every=POLL_SECONDS if polling else None)(jobs, user_name, kind)


def _draw_jobs(jobs: UploadJobs, user_name: str, kind: JobKind) -> None:
    mine = jobs.of(user_name, kind)
    shown = [job for job in mine if not job.done] or mine[-1:]
    watching: set[str] = st.session_state.setdefault(WATCHING, set())
    for job in shown:
        _draw_job(job)
    ended = False
    for job in mine:
        if job.done and job.id in watching:
            watching.discard(job.id)
            ended = True
        elif not job.done:
            watching.add(job.id)
    if ended:
        st.rerun()  # the whole page: the document list shows the new files, conflicts ask, polling stops


def _draw_job(job: UploadJob) -> None:
    if not job.done:
        # not as a context manager: leaving one marks the status complete (a ✓ beside “正在入库”)
        _draw_bars(job, st.status(f"正在{job.title}……（{BACKGROUND_NOTE}）", expanded=True))
        return
    if job.error or job.report is None:
        with st.status(f"未能{job.title}：{job.error}", state="error", expanded=True):
            _draw_bars(job)
        return
    with st.status(job.summary(), state="complete" if job.report.ok else "error", expanded=True):
        _draw_bars(job)
    for outcome in job.report.outcomes:
        _outcome_line(outcome, job.label(outcome))


def _draw_bars(job: UploadJob, place=st) -> None:
    for bar in list(job.bars.values()):
        place.progress(bar.value, text=bar.text)


def _outcome_line(outcome: Outcome, label: str) -> None:
    text = f"**{outcome.name}** — {label}"
    if outcome.status in ("added", "replaced"):
        st.success(text)
    elif outcome.status == "failed":
        # what is wrong, then what to do; the parser's own (often English) words only in a panel below
        st.error(f"{text}\n\n{outcome.advice}" if outcome.advice else text)
        if outcome.detail:
            with st.expander(f"{outcome.name}：技术详情（供排查）"):
                st.code(outcome.detail, language=None, wrap_lines=True)
    else:
        st.info(text)


def _pending_conflicts(library: Library, user: User, jobs: UploadJobs) -> None:
    for conflict in jobs.conflicts(user.name):
        if conflict.data is None or library.catalog.document(conflict.existing_id) is None:
            conflict.settle()  # the old version was deleted or replaced meanwhile: nothing left to decide
            continue
        st.warning(f"**{conflict.name}**：资料库中已有同名文档《{conflict.title}》。要用这个文件替换旧版本吗？")
        replace_col, keep_col = st.columns(2)
        key = f"{conflict.job.id}-{conflict.name}"
        if replace_col.button("替换旧版本", key=f"replace-{key}"):
            conflict.settle()
            _start_replacement(library, user, jobs, conflict)
            st.rerun()  # the question and its buttons go; the job's bar takes their place
        if keep_col.button("保留旧版本", key=f"keep-{key}"):
            conflict.settle()
            st.rerun()


def _start_replacement(library: Library, user: User, jobs: UploadJobs, conflict: Conflict) -> None:
    def write(hooks: ProgressHooks) -> Report:
        return one_file(
            lambda: library.replace(conflict.existing_id, conflict.name, conflict.data, added_by=user.name, hooks=hooks)
        )

    start_job(jobs, UploadJob(user.name, f"替换《{conflict.title}》", {conflict.name: conflict.data}), write)


def _url_form(library: Library, user: User, jobs: UploadJobs) -> None:
    with st.form("add_url", clear_on_submit=True):
        url = st.text_input("或输入网页地址（http/https）", placeholder="https://www.cppcc.gov.cn/…")
        if not st.form_submit_button("抓取网页并入库"):
            return
    try:
        page = fetch_page(url, library.settings)
    except WebPageError as exc:
        st.error(str(exc))
        return
    job = UploadJob(user.name, f"入库网页 {page.name}", {page.name: page.data})
    start_job(
        jobs, job, lambda hooks: one_file(lambda: library.add(page.name, page.data, added_by=user.name, hooks=hooks))
    )

"""Library writes in the background (ui.upload_jobs): a write outlives the page run that started it, reports each
file's stage and outcome, and ends its job whatever happens; a replacement's bar ends with its outcome."""

from __future__ import annotations

from conftest import LAW

from library.progress import ProgressHooks, Report
from library.service import Library, Upload
from retrieval.kb import KnowledgeBase
from ui.upload_jobs import JOBS_KEPT_PER_USER, UploadJob, UploadJobs

WAIT_SECONDS = 120


def finished(job: UploadJob) -> UploadJob:
    assert job.finished.wait(WAIT_SECONDS), "the job never ended"
    return job


def test_a_write_runs_to_its_end_in_the_background(library: Library, kb: KnowledgeBase) -> None:
    jobs = UploadJobs()
    job = jobs.start(
        UploadJob("管理员", "入库 1 个文件", {"law.md": LAW.encode()}),
        lambda hooks: library.add_many([Upload("law.md", LAW.encode())], hooks=hooks),
    )
    assert finished(job).report is not None and not job.error
    (outcome,) = job.report.outcomes
    assert outcome.status == "added" and kb.catalog.document(outcome.doc_id) is not None
    assert job.bars["law.md"].value == 1.0 and job.bars["law.md"].text == f"law.md · 已入库（{outcome.chunks} 段）"
    assert not jobs.running("管理员") and jobs.of("管理员") == [job]
    assert jobs.of("另一位管理员") == []


def test_a_replacement_bar_ends_with_its_outcome(library: Library) -> None:
    added = library.add("law.md", LAW.encode())
    texts: list[str] = []
    hooks = ProgressHooks(
        stage=lambda name, stage, share: texts.append(stage), file_done=lambda outcome: texts.append(outcome.label)
    )
    outcome = library.replace(added.doc_id, "law.md", (LAW + "\n第九条 新增的条文。\n").encode(), hooks=hooks)
    assert outcome.status == "replaced"
    assert texts[-1] == outcome.label  # it stayed at “入库 0%” beside a nearly full bar


def test_a_failed_write_ends_its_job_with_the_reason() -> None:
    def busy(hooks: ProgressHooks) -> Report:
        raise RuntimeError("另一个进程正在写入资料库，请稍后再试")

    def broken(hooks: ProgressHooks) -> Report:
        raise ValueError("a bug")

    jobs = UploadJobs()
    refused = finished(jobs.start(UploadJob("管理员", "入库 1 个文件"), busy))
    assert refused.error == "另一个进程正在写入资料库，请稍后再试" and refused.report is None
    crashed = finished(jobs.start(UploadJob("管理员", "入库 1 个文件"), broken))
    assert "意外错误" in crashed.error and not jobs.running("管理员")


def test_only_the_latest_jobs_are_kept() -> None:
    jobs = UploadJobs()
    started = [jobs.start(UploadJob("管理员", f"入库 {n} 个文件"), lambda hooks: Report()) for n in range(8)]
    for job in started:
        finished(job)
    assert jobs.of("管理员") == started[-JOBS_KEPT_PER_USER - 1 :]


def test_a_conflict_is_asked_until_answered_whichever_page_asks(library: Library) -> None:
    """An answered replace question came back after a reload (it lived in the page's session), and once the old
    version was gone, answering it failed (walkthrough)."""
    library.add("law.md", LAW.encode())
    newer = LAW.replace("任期五年", "任期四年").encode()
    jobs = UploadJobs()
    job = jobs.start(
        UploadJob("管理员", "入库 1 个文件", {"law-2024.md": newer}),
        lambda hooks: library.add_many([Upload("law-2024.md", newer)], hooks=hooks),
    )
    finished(job)
    (conflict,) = jobs.conflicts("管理员")  # any session of this organizer sees it
    assert conflict.name == "law-2024.md" and conflict.data == newer and conflict.title
    conflict.settle()
    assert jobs.conflicts("管理员") == [] and jobs.conflicts("另一位管理员") == []


def test_reindexing_runs_as_a_job_of_its_own_kind(library: Library) -> None:
    """重新解析入库 ran inside the page run, without a bar: it is a background job the 文档列表 tab shows."""
    added = library.add("law.md", LAW.encode())
    jobs = UploadJobs()
    upload = finished(jobs.start(UploadJob("管理员", "入库 0 个文件"), lambda hooks: Report()))

    def reindex(hooks: ProgressHooks) -> Report:
        assert jobs.reindexing("管理员", added.doc_id)  # its button waits for it
        return Report([library.reindex(added.doc_id, hooks=hooks)])

    job = jobs.start(UploadJob("管理员", "重新解析《条例》", kind="reindex", doc_id=added.doc_id), reindex)
    assert finished(job).report is not None and not job.error
    (outcome,) = job.report.outcomes
    assert outcome.status == "replaced" and job.bars["law.md"].text == f"law.md · {outcome.reindex_label}"
    assert jobs.of("管理员", "reindex") == [job] and jobs.of("管理员", "upload") == [upload]
    assert not jobs.reindexing("管理员", added.doc_id)

"""Library writes that outlive the page run that started them.

Streamlit stops a script run whenever its session reruns (any click, typing in a filter) or the tab closes; a
write inside that run was cut off with it and the upload was silently lost. A write therefore runs in its own
thread, reports into an UploadJob, and the page only reads the job: an organizer can keep working, close the tab
and come back to see how the files fared. No Streamlit call happens in the thread.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from library.progress import Outcome, ProgressHooks, Report
from ui.progress_bridge import stage_bar

log = logging.getLogger(__name__)
JOBS_KEPT_PER_USER = 5  # finished jobs an organizer can still read after coming back
JobKind = Literal["upload", "reindex"]


@dataclass
class FileBar:
    value: float
    text: str


@dataclass(frozen=True)
class Conflict:
    """A file of a job that met a document of the same title: the organizer replaces the old one or keeps it. It
    lives on the job, not the session, so an answered one stays answered after a reload or in another tab."""

    job: UploadJob
    name: str
    data: bytes | None
    existing_id: str
    title: str

    def settle(self) -> None:
        self.job.settled.add(self.name)


@dataclass
class UploadJob:
    """One write (a batch of files, a replacement, a web page, or re-indexing a stored document) as the page
    shows it."""

    user: str
    title: str
    uploads: dict[str, bytes | None] = field(default_factory=dict)  # name → bytes, to offer a conflict's replace
    kind: JobKind = "upload"  # which tab shows it: 上传资料 (upload) or 文档列表 (reindex)
    doc_id: str = ""  # reindex: the document being parsed again
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    started: float = field(default_factory=time.time)
    bars: dict[str, FileBar] = field(default_factory=dict)
    report: Report | None = None
    error: str = ""
    finished: threading.Event = field(default_factory=threading.Event)
    settled: set[str] = field(default_factory=set)  # names whose same-title conflict the organizer answered

    @property
    def done(self) -> bool:
        return self.finished.is_set()

    def label(self, outcome: Outcome) -> str:
        """An outcome's line: a re-index says 已重新解析（12 段）, not the 已替换 of the replacement it runs."""
        return outcome.reindex_label if self.kind == "reindex" else outcome.label

    def summary(self) -> str:
        """The headline of a finished job: the report's counts, or for a re-index its one outcome and the time."""
        if self.report is None:
            return ""
        if self.kind != "reindex":
            return self.report.summary()
        lines = "；".join(self.label(o) for o in self.report.outcomes)
        return f"{lines}；用时 {self.report.seconds:.1f} 秒"

    def conflicts(self) -> list[Conflict]:
        """Its files that met a document of the same title, not yet answered (replace or keep)."""
        if self.report is None:
            return []
        found = self.report.with_status("conflict")
        return [
            Conflict(self, o.name, self.uploads.get(o.name), o.existing_id, o.title)
            for o in found
            if o.name not in self.settled
        ]

    def hooks(self) -> ProgressHooks:
        def waiting(name: str, number: int, total: int) -> None:
            self.bars.setdefault(name, FileBar(0.0, f"{name} · 等待"))

        def stage(name: str, stage: str, share: float) -> None:
            self.bars[name] = FileBar(*stage_bar(name, stage, share))

        def done(outcome: Outcome) -> None:
            self.bars[outcome.name] = FileBar(1.0, f"{outcome.name} · {self.label(outcome)}")

        return ProgressHooks(file_started=waiting, stage=stage, file_done=done)


class UploadJobs:
    """The jobs of this app process, per organizer, newest last."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, list[UploadJob]] = {}

    def start(self, job: UploadJob, write: Callable[[ProgressHooks], Report]) -> UploadJob:
        with self._lock:
            jobs = self._jobs.setdefault(job.user, [])
            jobs.append(job)
            del jobs[: -JOBS_KEPT_PER_USER - 1]
        threading.Thread(target=self._run, args=(job, write), name=f"upload-{job.id[:8]}", daemon=True).start()
        return job

    def of(self, user: str, kind: JobKind | None = None) -> list[UploadJob]:
        with self._lock:
            return [job for job in self._jobs.get(user, ()) if kind is None or job.kind == kind]

    def conflicts(self, user: str) -> list[Conflict]:
        return [conflict for job in self.of(user) if job.done for conflict in job.conflicts()]

    def running(self, user: str, kind: JobKind | None = None) -> bool:
        return any(not job.done for job in self.of(user, kind))

    def reindexing(self, user: str, doc_id: str) -> bool:
        """Whether this organizer's re-indexing of `doc_id` is still running (its button waits for it)."""
        return any(not job.done and job.doc_id == doc_id for job in self.of(user, "reindex"))

    @staticmethod
    def _run(job: UploadJob, write: Callable[[ProgressHooks], Report]) -> None:
        try:
            job.report = write(job.hooks())
        except RuntimeError as exc:  # another writer held the lock too long, or the index needs a rebuild
            job.error = str(exc)
        except Exception:  # the thread must end the job whatever happens: the page waits on it
            log.exception("library write %s failed", job.title)
            job.error = "入库时发生意外错误（详情见服务器日志）。请在“文档列表”中查看文件是否已入库。"
        finally:
            job.finished.set()

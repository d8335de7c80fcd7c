"""The emulator's memory: jobs and their lifecycle, and the rate-limit buckets.

A job's status is computed from timestamps whenever it is read, so it is deterministic for a
given clock: ``created`` until its file arrives (``expired`` once the upload window passes
without one), then ``in_progress`` until the file is checked and ``processing_seconds`` have
passed, then ``failed`` (a bad line) or ``complete`` (``expired`` once the download URL has).
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from x_compliance.emulator._clock import Clock, x_timestamp
from x_compliance.emulator._results import SNOWFLAKE_EPOCH_MS, process_upload

JOB_TYPES: Final = ("tweets", "users")
STATUS_FILTERS: Final = ("created", "in_progress", "failed", "complete")
RUNNING: Final = ("created", "in_progress")
DOWNLOAD_SECONDS: Final = 7 * 24 * 3600
# An upload's answer waits this long for the file to be checked, so that small files give a
# deterministic status right after the upload; bigger ones go on checking in the background.
CHECK_WAIT_SECONDS: Final = 5.0

JobJSON = dict[str, str | bool]
# (job id, created at, upload window, resumable) -> (upload_url, download_url)
UrlSigner = Callable[[str, int, int, bool], tuple[str, str]]


@dataclass
class Job:
    id: str
    type: str
    app: str  # the bearer token that created it: each token is a separate app
    created_at: int
    upload_seconds: int
    name: str | None
    resumable: bool
    upload_url: str
    download_url: str
    uploaded_at: float | None = None
    checked: threading.Event = field(default_factory=threading.Event)
    error: str | None = None

    @property
    def upload_expires_at(self) -> int:
        return self.created_at + self.upload_seconds

    @property
    def download_expires_at(self) -> int:
        return self.created_at + DOWNLOAD_SECONDS

    def status(self, now: float, processing_seconds: float) -> str:
        if self.uploaded_at is None:
            return "expired" if now >= self.upload_expires_at else "created"
        if not self.checked.is_set() or now < self.uploaded_at + processing_seconds:
            return "in_progress"
        if self.error is not None:
            return "failed"
        return "expired" if now >= self.download_expires_at else "complete"


class JobBook:
    """Every job of every app, and the rules for creating them and taking their files."""

    def __init__(
        self,
        clock: Clock,
        folder: Path,
        processing_seconds: float,
        upload_seconds: int,
        sign: UrlSigner,
    ) -> None:
        self._clock = clock
        self._folder = folder
        self._processing_seconds = processing_seconds
        self._upload_seconds = upload_seconds
        self._sign = sign
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._last_id = 0
        self._workers: list[threading.Thread] = []
        self._stopping = threading.Event()

    def status(self, job: Job) -> str:
        return job.status(self._clock.now(), self._processing_seconds)

    def create(self, app: str, job_type: str, name: str | None, resumable: bool) -> Job | None:
        """A new job, or None when the app already has a running job of that type."""
        with self._lock:
            if any(
                job.app == app and job.type == job_type and self.status(job) in RUNNING
                for job in self._jobs.values()
            ):
                return None
            now = self._clock.now()
            job_id = self._next_id(now)
            created_at = int(now)
            upload_url, download_url = self._sign(job_id, created_at, self._upload_seconds, resumable)
            job = Job(
                job_id,
                job_type,
                app,
                created_at,
                self._upload_seconds,
                name,
                resumable,
                upload_url,
                download_url,
            )
            self._jobs[job_id] = job
            return job

    def find(self, job_id: str, app: str | None = None) -> Job | None:
        """The job with this id (of this app, when given)."""
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and app in (None, job.app) else None

    def listing(self, app: str | None, job_type: str | None, status: str | None) -> list[Job]:
        """Jobs newest first, filtered by app, type and status when given."""
        with self._lock:
            jobs = list(self._jobs.values())
        return [
            job
            for job in sorted(jobs, key=lambda job: int(job.id), reverse=True)
            if app in (None, job.app)
            and job_type in (None, job.type)
            and (status is None or self.status(job) == status)
        ]

    def to_json(self, job: Job) -> JobJSON:
        """The job as X sends it: ``name`` only when given, ``error`` only when failed."""
        status = self.status(job)
        document: JobJSON = {"id": job.id, "type": job.type, "status": status}
        if job.name is not None:
            document["name"] = job.name
        document["resumable"] = job.resumable
        if status == "failed" and job.error is not None:
            document["error"] = job.error
        document.update(
            created_at=x_timestamp(job.created_at * 1000),
            upload_url=job.upload_url,
            upload_expires_at=x_timestamp(job.upload_expires_at * 1000),
            download_url=job.download_url,
            download_expires_at=x_timestamp(job.download_expires_at * 1000),
        )
        return document

    def accept_upload(self, job: Job, upload: Path) -> bool:
        """Make ``upload`` the job's file if it still waits for one; else discard it.

        A job takes the first complete file only: a later upload to the same URL is answered by
        storage as usual but ignored by the job, which has already started on the first.
        """
        with self._lock:
            if self.status(job) != "created":
                upload.unlink()
                return False
            job.uploaded_at = self._clock.now()
            kept = upload.rename(self._folder / f"{job.id}.upload")
            worker = threading.Thread(
                target=self._check, args=(job, kept), name=f"x-compliance-check-{job.id}"
            )
            self._workers.append(worker)
            worker.start()
        worker.join(CHECK_WAIT_SECONDS)
        return True

    def results_file(self, job: Job) -> Path | None:
        """Where a complete job's results are."""
        return self.results_path(job) if self.status(job) == "complete" else None

    def results_path(self, job: Job) -> Path:
        return self._folder / f"{job.id}.results.jsonl"

    def stop(self) -> None:
        """Stop checking files (the folder is about to go)."""
        self._stopping.set()
        for worker in self._workers:
            worker.join(10.0)

    def _check(self, job: Job, upload: Path) -> None:
        try:
            job.error = process_upload(upload, job.type, self.results_path(job), self._stopping)
        except Exception as problem:  # the job fails rather than staying in_progress forever
            job.error = f"The file could not be checked: {problem}"
        finally:
            with contextlib.suppress(OSError):
                upload.unlink()
            job.checked.set()

    def _next_id(self, now: float) -> str:
        """A snowflake-like id: the time in the high bits, strictly increasing."""
        elapsed_ms = max(int(now * 1000) - SNOWFLAKE_EPOCH_MS, 1)
        candidate = (elapsed_ms << 22) | (1 << 12)
        self._last_id = max(candidate, self._last_id + 1)
        return str(self._last_id)


@dataclass(frozen=True)
class RateLimit:
    """One bucket's state as the ``x-rate-limit-*`` headers tell it."""

    limit: int
    remaining: int
    reset: int  # Unix seconds

    def headers(self) -> list[tuple[str, str]]:
        return [
            ("x-rate-limit-limit", str(self.limit)),
            ("x-rate-limit-remaining", str(self.remaining)),
            ("x-rate-limit-reset", str(self.reset)),
        ]


@dataclass
class _Window:
    ends: float
    used: int


class RateLimiter:
    """``limit`` requests per ``window`` seconds for each (app, endpoint); a window starts with
    the first request after the previous one ended."""

    def __init__(self, limit: int, window: float, clock: Clock) -> None:
        self._limit = limit
        self._window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], _Window] = {}

    def take(self, app: str, endpoint: str) -> tuple[bool, RateLimit]:
        """Use one request of the bucket: (allowed, the bucket's state afterwards)."""
        now = self._clock.now()
        with self._lock:
            window = self._windows.get((app, endpoint))
            if window is None or now >= window.ends:
                window = self._windows[(app, endpoint)] = _Window(now + self._window, 0)
            allowed = window.used < self._limit
            if allowed:
                window.used += 1
            state = RateLimit(self._limit, self._limit - window.used, math.ceil(window.ends))
        return allowed, state

"""Downloads: a complete job's results, read from its signed download URL. Decisions only; the
clients do the I/O.

A ``GET`` of the signed URL with ``Accept-Encoding: identity`` (so byte offsets are the file's own);
after a dropped or short answer, the next ``GET`` asks ``Range: bytes=N-`` from the first byte not
yet received, so every byte, and so every line, is delivered exactly once.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

import httpx
from attrs import define, field

from x_compliance import _constants as c
from x_compliance._core import Progress
from x_compliance._redact import url_for_log
from x_compliance._retry import RetryPolicy
from x_compliance._storage import RetryableAnswer, storage_error
from x_compliance.errors import (
    DownloadError,
    DownloadExpiredError,
    JobExpiredError,
    JobFailedError,
)
from x_compliance_api.models import ComplianceJob, JobStatus
from x_compliance_api.types import Unset

logger = logging.getLogger(c.LOGGER_NAME)

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


def refuses_download(job: ComplianceJob) -> bool:
    """Whether ``job``'s status alone rules out reading its results (a job object may be stale:
    the client then fetches it once before deciding)."""
    return job.status != JobStatus.COMPLETE


def check_download(job: ComplianceJob, now: dt.datetime) -> None:
    """Refuse a download that cannot give results, with the error that says why: the job failed
    (``JobFailedError``, X's reason), its results expired (``DownloadExpiredError``), it expired
    before taking an upload (``JobExpiredError``), or it is not complete yet (``DownloadError``)."""
    if job.status == JobStatus.FAILED:
        why = "X gave no reason" if isinstance(job.error, Unset) else job.error
        raise JobFailedError(f"job {job.id} failed, so it has no results: {why}", job=job)
    if job.download_expires_at <= now:
        raise DownloadExpiredError(
            f"job {job.id}'s results expired at {job.download_expires_at:%Y-%m-%d %H:%M:%S} UTC"
        )
    if job.status == JobStatus.EXPIRED:
        raise JobExpiredError(
            f"job {job.id} expired before it took an upload (window closed "
            f"{job.upload_expires_at:%Y-%m-%d %H:%M} UTC), so it has no results",
            job=job,
        )
    if job.status != JobStatus.COMPLETE:
        raise DownloadError(f"job {job.id} is {job.status}, not complete: wait for it first")


@define
class Download:
    """One results download, resumed with ``Range`` until every byte has arrived once."""

    job: ComplianceJob
    policy: RetryPolicy
    progress: Progress | None = None
    offset: int = 0
    total: int | None = None
    stalls: int = 0
    _skip: int = field(default=0, init=False)

    def request(self) -> dict[str, Any]:
        headers = {"Accept-Encoding": "identity"}
        if self.offset:
            headers["Range"] = f"bytes={self.offset}-"
        return {"method": "GET", "url": self.job.download_url, "headers": headers}

    def on_response(self, response: httpx.Response) -> bool:
        """Check the answer's status; False when there is nothing (more) to read."""
        status = response.status_code
        logger.debug("GET %s -> %d (from byte %d)", url_for_log(self.job.download_url), status, self.offset)
        if status == 206:
            match = _CONTENT_RANGE.fullmatch(response.headers.get("content-range", ""))
            if match is None or int(match.group(1)) > self.offset:
                raise DownloadError(
                    f"storage answered a range that does not start at byte {self.offset}", status_code=206
                )
            self._skip = self.offset - int(match.group(1))
            if match.group(3) != "*":
                self.total = int(match.group(3))
            return True
        if status == 200:
            self._skip = self.offset  # storage ignored Range: skip what already arrived
            length = response.headers.get("content-length")
            if length is not None and length.isdigit():
                self.total = int(length)
            return True
        if status == 416 and self.total is not None and self.offset >= self.total:
            return False
        if status == 429 or status in self.policy.retryable_statuses:
            raise RetryableAnswer(f"storage answered {status}")
        raise storage_error(response, DownloadError, "downloading the results")

    def accept(self, chunk: bytes) -> bytes:
        """The part of ``chunk`` not delivered before."""
        if self._skip:
            dropped = min(self._skip, len(chunk))
            self._skip -= dropped
            chunk = chunk[dropped:]
        if chunk:
            self.offset += len(chunk)
            self.stalls = 0
            if self.progress is not None:
                self.progress(self.offset, self.total)
        return chunk

    @property
    def finished(self) -> bool:
        """Whether the answer that just ended held the rest (unknown length: taken as whole)."""
        return self.total is None or self.offset >= self.total

    def after_break(self, cause: str) -> float:
        """Seconds to wait before resuming; ``DownloadError`` after too many breaks in a row."""
        logger.info("download of job %s broke at byte %d (%s): resuming", self.job.id, self.offset, cause)
        self.stalls += 1
        if self.stalls > self.policy.max_retries:
            got = f"{self.offset} of {self.total}" if self.total is not None else str(self.offset)
            raise DownloadError(
                f"results of job {self.job.id} stopped at byte {got} (truncated) after "
                f"{self.stalls} failed answers in a row ({cause})"
            )
        return self.policy.backoff(self.stalls)

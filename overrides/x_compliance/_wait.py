"""Waiting for a job: when to poll next, and what a job's status means. No I/O.

Polls start after ``POLL_INITIAL`` seconds and back off by ``POLL_MULTIPLIER`` up to ``POLL_MAX``.
They also pace themselves from the get-job bucket X last reported: when the backoff schedule would
make more polls before the bucket resets than it has requests left (less a reserve kept for the
caller), the remaining ones are spread evenly until the reset; when only the reserve is left, the
next poll waits for the reset. So waiting never causes a 429, whatever the
timeout: when the deadline comes before the bucket allows another poll, the wait ends with
``WaitTimeoutError`` instead of polling.
"""

from __future__ import annotations

import datetime as dt
import logging
import math

from attrs import define, field

from x_compliance import _constants as c
from x_compliance.errors import JobExpiredError, JobFailedError, WaitTimeoutError
from x_compliance.rate_limits import RateLimit
from x_compliance_api.models import ComplianceJob, JobStatus
from x_compliance_api.types import Unset

logger = logging.getLogger(c.LOGGER_NAME)

_RUNNING = frozenset({JobStatus.CREATED, JobStatus.IN_PROGRESS})


@define
class Poller:
    """The state of one ``wait_for_job``: ``timeout`` seconds (None: no limit) from ``started``."""

    timeout: float | None
    started: float
    polls: int = 0
    _warned: set[str] = field(factory=set)

    def finished(self, job: ComplianceJob) -> bool:
        """True when ``job`` is complete; raises when it failed or expired."""
        self.polls += 1
        if job.status == JobStatus.COMPLETE:
            return True
        if job.status == JobStatus.FAILED:
            why = "X gave no reason" if isinstance(job.error, Unset) else job.error
            raise JobFailedError(f"job {job.id} failed: {why}", job=job)
        if job.status == JobStatus.EXPIRED:
            raise JobExpiredError(
                f"job {job.id} expired: X expires a job whose upload window closes before an upload "
                f"(here {job.upload_expires_at:%Y-%m-%d %H:%M} UTC), and one whose results are past "
                f"their download window (here {job.download_expires_at:%Y-%m-%d %H:%M} UTC)",
                job=job,
            )
        if job.status not in _RUNNING and job.status not in self._warned:
            self._warned.add(job.status)
            logger.warning("job %s has status %r, unknown to this client: still waiting", job.id, job.status)
        return False

    def next_poll(
        self, job: ComplianceJob, bucket: RateLimit | None, now: dt.datetime, clock: float
    ) -> tuple[float, bool]:
        """(seconds to sleep, whether to poll after it). ``WaitTimeoutError`` once the deadline passed.

        When the deadline comes before the next paced poll: sleep until the deadline, then poll one
        last time if the bucket has spare requests, else give up without polling.
        """
        delay = min(c.POLL_MAX, c.POLL_INITIAL * c.POLL_MULTIPLIER ** max(0, self.polls - 1))
        paced, spare = delay, True
        if bucket is not None:
            window = (bucket.reset_at - now).total_seconds()
            if window > 0:
                reserve = max(c.POLL_RESERVE_MIN, math.ceil(bucket.limit * c.POLL_RESERVE_FRACTION))
                left_in_bucket = bucket.remaining - reserve
                spare = left_in_bucket > 0
                if not spare:
                    paced = window + c.RATE_LIMIT_MARGIN
                elif _polls_within(window, delay) > left_in_bucket:
                    paced = max(delay, window / left_in_bucket)
        if self.timeout is None:
            return paced, True
        left = self.started + self.timeout - clock
        if left <= 0:
            raise self.timed_out(job, clock)
        if paced > left:
            return left, spare
        return paced, True

    def timed_out(self, job: ComplianceJob, clock: float) -> WaitTimeoutError:
        return WaitTimeoutError(
            f"job {job.id} is still {job.status} after {clock - self.started:.0f} s "
            f"(timeout {self.timeout:g} s); it may still complete: wait for it again",
            job=job,
        )


def _polls_within(window: float, delay: float) -> int:
    """How many polls the backoff schedule, starting at ``delay``, makes in ``window`` seconds."""
    polls, elapsed = 0, 0.0
    while elapsed + delay <= window:
        elapsed += delay
        polls += 1
        delay = min(c.POLL_MAX, delay * c.POLL_MULTIPLIER)
    return polls

"""Waiting for a job: when to poll next, what a job's status means, and what a failed poll means.
No I/O.

Polls start after ``POLL_INITIAL`` seconds and back off by ``POLL_MULTIPLIER`` up to ``POLL_MAX``.
They also pace themselves from the get-job bucket X last reported: when the backoff schedule would
make more polls before the bucket resets than it has requests left (less a reserve kept for the
caller), the remaining ones are spread evenly until the reset; when only the reserve is left, the
next poll waits for the reset. So waiting never causes a 429, whatever the
timeout: when the deadline comes before the bucket allows another poll, the wait ends with
``WaitTimeoutError`` instead of polling.

Waits last hours. A poll that fails for a reason that may heal (no answer, a 5xx, a 429 whose reset
was too far to wait for) is a missed poll: the wait goes on, backing off, until its own timeout.
An error that waiting cannot heal (401, 403, 404, a bad request) ends it at once. The driving loop::

    poller = Poller(timeout, monotonic())
    while not poller.finished(job):
        delay, poll = poller.next_poll(job, bucket, utc_now(), monotonic())
        sleep(delay)
        if not poll:
            raise poller.timed_out(job, monotonic())
        while True:
            try:
                job = get_job(job.id)
                break
            except ComplianceError as error:
                sleep(poller.after_failed_poll(error, job, utc_now(), monotonic()))
"""

from __future__ import annotations

import datetime as dt
import logging
import math

from attrs import define, field

from x_compliance import _constants as c
from x_compliance._retry import capped_exponential
from x_compliance.errors import (
    APIConnectionError,
    JobExpiredError,
    JobFailedError,
    RateLimitError,
    ServerError,
    WaitTimeoutError,
)
from x_compliance.rate_limits import RateLimit
from x_compliance_api.models import ComplianceJob, JobStatus
from x_compliance_api.types import Unset

__all__ = ["TRANSIENT_POLL_ERRORS", "Poller"]

logger = logging.getLogger(c.LOGGER_NAME)

_RUNNING = frozenset({JobStatus.CREATED, JobStatus.IN_PROGRESS})

TRANSIENT_POLL_ERRORS = (APIConnectionError, ServerError, RateLimitError)
"""Errors of a poll (after its own retries) that a wait outlives: no answer (a connection error or
a timeout), a 5xx, a 429 whose reset was too far to wait for. Any other error ends the wait."""


@define
class Poller:
    """The state of one ``wait_for_job``: ``timeout`` seconds (None: no limit) from ``started``.

    ``polls`` counts the job states seen (the first is the job the wait was given); ``misses``
    counts the polls that failed since the last one answered, and ``last_error`` is the latest.
    """

    timeout: float | None
    started: float
    polls: int = 0
    misses: int = 0
    last_error: Exception | None = None
    _warned: set[str] = field(factory=set)

    @property
    def deadline(self) -> float | None:
        """When the wait ends, on the clock of ``started`` (None: never)."""
        return None if self.timeout is None else self.started + self.timeout

    def finished(self, job: ComplianceJob) -> bool:
        """True when ``job`` is complete; raises when it failed or expired."""
        self.polls += 1
        self.misses, self.last_error = 0, None
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
        delay = _backoff(self.polls - 1)
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
        return self._until_deadline(min(paced, c.POLL_PAUSE_MAX), spare, job, clock)

    def after_failed_poll(
        self, error: Exception, job: ComplianceJob, now: dt.datetime, clock: float
    ) -> float:
        """A poll of ``job`` raised ``error`` (after the request's own retries): the seconds to
        sleep before polling again, or the error that ends the wait, raised.

        A transient error (``TRANSIENT_POLL_ERRORS``) is a missed poll: the next one comes later
        each time, like the polls' own backoff (after a 429, no sooner than its reset). At the
        deadline the wait ends with ``WaitTimeoutError``, which names the last error. Any other
        error (401, 403, 404, a bad request, a failed job) is raised as it is.
        """
        if not isinstance(error, TRANSIENT_POLL_ERRORS):
            raise error
        self.misses += 1
        self.last_error = error
        delay = _backoff(self.polls - 1 + self.misses)
        if isinstance(error, RateLimitError) and error.reset_at is not None:
            delay = max(delay, (error.reset_at - now).total_seconds() + c.RATE_LIMIT_MARGIN)
        delay, _ = self._until_deadline(min(delay, c.POLL_PAUSE_MAX), True, job, clock)
        logger.warning(
            "job %s: poll failed (%s: %s); still waiting, next poll in %.1f s",
            job.id,
            type(error).__name__,
            error,
            delay,
        )
        return delay

    def timed_out(self, job: ComplianceJob, clock: float) -> WaitTimeoutError:
        """The error that ends a wait whose deadline passed, naming the poll that failed last."""
        missed = ""
        if self.last_error is not None:
            missed = (
                f"; the last {self.misses} poll(s) failed, the last with "
                f"{type(self.last_error).__name__}: {self.last_error}"
            )
        return WaitTimeoutError(
            f"job {job.id} is still {job.status} after {clock - self.started:.0f} s "
            f"(timeout {self.timeout:g} s){missed}; it may still complete: wait for it again",
            job=job,
        )

    def _until_deadline(
        self, delay: float, poll: bool, job: ComplianceJob, clock: float
    ) -> tuple[float, bool]:
        """``delay`` and ``poll``, or less when the deadline comes sooner: sleep until the deadline,
        then poll only if ``poll``. ``WaitTimeoutError`` once the deadline has passed."""
        if self.timeout is None:
            return delay, True
        left = self.started + self.timeout - clock
        if left <= 0:
            raise self.timed_out(job, clock) from self.last_error
        if delay > left:
            return left, poll
        return delay, True


def _backoff(step: int) -> float:
    return capped_exponential(c.POLL_INITIAL, c.POLL_MULTIPLIER, step, c.POLL_MAX)


def _polls_within(window: float, delay: float) -> int:
    """How many polls the backoff schedule, starting at ``delay``, makes in ``window`` seconds:
    counted while the delay grows, then computed (a window may be days long)."""
    polls, elapsed = 0, 0.0
    while delay < c.POLL_MAX and elapsed + delay <= window:
        elapsed += delay
        polls += 1
        delay = min(c.POLL_MAX, delay * c.POLL_MULTIPLIER)
    return polls + int(max(0.0, window - elapsed) // c.POLL_MAX)

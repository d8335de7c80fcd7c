"""One request through its retries (an exchange with X or storage): the decisions, shared by the
sync and async clients.

An ``Exchange`` is told what happened to each attempt (an answer or a transport error) and says
whether to sleep and resend, or stop. It logs each attempt, records rate limits, and turns a final
transport error into ``APIConnectionError``. The clients' ``_send`` loops only do the I/O.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

import httpx
from attrs import define, field

from x_compliance import _constants as c
from x_compliance._redact import redact, url_for_log
from x_compliance._retry import RetryPolicy, never_reached_server
from x_compliance.errors import APIConnectionError, APITimeoutError, RateLimitError
from x_compliance.rate_limits import RateLimits, rate_limit_headers, reset_from_headers

logger = logging.getLogger(c.LOGGER_NAME)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@define
class Exchange:
    """The retry state of one logical request (``method`` ``url``)."""

    method: str
    url: str
    policy: RetryPolicy
    idempotent: bool
    endpoint: str | None = None
    """The rate-limit bucket this request draws on (None for storage URLs)."""
    rate_limits: RateLimits | None = None
    secrets: tuple[str, ...] = ()
    clock: Callable[[], dt.datetime] = utc_now
    retries: int = 0
    deadline: float | None = None
    """A ``time.monotonic()`` past which no retry sleeps (a wait's timeout): the attempt that would
    need one is the last, and its answer or error is the request's."""
    _started: float = field(factory=time.perf_counter)
    _waited_until: dt.datetime | None = None

    @property
    def label(self) -> str:
        return f"{self.method} {url_for_log(self.url)}"

    def before_attempt(self) -> float:
        """Seconds to wait before sending: the endpoint's bucket is known to be empty, or the first
        answer that will show it is still on its way. 0.0: send now (and call ``end_attempt``).

        Raises ``RateLimitError`` without sending when the bucket refills later than the policy waits.
        """
        if self.endpoint is None or self.rate_limits is None:
            return 0.0
        now = self.clock()
        hold = self.rate_limits.take(self.endpoint, now, self)
        if hold is None or (
            not hold.probe and self._waited_until is not None and hold.until <= self._waited_until
        ):
            return 0.0  # room in the bucket, or the reset this request already waited for
        wait = (hold.until - now).total_seconds()
        if hold.probe:
            return wait
        if wait > self.policy.max_rate_limit_wait or self._past_deadline(wait + c.RATE_LIMIT_MARGIN):
            raise RateLimitError(
                f"{self.endpoint}: no requests left until {hold.until:%Y-%m-%d %H:%M:%S} UTC "
                "(X's last answer said so); not sent",
                status_code=429,
                reset_at=hold.until,
            )
        logger.info("%s: no requests left, waiting %.2f s for the reset", self.label, wait)
        self._waited_until = hold.until
        return wait + c.RATE_LIMIT_MARGIN

    def end_attempt(self) -> None:
        """After every attempt, answered or not: let another request find out the bucket."""
        if self.endpoint is not None and self.rate_limits is not None:
            self.rate_limits.release(self.endpoint, self)

    def begin_attempt(self) -> None:
        self._started = time.perf_counter()

    def after_response(self, response: httpx.Response) -> float | None:
        """Seconds to sleep before resending, or None: ``response`` is the answer to keep."""
        if logger.isEnabledFor(logging.DEBUG):  # self.label parses the URL: only when it is shown
            logger.debug(
                "%s -> %d in %.1f ms (attempt %d)",
                self.label,
                response.status_code,
                (time.perf_counter() - self._started) * 1000,
                self.retries + 1,
            )
        if self.endpoint is not None and self.rate_limits is not None:
            self.rate_limits.update(self.endpoint, rate_limit_headers(response.headers.raw), self.clock())
        delay = self.policy.after_status(
            response.status_code, response.headers, self.retries + 1, self.idempotent, self.clock()
        )
        if delay is not None and self._past_deadline(delay):
            delay = None  # no time left to wait: this answer is the request's
        if delay is not None:
            self.retries += 1
            if response.status_code == 429:
                self._waited_until = reset_from_headers(response.headers, self.clock())
            what = "rate limit" if response.status_code == 429 else str(response.status_code)
            logger.info(
                "%s: %s, waiting %.2f s before retry %d of %d",
                self.label,
                what,
                delay,
                self.retries,
                self.policy.max_retries,
            )
        return delay

    def after_error(self, error: httpx.RequestError) -> float:
        """Seconds to sleep before resending after ``error``; raises when it is final."""
        kind = type(error).__name__
        logger.debug("%s -> %s (attempt %d)", self.label, kind, self.retries + 1)
        delay = self.policy.after_error(error, self.retries + 1, self.idempotent)
        if delay is None or self._past_deadline(delay):
            raise self._final_error(error) from None
        self.retries += 1
        logger.info(
            "%s: %s, waiting %.2f s before retry %d of %d",
            self.label,
            kind,
            delay,
            self.retries,
            self.policy.max_retries,
        )
        return delay

    def _past_deadline(self, delay: float) -> bool:
        return self.deadline is not None and time.monotonic() + delay > self.deadline

    def _final_error(self, error: httpx.RequestError) -> APIConnectionError:
        cause = redact(str(error) or type(error).__name__, *self.secrets)
        tries = f"after {self.retries + 1} attempts" if self.retries else "on the first attempt"
        message = f"{self.label} failed {tries}: {type(error).__name__}: {cause}"
        maybe_received = not never_reached_server(error)
        if not self.idempotent and maybe_received:
            message += " (the request may have reached X and acted; check before sending it again)"
        error_class = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
        return error_class(message, maybe_received=maybe_received)

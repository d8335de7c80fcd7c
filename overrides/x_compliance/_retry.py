"""When to retry a request and how long to wait: one policy object, pure decisions, no I/O.

The sync and async clients drive the same ``Exchange`` (see ``_exchange``); only their I/O differs.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Mapping

import httpx
from attrs import field, frozen, validators

from x_compliance import _constants as c
from x_compliance.rate_limits import reset_from_headers

__all__ = ["RetryPolicy", "capped_exponential"]


@frozen
class RetryPolicy:
    """How a request is retried. Defaults live in ``x_compliance._constants``.

    - Idempotent requests (the GETs) retry connection errors, timeouts and 500/502/503/504, with
      exponential backoff: ``initial_backoff`` doubling up to ``max_backoff``, each sleep shortened
      by up to ``jitter`` of itself so that many clients do not retry in step.
    - Any request retries a 429 whose reset (``x-rate-limit-reset``, else ``Retry-After`` in
      seconds or as an HTTP date) is at most ``max_rate_limit_wait`` seconds away, sleeping until
      then; a farther reset is an error. The distance is taken from X's ``Date`` where the answer
      has one, so that a local clock that is off does not change it.
    - A request that is not idempotent (creating a job) is retried only when it cannot have reached
      X: a 429, or a connection that never opened. Never after a read timeout or a 5xx.
    - ``max_retries`` bounds the retries of one request, whatever their cause.
    """

    max_retries: int = field(default=c.DEFAULT_MAX_RETRIES, validator=validators.ge(0))
    initial_backoff: float = field(default=c.INITIAL_BACKOFF, validator=validators.ge(0))
    multiplier: float = field(default=c.BACKOFF_MULTIPLIER, validator=validators.ge(1))
    max_backoff: float = field(default=c.MAX_BACKOFF, validator=validators.ge(0))
    jitter: float = field(default=c.BACKOFF_JITTER, validator=[validators.ge(0), validators.le(1)])
    max_rate_limit_wait: float = field(default=c.MAX_RATE_LIMIT_WAIT, validator=validators.ge(0))
    retryable_statuses: frozenset[int] = c.RETRYABLE_STATUSES
    random: Callable[[], float] = field(default=random.random, eq=False, repr=False)

    def backoff(self, retry: int) -> float:
        """The sleep before retry number ``retry`` (1-based) of a transient failure."""
        delay = capped_exponential(self.initial_backoff, self.multiplier, retry - 1, self.max_backoff)
        return delay * (1.0 - self.jitter * self.random())

    def after_error(self, error: httpx.RequestError, retry: int, idempotent: bool) -> float | None:
        """Seconds to sleep before retry number ``retry`` after ``error``, or None to give up."""
        if retry > self.max_retries:
            return None
        if idempotent or never_reached_server(error):
            return self.backoff(retry)
        return None

    def after_status(
        self,
        status: int,
        headers: Mapping[str, str],
        retry: int,
        idempotent: bool,
        now: dt.datetime,
    ) -> float | None:
        """Seconds to sleep before retry number ``retry`` after an answer, or None to keep it."""
        if retry > self.max_retries:
            return None
        if status == 429:
            reset_at = reset_from_headers(headers, now)
            if reset_at is None:
                return self.backoff(retry)
            wait = max(0.0, (reset_at - now).total_seconds())
            if wait > self.max_rate_limit_wait:
                return None
            # X's reset is in whole seconds and clocks differ a little: wake just after it.
            return wait + c.RATE_LIMIT_MARGIN
        if status in self.retryable_statuses and idempotent:
            return self.backoff(retry)
        return None


def capped_exponential(initial: float, multiplier: float, step: int, cap: float) -> float:
    """``initial * multiplier ** step``, at most ``cap``, for any ``step`` (negative counts as 0).

    Exact below the cap, and never an ``OverflowError``: ``1.5 ** 1750`` overflows a float, and a
    wait that polls for days takes that many steps.
    """
    if step <= 0 or multiplier <= 1.0 or not 0.0 < initial < cap:
        return min(cap, initial)
    if step >= math.log(cap / initial, multiplier):
        return cap
    return min(cap, initial * multiplier**step)


def never_reached_server(error: httpx.RequestError) -> bool:
    """Whether the request certainly did not reach the server (safe to resend a non-idempotent one)."""
    return isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)

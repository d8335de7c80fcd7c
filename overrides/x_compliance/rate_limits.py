"""X's rate limits as the client last saw them, per endpoint.

X keeps one bucket per endpoint per app (150 requests per 15 minutes for each compliance endpoint)
and reports it on every answer in ``x-rate-limit-limit``, ``x-rate-limit-remaining`` and
``x-rate-limit-reset`` (Unix seconds). Headers that are missing, negative or not numbers are
ignored: the last good reading stays.

A reset is a time on X's clock. Where the answer carries X's ``Date``, the client takes the reset
to be as far from its own now as it is from that ``Date``, so that a local clock minutes off
neither sends requests into an empty bucket nor turns a near reset into a far one.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import threading
from collections.abc import Iterable, Mapping

from attrs import frozen

from x_compliance import _constants as c

__all__ = [
    "CREATE_JOB",
    "GET_JOB",
    "LIST_JOBS",
    "RateLimit",
    "RateLimits",
    "rate_limit_headers",
    "reset_from_headers",
]

LIST_JOBS = "GET /2/compliance/jobs"
GET_JOB = "GET /2/compliance/jobs/:id"
CREATE_JOB = "POST /2/compliance/jobs"


@frozen
class RateLimit:
    """One endpoint's bucket: ``remaining`` of ``limit`` requests until ``reset_at`` (UTC)."""

    limit: int
    remaining: int
    reset_at: dt.datetime

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimit | None:
        """The bucket the headers describe, or None when any of the three is absent or invalid."""
        limit = _non_negative_int(headers.get("x-rate-limit-limit"))
        remaining = _non_negative_int(headers.get("x-rate-limit-remaining"))
        reset = _non_negative_int(headers.get("x-rate-limit-reset"))
        if limit is None or remaining is None or reset is None:
            return None
        return cls(limit=limit, remaining=remaining, reset_at=_from_unix(reset))


@frozen
class Hold:
    """Why a request may not be sent yet: the bucket is empty until ``until``, or (``probe``) the
    first request to an endpoint whose bucket is unknown is still waiting for its answer."""

    until: dt.datetime
    probe: bool = False


class RateLimits:
    """What the client knows of each endpoint's bucket; safe to share between threads and tasks.

    Each request takes one from the bucket before it is sent (``take``), so that requests in flight
    at once cannot together spend more than the bucket holds; each answer's headers then correct
    the count (``update``). Within one window the count only goes down: an answer that overtook a
    later one cannot raise it again. While a bucket is unknown (no answer yet, or its window has
    passed) one request goes first and the others wait for its answer.

    An endpoint whose last answer reported no bucket (a proxy, a load balancer or a mock answered
    without the headers) is not held back: its requests go straight through, without a probe,
    until an answer reports a bucket again. A bucket that never reports is not a bucket.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_endpoint: dict[str, RateLimit] = {}  # resets on the local clock
        self._windows: dict[str, dt.datetime] = {}  # endpoint -> its window's reset, on X's clock
        self._probes: dict[str, object] = {}  # endpoint -> the request finding out its bucket
        self._silent: set[str] = set()  # endpoints whose last answer reported no bucket

    def take(self, endpoint: str, now: dt.datetime, requester: object) -> Hold | None:
        """Count one request against ``endpoint``'s bucket: None to send it now, else a ``Hold``.

        A None for an unknown bucket makes ``requester`` the probe: ``release`` it (or ``update``
        with its answer) when the attempt ends.
        """
        with self._lock:
            known = self._by_endpoint.get(endpoint)
            if known is None or known.reset_at <= now:
                if endpoint in self._silent:
                    return None
                if self._probes.setdefault(endpoint, requester) is not requester:
                    return Hold(now + dt.timedelta(seconds=c.PROBE_WAIT), probe=True)
                return None
            if known.remaining > 0:
                # not attrs.evolve, which looks the fields up again on every request
                self._by_endpoint[endpoint] = RateLimit(known.limit, known.remaining - 1, known.reset_at)
                return None
            return Hold(known.reset_at)

    def release(self, endpoint: str, requester: object) -> None:
        """``requester``'s attempt ended: if it was the probe, let another request probe."""
        with self._lock:
            if self._probes.get(endpoint) is requester:
                del self._probes[endpoint]

    def update(self, endpoint: str, headers: Mapping[str, str], now: dt.datetime) -> None:
        """Correct ``endpoint``'s bucket from an answer's headers (``rate_limit_headers``), which
        arrived at ``now`` on the local clock."""
        seen = RateLimit.from_headers(headers)
        with self._lock:
            self._probes.pop(endpoint, None)  # the answer came: nobody need wait for it
            if seen is None:
                self._silent.add(endpoint)
                return
            self._silent.discard(endpoint)
            known = self._by_endpoint.get(endpoint)
            if known is not None and self._windows.get(endpoint) == seen.reset_at:
                # Same window: keep its local reset (each answer's Date would move it a little),
                # and the lower count: requests in flight, or a later answer, counted lower.
                if known.remaining > seen.remaining:
                    self._by_endpoint[endpoint] = RateLimit(seen.limit, seen.remaining, known.reset_at)
                return
            self._windows[endpoint] = seen.reset_at
            local_reset = _on_local_clock(seen.reset_at, _http_date(headers.get("date")), now)
            self._by_endpoint[endpoint] = RateLimit(seen.limit, seen.remaining, local_reset)

    def get(self, endpoint: str) -> RateLimit | None:
        with self._lock:
            return self._by_endpoint.get(endpoint)

    def snapshot(self) -> dict[str, RateLimit]:
        with self._lock:
            return dict(self._by_endpoint)


def rate_limit_headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """The ``x-rate-limit-*`` headers, and ``Date``, among an answer's raw headers
    (``httpx.Headers.raw``), names in lower case.

    One pass over the raw list: each ``httpx.Headers.get`` scans and decodes the whole list, and
    this runs on every answer.
    """
    return {
        name.lower().decode("latin-1"): value.decode("latin-1")
        for name, value in raw
        if name[:13].lower() == b"x-rate-limit-" or name.lower() == b"date"
    }


_NEVER = dt.datetime.max.replace(tzinfo=dt.UTC)
"""The reset of a nonsense Retry-After or reset header: as good as never."""


def reset_from_headers(headers: Mapping[str, str], now: dt.datetime) -> dt.datetime | None:
    """When a 429's bucket refills, on the local clock, whose time is ``now``; None if not said.

    ``x-rate-limit-reset``, else ``Retry-After`` (seconds, or an HTTP date). A reset or an HTTP date
    is a time on X's clock: with X's ``Date`` it is taken as that far from ``now``.
    """
    x_now = _http_date(headers.get("date"))
    reset = _non_negative_int(headers.get("x-rate-limit-reset"))
    if reset is not None:
        return _on_local_clock(_from_unix(reset), x_now, now)
    retry_after = headers.get("retry-after")
    if retry_after is None:
        return None
    seconds = _non_negative_int(retry_after)
    if seconds is not None:
        return _plus(now, dt.timedelta(seconds=seconds))
    retry_at = _http_date(retry_after)
    return None if retry_at is None else _on_local_clock(retry_at, x_now, now)


def _on_local_clock(moment: dt.datetime, x_now: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """``moment``, a time on X's clock, as far from the local ``now`` as it is from X's ``x_now``
    (X's ``Date``); as it is when X did not say its time."""
    if x_now is None or moment == _NEVER:
        return moment
    return _plus(now, moment - x_now)


def _plus(moment: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    try:
        return moment + delta
    except OverflowError:  # a nonsense header: as good as never (or, before year 1, as now)
        return _NEVER if delta > dt.timedelta(0) else moment


def _http_date(raw: str | None) -> dt.datetime | None:
    """An HTTP date (``Sun, 06 Nov 1994 08:49:37 GMT``, or its obsolete forms), or None."""
    if raw is None:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _non_negative_int(raw: str | None) -> int | None:
    if raw is None:
        return None
    text = raw.strip()
    # ASCII digits only: int() would also take "+5", "1_000" and other scripts' digits
    return int(text) if text.isascii() and text.isdigit() else None


def _from_unix(seconds: int) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(seconds, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return _NEVER

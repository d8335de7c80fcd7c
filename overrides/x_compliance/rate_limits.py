"""X's rate limits as the client last saw them, per endpoint.

X keeps one bucket per endpoint per app (150 requests per 15 minutes for each compliance endpoint)
and reports it on every answer in ``x-rate-limit-limit``, ``x-rate-limit-remaining`` and
``x-rate-limit-reset`` (Unix seconds). Headers that are missing, negative or not numbers are
ignored: the last good reading stays.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Mapping

from attrs import frozen

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


class RateLimits:
    """The last ``RateLimit`` seen for each endpoint; safe to share between threads and tasks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_endpoint: dict[str, RateLimit] = {}

    def update(self, endpoint: str, headers: Mapping[str, str]) -> None:
        seen = RateLimit.from_headers(headers)
        if seen is None:
            return
        with self._lock:
            self._by_endpoint[endpoint] = seen

    def get(self, endpoint: str) -> RateLimit | None:
        with self._lock:
            return self._by_endpoint.get(endpoint)

    def snapshot(self) -> dict[str, RateLimit]:
        with self._lock:
            return dict(self._by_endpoint)


def rate_limit_headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """The ``x-rate-limit-*`` headers among an answer's raw headers (``httpx.Headers.raw``).

    One pass over the raw list: each ``httpx.Headers.get`` scans and decodes the whole list, and
    this runs on every answer.
    """
    return {
        name.lower().decode("latin-1"): value.decode("latin-1")
        for name, value in raw
        if name[:13].lower() == b"x-rate-limit-"
    }


def reset_from_headers(headers: Mapping[str, str], now: dt.datetime) -> dt.datetime | None:
    """When a 429's bucket refills: ``x-rate-limit-reset``, else ``Retry-After`` seconds from now."""
    reset = _non_negative_int(headers.get("x-rate-limit-reset"))
    if reset is not None:
        return _from_unix(reset)
    retry_after = _non_negative_int(headers.get("retry-after"))
    if retry_after is not None:
        return now + dt.timedelta(seconds=retry_after)
    return None


def _non_negative_int(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        return None
    return value if value >= 0 else None


def _from_unix(seconds: int) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(seconds, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return dt.datetime.max.replace(tzinfo=dt.UTC)

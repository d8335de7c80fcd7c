"""What the two clients share besides their control flow: configuration, and requests built for
X (with the token) or for storage (without it). No I/O here."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
from attrs import evolve

from x_compliance import _api
from x_compliance import _constants as c
from x_compliance._exchange import Exchange
from x_compliance._retry import RetryPolicy
from x_compliance._storage import strip_credentials
from x_compliance._wait import Poller
from x_compliance.errors import ComplianceError, UploadError
from x_compliance.rate_limits import RateLimit, RateLimits
from x_compliance_api.models import ComplianceJob

Progress = Callable[[int, int | None], None]
"""Called with (done, total or None) as bytes move, or as a wait goes on (seconds)."""


class ClientCore:
    """Configuration and request preparation shared by both clients (no I/O here)."""

    _http: httpx.Client | httpx.AsyncClient

    def __init__(
        self,
        bearer_token: str | None,
        base_url: str | None,
        timeout: float,
        max_retries: int | None,
        retry_policy: RetryPolicy | None,
        clock: Callable[[], dt.datetime],
    ) -> None:
        token = bearer_token if bearer_token is not None else os.environ.get(c.BEARER_TOKEN_ENV)
        if not token:
            raise ValueError(
                f"no bearer token: pass bearer_token=... or set the {c.BEARER_TOKEN_ENV} environment variable"
            )
        self._token = token
        url = base_url or os.environ.get(c.BASE_URL_ENV) or c.DEFAULT_BASE_URL
        self.base_url = url.rstrip("/")
        if not timeout > 0:
            raise ValueError(f"timeout is a number of seconds above 0, not {timeout!r}")
        self.timeout = timeout
        policy = retry_policy or RetryPolicy()
        if max_retries is not None:
            policy = evolve(policy, max_retries=max_retries)
        self.retry_policy = policy
        self._rate_limits = RateLimits()
        self._clock = clock
        self._uploads: set[str] = set()  # jobs this client uploaded to, or is uploading to
        self._uploads_lock = threading.Lock()

    @property
    def rate_limits(self) -> dict[str, RateLimit]:
        """The last rate limit X reported for each endpoint, keyed like "GET /2/compliance/jobs"."""
        return self._rate_limits.snapshot()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, bearer_token='***')"

    def _exchange(self, call: _api.Call, deadline: float | None = None) -> tuple[Exchange, dict[str, Any]]:
        """Retry state for an API call, and its request (the token in its headers); no retry sleeps
        past ``deadline`` (a ``time.monotonic()``)."""
        request = dict(call.request)
        url = self.base_url + request["url"]
        params = request.pop("params", None)
        if params and self._http.params:  # httpx replaces a URL's query with the client's params
            request["url"], request["params"] = api_url(url, ()), params
        else:
            request["url"] = api_url(url, tuple(params.items()) if params else ())
        request["headers"] = {
            **request.get("headers", {}),
            "Authorization": f"Bearer {self._token}",
            "User-Agent": c.USER_AGENT,
        }
        request["timeout"] = self.timeout
        exchange = Exchange(
            method=call.method,
            url=url,
            policy=self.retry_policy,
            idempotent=call.idempotent,
            endpoint=call.endpoint,
            rate_limits=self._rate_limits,
            secrets=(self._token,),
            clock=self._clock,
            deadline=deadline,
        )
        return exchange, request

    def _storage_exchange(
        self, request: dict[str, Any], idempotent: bool = True
    ) -> tuple[Exchange, dict[str, Any]]:
        """Retry state for a request to a signed storage URL (no rate-limit bucket), and the
        request (built by ``_storage_request``). Not ``idempotent``: resent only when it cannot
        have reached storage."""
        exchange = Exchange(
            method=request["method"],
            url=request["url"],
            policy=self.retry_policy,
            idempotent=idempotent,
            secrets=(self._token,),
            clock=self._clock,
        )
        return exchange, request

    @contextlib.contextmanager
    def _sole_upload(self, job: _api.JobRef) -> Iterator[None]:
        """Refuse a second upload to a job this client uploaded to, or is uploading to. A job checks
        one file: storage would replace the first with the second, and the results would leave out
        IDs the caller believes were checked (a job object passed twice is still "created")."""
        job_id = _api.job_id(job)
        with self._uploads_lock:
            if job_id in self._uploads:
                raise UploadError(
                    f"job {job_id} already took an upload from this client (or one is under way); "
                    "a job checks one file: create a new job for more IDs"
                )
            self._uploads.add(job_id)
        try:
            yield
        except BaseException:  # nothing was taken: the upload may be tried again
            with self._uploads_lock:
                self._uploads.discard(job_id)
            raise

    def _build(self, exchange: Exchange, request: dict[str, Any], content: Any = None) -> httpx.Request:
        """The request to send: to X, or (no endpoint) to storage, by ``_storage_request``."""
        if exchange.endpoint is None:
            return self._storage_request(request if content is None else {**request, "content": content})
        return self._http.build_request(**request, content=content)

    def _storage_request(self, request: dict[str, Any]) -> httpx.Request:
        """A request to a signed storage URL, with the client's timeout and without any credential
        the HTTP client would add by default: a signed URL carries its own."""
        return strip_credentials(self._http.build_request(**request, timeout=self.timeout))

    def _wait_progress(self, poller: Poller, timeout: float | None, progress: Progress | None) -> None:
        if progress is not None:
            progress(int(time.monotonic() - poller.started), None if timeout is None else int(timeout))


@functools.lru_cache(maxsize=256)
def api_url(url: str, params: tuple[tuple[str, str], ...]) -> httpx.URL:
    """``url`` with the query ``params``, parsed once: an ``httpx.URL`` is immutable, and httpx
    parses a URL given as text on every request (twice when there are params, about 45 us of a
    list_jobs call). The clients ask for few URLs: a list per type and status, a job while it is
    waited for."""
    return httpx.URL(url, params=params) if params else httpx.URL(url)


def create_unknown(error: ComplianceError, lookup: ComplianceError) -> ComplianceError:
    """The create failed ambiguously and the check for the job failed too: say both, on the same
    error (its class and attributes are what the caller handles)."""
    error.args = (f"{error}; the job may have been created (listing jobs to check failed: {lookup})",)
    return error


def left_waiting(error: ComplianceError, job: ComplianceJob) -> ComplianceError:
    """run_job's upload failed after the job was made: say which job waits, and until when."""
    error.args = (
        f"{error} (job {job.id} was created and waits for an upload until "
        f"{job.upload_expires_at:%H:%M} UTC: upload_ids / x-compliance upload {job.id} FILE)",
    )
    return error

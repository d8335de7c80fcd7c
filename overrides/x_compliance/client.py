"""The public clients: ``ComplianceClient`` and its async twin ``AsyncComplianceClient``.

Both are thin: arguments are checked and requests built by ``_api`` (on the generated operation
modules), retries decided by an ``Exchange`` (``_http``, ``_retry``), answers read by ``_api``.
The two classes differ only in how they send and sleep.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self

import httpx
from attrs import evolve
from x_compliance_api.models import ComplianceJob

from x_compliance import _api
from x_compliance import _constants as c
from x_compliance._http import Exchange
from x_compliance._retry import RetryPolicy
from x_compliance.rate_limits import RateLimit, RateLimits

__all__ = ["AsyncComplianceClient", "ComplianceClient"]


class _ClientCore:
    """Configuration and request preparation shared by both clients (no I/O here)."""

    def __init__(
        self,
        bearer_token: str | None,
        base_url: str | None,
        timeout: float,
        max_retries: int | None,
        retry_policy: RetryPolicy | None,
    ) -> None:
        token = bearer_token if bearer_token is not None else os.environ.get(c.BEARER_TOKEN_ENV)
        if not token:
            raise ValueError(
                f"no bearer token: pass bearer_token=... or set the {c.BEARER_TOKEN_ENV} environment variable"
            )
        self._token = token
        url = base_url or os.environ.get(c.BASE_URL_ENV) or c.DEFAULT_BASE_URL
        self.base_url = url.rstrip("/")
        self.timeout = timeout
        policy = retry_policy or RetryPolicy()
        if max_retries is not None:
            policy = evolve(policy, max_retries=max_retries)
        self.retry_policy = policy
        self._rate_limits = RateLimits()

    @property
    def rate_limits(self) -> dict[str, RateLimit]:
        """The last rate limit X reported for each endpoint, keyed like "GET /2/compliance/jobs"."""
        return self._rate_limits.snapshot()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, bearer_token='***')"

    def _exchange(self, call: _api.Call) -> tuple[Exchange, dict[str, Any]]:
        request = dict(call.request)
        request["url"] = self.base_url + request["url"]
        request["headers"] = {
            **request.get("headers", {}),
            "Authorization": f"Bearer {self._token}",
            "User-Agent": c.USER_AGENT,
        }
        request["timeout"] = self.timeout
        exchange = Exchange(
            method=call.method,
            url=request["url"],
            policy=self.retry_policy,
            idempotent=call.idempotent,
            endpoint=call.endpoint,
            rate_limits=self._rate_limits,
            secrets=(self._token,),
        )
        return exchange, request


class ComplianceClient(_ClientCore):
    """X's batch compliance API, synchronously.

    >>> import x_compliance as xc
    >>> with xc.ComplianceClient() as client:                      # token from X_BEARER_TOKEN
    ...     job = client.create_job("tweets", name="stored-posts")
    ...     same = client.get_job(job.id)
    ...     done = client.list_jobs("tweets", status="complete")

    Args:
        bearer_token: the app's bearer token; defaults to the ``X_BEARER_TOKEN`` environment variable.
        base_url: defaults to ``X_API_BASE_URL``, else https://api.x.com.
        timeout: seconds for each of connect, read, write and pool, per HTTP request.
        max_retries: retries of one request after connection errors, timeouts, 5xx and near 429s
            (default 2, from ``retry_policy``).
        http_client: an ``httpx.Client`` to send with (proxies, custom transports, tests); the caller
            keeps ownership and closes it. One is made (and closed by ``close()``) when omitted.
        retry_policy: backoff and rate-limit waiting; see ``RetryPolicy``.
        sleep: what waits between retries (``time.sleep``); tests pass a recorder.

    One client may be shared by threads: its rate-limit record is locked, and httpx clients are
    thread-safe.
    """

    def __init__(
        self,
        bearer_token: str | None = None,
        base_url: str | None = None,
        timeout: float = c.DEFAULT_TIMEOUT,
        max_retries: int | None = None,
        http_client: httpx.Client | None = None,
        *,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(bearer_token, base_url, timeout, max_retries, retry_policy)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.Client()
        self._sleep = sleep

    def list_jobs(self, type: _api.JobTypeArg, status: _api.StatusArg | None = None) -> list[ComplianceJob]:
        """The app's jobs of ``type`` ("tweets", "users" or a ``JobType``), newest first.

        ``status`` filters on created, in_progress, failed or complete.
        """
        call = _api.list_jobs_call(type, status)
        return _api.read_jobs(call, self._send(call), self._token)

    def get_job(self, job_id: _api.JobRef) -> ComplianceJob:
        """One job by id (a string or int of 1-19 digits, or a ``ComplianceJob``)."""
        call = _api.get_job_call(job_id)
        return _api.read_job(call, self._send(call), self._token)

    def create_job(
        self, type: _api.JobTypeArg, name: str | None = None, resumable: bool = False
    ) -> ComplianceJob:
        """A new job of ``type``; ``name`` has at most 64 characters.

        Never sent twice when the first request may have reached X (a read timeout, a 5xx): that
        raises instead, so that one call never makes two jobs.
        """
        call = _api.create_job_call(type, name, resumable)
        return _api.read_job(call, self._send(call), self._token)

    def _send(self, call: _api.Call) -> httpx.Response:
        exchange, request = self._exchange(call)
        while True:
            exchange.begin_attempt()
            try:
                response = self._http.request(**request)
            except httpx.TransportError as error:
                self._sleep(exchange.after_error(error))
                continue
            delay = exchange.after_response(response)
            if delay is None:
                return response
            self._sleep(delay)

    def close(self) -> None:
        """Close the HTTP client, unless it was given by the caller."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncComplianceClient(_ClientCore):
    """X's batch compliance API, with ``async``/``await``; the same surface as ``ComplianceClient``.

    >>> async with xc.AsyncComplianceClient() as client:
    ...     job = await client.create_job("users")

    ``http_client`` is an ``httpx.AsyncClient``; ``sleep`` defaults to ``asyncio.sleep``. One client
    may be shared by the tasks of one event loop.
    """

    def __init__(
        self,
        bearer_token: str | None = None,
        base_url: str | None = None,
        timeout: float = c.DEFAULT_TIMEOUT,
        max_retries: int | None = None,
        http_client: httpx.AsyncClient | None = None,
        *,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(bearer_token, base_url, timeout, max_retries, retry_policy)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient()
        self._sleep = sleep

    async def list_jobs(
        self, type: _api.JobTypeArg, status: _api.StatusArg | None = None
    ) -> list[ComplianceJob]:
        """See ``ComplianceClient.list_jobs``."""
        call = _api.list_jobs_call(type, status)
        return _api.read_jobs(call, await self._send(call), self._token)

    async def get_job(self, job_id: _api.JobRef) -> ComplianceJob:
        """See ``ComplianceClient.get_job``."""
        call = _api.get_job_call(job_id)
        return _api.read_job(call, await self._send(call), self._token)

    async def create_job(
        self, type: _api.JobTypeArg, name: str | None = None, resumable: bool = False
    ) -> ComplianceJob:
        """See ``ComplianceClient.create_job``."""
        call = _api.create_job_call(type, name, resumable)
        return _api.read_job(call, await self._send(call), self._token)

    async def _send(self, call: _api.Call) -> httpx.Response:
        exchange, request = self._exchange(call)
        while True:
            exchange.begin_attempt()
            try:
                response = await self._http.request(**request)
            except httpx.TransportError as error:
                await self._sleep(exchange.after_error(error))
                continue
            delay = exchange.after_response(response)
            if delay is None:
                return response
            await self._sleep(delay)

    async def close(self) -> None:
        """Close the HTTP client, unless it was given by the caller."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

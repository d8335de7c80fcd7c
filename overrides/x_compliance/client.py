"""The public clients: ``ComplianceClient`` and its async twin ``AsyncComplianceClient``.

Both are thin: arguments are checked and requests built by ``_api`` (on the generated operation
modules), retries decided by an ``Exchange`` (``_http``, ``_retry``), answers read by ``_api``.
The two classes differ only in how they send and sleep.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar, overload

import httpx
from attrs import evolve

from x_compliance import _api
from x_compliance import _constants as c
from x_compliance._http import Exchange, utc_now
from x_compliance._redact import guard_library_logs
from x_compliance._retry import RetryPolicy
from x_compliance._transfer import (
    CheckedFile,
    Download,
    NotClean,
    PreparedUpload,
    Progress,
    ReplaceWhenDone,
    ResumableUpload,
    RetryableAnswer,
    Source,
    check_download,
    check_upload_window,
    plain_upload_request,
    prepare_upload,
    storage_error,
)
from x_compliance._wait import Poller
from x_compliance.errors import ComplianceError, UploadError
from x_compliance.rate_limits import GET_JOB, RateLimit, RateLimits
from x_compliance.results import ComplianceResult, LineReader
from x_compliance_api.models import ComplianceJob

if TYPE_CHECKING:
    import asyncio

logger = logging.getLogger(c.LOGGER_NAME)
guard_library_logs()

__all__ = ["AsyncComplianceClient", "BinaryWriter", "ComplianceClient"]


class BinaryWriter(Protocol):
    """What ``download_results`` can write to besides a path: ``sys.stdout.buffer``, an open file."""

    def write(self, data: bytes, /) -> object: ...


_Writer = TypeVar("_Writer", bound=BinaryWriter)


class _ClientCore:
    """Configuration and request preparation shared by both clients (no I/O here)."""

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

    @property
    def rate_limits(self) -> dict[str, RateLimit]:
        """The last rate limit X reported for each endpoint, keyed like "GET /2/compliance/jobs"."""
        return self._rate_limits.snapshot()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, bearer_token='***')"

    def _storage_exchange(self, request: dict[str, Any]) -> tuple[Exchange, dict[str, Any]]:
        """Retry state for a request to a signed storage URL (no token, no rate-limit bucket), and
        the request with the client's timeout."""
        exchange = Exchange(
            method=request["method"],
            url=request["url"],
            policy=self.retry_policy,
            idempotent=True,
            secrets=(self._token,),
            clock=self._clock,
        )
        return exchange, {**request, "timeout": self.timeout}

    def _wait_progress(self, poller: Poller, timeout: float | None, progress: Progress | None) -> None:
        if progress is not None:
            progress(int(time.monotonic() - poller.started), None if timeout is None else int(timeout))

    def _exchange(self, call: _api.Call) -> tuple[Exchange, dict[str, Any]]:
        request = dict(call.request)
        request["url"] = self.base_url + request["url"]
        if not request.get("params"):  # httpx copies and re-parses the URL for any params, even {}
            request.pop("params", None)
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
            clock=self._clock,
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
        sleep: what waits between retries and polls (``time.sleep``); tests pass a recorder.
        clock: what the client takes as now, tz-aware (for URL expiry and rate-limit resets); tests
            replaying a recording pass the recording's time.

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
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        super().__init__(bearer_token, base_url, timeout, max_retries, retry_policy, clock)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.Client()
        self._sleep = sleep

    def list_jobs(self, type: _api.JobTypeArg, status: _api.StatusArg | None = None) -> list[ComplianceJob]:
        """The app's jobs of ``type`` ("tweets", "users" or a ``JobType``), newest first.

        ``status`` filters on created, in_progress, failed or complete.
        """
        call = _api.list_jobs_call(type, status)
        return _api.read_jobs(self._call(call), self._token)

    def get_job(self, job_id: _api.JobRef) -> ComplianceJob:
        """One job by id (a string or int of 1-19 digits, or a ``ComplianceJob``)."""
        call = _api.get_job_call(job_id)
        return _api.read_job(self._call(call), self._token)

    def create_job(
        self, type: _api.JobTypeArg, name: str | None = None, resumable: bool = False
    ) -> ComplianceJob:
        """A new job of ``type``; ``name`` has at most 64 characters.

        One call never makes two jobs. When the answer is lost after the request may have reached X
        (a read timeout, a dropped connection, a 5xx), the client lists jobs of ``type`` and returns
        the one this call made (same type and name, status created, created since the call began);
        only when there is none does it send the request again. If that check itself fails, the
        error says the job may exist.
        """
        call = _api.create_job_call(type, name, resumable)
        once = _api.CreateOnce(call, started=self._clock(), max_retries=self.retry_policy.max_retries)
        while True:
            try:
                return _api.read_job(self._call(call), self._token)
            except ComplianceError as error:
                if not once.worth_a_look(error):
                    raise
                # Give a request X may still be working on time to land before looking for its job.
                self._sleep(self.retry_policy.backoff(once.attempt))
                try:
                    jobs = self.list_jobs(type)
                except ComplianceError as lookup:
                    raise _create_unknown(error, lookup) from None
                if (made := once.made(error, jobs)) is not None:
                    return made

    # The workflow: upload, wait, results ------------------------------------------------------

    def upload_ids(self, job: _api.JobRef, source: Source, progress: Progress | None = None) -> int:
        """Send the IDs in ``source`` to ``job``'s upload URL; returns how many were sent.

        ``source`` is a path, an iterable of str/int IDs, or a binary file object. Every line is
        checked (1-19 digits; blank lines skipped): a bad one raises ``ValueError`` naming its line
        number, and storage keeps nothing. A clean file is checked while it is sent, and a bad line
        cuts the body short of its ``Content-Length``, which storage discards; any other source is
        checked whole before a byte is sent. Memory does not grow with the number of IDs.
        ``progress(bytes_sent, total_bytes)`` is called as the upload goes. Jobs created with
        ``resumable=True`` upload in chunks and resume after a dropped connection.
        Raises ``UploadExpiredError`` when the upload window has passed, ``UploadError`` when storage
        refuses the upload.
        """
        job = self._job(job)
        check_upload_window(job, self._clock())
        unclean = False
        if isinstance(source, str | os.PathLike) and job.resumable is not True:
            try:
                return self._upload_checking(job, CheckedFile.open(Path(source)), progress)
            except NotClean:  # storage got a body cut short and kept nothing: send a cleaned copy
                unclean = True
        with prepare_upload(source, known_unclean=unclean) as prepared:
            return self._upload_prepared(job, prepared, progress)

    def wait_for_job(
        self, job: _api.JobRef, timeout: float | None = None, progress: Progress | None = None
    ) -> ComplianceJob:
        """Poll ``job`` until it is complete, and return it.

        Raises ``JobFailedError`` (with X's ``error``), ``JobExpiredError``, or ``WaitTimeoutError``
        after ``timeout`` seconds. Polls start short and back off, paced by the get-job rate limit so
        that waiting never causes a 429. ``progress(seconds_waited, timeout)`` is called after each poll.
        """
        job = self._job(job)
        poller = Poller(timeout, time.monotonic())
        while not poller.finished(job):
            delay, poll = poller.next_poll(
                job, self._rate_limits.get(GET_JOB), self._clock(), time.monotonic()
            )
            self._sleep(delay)
            if not poll:
                raise poller.timed_out(job, time.monotonic())
            job = self.get_job(job.id)
            self._wait_progress(poller, timeout, progress)
        return job

    def iter_results(self, job: _api.JobRef) -> Iterator[ComplianceResult]:
        """The results of a complete job, one ``ComplianceResult`` per line, streamed.

        Memory does not grow with the file; a dropped connection resumes where it broke, so every
        line is yielded exactly once. Raises ``DownloadExpiredError`` for an expired URL and
        ``DownloadError`` for a job that is not complete or results that stay truncated.
        """
        reader = LineReader()
        for chunk in self._download(self._job(job), None):
            yield from reader.feed(chunk)
        yield from reader.finish()

    @overload
    def download_results(
        self, job: _api.JobRef, path: str | os.PathLike[str], progress: Progress | None = None
    ) -> Path: ...
    @overload
    def download_results(
        self, job: _api.JobRef, path: _Writer, progress: Progress | None = None
    ) -> _Writer: ...
    def download_results(
        self, job: _api.JobRef, path: str | os.PathLike[str] | BinaryWriter, progress: Progress | None = None
    ) -> Path | BinaryWriter:
        """Save a complete job's results file at ``path``, exactly as X wrote it; returns the path.

        The file is written beside ``path`` under a temporary name and renamed into place only when
        every byte has arrived and is on disk: a failure, even a crash, never leaves a partial file
        under ``path``.

        ``path`` may instead be a writable binary file object (``sys.stdout.buffer``, a socket's
        file): the bytes are written to it as they arrive, and it is returned, neither flushed nor
        closed. A stream cannot be replaced atomically: after a failure it holds what arrived.
        """
        job = self._job(job)
        check_download(job, self._clock())
        if not isinstance(path, str | os.PathLike):
            for chunk in self._download(job, progress):
                path.write(chunk)
            return path
        target = Path(path)
        with ReplaceWhenDone(target) as file:
            for chunk in self._download(job, progress):
                file.write(chunk)
        return target

    def run_job(
        self,
        type: _api.JobTypeArg,
        source: Source,
        name: str | None = None,
        timeout: float | None = None,
        progress: Progress | None = None,
        *,
        resumable: bool = False,
    ) -> ComplianceJob:
        """Create a job, upload ``source`` to it, wait until it completes; returns the complete job.

        ``source`` is checked before the job is created, so a bad line creates no job.
        ``progress`` follows the upload (bytes).
        """
        with prepare_upload(source) as prepared:
            job = self.create_job(type, name, resumable)
            try:
                self._upload_prepared(job, prepared, progress)
            except ComplianceError as error:
                raise _left_waiting(error, job) from None
        return self.wait_for_job(job, timeout)

    def _job(self, job: _api.JobRef) -> ComplianceJob:
        return job if isinstance(job, ComplianceJob) else self.get_job(job)

    def _upload_prepared(
        self, job: ComplianceJob, prepared: PreparedUpload, progress: Progress | None
    ) -> int:
        if job.resumable is True:
            self._upload_resumable(job, prepared, progress)
        else:
            self._upload_plain(job, prepared, lambda: prepared.chunks(progress=progress))
        logger.info("uploaded %d IDs (%d bytes) to job %s", prepared.count, prepared.size, job.id)
        return prepared.count

    def _upload_checking(self, job: ComplianceJob, checked: CheckedFile, progress: Progress | None) -> int:
        self._upload_plain(job, checked, lambda: checked.blocks(progress))
        logger.info("uploaded %d IDs (%d bytes) to job %s", checked.count, checked.size, job.id)
        return checked.count

    def _upload_plain(
        self, job: ComplianceJob, upload: PreparedUpload | CheckedFile, body: Callable[[], Iterator[bytes]]
    ) -> None:
        response = self._send_storage(plain_upload_request(job, upload), body=body)
        if not response.is_success:
            raise storage_error(response, UploadError, "taking the upload")

    def _upload_resumable(
        self, job: ComplianceJob, prepared: PreparedUpload, progress: Progress | None
    ) -> None:
        upload = ResumableUpload(job, prepared, self.retry_policy, progress)
        upload.on_start(self._send_storage(upload.start_request()))
        while not upload.done:
            try:
                response = self._http.request(**upload.chunk_request(), timeout=self.timeout)
            except httpx.TransportError as error:
                transient, cause, status = True, type(error).__name__, None
            else:
                transient, status = upload.on_answer(response), response.status_code
                cause = f"storage answered {status}"
            if transient:
                self._sleep(upload.after_break(cause, status))
                upload.on_answer(self._send_storage(upload.status_request()), query=True)

    def _download(self, job: ComplianceJob, progress: Progress | None) -> Iterator[bytes]:
        check_download(job, self._clock())
        download = Download(job, self.retry_policy, progress)
        while True:
            try:
                with self._http.stream(**download.request(), timeout=self.timeout) as response:
                    if not response.is_success:
                        response.read()  # an error's body says why (Cloud Storage's XML Code)
                    if download.on_response(response):
                        for chunk in response.iter_raw():
                            if data := download.accept(chunk):
                                yield data
                if download.finished:
                    return
                cause = "an answer shorter than its Content-Length"
            except httpx.TransportError as error:
                cause = type(error).__name__
            except RetryableAnswer as answer:
                cause = str(answer)
            self._sleep(download.after_break(cause))

    def _send(
        self, exchange: Exchange, request: dict[str, Any], body: Callable[[], Iterator[bytes]] | None = None
    ) -> httpx.Response:
        """Send ``request`` through its retries: the sync client's one request loop.

        ``body``, when given, makes a fresh request body for each attempt (an upload's file blocks).
        """
        while True:
            if wait := exchange.before_attempt():
                self._sleep(wait)
                continue
            exchange.begin_attempt()
            try:
                try:
                    response = self._http.request(**request, content=None if body is None else body())
                except (httpx.TransportError, httpx.DecodingError) as error:
                    delay = exchange.after_error(error)
                else:
                    wait_then_resend = exchange.after_response(response)
                    if wait_then_resend is None:
                        return response
                    delay = wait_then_resend
            finally:
                exchange.end_attempt()
            self._sleep(delay)

    def _call(self, call: _api.Call) -> httpx.Response:
        return self._send(*self._exchange(call))

    def _send_storage(
        self, request: dict[str, Any], body: Callable[[], Iterator[bytes]] | None = None
    ) -> httpx.Response:
        return self._send(*self._storage_exchange(request), body)

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
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        # asyncio is imported here, not with the module: sync users need not pay for loading it.
        import asyncio

        super().__init__(bearer_token, base_url, timeout, max_retries, retry_policy, clock)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient()
        self._sleep = sleep if sleep is not None else asyncio.sleep

    async def list_jobs(
        self, type: _api.JobTypeArg, status: _api.StatusArg | None = None
    ) -> list[ComplianceJob]:
        """See ``ComplianceClient.list_jobs``."""
        call = _api.list_jobs_call(type, status)
        return _api.read_jobs(await self._call(call), self._token)

    async def get_job(self, job_id: _api.JobRef) -> ComplianceJob:
        """See ``ComplianceClient.get_job``."""
        call = _api.get_job_call(job_id)
        return _api.read_job(await self._call(call), self._token)

    async def create_job(
        self, type: _api.JobTypeArg, name: str | None = None, resumable: bool = False
    ) -> ComplianceJob:
        """See ``ComplianceClient.create_job``."""
        call = _api.create_job_call(type, name, resumable)
        once = _api.CreateOnce(call, started=self._clock(), max_retries=self.retry_policy.max_retries)
        while True:
            try:
                return _api.read_job(await self._call(call), self._token)
            except ComplianceError as error:
                if not once.worth_a_look(error):
                    raise
                # Give a request X may still be working on time to land before looking for its job.
                await self._sleep(self.retry_policy.backoff(once.attempt))
                try:
                    jobs = await self.list_jobs(type)
                except ComplianceError as lookup:
                    raise _create_unknown(error, lookup) from None
                if (made := once.made(error, jobs)) is not None:
                    return made

    async def upload_ids(self, job: _api.JobRef, source: Source, progress: Progress | None = None) -> int:
        """See ``ComplianceClient.upload_ids``. The source is checked in a worker thread."""
        job = await self._job(job)
        check_upload_window(job, self._clock())
        unclean = False
        if isinstance(source, str | os.PathLike) and job.resumable is not True:
            try:
                return await self._upload_checking(job, CheckedFile.open(Path(source)), progress)
            except NotClean:  # storage got a body cut short and kept nothing: send a cleaned copy
                unclean = True
        prepared = await _prepare_in_thread(source, unclean)
        with prepared:
            return await self._upload_prepared(job, prepared, progress)

    async def wait_for_job(
        self, job: _api.JobRef, timeout: float | None = None, progress: Progress | None = None
    ) -> ComplianceJob:
        """See ``ComplianceClient.wait_for_job``."""
        job = await self._job(job)
        poller = Poller(timeout, time.monotonic())
        while not poller.finished(job):
            delay, poll = poller.next_poll(
                job, self._rate_limits.get(GET_JOB), self._clock(), time.monotonic()
            )
            await self._sleep(delay)
            if not poll:
                raise poller.timed_out(job, time.monotonic())
            job = await self.get_job(job.id)
            self._wait_progress(poller, timeout, progress)
        return job

    async def iter_results(self, job: _api.JobRef) -> AsyncIterator[ComplianceResult]:
        """See ``ComplianceClient.iter_results``: ``async for result in client.iter_results(job)``.

        To stop early, close it: ``async with contextlib.aclosing(client.iter_results(job)) as results``.
        """
        reader = LineReader()
        async with contextlib.aclosing(self._download(await self._job(job), None)) as chunks:
            async for chunk in chunks:
                for result in reader.feed(chunk):
                    yield result
        for result in reader.finish():
            yield result

    @overload
    async def download_results(
        self, job: _api.JobRef, path: str | os.PathLike[str], progress: Progress | None = None
    ) -> Path: ...
    @overload
    async def download_results(
        self, job: _api.JobRef, path: _Writer, progress: Progress | None = None
    ) -> _Writer: ...
    async def download_results(
        self, job: _api.JobRef, path: str | os.PathLike[str] | BinaryWriter, progress: Progress | None = None
    ) -> Path | BinaryWriter:
        """See ``ComplianceClient.download_results`` (a file object is written on the event loop)."""
        job = await self._job(job)
        check_download(job, self._clock())
        if not isinstance(path, str | os.PathLike):
            async for chunk in self._download(job, progress):
                path.write(chunk)
            return path
        target = Path(path)
        with ReplaceWhenDone(target) as file:
            async for chunk in self._download(job, progress):
                file.write(chunk)
        return target

    async def run_job(
        self,
        type: _api.JobTypeArg,
        source: Source,
        name: str | None = None,
        timeout: float | None = None,
        progress: Progress | None = None,
        *,
        resumable: bool = False,
    ) -> ComplianceJob:
        """See ``ComplianceClient.run_job``."""
        prepared = await _prepare_in_thread(source)
        with prepared:
            job = await self.create_job(type, name, resumable)
            try:
                await self._upload_prepared(job, prepared, progress)
            except ComplianceError as error:
                raise _left_waiting(error, job) from None
        return await self.wait_for_job(job, timeout)

    async def _job(self, job: _api.JobRef) -> ComplianceJob:
        return job if isinstance(job, ComplianceJob) else await self.get_job(job)

    async def _upload_prepared(
        self, job: ComplianceJob, prepared: PreparedUpload, progress: Progress | None
    ) -> int:
        if job.resumable is True:
            await self._upload_resumable(job, prepared, progress)
        else:
            await self._upload_plain(job, prepared, lambda: _aiter(prepared.chunks(progress=progress)))
        logger.info("uploaded %d IDs (%d bytes) to job %s", prepared.count, prepared.size, job.id)
        return prepared.count

    async def _upload_checking(
        self, job: ComplianceJob, checked: CheckedFile, progress: Progress | None
    ) -> int:
        await self._upload_plain(job, checked, lambda: _aiter(checked.blocks(progress)))
        logger.info("uploaded %d IDs (%d bytes) to job %s", checked.count, checked.size, job.id)
        return checked.count

    async def _upload_plain(
        self,
        job: ComplianceJob,
        upload: PreparedUpload | CheckedFile,
        body: Callable[[], AsyncIterator[bytes]],
    ) -> None:
        response = await self._send_storage(plain_upload_request(job, upload), body=body)
        if not response.is_success:
            raise storage_error(response, UploadError, "taking the upload")

    async def _upload_resumable(
        self, job: ComplianceJob, prepared: PreparedUpload, progress: Progress | None
    ) -> None:
        upload = ResumableUpload(job, prepared, self.retry_policy, progress)
        upload.on_start(await self._send_storage(upload.start_request()))
        while not upload.done:
            try:
                response = await self._http.request(**upload.chunk_request(), timeout=self.timeout)
            except httpx.TransportError as error:
                transient, cause, status = True, type(error).__name__, None
            else:
                transient, status = upload.on_answer(response), response.status_code
                cause = f"storage answered {status}"
            if transient:
                await self._sleep(upload.after_break(cause, status))
                upload.on_answer(await self._send_storage(upload.status_request()), query=True)

    async def _download(self, job: ComplianceJob, progress: Progress | None) -> AsyncGenerator[bytes, None]:
        check_download(job, self._clock())
        download = Download(job, self.retry_policy, progress)
        while True:
            try:
                async with self._http.stream(**download.request(), timeout=self.timeout) as response:
                    if not response.is_success:
                        await response.aread()  # an error's body says why (Cloud Storage's XML Code)
                    if download.on_response(response):
                        async for chunk in response.aiter_raw():
                            if data := download.accept(chunk):
                                yield data
                if download.finished:
                    return
                cause = "an answer shorter than its Content-Length"
            except httpx.TransportError as error:
                cause = type(error).__name__
            except RetryableAnswer as answer:
                cause = str(answer)
            await self._sleep(download.after_break(cause))

    async def _send(
        self,
        exchange: Exchange,
        request: dict[str, Any],
        body: Callable[[], AsyncIterator[bytes]] | None = None,
    ) -> httpx.Response:
        """See ``ComplianceClient._send``: the async client's one request loop."""
        while True:
            if wait := exchange.before_attempt():
                await self._sleep(wait)
                continue
            exchange.begin_attempt()
            try:
                try:
                    response = await self._http.request(**request, content=None if body is None else body())
                except (httpx.TransportError, httpx.DecodingError) as error:
                    delay = exchange.after_error(error)
                else:
                    wait_then_resend = exchange.after_response(response)
                    if wait_then_resend is None:
                        return response
                    delay = wait_then_resend
            finally:
                exchange.end_attempt()
            await self._sleep(delay)

    async def _call(self, call: _api.Call) -> httpx.Response:
        return await self._send(*self._exchange(call))

    async def _send_storage(
        self, request: dict[str, Any], body: Callable[[], AsyncIterator[bytes]] | None = None
    ) -> httpx.Response:
        return await self._send(*self._storage_exchange(request), body)

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


async def _aiter(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """An async view of a file's blocks, for httpx's async client (disk reads of 1 MiB block briefly)."""
    for chunk in chunks:
        yield chunk


def _create_unknown(error: ComplianceError, lookup: ComplianceError) -> ComplianceError:
    """The create failed ambiguously and the check for the job failed too: say both, on the same
    error (its class and attributes are what the caller handles)."""
    error.args = (f"{error}; the job may have been created (listing jobs to check failed: {lookup})",)
    return error


async def _prepare_in_thread(source: Source, known_unclean: bool = False) -> PreparedUpload:
    """``prepare_upload`` in a worker thread. If the caller is cancelled meanwhile, the thread
    still finishes its spool file: remove it then, rather than leave it on disk."""
    import asyncio

    work = asyncio.ensure_future(asyncio.to_thread(prepare_upload, source, known_unclean=known_unclean))
    try:
        return await asyncio.shield(work)
    except asyncio.CancelledError:
        work.add_done_callback(_close_prepared)
        raise


def _close_prepared(work: asyncio.Future[PreparedUpload]) -> None:
    if not work.cancelled() and work.exception() is None:
        work.result().close()


def _left_waiting(error: ComplianceError, job: ComplianceJob) -> ComplianceError:
    """run_job's upload failed after the job was made: say which job waits, and until when."""
    error.args = (
        f"{error} (job {job.id} was created and waits for an upload until "
        f"{job.upload_expires_at:%H:%M} UTC: upload_ids / x-compliance upload {job.id} FILE)",
    )
    return error

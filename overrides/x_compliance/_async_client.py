"""The client's control flow, written once: ``AsyncComplianceClient``.

``_sync_client.py`` (``ComplianceClient``) is generated from this file by
``overrides/scripts/unasync.py`` (``make unasync``), a few token replacements in the way of
httpcore's; ``make check-generated`` and the test suite fail when the two differ. Edit this file,
never the sync one. What the two kinds of client do differently (sleeping, threads for disk work)
is in ``_async_io`` and ``_sync_io``.

Decisions live elsewhere, without I/O: arguments and answers in ``_api``, one request's retries in
``_exchange`` and ``_retry``, polling in ``_wait``, uploads in ``_upload``, downloads in
``_download``.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Self, overload

import httpx

from x_compliance import _api
from x_compliance import _async_io as io
from x_compliance import _constants as c
from x_compliance._core import ClientCore, Progress, create_unknown, left_waiting
from x_compliance._download import Download, check_download, refuses_download
from x_compliance._exchange import Exchange, utc_now
from x_compliance._files import BinaryWriter, ReplaceWhenDone, StreamWriter, Writer, read_range
from x_compliance._redact import guard_library_logs
from x_compliance._retry import RetryPolicy
from x_compliance._storage import RetryableAnswer, storage_error
from x_compliance._upload import (
    CheckedFile,
    NotClean,
    PreparedUpload,
    ResumableUpload,
    Source,
    check_upload_window,
    plain_upload_request,
    prepare_upload,
    refuses_upload,
)
from x_compliance._wait import Poller
from x_compliance.errors import APIConnectionError, ComplianceError, UploadError, UploadExpiredError
from x_compliance.rate_limits import GET_JOB
from x_compliance.results import ComplianceResult, LineReader
from x_compliance_api.models import ComplianceJob, JobStatus

logger = logging.getLogger(c.LOGGER_NAME)
guard_library_logs()

__all__ = ["AsyncComplianceClient"]


class AsyncComplianceClient(ClientCore):
    """X's batch compliance API, asynchronously.

    >>> import x_compliance as xc
    >>> async with xc.AsyncComplianceClient() as client:          # token from X_BEARER_TOKEN
    ...     job = await client.create_job("tweets", name="stored-posts")
    ...     same = await client.get_job(job.id)
    ...     done = await client.list_jobs("tweets", status="complete")

    Args:
        bearer_token: the app's bearer token; defaults to the ``X_BEARER_TOKEN`` environment variable.
        base_url: defaults to ``X_API_BASE_URL``, else https://api.x.com.
        timeout: seconds for each of connect, read, write and pool, per HTTP request.
        max_retries: retries of one request after connection errors, timeouts, 5xx and near 429s
            (default 2, from ``retry_policy``).
        http_client: an ``httpx.AsyncClient`` to send with (proxies, custom transports, tests); the
            caller keeps ownership and closes it. One is made (and closed by ``close()``) when
            omitted. Requests to storage's signed URLs never carry its default credentials.
        retry_policy: backoff and rate-limit waiting; see ``RetryPolicy``.
        sleep: what waits between retries and polls; tests pass a recorder.
        clock: what the client takes as now, tz-aware (for URL expiry and rate-limit resets); tests
            replaying a recording pass the recording's time.

    Sharing: one client may be shared by the tasks of one event loop; its rate-limit record is
    locked, and httpx clients are safe to share.
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
        sleep: io.Sleep | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        super().__init__(bearer_token, base_url, timeout, max_retries, retry_policy, clock)
        self._owns_http = http_client is None
        self._http: httpx.AsyncClient = http_client if http_client is not None else httpx.AsyncClient()
        self._sleep = sleep if sleep is not None else io.sleep

    async def list_jobs(
        self, type: _api.JobTypeArg, status: _api.StatusArg | None = None
    ) -> list[ComplianceJob]:
        """The app's jobs of ``type`` ("tweets", "users" or a ``JobType``), newest first.

        ``status`` filters on created, in_progress, failed or complete.
        """
        call = _api.list_jobs_call(type, status)
        return _api.read_jobs(await self._call(call), self._token)

    async def get_job(self, job_id: _api.JobRef) -> ComplianceJob:
        """One job by id (a string or int of 1-19 digits, or a ``ComplianceJob``)."""
        call = _api.get_job_call(job_id)
        return _api.read_job(await self._call(call), self._token)

    async def create_job(
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
                return _api.read_job(await self._call(call), self._token)
            except ComplianceError as error:
                if not once.worth_a_look(error):
                    raise
                # Give a request X may still be working on time to land before looking for its job.
                await self._sleep(self.retry_policy.backoff(once.attempt))
                try:
                    jobs = await self.list_jobs(type)
                except ComplianceError as lookup:
                    raise create_unknown(error, lookup) from None
                if (made := once.made(error, jobs)) is not None:
                    return made

    # The workflow: upload, wait, results ------------------------------------------------------

    async def upload_ids(self, job: _api.JobRef, source: Source, progress: Progress | None = None) -> int:
        """Send the IDs in ``source`` to ``job``'s upload URL; returns how many were sent.

        ``source`` is a path, an iterable of str/int IDs, or a binary file object. Every line is
        checked (1-19 digits; blank lines skipped): a bad one raises ``ValueError`` naming its line
        number, and storage keeps nothing. A clean file is checked while it is sent, and a bad line
        cuts the body short of its ``Content-Length``, which storage discards; any other source is
        checked whole before a byte is sent. Memory does not grow with the number of IDs.
        ``progress(bytes_sent, total_bytes)`` is called as the upload goes. Jobs created with
        ``resumable=True`` upload in chunks and resume after a dropped connection. A ``job`` whose
        status is not ``created`` (perhaps a stale object) is fetched once before deciding.
        Raises ``UploadExpiredError`` when the upload window has passed, ``UploadError`` when storage
        refuses the upload, or when this client already uploaded to ``job`` (a job checks one file).
        """
        with self._sole_upload(job):
            job = await self._job(job, stale_if=refuses_upload)
            check_upload_window(job, self._clock())
            unclean = False
            if isinstance(source, str | os.PathLike) and job.resumable is not True:
                checked = CheckedFile.open(Path(source))
                try:
                    await self._upload_plain(job, checked.size, checked.chunks, progress)
                except NotClean:  # storage got a body cut short and kept nothing: send a cleaned copy
                    unclean = True
                else:
                    return self._uploaded(job, checked.count, checked.size)
            prepare = functools.partial(prepare_upload, source, known_unclean=unclean)
            with await io.run_owned_in_thread(prepare, release=PreparedUpload.close) as prepared:
                return await self._upload_prepared(job, prepared, progress)

    async def wait_for_job(
        self, job: _api.JobRef, timeout: float | None = None, progress: Progress | None = None
    ) -> ComplianceJob:
        """Poll ``job`` until it is complete, and return it.

        Raises ``JobFailedError`` (with X's ``error``), ``JobExpiredError``, or ``WaitTimeoutError``
        after ``timeout`` seconds (None: no limit; no retry of a poll sleeps past it: the wait ends
        when the request in flight at the deadline is answered or fails). Polls start short and back
        off, paced by the
        get-job rate limit so that waiting never causes a 429. Waits may last many hours: a poll
        that fails for a transient reason (no answer, a 5xx, a 429 too far to wait out) is a missed
        poll, and the wait goes on until its timeout; an error that cannot heal (401, 403, 404)
        ends it at once. ``progress(seconds_waited, timeout)`` is called after each poll.
        """
        job = await self._job(job)
        poller = Poller(timeout, time.monotonic())
        while not poller.finished(job):
            delay, poll = poller.next_poll(
                job, self._rate_limits.get(GET_JOB), self._clock(), time.monotonic()
            )
            await self._sleep(delay)
            if not poll:
                raise poller.timed_out(job, time.monotonic())
            job = await self._poll(poller, job)
            self._wait_progress(poller, timeout, progress)
        return job

    async def _poll(self, poller: Poller, job: ComplianceJob) -> ComplianceJob:
        """``job`` fetched again. A poll that fails for a reason that may heal (no answer, a 5xx, a
        far 429) is a missed poll, tried again later until the wait's deadline; any other error
        ends the wait (the poller decides which). No retry of a poll sleeps past the deadline."""
        call = _api.get_job_call(job.id)
        while True:
            try:  # the poll's own retries end at the wait's deadline
                return _api.read_job(await self._send(*self._exchange(call, poller.deadline)), self._token)
            except ComplianceError as error:
                await self._sleep(poller.after_failed_poll(error, job, self._clock(), time.monotonic()))

    def iter_results(self, job: _api.JobRef) -> io.ClosingIterator[ComplianceResult]:
        """The results of a complete job, one ``ComplianceResult`` per line, streamed.

        >>> async with client.iter_results(job) as results:   # closes the download if you stop early
        ...     async for result in results:
        ...         print(result.id, result.reason)

        Memory does not grow with the file; a dropped connection resumes where it broke, so every
        line is yielded exactly once. A ``job`` that is not complete (perhaps a stale object) is
        fetched once before deciding. Raises ``DownloadExpiredError`` for an expired URL,
        ``JobFailedError`` for a failed job, ``JobExpiredError`` for one that expired unused, and
        ``DownloadError`` for a job not complete yet or results that stay truncated.
        """
        return io.ClosingIterator(self._results(job))

    @overload
    async def download_results(
        self, job: _api.JobRef, path: str | os.PathLike[str], progress: Progress | None = None
    ) -> Path: ...

    @overload
    async def download_results(
        self, job: _api.JobRef, path: Writer, progress: Progress | None = None
    ) -> Writer: ...

    async def download_results(
        self, job: _api.JobRef, path: str | os.PathLike[str] | BinaryWriter, progress: Progress | None = None
    ) -> Path | BinaryWriter:
        """Save a complete job's results file at ``path``, exactly as X wrote it; returns the path.

        The file is written beside ``path`` under a temporary name and renamed into place only when
        every byte has arrived and is on disk: a failure, even a crash, never leaves a partial file
        under ``path``. ``path`` may also be a binary file object open for writing (a pipe:
        ``sys.stdout.buffer``; anything with ``write``): the bytes are written to it as they arrive,
        and it is returned, flushed when it can be, not closed (a stream cannot be replaced
        atomically: after a failure it holds what arrived). ``progress(bytes_received,
        total_bytes)`` follows the download.
        """
        job = await self._job(job, stale_if=refuses_download)
        check_download(job, self._clock())
        if isinstance(path, str | os.PathLike):
            target = Path(path)
            await self._save(job, ReplaceWhenDone(target), progress)
            return target
        await self._save(job, StreamWriter(path), progress)
        return path

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
        """Create a job, upload ``source`` to it, wait until it completes; returns the complete job.

        ``source`` is checked before the job is created, so a bad line creates no job.
        ``progress`` follows the upload (bytes).
        """
        with await io.run_owned_in_thread(prepare_upload, source, release=PreparedUpload.close) as prepared:
            job = await self.create_job(type, name, resumable)
            try:
                with self._sole_upload(job):
                    await self._upload_prepared(job, prepared, progress)
            except ComplianceError as error:
                raise left_waiting(error, job) from None
        return await self.wait_for_job(job, timeout)

    async def _job(
        self, job: _api.JobRef, stale_if: Callable[[ComplianceJob], bool] | None = None
    ) -> ComplianceJob:
        """``job`` as a model: fetched when it is an id, or a model whose status ``stale_if`` would
        refuse (it may be the one ``create_job`` returned, before the wait that completed it)."""
        if isinstance(job, ComplianceJob) and (stale_if is None or not stale_if(job)):
            return job
        return await self.get_job(job)

    async def _upload_prepared(
        self, job: ComplianceJob, prepared: PreparedUpload, progress: Progress | None
    ) -> int:
        if job.resumable is True:
            await self._upload_resumable(job, prepared, progress)
        else:
            await self._upload_plain(job, prepared.size, prepared.chunks, progress)
        return self._uploaded(job, prepared.count, prepared.size)

    def _uploaded(self, job: ComplianceJob, count: int, size: int) -> int:
        logger.info("uploaded %d IDs (%d bytes) to job %s", count, size, job.id)
        return count

    async def _upload_plain(
        self,
        job: ComplianceJob,
        size: int,
        chunks: Callable[[], Iterator[bytes]],
        progress: Progress | None,
    ) -> None:
        """One PUT of the whole upload. An answer lost after the body went out (a broken
        connection, a timeout, a 5xx) may hide an upload storage kept: X is asked whether the job
        still waits for it before the body is sent again, so a job never takes its IDs twice."""
        exchange, request = self._storage_exchange(plain_upload_request(job, size), idempotent=False)
        for retry in range(1, self.retry_policy.max_retries + 2):
            failure: ComplianceError
            try:
                response = await self._send(
                    exchange, request, body=lambda: self._body(chunks(), size, progress)
                )
            except APIConnectionError as error:
                failure = error  # it may have reached storage: never-reached ones were retried
            else:
                if response.is_success:
                    return
                failure = storage_error(response, UploadError, "taking the upload")
                if response.status_code not in self.retry_policy.retryable_statuses:
                    raise failure
            if retry > self.retry_policy.max_retries:
                raise failure
            status = (await self.get_job(job.id)).status
            if status == JobStatus.EXPIRED:  # the window closed on a file storage did not keep
                raise UploadExpiredError(f"job {job.id} expired before storage took its upload ({failure})")
            if status != JobStatus.CREATED:
                logger.info("upload to job %s: the answer was lost, but X has the file", job.id)
                return
            await self._sleep(self.retry_policy.backoff(retry))

    async def _body(self, chunks: Iterator[bytes], size: int, progress: Progress | None) -> io.Stream[bytes]:
        """An upload's body: ``chunks``, each read (and checked) in a worker thread."""
        sent = 0
        async with io.closing(io.iterate_in_thread(chunks)) as blocks:
            async for block in blocks:
                yield block
                sent += len(block)
                if progress is not None:
                    progress(sent, size)

    async def _upload_resumable(
        self, job: ComplianceJob, prepared: PreparedUpload, progress: Progress | None
    ) -> None:
        upload = ResumableUpload(job, prepared, self.retry_policy, progress)
        upload.on_start(await self._send(*self._storage_exchange(upload.start_request())))
        while not upload.done:
            content = await io.run_in_thread(read_range, prepared.path, *upload.chunk_range())
            try:
                response = await self._http.send(
                    self._storage_request(upload.chunk_request(content)), auth=None
                )
            except httpx.TransportError as error:
                transient, cause, status = True, type(error).__name__, None
            else:
                transient, status = upload.on_answer(response), response.status_code
                cause = f"storage answered {status}"
            if transient:
                await self._sleep(upload.after_break(cause, status))
                upload.on_answer(
                    await self._send(*self._storage_exchange(upload.status_request())), query=True
                )

    async def _results(self, job: _api.JobRef) -> io.Stream[ComplianceResult]:
        found = await self._job(job, stale_if=refuses_download)
        reader = LineReader()
        async with io.closing(self._download(found, None)) as chunks:
            async for chunk in chunks:
                for result in reader.feed(chunk):
                    yield result
        for result in reader.finish():
            yield result

    async def _save(
        self, job: ComplianceJob, file: ReplaceWhenDone | StreamWriter, progress: Progress | None
    ) -> None:
        """Write ``job``'s results into ``file``, one block at a time, then commit it; on any
        failure, discard it."""
        try:
            async with io.closing(self._download(job, progress)) as chunks:
                async for chunk in chunks:
                    if block := file.take(chunk):
                        await io.run_in_thread(file.write, block)
            await io.run_in_thread(file.commit)
        except BaseException:
            file.discard()
            raise

    async def _download(self, job: ComplianceJob, progress: Progress | None) -> io.Stream[bytes]:
        check_download(job, self._clock())
        download = Download(job, self.retry_policy, progress)
        while True:
            try:
                request = self._storage_request(download.request())
                response = await self._http.send(request, auth=None, stream=True)
                try:
                    if not response.is_success:
                        await response.aread()  # an error's body says why (Cloud Storage's XML Code)
                    if download.on_response(response):
                        async for chunk in response.aiter_raw():
                            if data := download.accept(chunk):
                                yield data
                finally:
                    await response.aclose()
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
        body: Callable[[], io.Stream[bytes]] | None = None,
    ) -> httpx.Response:
        """Send ``request`` through its retries: the client's one request loop.

        ``body``, when given, makes a fresh request body for each attempt (an upload's file blocks),
        closed when the attempt ends, however it ends.
        """
        while True:
            if wait := exchange.before_attempt():
                await self._sleep(wait)
                continue
            exchange.begin_attempt()
            content = None if body is None else body()
            try:
                try:
                    # auth=None: the token is in the headers; an auth set on the HTTP client goes nowhere
                    response = await self._http.send(self._build(exchange, request, content), auth=None)
                except (httpx.TransportError, httpx.DecodingError) as error:
                    delay = exchange.after_error(error)
                else:
                    wait_then_resend = exchange.after_response(response)
                    if wait_then_resend is None:
                        return response
                    delay = wait_then_resend
            finally:
                exchange.end_attempt()
                if content is not None:
                    await content.aclose()
            await self._sleep(delay)

    async def _call(self, call: _api.Call) -> httpx.Response:
        return await self._send(*self._exchange(call))

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

"""What a run of hours needs from the client: stale job objects, jobs that failed or expired,
streams closed when the caller stops, credentials kept from storage, disk work off the event loop,
and input that cannot make the client work in quadratic time."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import x_compliance as xc
from tests.client.scripted import JOB, job_response
from x_compliance import _constants, _files
from x_compliance._upload import prepare_upload
from x_compliance.emulator import Emulator

FUTURE = "2099-01-01T00:00:00.000Z"
PAST = "2001-01-01T00:00:00.000Z"
RESULT = b'{"id":"10","action":"delete","reason":"deleted","created_at":"2020-01-01T00:00:00.000Z"}\n'


# Stale job objects -----------------------------------------------------------------------------


def test_results_of_the_job_create_returned_after_waiting(
    client: xc.ComplianceClient, tmp_path: Path
) -> None:
    # given the job object create_job returned, still "created", and a wait that completed the job
    job = client.create_job("tweets", name="stale")
    client.upload_ids(job, ["10", "11", "14"])
    client.wait_for_job(job, timeout=30)

    # when its results are read through that stale object
    results = [r.id for r in client.iter_results(job)]
    saved = client.download_results(job, tmp_path / "results.jsonl")

    # then the client fetched the job once and read them
    assert results == ["10", "11"]
    assert saved.read_bytes().count(b"\n") == 2


async def test_async_results_of_the_job_create_returned(emu: Emulator, tmp_path: Path) -> None:
    async with xc.AsyncComplianceClient(bearer_token=emu.token, base_url=emu.base_url) as client:
        job = await client.create_job("users")
        await client.upload_ids(job, ["20", "25"])
        await client.wait_for_job(job, timeout=30)

        results = [r.id async for r in client.iter_results(job)]
        saved = await client.download_results(job, tmp_path / "results.jsonl")

    assert results == ["20"]
    assert saved.read_bytes().startswith(b'{"id":"20"')


@pytest.mark.parametrize("resumable", [False, True], ids=["plain", "resumable"])
def test_a_second_upload_through_the_stale_object_is_refused_before_storage(
    client: xc.ComplianceClient, emu: Emulator, resumable: bool
) -> None:
    # given a job that took an upload, and the object create_job returned, still "created"
    job = client.create_job("tweets", resumable=resumable)
    client.upload_ids(job, ["10", "11"])
    # when the same client is asked to upload other IDs to it through that object, then it refuses:
    # storage would replace the file, and the results would silently leave out the first IDs
    with pytest.raises(xc.UploadError, match=f"job {job.id} already took an upload"):
        client.upload_ids(job, ["12", "13"])
    with pytest.raises(xc.UploadError, match="already took an upload"):
        client.upload_ids(job.id, ["12", "13"])
    assert emu.uploads(job.id) == [(len(b"10\n11\n"), 2)]


def test_run_jobs_upload_is_the_jobs_one_upload(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # given run_job's wait ending while X still says "created" (the job it returns in the error)
    created = lambda: job_response(status="created", upload_expires_at=FUTURE)  # noqa: E731
    x = api(created(), httpx.Response(200), *[created() for _ in range(50)])
    monkeypatch.setattr(time, "monotonic", lambda: 1000.0 + sum(x.sleeps))
    with pytest.raises(xc.WaitTimeoutError) as waited:
        x.run_job("tweets", ["10", "11"], timeout=5)

    # when that job is given more IDs by the same client, then they are refused before storage
    with pytest.raises(xc.UploadError, match="already took an upload"):
        x.upload_ids(waited.value.job, ["12"])
    assert [r.method for r in x.script.requests].count("PUT") == 1


async def test_two_uploads_at_once_to_one_job_send_one_file(emu: Emulator) -> None:
    async with xc.AsyncComplianceClient(bearer_token=emu.token, base_url=emu.base_url) as client:
        job = await client.create_job("tweets")
        sent = await asyncio.gather(
            client.upload_ids(job, ["10", "11"]), client.upload_ids(job, ["12"]), return_exceptions=True
        )

    assert sent[0] == 2
    assert isinstance(sent[1], xc.UploadError) and "under way" in str(sent[1])
    assert emu.uploads(job.id) == [(len(b"10\n11\n"), 2)]


# Jobs that failed or expired ------------------------------------------------------------------


def test_download_of_a_failed_job_says_why(api: Any, tmp_path: Path) -> None:
    failed = {
        **JOB,
        "status": "failed",
        "error": "Line 3 is not a valid ID: 'x'",
        "download_expires_at": FUTURE,
    }
    x = api(job_response(**failed), job_response(**failed))

    with pytest.raises(xc.JobFailedError, match="Line 3 is not a valid ID") as raised:
        x.download_results(xc.ComplianceJob.from_dict(failed), tmp_path / "r.jsonl")
    with pytest.raises(xc.JobFailedError):
        x.download_results(failed["id"], tmp_path / "r.jsonl")

    assert raised.value.job.error == failed["error"]
    assert not list(tmp_path.iterdir())


def test_download_of_a_job_that_expired_unused_is_job_expired(api: Any, tmp_path: Path) -> None:
    expired = {**JOB, "status": "expired", "download_expires_at": FUTURE}
    x = api(job_response(**expired))

    with pytest.raises(xc.JobExpiredError, match="expired before it took an upload"):
        x.download_results(expired["id"], tmp_path / "r.jsonl")


def test_download_of_results_past_their_window_is_download_expired(api: Any, tmp_path: Path) -> None:
    expired = {**JOB, "status": "expired", "download_expires_at": PAST}
    x = api(job_response(**expired))

    with pytest.raises(xc.DownloadExpiredError, match="results expired at 2001-01-01"):
        x.download_results(expired["id"], tmp_path / "r.jsonl")


# Streams closed when the caller stops ---------------------------------------------------------


class Recorded(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A results body of many lines that records whether the client closed it."""

    def __init__(self) -> None:
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(1000):
            yield RESULT * 10

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


COMPLETE = {**JOB, "status": "complete", "download_expires_at": FUTURE}


def test_iter_results_closed_early_releases_the_download(api: Any) -> None:
    body = Recorded()
    x = api(lambda request: httpx.Response(200, stream=body))
    job = xc.ComplianceJob.from_dict(COMPLETE)
    if x.kind == "sync":
        with x.client.iter_results(job) as results:
            first = next(results)
        assert body.closed
    else:

        async def first_then_stop() -> xc.ComplianceResult:
            async with x.client.iter_results(job) as results:
                result = await results.__anext__()
            assert body.closed  # at once, not when the garbage collector finds the generator
            return result

        first = asyncio.run(first_then_stop())
    assert first.id == "10"


def test_iter_results_left_by_an_exception_releases_the_download(api: Any) -> None:
    body = Recorded()
    x = api(lambda request: httpx.Response(200, stream=body))
    job = xc.ComplianceJob.from_dict(COMPLETE)

    if x.kind == "sync":
        with pytest.raises(KeyError), x.client.iter_results(job) as results:
            for _ in results:
                raise KeyError("the caller's own error")
    else:

        async def fail_inside() -> None:
            async with x.client.iter_results(job) as results:
                async for _ in results:
                    raise KeyError("the caller's own error")

        with pytest.raises(KeyError):
            asyncio.run(fail_inside())
    assert body.closed


def test_download_that_fails_writing_releases_the_download(
    api: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = Recorded()
    x = api(lambda request: httpx.Response(200, stream=body))
    closed_when_raised: list[bool] = []

    def disk_full(self: Any, block: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_files.ReplaceWhenDone, "write", disk_full)
    monkeypatch.setattr(_constants, "TRANSFER_BLOCK", 4096)  # a block to write after a few chunks
    if x.kind == "sync":
        with pytest.raises(OSError, match="No space"):
            x.client.download_results(xc.ComplianceJob.from_dict(COMPLETE), tmp_path / "r.jsonl")
        closed_when_raised.append(body.closed)
    else:

        async def download() -> None:
            with pytest.raises(OSError, match="No space"):
                await x.client.download_results(xc.ComplianceJob.from_dict(COMPLETE), tmp_path / "r.jsonl")
            closed_when_raised.append(body.closed)  # before any other task could run a finalizer

        asyncio.run(download())
    assert closed_when_raised == [True]
    assert not list(tmp_path.iterdir())  # and no partial file


# Credentials kept from storage ----------------------------------------------------------------


def test_storage_never_gets_the_http_clients_default_credentials(emu: Emulator, tmp_path: Path) -> None:
    # given an httpx client that adds an Authorization header, basic auth and a cookie to requests
    http = httpx.Client(
        headers={"Authorization": f"Bearer {emu.token}"}, auth=("user", "secret"), cookies={"session": "s"}
    )
    with http, xc.ComplianceClient(bearer_token=emu.token, base_url=emu.base_url, http_client=http) as client:
        # when a whole job runs through it (the emulator's storage refuses any Authorization)
        job = client.run_job("tweets", ["10", "11"], timeout=30)
        results = client.download_results(job, tmp_path / "r.jsonl")
        resumable = client.create_job("users", resumable=True)
        client.upload_ids(resumable, ["20"])

        resumable = client.get_job(resumable.id)

    # then every storage request went out without them
    assert results.read_bytes().count(b"\n") == 2
    assert resumable.status != "created"  # storage took the resumable upload


# Disk work off the event loop -----------------------------------------------------------------


async def test_async_client_reads_and_writes_files_in_worker_threads(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop_thread = threading.current_thread()
    threads: dict[str, set[threading.Thread]] = {"read": set(), "write": set(), "commit": set()}
    file_range, write, commit = _files.file_range, _files.ReplaceWhenDone.write, _files.ReplaceWhenDone.commit

    def recorded_range(*args: Any) -> Iterator[bytes]:
        threads["read"].add(threading.current_thread())
        yield from file_range(*args)

    def recorded_write(self: Any, block: bytes) -> None:
        threads["write"].add(threading.current_thread())
        write(self, block)

    def recorded_commit(self: Any) -> None:
        threads["commit"].add(threading.current_thread())
        commit(self)

    monkeypatch.setattr("x_compliance._upload.file_range", recorded_range)
    monkeypatch.setattr(_files.ReplaceWhenDone, "write", recorded_write)
    monkeypatch.setattr(_files.ReplaceWhenDone, "commit", recorded_commit)
    monkeypatch.setattr("x_compliance._constants.TRANSFER_BLOCK", 4096)
    ids = tmp_path / "ids.txt"
    ids.write_text("".join(f"{n}\n" for n in range(10, 20_000)))

    async with xc.AsyncComplianceClient(bearer_token=emu.token, base_url=emu.base_url) as client:
        job = await client.create_job("tweets")
        await client.upload_ids(job, ids)
        job = await client.wait_for_job(job, timeout=30)
        await client.download_results(job, tmp_path / "results.jsonl")

    assert all(threads.values())
    assert loop_thread not in set().union(*threads.values())


# Input that cannot make the client slow -------------------------------------------------------


class Endless(io.RawIOBase):
    """A file of digits that never ends a line, counting what was read of it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        buffer[:] = b"7" * len(buffer)
        self.read_bytes += len(buffer)
        return len(buffer)


def test_a_line_longer_than_any_id_fails_at_once() -> None:
    endless = Endless()

    with pytest.raises(ValueError, match=r"line 1 is not an ID of 1-19 digits: '7777.*over 256 bytes"):
        prepare_upload(io.BufferedReader(endless))

    assert endless.read_bytes <= 2 * _constants.TRANSFER_BLOCK  # not the whole (endless) file


def test_a_file_without_newlines_fails_before_a_byte_is_sent(emu: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_bytes(b"1\n2\n" + b"9" * 3_000_000)

    with xc.ComplianceClient(bearer_token=emu.token, base_url=emu.base_url) as client:
        job = client.create_job("tweets")
        with pytest.raises(ValueError, match="line 3 is not an ID"):
            client.upload_ids(job, path)

    assert emu.jobs()[0]["status"] == "created"  # storage kept nothing


def test_id_file_with_a_byte_order_mark(emu: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_bytes(b"\xef\xbb\xbf10\n11\n12\n")

    with xc.ComplianceClient(bearer_token=emu.token, base_url=emu.base_url) as client:
        job = client.run_job("tweets", path, timeout=30)
        reasons = [str(r.reason) for r in client.iter_results(job)]

    assert reasons == ["deleted", "suspended", "protected"]
    with prepare_upload(path) as prepared:
        assert prepared.path.read_bytes() == b"10\n11\n12\n"
    with prepare_upload(["\ufeff10", "11"]) as prepared:
        assert prepared.count == 2


def test_a_part_file_left_by_a_killed_download_is_replaced_not_added_to(
    client: xc.ComplianceClient, tmp_path: Path
) -> None:
    # given the part file a download killed with SIGKILL left beside its target
    target = tmp_path / "results.jsonl"
    (tmp_path / ".results.jsonl.part").write_bytes(b"half of an earlier download")
    job = client.run_job("tweets", ["10", "11"], timeout=30)

    # when the download runs again
    client.download_results(job, target)

    # then the results are whole and no part file is left
    assert target.read_bytes().count(b"\n") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.jsonl"]


def test_resumable_session_id_in_httpcore_debug_headers_is_redacted() -> None:
    import logging

    from x_compliance._redact import RedactingFilter

    record = logging.LogRecord(
        "httpcore.http11", logging.DEBUG, __file__, 1,
        "receive_response_headers.complete return_value=%r",
        ((b"HTTP/1.1", 200, b"OK", [(b"X-GUploader-UploadID", b"rU-j0w3sOSLSEcGPgQe")]),), None,
    )  # fmt: skip

    RedactingFilter().filter(record)

    assert "rU-j0w3sOSLSEcGPgQe" not in record.getMessage()

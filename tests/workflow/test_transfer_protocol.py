"""Uploads, downloads and waiting against a scripted storage and API (httpx mock transports).

Whole runs against the emulator are in test_workflow_emulator.py; these pin the protocol details.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import x_compliance as xc
from tests.client.scripted import JOB, TOKEN, Driver, job_response, json_response, rate_headers
from x_compliance import _constants
from x_compliance._files import read_ahead
from x_compliance.emulator import Emulator

Api = Callable[..., Driver]
FUTURE = "2099-01-01T00:00:00.000Z"
PAST = "2001-01-01T00:00:00.000Z"
UPLOADABLE = xc.ComplianceJob.from_dict({**JOB, "upload_expires_at": FUTURE})
COMPLETE = xc.ComplianceJob.from_dict({**JOB, "status": "complete", "download_expires_at": FUTURE})
LINES = [
    json.dumps({"id": str(n), "action": "delete", "reason": "deleted", "created_at": "2020-01-01T00:00:00Z"})
    for n in range(1, 201)
]
RESULTS = ("\n".join(LINES) + "\n").encode()


class BreaksAfter(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body streamed as from the network, that loses the connection after ``cut`` bytes if given.

    (A body given to httpx.Response as ``content=`` counts as already read, unlike a network one.)
    """

    def __init__(self, data: bytes, cut: int | None = None) -> None:
        self.data, self.cut = data, cut

    def __iter__(self) -> Iterator[bytes]:
        yield self.data[: self.cut]
        if self.cut is not None:
            raise httpx.ReadError("connection reset by peer")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk


def ranged(request: httpx.Request, data: bytes, cut: int | None = None) -> httpx.Response:
    """Storage's answer to a GET, honouring Range; breaking after ``cut`` bytes if given."""
    start = 0
    if "range" in request.headers:
        start = int(request.headers["range"].removeprefix("bytes=").rstrip("-"))
    body = data[start:]
    headers = {"content-length": str(len(body))}
    status = 200
    if start:
        status = 206
        headers["content-range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
    return httpx.Response(status, headers=headers, stream=BreaksAfter(body, cut))


def collect(x: Driver, job: Any) -> list[xc.ComplianceResult]:
    if x.kind == "sync":
        return list(x.client.iter_results(job))

    async def gather() -> list[xc.ComplianceResult]:
        return [r async for r in x.client.iter_results(job)]

    import asyncio

    return asyncio.run(gather())


# Uploads -------------------------------------------------------------------------------------


def test_plain_upload_sends_text_plain_without_token(api: Api, tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_bytes(b"1\n2\n3\n")
    x = api(httpx.Response(200))
    seen: list[tuple[int, int | None]] = []

    sent = x.upload_ids(UPLOADABLE, path, progress=lambda done, total: seen.append((done, total)))

    (request,) = x.script.requests
    assert sent == 3
    assert request.method == "PUT"
    assert str(request.url) == UPLOADABLE.upload_url
    assert request.headers["content-type"] == "text/plain"
    assert request.headers["content-length"] == "6"
    assert "authorization" not in request.headers
    assert TOKEN not in str(request.headers)
    assert request.content == b"1\n2\n3\n"
    assert seen[-1] == (6, 6)


def test_upload_refuses_expired_window_before_sending(api: Api) -> None:
    job = xc.ComplianceJob.from_dict({**JOB, "upload_expires_at": PAST})
    x = api()

    with pytest.raises(xc.UploadExpiredError, match="create a new job"):
        x.upload_ids(job, ["1"])

    assert x.script.requests == []


def test_upload_with_bad_line_sends_nothing(api: Api) -> None:
    x = api()

    with pytest.raises(ValueError, match="line 2"):
        x.upload_ids(UPLOADABLE, ["1", "two", "3"])

    assert x.script.requests == []


def test_bad_line_deep_in_a_file_raises_and_no_complete_body_is_sent(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A clean-looking file is checked while it is sent; a bad line cuts the body short of its
    # Content-Length, so storage never receives a complete upload (the mock transport, which
    # reads the whole body before answering, is never reached).
    monkeypatch.setattr(_constants, "TRANSFER_BLOCK", 64)
    lines = [str(n) for n in range(1, 2001)]
    lines[1500] = "15x1"
    path = tmp_path / "ids.txt"
    path.write_text("\n".join(lines) + "\n")
    x = api(httpx.Response(200))

    with pytest.raises(ValueError, match="line 1501 is not an ID of 1-19 digits: '15x1'"):
        x.upload_ids(UPLOADABLE, path)

    assert x.script.requests == []


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (
            b"123456789\n12345678901234567890\n5\n",
            "line 2 is not an ID of 1-19 digits: '12345678901234567890'",
        ),
        (b"123456789\n1234567x9\n", "line 2 is not an ID of 1-19 digits: '1234567x9'"),
        (b"1\n2\n" + b"9" * 25, "line 3 is not an ID of 1-19 digits: '9999999999999999999999999'"),
    ],
)
def test_lines_longer_than_a_block_are_checked_whole(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, error: str
) -> None:
    monkeypatch.setattr(_constants, "TRANSFER_BLOCK", 3)
    path = tmp_path / "ids.txt"
    path.write_bytes(content)
    x = api(httpx.Response(200))

    with pytest.raises(ValueError, match=error):
        x.upload_ids(UPLOADABLE, path)

    assert x.script.requests == []


@pytest.mark.parametrize(
    ("content", "sent"),
    [(b"1\r\n2\r\n3\r\n", b"1\n2\n3\n"), (b"1\n2\n\n3", b"1\n2\n3\n"), (b" 1\n2\n3\n", b"1\n2\n3\n")],
)
def test_file_to_clean_is_sent_cleaned(api: Api, tmp_path: Path, content: bytes, sent: bytes) -> None:
    path = tmp_path / "ids.txt"
    path.write_bytes(content)
    x = api(httpx.Response(200))

    assert x.upload_ids(UPLOADABLE, path) == 3

    (request,) = x.script.requests
    assert request.content == sent
    assert request.headers["content-length"] == str(len(sent))


def test_empty_file_is_refused_before_sending(api: Api, tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_bytes(b"")
    x = api()

    with pytest.raises(ValueError, match="no IDs"):
        x.upload_ids(UPLOADABLE, path)


def test_clean_file_resent_whole_after_dropped_connection(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_constants, "TRANSFER_BLOCK", 4)
    path = tmp_path / "ids.txt"
    path.write_bytes(b"11\n22\n33\n44\n")
    # a broken connection may hide an upload storage kept: X is asked before the file goes again
    x = api(httpx.WriteError("broken pipe"), job_response(upload_expires_at=FUTURE), httpx.Response(200))

    assert x.upload_ids(UPLOADABLE, path) == 4
    assert [r.method for r in x.script.requests] == ["PUT", "GET", "PUT"]
    assert [r.content for r in x.script.requests if r.method == "PUT"] == [b"11\n22\n33\n44\n"] * 2


def test_read_ahead_hands_on_items_then_the_producers_error() -> None:
    def produce() -> Iterator[bytes]:
        yield b"1"
        yield b"2"
        raise ValueError("line 3 is bad")

    got: list[bytes] = []
    with pytest.raises(ValueError, match="line 3"):
        got.extend(read_ahead(produce(), depth=1))

    assert got == [b"1", b"2"]


def test_read_ahead_thread_ends_when_the_consumer_stops() -> None:
    blocks = read_ahead(iter([b"x"] * 1000), depth=2)
    next(blocks)

    blocks.close()

    assert not [t for t in threading.enumerate() if t.name == "x-compliance-read-ahead"]


def test_storage_refusal_is_upload_error_with_code(api: Api) -> None:
    xml = (
        b"<?xml version='1.0' encoding='UTF-8'?>"
        b"<Error><Code>SignatureDoesNotMatch</Code><Message>Access denied.</Message></Error>"
    )
    x = api(httpx.Response(403, content=xml))

    with pytest.raises(xc.UploadError) as caught:
        x.upload_ids(UPLOADABLE, ["1"])

    assert (caught.value.status_code, caught.value.code) == (403, "SignatureDoesNotMatch")
    assert "deadbeef" not in str(caught.value)


def test_storage_expired_token_is_upload_expired(api: Api) -> None:
    xml = b"<Error><Code>ExpiredToken</Code><Message>Invalid argument.</Message></Error>"
    x = api(httpx.Response(400, content=xml))

    with pytest.raises(xc.UploadExpiredError):
        x.upload_ids(UPLOADABLE, ["1"])


def test_plain_upload_resent_whole_after_dropped_connection(api: Api) -> None:
    x = api(httpx.WriteError("broken pipe"), job_response(upload_expires_at=FUTURE), httpx.Response(200))

    assert x.upload_ids(UPLOADABLE, ["1", "2"]) == 2
    assert [r.content for r in x.script.requests if r.method == "PUT"] == [b"1\n2\n", b"1\n2\n"]


@pytest.mark.parametrize("status", [500, 503])
def test_upload_storage_kept_while_its_answer_was_lost_is_not_sent_again(
    emu: Emulator, tmp_path: Path, status: int
) -> None:
    # given storage that keeps the file, then answers with a server error
    emu.faults.add("upload", status=status, after=True)
    path = tmp_path / "ids.txt"
    path.write_bytes(b"10\n11\n12\n")

    with xc.ComplianceClient(bearer_token=emu.token, base_url=emu.base_url) as client:
        job = client.create_job("tweets")
        # when the upload's answer is lost
        sent = client.upload_ids(job, path)
        done = client.wait_for_job(job, timeout=30)

    # then X was asked instead of sending the file again: the job took one upload
    assert sent == 3 and done.status == "complete"
    assert len(emu.uploads(job.id)) == 1


def test_upload_whose_answer_was_lost_to_a_job_that_expired_raises(api: Api) -> None:
    # given storage answering 503, and X saying the job expired meanwhile (storage kept nothing)
    x = api(httpx.Response(503), job_response(status="expired"), max_retries=1)

    # then the upload is not reported as taken
    with pytest.raises(xc.UploadExpiredError, match="expired before storage took its upload"):
        x.upload_ids(UPLOADABLE, ["1", "2"])


def test_upload_by_id_fetches_the_job_first(api: Api) -> None:
    x = api(job_response(upload_expires_at=FUTURE), httpx.Response(200))

    assert x.upload_ids("1446017776678801409", [7]) == 1
    assert [r.method for r in x.script.requests] == ["GET", "PUT"]


def test_resumable_upload_resumes_where_storage_says(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from x_compliance import _constants, _upload

    monkeypatch.setattr(_upload, "_GCS_CHUNK_UNIT", 2)  # small chunks, to see every step
    monkeypatch.setattr(_constants, "RESUMABLE_CHUNK", 4)
    job = xc.ComplianceJob.from_dict({**JOB, "upload_expires_at": FUTURE, "resumable": True})
    session = "https://storage.googleapis.com/up/1?upload_id=abc"
    x = api(
        httpx.Response(201, headers={"location": session}),
        httpx.Response(308, headers={"range": "bytes=0-3"}),
        httpx.ReadError("connection reset"),
        httpx.Response(308, headers={"range": "bytes=0-5"}),
        httpx.Response(308, headers={"range": "bytes=0-9"}),
        httpx.Response(200),
    )

    assert x.upload_ids(job, ["11", "22", "33", "44"]) == 4

    start, first, broken, query, third, last = x.script.requests
    assert start.method == "POST" and start.headers["x-goog-resumable"] == "start"
    assert "authorization" not in start.headers
    assert first.headers["content-range"] == "bytes 0-3/12" and first.content == b"11\n2"
    assert broken.headers["content-range"] == "bytes 4-7/12"
    assert query.headers["content-range"] == "bytes */12" and query.content == b""
    assert third.headers["content-range"] == "bytes 6-9/12" and third.content == b"33\n4"
    assert last.headers["content-range"] == "bytes 10-11/12" and last.content == b"4\n"


# Downloads -----------------------------------------------------------------------------------


def test_iter_results_resumes_with_range_after_drop(api: Api) -> None:
    x = api(
        lambda r: ranged(r, RESULTS, cut=1000),
        lambda r: ranged(r, RESULTS, cut=3333),
        lambda r: ranged(r, RESULTS),
    )

    results = collect(x, COMPLETE)

    assert [r.id for r in results] == [str(n) for n in range(1, 201)]
    first, second, third = x.script.requests
    assert "range" not in first.headers
    assert second.headers["range"] == "bytes=1000-"
    assert third.headers["range"] == "bytes=4333-"
    assert all(r.headers["accept-encoding"] == "identity" for r in x.script.requests)
    assert "authorization" not in first.headers


def test_server_ignoring_range_is_skipped_to_the_break(api: Api) -> None:
    x = api(lambda r: ranged(r, RESULTS, cut=500), httpx.Response(200, stream=BreaksAfter(RESULTS)))

    assert len(collect(x, COMPLETE)) == 200


def test_results_that_stay_truncated_raise_download_error(api: Api) -> None:
    x = api(*(lambda r: ranged(r, RESULTS, cut=0) for _ in range(3)))

    with pytest.raises(xc.DownloadError, match=r"stopped at byte 0 of \d+ \(truncated\)"):
        collect(x, COMPLETE)


def test_short_body_then_complete(api: Api) -> None:
    short = httpx.Response(
        200, headers={"content-length": str(len(RESULTS))}, stream=BreaksAfter(RESULTS, 10)
    )
    x = api(short, lambda r: ranged(r, RESULTS))

    assert len(collect(x, COMPLETE)) == 200


def test_expired_download_url_refused_up_front(api: Api) -> None:
    job = xc.ComplianceJob.from_dict({**JOB, "status": "complete", "download_expires_at": PAST})
    x = api()

    with pytest.raises(xc.DownloadExpiredError):
        collect(x, job)

    assert x.script.requests == []


def test_job_not_complete_is_refused(api: Api) -> None:
    fields = {**JOB, "status": "in_progress", "download_expires_at": FUTURE}
    x = api(job_response(**fields))  # the job passed in may be stale: it is fetched once, still running

    with pytest.raises(xc.DownloadError, match="in_progress, not complete"):
        collect(x, xc.ComplianceJob.from_dict(fields))

    assert [r.method for r in x.script.requests] == ["GET"]


@pytest.mark.parametrize("sync_every", [1 << 25, 100])  # the default; a background sync per chunk
def test_download_results_writes_exact_bytes(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sync_every: int
) -> None:
    monkeypatch.setattr(_constants, "SYNC_EVERY", sync_every)
    x = api(lambda r: ranged(r, RESULTS, cut=777), lambda r: ranged(r, RESULTS))
    target = tmp_path / "results.jsonl"

    assert x.download_results(COMPLETE, target) == target
    assert target.read_bytes() == RESULTS
    assert list(tmp_path.iterdir()) == [target]


def test_failed_download_leaves_no_file(api: Api, tmp_path: Path) -> None:
    target = tmp_path / "results.jsonl"
    target_before = b"previous run"
    target.write_bytes(target_before)
    x = api(*(lambda r: ranged(r, RESULTS, cut=0) for _ in range(3)))

    with pytest.raises(xc.DownloadError):
        x.download_results(COMPLETE, target)

    assert target.read_bytes() == target_before
    assert list(tmp_path.iterdir()) == [target]


def test_download_storage_error_is_download_error(api: Api) -> None:
    x = api(httpx.Response(403, content=b"<Error><Code>AccessDenied</Code><Message>No.</Message></Error>"))

    with pytest.raises(xc.DownloadError, match="403 AccessDenied"):
        collect(x, COMPLETE)


# Waiting -------------------------------------------------------------------------------------


def test_wait_returns_complete_job(api: Api) -> None:
    x = api(job_response(status="in_progress"), job_response(status="complete"))

    job = x.wait_for_job(xc.ComplianceJob.from_dict(JOB))

    assert job.status == xc.JobStatus.COMPLETE
    assert len(x.sleeps) == 2
    assert x.sleeps[0] == 0.5 and x.sleeps[1] == 0.75


def test_wait_raises_job_failed_with_x_error(api: Api) -> None:
    x = api(job_response(status="failed", error="Line 3 is not a valid ID: 'abc'"))

    with pytest.raises(xc.JobFailedError, match="Line 3 is not a valid ID") as caught:
        x.wait_for_job("1446017776678801409")

    assert caught.value.job.status == xc.JobStatus.FAILED


def test_wait_raises_job_expired(api: Api) -> None:
    x = api(job_response(status="expired"))

    with pytest.raises(xc.JobExpiredError):
        x.wait_for_job("1446017776678801409")


def test_wait_times_out(api: Api) -> None:
    x = api(job_response(status="in_progress"))

    with pytest.raises(xc.WaitTimeoutError, match="still in_progress"):
        x.wait_for_job("1", timeout=0)


def test_wait_spares_the_last_requests_of_the_bucket(api: Api) -> None:
    reset = int(dt.datetime.now(dt.UTC).timestamp()) + 120
    x = api(
        json_response(
            200, {"data": {**JOB, "status": "in_progress"}}, rate_headers(remaining=15, reset=reset)
        ),
        json_response(200, {"data": {**JOB, "status": "complete"}}, rate_headers(remaining=14, reset=reset)),
    )

    x.wait_for_job("1")

    assert 118 <= x.sleeps[0] <= 121


def test_wait_spreads_polls_over_the_window(api: Api) -> None:
    reset = int(dt.datetime.now(dt.UTC).timestamp()) + 100
    x = api(
        json_response(
            200, {"data": {**JOB, "status": "in_progress"}}, rate_headers(remaining=17, reset=reset)
        ),
        job_response(status="complete"),
    )

    x.wait_for_job("1")

    assert 49 <= x.sleeps[0] <= 50.1  # 2 spare requests (15 kept back) over 100 s


def test_wait_with_deadline_before_reset_does_not_poll(api: Api) -> None:
    reset = int(dt.datetime.now(dt.UTC).timestamp()) + 600
    x = api(
        json_response(200, {"data": {**JOB, "status": "in_progress"}}, rate_headers(remaining=2, reset=reset))
    )

    with pytest.raises(xc.WaitTimeoutError):
        x.wait_for_job("1", timeout=5)

    assert len(x.script.requests) == 1
    assert x.sleeps and x.sleeps[0] <= 5


def test_resumable_chunk_that_storage_does_not_keep_is_a_stall(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from x_compliance import _constants, _upload

    monkeypatch.setattr(_upload, "_GCS_CHUNK_UNIT", 2)
    monkeypatch.setattr(_constants, "RESUMABLE_CHUNK", 4)
    job = xc.ComplianceJob.from_dict({**JOB, "upload_expires_at": FUTURE, "resumable": True})
    nothing_kept = httpx.Response(308)  # no Range: storage holds nothing, chunk after chunk
    x = api(
        httpx.Response(201, headers={"location": "https://storage.googleapis.com/up/1?upload_id=abc"}),
        *[nothing_kept] * 6,
        max_retries=2,
    )

    with pytest.raises(xc.UploadError, match="stopped at byte 0 of 12 after 3 failures"):
        x.upload_ids(job, ["11", "22", "33", "44"])

    assert len(x.script.requests) == 6 and len(x.sleeps) == 2  # start, then chunk + query twice, chunk


def test_resumable_chunk_size_must_suit_cloud_storage() -> None:
    from x_compliance._upload import PreparedUpload, ResumableUpload

    with pytest.raises(ValueError, match="multiple of 262144"):
        ResumableUpload(
            UPLOADABLE, PreparedUpload(Path("ids.txt"), 1, 1), xc.RetryPolicy(), chunk_size=100_000
        )


@pytest.mark.parametrize("status", ["in_progress", "complete", "failed"])
def test_upload_to_a_job_that_took_its_upload_is_refused(api: Api, status: str) -> None:
    fields = {**JOB, "upload_expires_at": FUTURE, "status": status}
    x = api(job_response(**fields))  # the job passed in may be stale: it is fetched once, and took it

    with pytest.raises(xc.UploadError, match=f"is {status}: it already took its upload"):
        x.upload_ids(xc.ComplianceJob.from_dict(fields), ["1"])

    assert [r.url.host for r in x.script.requests] == ["api.x.com"]  # nothing sent to storage


def test_results_file_gets_the_usual_permissions(api: Api, tmp_path: Path) -> None:
    import os
    import stat

    x = api(lambda r: ranged(r, RESULTS))
    target = tmp_path / "results.jsonl"
    mask = os.umask(0o022)
    os.umask(mask)

    x.download_results(COMPLETE, target)

    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


def test_gzip_header_on_a_plain_body_is_retried_not_leaked(api: Api) -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=BreaksAfter(b"not gzip"), headers={"content-encoding": "gzip"})

    x = api(broken, broken, broken)

    with pytest.raises(xc.APIConnectionError, match="DecodingError"):
        x.get_job("1")


def test_invalid_request_with_odd_messages_is_still_bad_request(api: Api) -> None:
    body = {
        "title": "Invalid Request",
        "type": "https://api.x.com/2/problems/invalid-request",
        "errors": [{"message": 7}],
    }
    x = api(json_response(400, body))

    with pytest.raises(xc.BadRequestError, match=r"\(7\)"):
        x.get_job("1")


def test_deeply_nested_answer_is_api_error(api: Api) -> None:
    x = api(httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000))

    with pytest.raises(xc.APIError):
        x.get_job("1")

"""The whole workflow against the in-process emulator: create, upload, wait, read results."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import x_compliance as xc
from tests.emulated import as_found, assert_same, expected_results
from x_compliance import _constants
from x_compliance.emulator import Emulator

IDS = [str(n) for n in random.Random(7).sample(range(1, 10**12), 3000)] + ["10", "10", "21"]


@pytest.mark.parametrize("resumable", [False, True], ids=["plain", "resumable"])
@pytest.mark.parametrize("type", ["tweets", "users"])
def test_whole_workflow_gives_the_rules_results(
    client: xc.ComplianceClient, type: str, resumable: bool
) -> None:
    job = client.run_job(type, IDS, name=f"{type}-run", resumable=resumable)

    assert job.status == xc.JobStatus.COMPLETE and job.resumable is resumable
    assert_same(as_found(client.iter_results(job)), expected_results(IDS, type))


@pytest.mark.parametrize("resumable", [False, True], ids=["plain", "resumable"])
def test_async_workflow_gives_the_rules_results(emu: Emulator, resumable: bool) -> None:
    async def scenario() -> list[xc.ComplianceResult]:
        async with xc.AsyncComplianceClient(bearer_token=emu.token, base_url=emu.base_url) as client:
            job = await client.create_job("users", resumable=resumable)
            assert await client.upload_ids(job, IDS) == len(IDS)
            job = await client.wait_for_job(job, timeout=30)
            return [r async for r in client.iter_results(job)]

    assert as_found(asyncio.run(scenario())) == expected_results(IDS, "users")


def test_download_results_equals_iter_results(client: xc.ComplianceClient, tmp_path: Path) -> None:
    job = client.run_job("tweets", IDS)
    target = tmp_path / "results.jsonl"

    client.download_results(job, target)

    lines = target.read_bytes().splitlines()
    assert len(lines) == len(expected_results(IDS, "tweets"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.jsonl"]


@pytest.fixture
def resumable_ids(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """About 1 MB of IDs, which resumable uploads send in four chunks of 256 KiB."""
    monkeypatch.setattr(_constants, "RESUMABLE_CHUNK", 256 * 1024)
    return [str(n) for n in range(10**15, 10**15 + 60_000)]


def test_resumable_upload_in_several_chunks(client: xc.ComplianceClient, resumable_ids: list[str]) -> None:
    ids = resumable_ids

    job = client.run_job("tweets", ids, resumable=True)

    assert len(as_found(client.iter_results(job))) == len(expected_results(ids, "tweets"))


def test_dropped_upload_and_download_connections_lose_nothing(
    client: xc.ComplianceClient, emu: Emulator
) -> None:
    emu.faults.add("upload", reset_after_bytes=5000)
    emu.faults.add("download", reset_after_bytes=10_000, times=2)

    job = client.run_job("tweets", IDS)

    assert as_found(client.iter_results(job)) == expected_results(IDS, "tweets")
    assert emu.faults.injected == 3


def test_dropped_resumable_upload_resumes(
    client: xc.ComplianceClient, emu: Emulator, resumable_ids: list[str]
) -> None:
    ids = resumable_ids
    emu.faults.add("upload", reset_after_bytes=100_000, times=2)

    job = client.run_job("users", ids, resumable=True)

    assert as_found(client.iter_results(job)) == expected_results(ids, "users")


def test_bad_line_in_run_job_creates_no_job(client: xc.ComplianceClient, emu: Emulator) -> None:
    with pytest.raises(ValueError, match="line 3 is not an ID"):
        client.run_job("tweets", ["1", "2", "three"])

    assert emu.job_count() == 0


def test_bad_line_in_upload_leaves_job_waiting_for_an_upload(
    client: xc.ComplianceClient, emu: Emulator
) -> None:
    job = client.create_job("tweets")

    with pytest.raises(ValueError, match="line 2"):
        client.upload_ids(job, ["1", "x", "3"])

    assert client.get_job(job.id).status == xc.JobStatus.CREATED
    assert client.upload_ids(job, ["1", "2", "3"]) == 3


def test_job_failed_by_storage_rule_raises_with_x_error(client: xc.ComplianceClient) -> None:
    job = client.create_job("tweets")
    put = httpx.put(job.upload_url, content=b"1\nnot-an-id\n", headers={"Content-Type": "text/plain"})
    assert put.status_code == 200

    with pytest.raises(xc.JobFailedError) as caught:
        client.wait_for_job(job, timeout=10)

    assert caught.value.job.status == xc.JobStatus.FAILED
    assert caught.value.job.error == "Line 2 is not a valid ID: 'not-an-id'"
    assert str(caught.value) == f"job {job.id} failed: Line 2 is not a valid ID: 'not-an-id'"


def test_expired_upload_window_is_refused(client: xc.ComplianceClient, emu: Emulator) -> None:
    job = client.create_job("tweets")
    emu.advance(16 * 60)

    with pytest.raises(xc.UploadExpiredError):
        client.upload_ids(job, ["1"])
    with pytest.raises(xc.UploadExpiredError):
        client.upload_ids(job.id, ["1"])


@pytest.fixture
def slow_job() -> Iterator[tuple[xc.ComplianceClient, xc.ComplianceJob]]:
    """A client, and a job it uploaded to that the emulator takes two minutes to process."""
    with (
        Emulator(processing_seconds=120) as slow,
        xc.ComplianceClient(bearer_token=slow.token, base_url=slow.base_url) as client,
    ):
        job = client.create_job("tweets")
        client.upload_ids(job, ["1"])
        yield client, job


def test_wait_times_out_on_a_slow_job(slow_job: tuple[xc.ComplianceClient, xc.ComplianceJob]) -> None:
    client, job = slow_job

    with pytest.raises(xc.WaitTimeoutError, match="still in_progress"):
        client.wait_for_job(job, timeout=1)


def test_results_before_completion_are_refused(
    slow_job: tuple[xc.ComplianceClient, xc.ComplianceJob],
) -> None:
    client, job = slow_job

    with pytest.raises(xc.DownloadError, match="not complete"):
        list(client.iter_results(job.id))


def test_second_running_job_is_a_conflict(client: xc.ComplianceClient) -> None:
    client.create_job("users")

    with pytest.raises(xc.ConflictError, match="already in progress"):
        client.create_job("users")


def test_unknown_job_is_not_found(client: xc.ComplianceClient) -> None:
    with pytest.raises(xc.NotFoundError):
        client.get_job("1234567890123456789")


def test_wrong_token_is_authentication_error(emu: Emulator) -> None:
    with (
        xc.ComplianceClient(bearer_token="wrong", base_url=emu.base_url) as client,
        pytest.raises(xc.AuthenticationError),
    ):
        client.list_jobs("tweets")


def test_lost_create_answer_makes_one_job(client: xc.ComplianceClient, emu: Emulator) -> None:
    emu.faults.add("create", reset_after_bytes=10)

    job = client.create_job("tweets", name="once")

    assert emu.job_count("tweets") == 1
    assert job.name == "once"


def test_cancelled_async_upload_leaves_no_spool_file(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ids = (str(n) for n in range(1, 3_000_000))  # an iterable: written to a spool file first

    async def scenario() -> None:
        async with xc.AsyncComplianceClient(bearer_token=emu.token, base_url=emu.base_url) as client:
            job = await client.create_job("tweets")
            upload = asyncio.ensure_future(client.upload_ids(job, ids))
            while not list(tmp_path.glob("x-compliance-upload-*")):
                await asyncio.sleep(0.01)
            upload.cancel()
            with pytest.raises(asyncio.CancelledError):
                await upload
        for _ in range(500):  # the worker thread finishes its file, then it is removed
            if not list(tmp_path.iterdir()):
                return
            await asyncio.sleep(0.02)

    asyncio.run(scenario())

    assert list(tmp_path.iterdir()) == []


def test_async_results_closed_early_release_their_stream(emu: Emulator) -> None:
    import contextlib

    async def scenario() -> tuple[str, int]:
        async with xc.AsyncComplianceClient(bearer_token=emu.token, base_url=emu.base_url) as client:
            job = await client.run_job("tweets", IDS)
            async with contextlib.aclosing(client.iter_results(job)) as results:
                first = await anext(results)
            again = [r.id async for r in client.iter_results(job)]  # the client still works
            return first.id, len(again)

    first, count = asyncio.run(scenario())

    expected = expected_results(IDS, "tweets")
    assert first == next(iter(expected))
    assert count == len(expected)

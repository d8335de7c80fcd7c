"""Each kind of fault, through whole runs: the run completes with exactly the rule's results, or
raises the documented error; never a duplicated or missing line, never a second job, never a
partial results file under the target name."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import x_compliance as xc
from tests.emulated import as_found, expected_results
from tests.reliability.tally import TALLY
from x_compliance import _constants
from x_compliance.emulator import Emulator

pytestmark = pytest.mark.reliability

IDS = [str(n) for n in random.Random(11).sample(range(1, 10**15), 20_000)]
TOKEN = "reliability-token-0123456789abcdef"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(token=TOKEN, processing_seconds=0.0) as emulator:
        yield emulator


def client_for(emu: Emulator, **options: object) -> xc.ComplianceClient:
    policy = xc.RetryPolicy(max_retries=4, initial_backoff=0.05, max_backoff=0.2)
    return xc.ComplianceClient(bearer_token=emu.token, base_url=emu.base_url, retry_policy=policy, **options)  # type: ignore[arg-type]


def complete_run(
    emu: Emulator, type: str = "tweets", resumable: bool = False, every_fault: bool = True, **options: object
) -> None:
    """run_job then iter_results; asserts the rule's results exactly, one job, every fault used
    (unless ``every_fault`` is False: a random schedule may hold faults the run never needs to meet,
    such as a second create fault after the first create's job was found)."""
    with client_for(emu, **options) as client:
        job = client.run_job(type, IDS, name="reliability", resumable=resumable, timeout=60)
        found = as_found(client.iter_results(job))
    assert found == expected_results(IDS, type)
    assert emu.job_count(type) == 1
    assert not every_fault or emu.faults.pending() == 0, "a fault was never reached"
    TALLY.runs += 1
    TALLY.lines += len(found)
    TALLY.faults += emu.faults.injected


def list_survives(emu: Emulator) -> None:
    """A list call gets through the two faults added for it."""
    with client_for(emu) as client:
        client.list_jobs("tweets")
    assert emu.faults.injected == 2
    TALLY.faults += emu.faults.injected


@pytest.mark.parametrize("target", ["list", "get", "create"])
def test_429_storm_with_near_reset_is_waited_out(emu: Emulator, target: str) -> None:
    emu.faults.add(target, status=429, reset_in=1.0, times=2)  # type: ignore[arg-type]

    if target == "list":
        list_survives(emu)
        return
    complete_run(emu)


def test_429_with_far_reset_raises_rate_limit_error(emu: Emulator) -> None:
    emu.faults.add("list", status=429, reset_in=3600)

    with client_for(emu) as client, pytest.raises(xc.RateLimitError) as caught:
        client.list_jobs("tweets")

    assert caught.value.reset_at is not None
    assert caught.value.reset_at > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=55)
    TALLY.failed_as_documented += 1
    TALLY.faults += emu.faults.injected


@pytest.mark.parametrize("status", [502, 503])
@pytest.mark.parametrize("target", ["get", "list", "upload", "download"])
def test_html_error_pages_are_retried(emu: Emulator, target: str, status: int) -> None:
    emu.faults.add(target, status=status, times=2)  # type: ignore[arg-type]

    if target == "list":
        list_survives(emu)
        return
    complete_run(emu)


@pytest.mark.parametrize("after", [False, True], ids=["not-acted", "acted"])
def test_create_answered_with_503_makes_one_job(emu: Emulator, after: bool) -> None:
    emu.faults.add("create", status=503, after=after)

    complete_run(emu)


@pytest.mark.parametrize("target", ["get", "list", "create"])
def test_connection_reset_in_the_middle_of_api_bodies(emu: Emulator, target: str) -> None:
    emu.faults.add(target, reset_after_bytes=40, times=2 if target != "create" else 1)  # type: ignore[arg-type]

    if target == "list":
        list_survives(emu)
        return
    complete_run(emu)


@pytest.mark.parametrize("resumable", [False, True], ids=["plain", "resumable"])
def test_upload_reset_several_times_in_one_run(
    emu: Emulator, resumable: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_constants, "RESUMABLE_CHUNK", 256 * 1024)
    emu.faults.add("upload", reset_after_bytes=50_000, times=3)

    complete_run(emu, "users", resumable=resumable)


def test_download_reset_several_times_in_one_run(emu: Emulator) -> None:
    emu.faults.add("download", reset_after_bytes=30_000, times=4)

    complete_run(emu)


def test_slow_answers_past_the_timeout_are_retried(emu: Emulator) -> None:
    emu.faults.add("get", delay=1.0, times=1)
    emu.faults.add("download", delay=1.0, times=1)

    complete_run(emu, timeout=0.4)


def test_slow_create_past_the_timeout_makes_one_job() -> None:
    # X acts on the create a second after the client gave up on it. While the client's own job
    # runs (X jobs take minutes; here 3 s), X's one-running-job rule refuses the late one.
    with Emulator(token=TOKEN, processing_seconds=3.0) as emu:
        emu.faults.add("create", delay=1.0)

        complete_run(emu, timeout=0.4)
        time.sleep(1.0)

        assert emu.job_count("tweets") == 1


def test_expired_upload_url_raises_and_sends_nothing(emu: Emulator) -> None:
    with client_for(emu) as client:
        job = client.create_job("tweets")
        emu.advance(16 * 60)

        with pytest.raises(xc.UploadExpiredError):
            client.upload_ids(job, IDS)

    assert emu.jobs("tweets")[0]["status"] == "expired"
    TALLY.failed_as_documented += 1


def test_download_that_keeps_breaking_leaves_no_file(emu: Emulator, tmp_path: Path) -> None:
    target = tmp_path / "results.jsonl"
    with client_for(emu) as client:
        job = client.run_job("tweets", IDS)
        emu.faults.add("download", reset_after_bytes=0, times=10)

        with pytest.raises(xc.DownloadError, match="truncated"):
            client.download_results(job, target)

    assert list(tmp_path.iterdir()) == []
    TALLY.failed_as_documented += 1
    TALLY.faults += emu.faults.injected


KINDS = [
    ("get", {"status": 503}),
    ("get", {"status": 429, "reset_in": 0.5}),
    ("get", {"reset_after_bytes": 30}),
    ("create", {"status": 503}),
    ("create", {"status": 502, "after": True}),
    ("create", {"reset_after_bytes": 20}),
    ("create", {"status": 429, "reset_in": 0.5}),
    ("upload", {"reset_after_bytes": 20_000}),
    ("upload", {"status": 503}),
    ("download", {"reset_after_bytes": 25_000}),
    ("download", {"status": 502}),
    ("download", {"delay": 0.6}),
]


@pytest.mark.parametrize("seed", range(8))
def test_random_fault_schedule_over_a_full_run(emu: Emulator, seed: int) -> None:
    rng = random.Random(seed)
    for target, options in rng.sample(KINDS, k=rng.randint(3, 6)):
        emu.faults.add(target, **options)  # type: ignore[arg-type]

    complete_run(emu, rng.choice(["tweets", "users"]), every_fault=False, timeout=0.5)

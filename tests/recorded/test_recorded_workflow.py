"""The client's main paths, replayed from recordings against the emulator (``make record``)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

import pytest

import x_compliance as xc
from tests.emulated import as_found, expected_results
from tests.recorded.conftest import Endpoint

IDS = [str(n) for n in range(1_500_000_000_000_000_000, 1_500_000_000_000_000_400)]
Clock = Callable[[], dt.datetime]


def client_for(endpoint: Endpoint, clock: Clock) -> xc.ComplianceClient:
    return xc.ComplianceClient(bearer_token=endpoint.token, base_url=endpoint.base_url, clock=clock)


@pytest.mark.vcr
def test_create_get_and_list(endpoint: Endpoint, clock: Clock) -> None:
    with client_for(endpoint, clock) as client:
        job = client.create_job("users", name="recorded")
        same = client.get_job(job.id)
        listed = client.list_jobs("users")

    assert same.id == job.id and same.name == "recorded"
    assert same.status == xc.JobStatus.CREATED
    assert job.id in [j.id for j in listed]
    assert client.rate_limits["GET /2/compliance/jobs"].limit > 0


@pytest.mark.vcr
@pytest.mark.parametrize("resumable", [False, True], ids=["plain", "resumable"])
def test_whole_workflow(endpoint: Endpoint, clock: Clock, resumable: bool) -> None:
    with client_for(endpoint, clock) as client:
        job = client.run_job("tweets", IDS, name="recorded-run", resumable=resumable, timeout=6 * 3600)
        results = as_found(client.iter_results(job))

    assert job.status == xc.JobStatus.COMPLETE
    if not endpoint.live:
        assert results == expected_results(IDS, "tweets")


@pytest.mark.vcr
def test_async_workflow(endpoint: Endpoint, clock: Clock) -> None:
    async def scenario() -> list[xc.ComplianceResult]:
        async with xc.AsyncComplianceClient(
            bearer_token=endpoint.token, base_url=endpoint.base_url, clock=clock
        ) as client:
            job = await client.run_job("users", IDS[:100], timeout=6 * 3600)
            return [r async for r in client.iter_results(job)]

    results = as_found(asyncio.run(scenario()))

    if not endpoint.live:
        assert results == expected_results(IDS[:100], "users")


@pytest.mark.vcr
def test_errors_from_the_api(endpoint: Endpoint, clock: Clock) -> None:
    with client_for(endpoint, clock) as client:
        client.create_job("tweets", name="first")

        with pytest.raises(xc.ConflictError, match="already in progress"):
            client.create_job("tweets", name="second")
        with pytest.raises(xc.NotFoundError):
            client.get_job("1234567890123456789")

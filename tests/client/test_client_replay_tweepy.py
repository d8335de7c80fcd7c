"""The real X recordings (tweepy's cassettes) replayed through ``ComplianceClient`` and its async twin,
written as a user would write the script."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import x_compliance as xc
from tests.test_generated_replay_tweepy import ASYNC_CASSETTE, SYNC_CASSETTE, drop_stale_content_encoding

TWITTER = "https://api.twitter.com"


@pytest.fixture
def vcr_cassette_dir(real_responses: Path) -> str:
    return str(real_responses / "tweepy-cassettes")


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    return {"before_record_response": drop_stale_content_encoding}


@pytest.mark.vcr(SYNC_CASSETTE + ".yaml")
def test_user_script_creates_gets_and_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BEARER_TOKEN", "token-from-the-environment")
    monkeypatch.setenv("X_API_BASE_URL", TWITTER)

    with xc.ComplianceClient() as client:
        job = client.create_job("tweets")
        same = client.get_job(job.id)
        jobs = client.list_jobs(xc.JobType.TWEETS)
        limits = client.rate_limits

    assert job.id == same.id == "1446017776678801409"
    assert same.status == xc.JobStatus.CREATED
    assert [(j.id, j.status) for j in jobs] == [
        ("1446017776678801409", xc.JobStatus.CREATED),
        ("1445474776932405248", xc.JobStatus.EXPIRED),
    ]
    assert limits["POST /2/compliance/jobs"].limit == 150
    assert limits["GET /2/compliance/jobs/:id"].remaining == 149


@pytest.mark.vcr(ASYNC_CASSETTE + ".yaml")
async def test_async_user_script_creates_gets_and_lists() -> None:
    async with xc.AsyncComplianceClient(bearer_token="t", base_url=TWITTER) as client:
        job = await client.create_job(xc.JobType.TWEETS)
        same = await client.get_job(int(job.id))
        jobs = await client.list_jobs("tweets")

    assert job.id == "1522929458495242241"
    assert same.upload_expires_at == job.upload_expires_at
    assert [j.id for j in jobs] == [job.id]

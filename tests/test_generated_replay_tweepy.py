"""The two real X recordings in ``../shared/real-responses/tweepy-cassettes`` replay through the
generated client (create, get, list) against https://api.twitter.com, with the network blocked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

import x_compliance as xc
from x_compliance_api import AuthenticatedClient
from x_compliance_api.api.compliance import (
    create_compliance_jobs,
    get_compliance_jobs,
    get_compliance_jobs_by_id,
)

BASE_URL = "https://api.twitter.com"
SYNC_CASSETTE = "tweepy__test_client_create_and_get_compliance_job_and_jobs"
ASYNC_CASSETTE = "tweepy__test_asyncclient_create_and_get_compliance_job_and_jobs"


@pytest.fixture
def vcr_cassette_dir(real_responses: Path) -> str:
    return str(real_responses / "tweepy-cassettes")


def drop_stale_content_encoding(response: dict[str, Any]) -> dict[str, Any]:
    """The async recording stores bodies already decompressed but keeps `content-encoding: gzip`."""
    body = response["body"]["string"]
    raw = body if isinstance(body, bytes) else body.encode()
    if not raw.startswith(b"\x1f\x8b"):
        response["headers"] = {
            k: v for k, v in response["headers"].items() if k.lower() != "content-encoding"
        }
    return response


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    return {"before_record_response": drop_stale_content_encoding}


def generated_client() -> AuthenticatedClient:
    return AuthenticatedClient(base_url=BASE_URL, token="replayed-token")


@pytest.mark.vcr(SYNC_CASSETTE + ".yaml")
def test_sync_create_get_list_replay() -> None:
    client = generated_client()
    body = xc.CreateComplianceJobRequest(type_=xc.JobType.TWEETS)

    created = create_compliance_jobs.sync(client=client, body=body)
    assert isinstance(created, xc.ComplianceJobResponse)
    job_id = created.data.id
    fetched = get_compliance_jobs_by_id.sync(job_id, client=client)
    listed = get_compliance_jobs.sync(client=client, type_=xc.JobType.TWEETS)

    assert job_id == "1446017776678801409"
    assert created.data.status == xc.JobStatus.CREATED
    assert isinstance(fetched, xc.ComplianceJobResponse)
    assert fetched.data.id == job_id
    assert fetched.data.upload_url == created.data.upload_url
    assert isinstance(listed, xc.ComplianceJobListResponse)
    assert [j.status for j in listed.data] == [xc.JobStatus.CREATED, xc.JobStatus.EXPIRED]


@pytest.mark.vcr(ASYNC_CASSETTE + ".yaml")
async def test_async_create_get_list_replay() -> None:
    client = generated_client()
    body = xc.CreateComplianceJobRequest(type_=xc.JobType.TWEETS)

    created = await create_compliance_jobs.asyncio(client=client, body=body)
    assert isinstance(created, xc.ComplianceJobResponse)
    fetched = await get_compliance_jobs_by_id.asyncio(created.data.id, client=client)
    listed = await get_compliance_jobs.asyncio(client=client, type_=xc.JobType.TWEETS)

    assert created.data.id == "1522929458495242241"
    assert isinstance(fetched, xc.ComplianceJobResponse)
    assert fetched.data.status == xc.JobStatus.CREATED
    assert isinstance(listed, xc.ComplianceJobListResponse)
    assert listed.meta.result_count == 1
    assert listed.data[0].id == created.data.id


def test_network_is_blocked_outside_cassettes() -> None:
    # 127.0.0.2 is loopback but not in --allowed-hosts: the block must stop it before any connect.
    with pytest.raises(RuntimeError, match="Network is disabled"):
        httpx.get("http://127.0.0.2:9/", timeout=2)

"""The three operations through both clients: what is sent, what comes back."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest

import x_compliance as xc
from tests.client.scripted import JOB, TOKEN, Driver, job_response, json_response
from x_compliance_api.types import UNSET

Api = Callable[..., Driver]


def test_get_job_sends_bearer_and_returns_model(api: Api) -> None:
    x = api(job_response())

    job = x.get_job("1446017776678801409")

    (request,) = x.script.requests
    assert request.method == "GET"
    assert request.url == "https://api.x.com/2/compliance/jobs/1446017776678801409"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert isinstance(job, xc.ComplianceJob)
    assert job.id == "1446017776678801409"
    assert job.created_at == dt.datetime(2021, 10, 7, 7, 41, 18, tzinfo=dt.UTC)


def test_get_job_takes_int_and_model(api: Api) -> None:
    x = api(job_response(), job_response())

    x.get_job(1446017776678801409)
    x.get_job(xc.ComplianceJob.from_dict(JOB))

    assert [r.url.path for r in x.script.requests] == ["/2/compliance/jobs/1446017776678801409"] * 2


def test_list_jobs_sends_type_and_status(api: Api) -> None:
    x = api(json_response(200, {"data": [JOB, {**JOB, "status": "expired"}]}))

    jobs = x.list_jobs(xc.JobType.TWEETS, status="complete")

    (request,) = x.script.requests
    assert dict(request.url.params) == {"type": "tweets", "status": "complete"}
    assert [j.status for j in jobs] == [xc.JobStatus.CREATED, xc.JobStatus.EXPIRED]


def test_list_jobs_without_data_is_empty(api: Api) -> None:
    x = api(json_response(200, {"meta": {"result_count": 0}}))

    assert x.list_jobs("users") == []


def test_answers_orjson_refuses_are_read_as_the_standard_library_reads_them(api: Api) -> None:
    # A job name with a lone surrogate escape, and an unknown field holding NaN (json.dumps writes
    # both): orjson refuses these bodies, and a page of jobs must not be lost for one odd value.
    named = {**JOB, "name": "\ud800 nightly"}
    x = api(json_response(200, {"data": [JOB, named]}), job_response(score=math.nan))

    jobs = x.list_jobs("tweets")
    job = x.get_job("1")

    assert [j.name for j in jobs] == [UNSET, "\ud800 nightly"]
    assert job.id == JOB["id"] and math.isnan(job.additional_properties["score"])


@pytest.mark.parametrize("status", [201, 202, 206])
def test_a_success_other_than_200_is_an_answer_the_client_cannot_read(api: Api, status: int) -> None:
    # The spec defines only 200; a job read from another 2xx could be taken for what it is not.
    x = api(json_response(status, {"data": JOB}))

    with pytest.raises(xc.APIError, match=f"{status} answer this client cannot read") as raised:
        x.get_job("1")

    assert raised.value.status_code == status


def test_create_job_sends_json_body(api: Api) -> None:
    x = api(job_response(name="nightly", resumable=True))

    job = x.create_job("users", name="nightly", resumable=True)

    (request,) = x.script.requests
    assert request.method == "POST"
    assert json.loads(request.content) == {"type": "users", "name": "nightly", "resumable": True}
    assert job.name == "nightly" and job.resumable is True


def test_unknown_status_and_extra_fields_are_kept(api: Api) -> None:
    x = api(job_response(status="archived", shard="eu-1"))

    job = x.get_job("1")

    assert job.status == "archived"
    assert job.additional_properties == {"shard": "eu-1"}


NAIVE_STAMPS = {
    "created_at": "2021-10-07T07:41:18.000",
    "upload_expires_at": "2021-10-07T07:56:18.000",
    "download_expires_at": "2021-10-14T07:41:18.000",
}


def test_job_timestamps_without_offset_are_utc(api: Api) -> None:
    x = api(job_response(**NAIVE_STAMPS))

    job = x.get_job("1446017776678801409")

    assert job.created_at == dt.datetime(2021, 10, 7, 7, 41, 18, tzinfo=dt.UTC)
    assert job.download_expires_at.tzinfo is dt.UTC


def test_download_of_a_job_with_timestamps_without_offset_is_judged_not_a_type_error(
    api: Api, tmp_path: Path
) -> None:
    x = api(job_response(status="complete", **NAIVE_STAMPS))
    job = x.get_job("1446017776678801409")

    with pytest.raises(xc.DownloadExpiredError, match="results expired at 2021-10-14 07:41:18 UTC"):
        x.download_results(job, tmp_path / "results.jsonl")


def test_upload_to_a_job_with_timestamps_without_offset_is_judged_not_a_type_error(api: Api) -> None:
    x = api(job_response(**NAIVE_STAMPS))
    job = x.get_job("1446017776678801409")

    with pytest.raises(xc.UploadExpiredError, match="expired at 2021-10-07 07:56:18 UTC"):
        x.upload_ids(job, ["1"])


@pytest.mark.parametrize("bad_id", ["", "12a", "12345678901234567890", "-1", 1.5, True, None])
def test_bad_job_id_raises_value_error_before_any_request(api: Api, bad_id: object) -> None:
    x = api()

    with pytest.raises(ValueError, match="1-19 digits"):
        x.get_job(bad_id)

    assert x.script.requests == []


@pytest.mark.parametrize("bad_type", ["tweet", "spaces", "", None, 1])
def test_unknown_type_raises_value_error_before_any_request(api: Api, bad_type: object) -> None:
    x = api()

    with pytest.raises(ValueError, match="job type must be one of"):
        x.list_jobs(bad_type)
    with pytest.raises(ValueError, match="job type must be one of"):
        x.create_job(bad_type)

    assert x.script.requests == []


def test_name_over_64_characters_raises_value_error(api: Api) -> None:
    x = api()

    with pytest.raises(ValueError, match="at most 64 characters"):
        x.create_job("tweets", name="n" * 65)

    assert x.script.requests == []


def test_expired_is_not_a_status_filter(api: Api) -> None:
    x = api()

    with pytest.raises(ValueError, match="does not filter on expired"):
        x.list_jobs("tweets", status="expired")

    assert x.script.requests == []

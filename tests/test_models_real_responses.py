"""Every body recorded from the real X API parses into the generated models, values intact."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

import x_compliance as xc
from tests.conftest import REAL_RESPONSES
from tests.real_responses import bodies, edited_files, kind, load
from x_compliance._api import read_json
from x_compliance_api.models import ComplianceResult as GeneratedResult
from x_compliance_api.types import UNSET

MODEL_BY_KIND: dict[str, Any] = {
    "list": xc.ComplianceJobListResponse,
    "job_response": xc.ComplianceJobResponse,
    "job": xc.ComplianceJob,
    "result": GeneratedResult,
    "problem": xc.Problem,
}
UTC = dt.UTC

ALL_BODIES = bodies(REAL_RESPONSES) if REAL_RESPONSES.is_dir() else []


def jobs_of(parsed: Any) -> list[xc.ComplianceJob]:
    if isinstance(parsed, xc.ComplianceJob):
        return [parsed]
    data = getattr(parsed, "data", UNSET)
    if data is UNSET:
        return []
    return list(data) if isinstance(data, list) else [data]


def parse(real_responses: Path, name: str) -> Any:
    body = load(real_responses / name)
    return MODEL_BY_KIND[kind(body)].from_dict(body)


def test_recordings_are_present(real_responses: Path) -> None:
    assert len(bodies(real_responses)) >= 20


@pytest.mark.parametrize("path", ALL_BODIES, ids=lambda p: p.name)
def test_recorded_body_decodes_as_the_standard_library_decodes_it(path: Path) -> None:
    raw = path.read_bytes()

    # repr, not ==: 1 == 1.0, and an int read as a float would pass an equality check.
    assert repr(read_json(raw)) == repr(json.loads(raw))


@pytest.mark.parametrize("path", ALL_BODIES, ids=lambda p: p.name)
def test_recorded_body_parses_and_round_trips(real_responses: Path, path: Path) -> None:
    body = load(path)
    model = MODEL_BY_KIND[kind(body)]

    parsed = model.from_dict(body)

    assert model.from_dict(parsed.to_dict()) == parsed
    for job in jobs_of(parsed):
        assert isinstance(job.id, str) and job.id.isdigit() and len(job.id) <= 19
        for stamp in (job.created_at, job.upload_expires_at, job.download_expires_at):
            assert stamp.tzinfo is not None and stamp.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("path", ALL_BODIES, ids=lambda p: p.name)
def test_recorded_job_keeps_every_wire_field(real_responses: Path, path: Path) -> None:
    body = load(path)
    parsed = MODEL_BY_KIND[kind(body)].from_dict(body)
    raw_jobs = {
        "list": body.get("data", []),
        "job_response": [body["data"]] if "data" in body else [],
        "job": [body],
    }.get(kind(body), [])

    for job, raw in zip(jobs_of(parsed), raw_jobs, strict=True):
        written = job.to_dict()
        assert set(written) == set(raw)
        assert {k: written[k] for k in raw if not k.endswith("_at")} == {
            k: v for k, v in raw.items() if not k.endswith("_at")
        }


@pytest.mark.parametrize("path", ALL_BODIES, ids=lambda p: p.name)
def test_recorded_body_keeps_every_top_level_field(real_responses: Path, path: Path) -> None:
    body = load(path)

    written = MODEL_BY_KIND[kind(body)].from_dict(body).to_dict()

    assert set(written) == set(body)


def test_edited_fixtures_are_known(real_responses: Path) -> None:
    assert "sns-sdks_python-twitter__testdata_apis_compliance_jobs_jobs_resp.json" in edited_files(
        real_responses
    )


def test_list_without_meta_has_expired_job(real_responses: Path) -> None:
    parsed = parse(real_responses, "tweepy_client_2021-10-07__list_jobs_GET_type_tweets.json")

    assert parsed.meta is UNSET
    assert [j.id for j in parsed.data] == ["1446017776678801409", "1445474776932405248"]
    assert [j.status for j in parsed.data] == [xc.JobStatus.CREATED, xc.JobStatus.EXPIRED]
    assert parsed.data[1].type_ == xc.JobType.TWEETS


def test_list_with_meta_counts_result(real_responses: Path) -> None:
    parsed = parse(real_responses, "tweepy_asyncclient_2022-05-07__list_jobs_GET_type_tweets.json")

    assert parsed.meta.result_count == 1
    assert parsed.data[0].id == "1522929458495242241"


def test_created_job_values(real_responses: Path) -> None:
    job = parse(real_responses, "tweepy_client_2021-10-07__create_job_POST.json").data

    assert job.id == "1446017776678801409"
    assert job.status == "created"
    assert job.resumable is False
    assert job.name is UNSET and job.error is UNSET
    assert job.created_at == dt.datetime(2021, 10, 7, 7, 41, 18, tzinfo=UTC)
    assert job.upload_expires_at - job.created_at == dt.timedelta(minutes=15)
    assert job.download_expires_at - job.created_at == dt.timedelta(days=7)
    assert job.upload_url.startswith("https://storage.googleapis.com/twttr-tweet-compliance/")


def test_resumable_named_jobs(real_responses: Path) -> None:
    parsed = parse(real_responses, "LinqToTwitter__RequestProcessorTests__MultipleJobs.json")

    assert [j.resumable for j in parsed.data] == [True, True, True]
    assert [j.name for j in parsed.data] == [
        "test-202110240933",
        "test-202110240626",
        "test-202110240425",
    ]
    assert parsed.data[1].status == xc.JobStatus.EXPIRED


def test_bare_job_with_name_from_compliant_client(real_responses: Path) -> None:
    job = parse(real_responses, "compliant-client_README__job_data_complete_2021-08-25_with_name.json")

    assert job.name == "Checking my stored Tweets"
    assert job.status == xc.JobStatus.COMPLETE
    assert job.id == "1430324519596564483"


def test_result_line_with_milliseconds(real_responses: Path) -> None:
    result = parse(real_responses, "compliant-client_README__tweet_result_line_delete_deleted.json")

    assert result.id == "906972198136631298"
    assert result.action == xc.ResultAction.DELETE
    assert result.reason == xc.ResultReason.DELETED
    assert result.created_at == dt.datetime(2017, 9, 10, 20, 6, 37, 421000, tzinfo=UTC)
    assert result.redacted_at == dt.datetime(2020, 7, 21, 23, 37, 55, 607000, tzinfo=UTC)


def test_result_line_with_offset_and_no_redacted_at(real_responses: Path) -> None:
    name = "compliant-client_README__user_result_line_delete_protected_placeholder_id.json"
    result = parse(real_responses, name)

    assert result.id == "#######"
    assert result.reason == xc.ResultReason.PROTECTED
    assert result.created_at == dt.datetime(2013, 3, 26, 2, 46, 15, tzinfo=UTC)
    assert result.redacted_at is UNSET


def test_results_file_lines_parse(real_responses: Path) -> None:
    lines = (real_responses / "x-docs_quickstart__download_results_example.jsonl").read_text()
    import json

    results = [GeneratedResult.from_dict(json.loads(line)) for line in lines.splitlines()]

    assert [r.reason for r in results] == ["deleted", "protected", "suspended"]
    assert all(r.id.isdigit() for r in results)


def test_unauthorized_problem(real_responses: Path) -> None:
    problem = parse(real_responses, "sns-sdks_go-twitter__401_unauthorized_get_job_by_id__HTTP401.json")

    assert (problem.title, problem.type_, problem.status, problem.detail) == (
        "Unauthorized",
        "about:blank",
        401,
        "Unauthorized",
    )


def test_errors_only_body_keeps_problem_fields(real_responses: Path) -> None:
    parsed = parse(real_responses, "LinqToTwitter__RequestProcessorTests__ErrorTweet.json")

    assert parsed.data is UNSET
    (problem,) = parsed.errors
    assert problem.type_ == "https://api.twitter.com/2/problems/resource-not-found"
    assert problem.resource_type == "tweet"
    assert problem.parameter == "ids"
    assert problem.value == "1"

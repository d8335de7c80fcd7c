"""The generated models accept what the real API may send next: unknown enum values, extra fields,
absent optional fields."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from collections.abc import Callable
from typing import Any

import attrs
import pytest

import x_compliance as xc
from x_compliance_api.models import ComplianceResult as GeneratedResult
from x_compliance_api.models import Problem
from x_compliance_api.types import UNSET, Unset

JOB: dict[str, Any] = {
    "id": "1423095206576984067",
    "type": "tweets",
    "status": "complete",
    "created_at": "2021-08-05T01:35:11.000Z",
    "upload_url": "https://storage.example/up?X-Goog-Signature=abc",
    "upload_expires_at": "2021-08-05T01:50:11.000Z",
    "download_url": "https://storage.example/down?X-Goog-Signature=abc",
    "download_expires_at": "2021-08-12T01:35:11.000Z",
}


def test_unknown_status_is_kept() -> None:
    job = xc.ComplianceJob.from_dict({**JOB, "status": "archived"})

    assert job.status == "archived"
    assert job.status.value == "archived"
    assert isinstance(job.status, xc.JobStatus)
    assert job.to_dict()["status"] == "archived"


def test_unknown_type_is_kept() -> None:
    job = xc.ComplianceJob.from_dict({**JOB, "type": "spaces"})

    assert job.type_ == "spaces"
    assert job.to_dict()["type"] == "spaces"


@pytest.mark.parametrize(
    ("enum", "raw"),
    [
        (xc.JobStatus, "archived"),
        (xc.JobType, "lists"),
        (xc.JobStatusFilter, "paused"),
        (xc.ResultAction, "redact"),
        (xc.ResultReason, "age_restricted"),
    ],
)
def test_every_enum_is_open(enum: Any, raw: str) -> None:
    value = enum(raw)

    assert value == raw
    assert str(value) == raw
    assert value not in list(enum)


def test_known_value_is_the_member() -> None:
    assert xc.JobStatus("expired") is xc.JobStatus.EXPIRED


def test_unknown_values_are_not_cached_on_the_enum() -> None:
    xc.JobStatus("transient-1")

    assert "transient-1" not in xc.JobStatus._value2member_map_


def test_unknown_result_reason_is_kept() -> None:
    line = {
        "id": "1",
        "action": "delete",
        "reason": "age_restricted",
        "created_at": JOB["created_at"],
    }

    result = GeneratedResult.from_dict(line)

    assert result.reason == "age_restricted"
    assert result.to_dict()["reason"] == "age_restricted"


def test_extra_fields_are_kept() -> None:
    job = xc.ComplianceJob.from_dict({**JOB, "priority": "high", "owner": {"id": "7"}})

    assert job.additional_properties == {"priority": "high", "owner": {"id": "7"}}
    assert job.to_dict()["owner"] == {"id": "7"}


def test_parsing_leaves_the_answer_alone() -> None:
    # from_dict reads the answer's dict in place: it must neither change it nor share it
    answer = {**JOB, "priority": "high"}
    kept = dict(answer)

    job = xc.ComplianceJob.from_dict(answer)
    job["priority"] = "low"
    plain = xc.ComplianceJob.from_dict(JOB)
    plain["added"] = True

    assert answer == kept
    assert JOB.keys().isdisjoint({"added"})
    assert job.additional_properties is not answer


def test_a_mapping_that_is_not_a_dict_is_read() -> None:
    from types import MappingProxyType

    job = xc.ComplianceJob.from_dict(MappingProxyType({**JOB, "priority": "high"}))

    assert job.id == JOB["id"] and job["priority"] == "high"


# Each model with only its required fields: from_dict tells an additional key by counting the
# fields it read, which holds only while an absent optional field reads as UNSET.
REQUIRED_ONLY: dict[str, dict[str, Any]] = {
    "ComplianceJob": JOB,
    "ComplianceJobListResponse": {},
    "ComplianceJobResponse": {},
    "ComplianceResult": {
        "id": "1",
        "action": "delete",
        "reason": "deleted",
        "created_at": JOB["created_at"],
    },
    "CreateComplianceJobRequest": {"type": "tweets"},
    "InvalidRequestError": {"message": "The `type` query parameter value [DUMMY] is not valid"},
    "InvalidRequestErrorParameters": {},
    "InvalidRequestProblem": {"type": "about:blank", "title": "Invalid Request"},
    "ListMeta": {},
    "Problem": {"type": "about:blank", "title": "Not Found Error"},
}


@pytest.mark.parametrize("name", sorted(REQUIRED_ONLY))
def test_an_unknown_key_beside_absent_optional_fields_is_kept(name: str) -> None:
    import x_compliance_api.models as models

    model = getattr(models, name)
    extra = [["kept"]] if name == "InvalidRequestErrorParameters" else {"nested": True}

    parsed = model.from_dict({**REQUIRED_ONLY[name], "x_unknown": extra})

    assert parsed.additional_properties == {"x_unknown": extra}


def test_every_model_with_additional_properties_is_covered() -> None:
    import x_compliance_api.models as models

    with_extras = {name for name in models.__all__ if hasattr(getattr(models, name), "additional_properties")}
    assert with_extras == set(REQUIRED_ONLY)


def test_absent_optional_fields_are_unset() -> None:
    job = xc.ComplianceJob.from_dict(JOB)

    assert job.name is UNSET and job.resumable is UNSET and job.error is UNSET
    assert "name" not in job.to_dict()


def test_failed_job_keeps_error() -> None:
    job = xc.ComplianceJob.from_dict({**JOB, "status": "failed", "error": "Line 3 is invalid"})

    assert job.status == xc.JobStatus.FAILED
    assert job.error == "Line 3 is invalid"


@pytest.mark.parametrize(
    "stamp",
    [
        "2021-08-05T01:35:11.000Z",
        "2021-08-05T01:35:11Z",
        "2021-08-05T01:35:11.421Z",
        "2021-08-05T01:35:11+00:00",
        "2021-08-05T03:35:11+02:00",
    ],
)
def test_timestamp_forms_parse_tz_aware(stamp: str) -> None:
    job = xc.ComplianceJob.from_dict({**JOB, "created_at": stamp})

    assert job.created_at.utcoffset() is not None
    assert job.created_at.timestamp() in (1628127311.0, 1628127311.421)


@pytest.mark.parametrize(
    "stamp", ["2021-08-05T01:35:11.000", "2021-08-05T01:35:11", "2021-08-05 01:35:11.421"]
)
def test_timestamp_without_offset_is_taken_as_utc(stamp: str) -> None:
    job = xc.ComplianceJob.from_dict(
        {**JOB, "created_at": stamp, "upload_expires_at": stamp, "download_expires_at": stamp}
    )

    for moment in (job.created_at, job.upload_expires_at, job.download_expires_at):
        assert moment.tzinfo is dt.UTC
        assert moment.timestamp() in (1628127311.0, 1628127311.421)
    assert job.created_at < dt.datetime.now(dt.UTC)  # compares with aware datetimes: no TypeError


def test_result_timestamps_without_offset_are_taken_as_utc() -> None:
    result = GeneratedResult.from_dict(
        {"id": "1", "action": "delete", "reason": "deleted", "created_at": "2021-08-05T01:35:11",
         "redacted_at": "2021-08-06T01:35:11"}
    )  # fmt: skip

    assert result.created_at.tzinfo is dt.UTC
    assert not isinstance(result.redacted_at, Unset) and result.redacted_at.tzinfo is dt.UTC


# Reading the models -----------------------------------------------------------------------------


def test_job_type_is_readable_as_type() -> None:
    job = xc.ComplianceJob.from_dict(JOB)

    assert job.type == xc.JobType.TWEETS
    assert job.type is job.type_


def test_problem_type_is_readable_as_type() -> None:
    problem = Problem.from_dict({"type": "about:blank", "title": "Unauthorized"})

    assert problem.type == "about:blank" == problem.type_


def test_type_is_a_view_that_leaves_fields_dict_and_evolve_alone() -> None:
    job = xc.ComplianceJob.from_dict(JOB)

    users = attrs.evolve(job, type_=xc.JobType.USERS)

    assert "type" not in {field.name for field in attrs.fields(xc.ComplianceJob)}
    assert users.type == xc.JobType.USERS and job.type == xc.JobType.TWEETS
    assert xc.ComplianceJob.from_dict(job.to_dict()) == job
    assert job.to_dict()["type"] == "tweets" and "type_" not in job.to_dict()


def test_repr_leaves_out_absent_fields() -> None:
    job = xc.ComplianceJob.from_dict(JOB)

    text = repr(job)

    assert "Unset" not in text and "UNSET" not in text
    assert "name=" not in text and "error=" not in text and "additional_properties" not in text
    assert text.startswith("ComplianceJob(id='1423095206576984067', type_=<JobType.TWEETS: 'tweets'>")


def test_repr_shows_fields_that_are_present_even_when_false_or_empty() -> None:
    job = xc.ComplianceJob.from_dict({**JOB, "name": "", "resumable": False, "priority": "high"})

    text = repr(job)

    assert "name=''" in text and "resumable=False" in text
    assert "additional_properties={'priority': 'high'}" in text


def test_unset_reads_as_unset() -> None:
    assert repr(UNSET) == "UNSET"


@pytest.mark.parametrize("copy_of", [copy.copy, copy.deepcopy, lambda x: pickle.loads(pickle.dumps(x))])
def test_copies_of_a_job_keep_absent_fields_as_the_one_unset(copy_of: Callable[[Any], Any]) -> None:
    job = xc.ComplianceJob.from_dict({**JOB, "status": "archived", "priority": "high"})

    copied = copy_of(job)

    assert copied == job and copied.name is UNSET and copied.error is UNSET
    assert "name" not in copied.to_dict()
    assert copied.status == "archived" and copied["priority"] == "high"


def test_list_without_data_or_meta() -> None:
    parsed = xc.ComplianceJobListResponse.from_dict({})

    assert parsed.data is UNSET and parsed.meta is UNSET

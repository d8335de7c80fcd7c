"""Every body recorded from the real X API validates against the spec's schemas."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest

from tests.conftest import REAL_RESPONSES
from tests.real_responses import bodies, kind, load
from tests.spec.schema import component, operation_for, validate_response, validator_for

SCHEMA_BY_KIND = {
    "list": "ComplianceJobListResponse",
    "job_response": "ComplianceJobResponse",
    "job": "ComplianceJob",
    "result": "ComplianceResult",
    "problem": "Problem",
}
ALL_BODIES = bodies(REAL_RESPONSES) if REAL_RESPONSES.is_dir() else []
# Recordings whose request and status were kept beside them (tweepy's cassettes).
WITH_REQUEST = sorted(REAL_RESPONSES.glob("*.meta.json")) if REAL_RESPONSES.is_dir() else []


@pytest.mark.parametrize("path", ALL_BODIES, ids=lambda p: p.name)
def test_recorded_body_validates(real_responses: Path, path: Path) -> None:
    body = load(path)

    validator_for(component(SCHEMA_BY_KIND[kind(body)])).validate(body)


@pytest.mark.parametrize("meta_path", WITH_REQUEST, ids=lambda p: p.name)
def test_recorded_answer_validates_against_its_operation(real_responses: Path, meta_path: Path) -> None:
    meta = load(meta_path)
    body = load(meta_path.with_name(meta_path.name.replace(".meta.json", ".json")))
    operation_id = operation_for(meta["request"]["method"], urlsplit(meta["request"]["uri"]).path)

    validate_response(operation_id, meta["status"]["code"], body)


def test_operation_for_names_the_three_operations() -> None:
    assert operation_for("GET", "/2/compliance/jobs") == "getComplianceJobs"
    assert operation_for("POST", "/2/compliance/jobs") == "createComplianceJobs"
    assert operation_for("GET", "/2/compliance/jobs/1423095206576984067") == "getComplianceJobsById"


def test_validate_response_uses_the_status_range_and_problem_bodies() -> None:
    problem = {"title": "Service Unavailable", "type": "about:blank", "status": 503}

    validate_response("getComplianceJobsById", 503, problem)
    with pytest.raises(jsonschema.ValidationError):
        validate_response("getComplianceJobsById", 401, {"detail": "no title, no type"})


def test_recorded_results_file_validates(real_responses: Path) -> None:
    text = (real_responses / "x-docs_quickstart__download_results_example.jsonl").read_text()
    validator = validator_for(component("ComplianceResult"))

    for line in text.splitlines():
        validator.validate(json.loads(line))


def test_schema_rejects_a_job_without_status() -> None:
    job = {"id": "1", "type": "tweets"}

    errors = list(validator_for(component("ComplianceJob")).iter_errors(job))

    assert any("'status' is a required property" in e.message for e in errors)


def test_schema_rejects_a_numeric_job_id() -> None:
    errors = list(validator_for(component("JobId")).iter_errors(1423095206576984067))

    assert errors


def test_schema_checks_timestamp_format() -> None:
    errors = list(validator_for(component("Timestamp")).iter_errors("yesterday"))

    assert errors

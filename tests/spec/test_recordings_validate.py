"""Every body recorded from the real X API validates against the spec's schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REAL_RESPONSES
from tests.recorded import bodies, kind, load
from tests.spec.schema import component, validator_for

SCHEMA_BY_KIND = {
    "list": "ComplianceJobListResponse",
    "job_response": "ComplianceJobResponse",
    "job": "ComplianceJob",
    "result": "ComplianceResult",
    "problem": "Problem",
}
ALL_BODIES = bodies(REAL_RESPONSES) if REAL_RESPONSES.is_dir() else []


@pytest.mark.parametrize("path", ALL_BODIES, ids=lambda p: p.name)
def test_recorded_body_validates(real_responses: Path, path: Path) -> None:
    body = load(path)

    validator_for(component(SCHEMA_BY_KIND[kind(body)])).validate(body)


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

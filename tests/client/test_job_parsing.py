"""The client's fast job parser gives exactly what the generated ``ComplianceJob.from_dict`` gives.

``_api.job_from_dict`` builds the jobs of get and list answers (for speed, see ``_api``); it must
agree with the generated parser on every job, refuse what it refuses, and know every field of the
model, so that a field added to the spec cannot be dropped silently.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from tests.client.scripted import JOB
from x_compliance._api import JOB_FIELDS, job_from_dict
from x_compliance_api.models import ComplianceJob

VARIANTS: list[dict[str, Any]] = [
    JOB,
    {**JOB, "status": "expired", "name": "stored-posts", "resumable": True},
    {**JOB, "status": "failed", "error": "Line 3 is not a valid ID"},
    {**JOB, "status": "archived", "type": "spaces"},  # values X may add: kept as raw strings
    {**JOB, "created_at": "2013-03-26T02:46:15+00:00", "upload_expires_at": "2021-08-05T01:35:11Z"},
    {**JOB, "region": "eu", "meta": {"x": 1}},  # unknown fields: kept
    {k: v for k, v in JOB.items() if k != "resumable"},
]
REFUSED: list[dict[str, Any]] = [
    {k: v for k, v in JOB.items() if k != "status"},
    {**JOB, "created_at": "soon"},
    {**JOB, "created_at": 1633592478},
    {**JOB, "status": 3},
    {**JOB, "type": ["tweets"]},
]


def jobs_in(folder: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text()).get("data")
        except (ValueError, AttributeError):
            continue
        found += [job for job in (data if isinstance(data, list) else [data]) if isinstance(job, dict)]
    return found


@pytest.mark.parametrize("record", VARIANTS)
def test_same_job_as_the_generated_parser(record: dict[str, Any]) -> None:
    assert job_from_dict(record) == ComplianceJob.from_dict(record)


@pytest.mark.shared
def test_same_jobs_as_the_generated_parser_for_real_answers(real_responses: Path) -> None:
    records = [job for job in jobs_in(real_responses) if "status" in job]

    assert len(records) >= 10
    for record in records:
        assert job_from_dict(record) == ComplianceJob.from_dict(record), record["id"]


@pytest.mark.parametrize("record", REFUSED)
def test_refuses_what_the_generated_parser_refuses(record: dict[str, Any]) -> None:
    with pytest.raises((ValueError, KeyError, TypeError)):
        ComplianceJob.from_dict(record)
    with pytest.raises((ValueError, KeyError, TypeError)):
        job_from_dict(record)


def test_knows_every_field_of_the_model() -> None:
    model_fields = {field.name.removesuffix("_") for field in attrs.fields(ComplianceJob) if field.init}

    assert model_fields == JOB_FIELDS

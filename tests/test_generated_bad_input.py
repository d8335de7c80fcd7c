"""What the generated code does with bodies it cannot parse.

This is the inventory the client's error mapping is built on (see the README's table): each case
below raises a plain Python exception from the generated layer, which ``x_compliance`` must turn
into a typed ``APIError`` carrying the status and an excerpt.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

import x_compliance as xc
from tests.test_models_tolerance import JOB
from x_compliance_api import AuthenticatedClient
from x_compliance_api.api.compliance import get_compliance_jobs_by_id


def client_answering(status: int, content: bytes, content_type: str) -> AuthenticatedClient:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=content, headers={"content-type": content_type})

    http = httpx.Client(base_url="https://api.x.com", transport=httpx.MockTransport(handler))
    return AuthenticatedClient(base_url="https://api.x.com", token="t").set_httpx_client(http)


def test_html_body_raises_json_decode_error() -> None:
    client = client_answering(502, b"<html><body>Bad Gateway</body></html>", "text/html")

    with pytest.raises(json.JSONDecodeError):
        get_compliance_jobs_by_id.sync_detailed("1", client=client)


def test_missing_required_field_raises_key_error() -> None:
    body = {k: v for k, v in JOB.items() if k != "status"}

    with pytest.raises(KeyError, match="status"):
        xc.ComplianceJob.from_dict(body)


def test_bad_timestamp_raises_value_error() -> None:
    with pytest.raises(ValueError):
        xc.ComplianceJob.from_dict({**JOB, "created_at": "yesterday"})


def test_timestamp_of_wrong_type_raises_type_error() -> None:
    with pytest.raises(TypeError):
        xc.ComplianceJob.from_dict({**JOB, "created_at": 1628127311})


def test_data_of_wrong_shape_raises_value_error() -> None:
    with pytest.raises(ValueError, match="dictionary update sequence"):
        xc.ComplianceJobResponse.from_dict({"data": [JOB]})


def test_non_string_enum_value_raises_value_error() -> None:
    with pytest.raises(ValueError):
        xc.ComplianceJob.from_dict({**JOB, "status": 3})


def test_unknown_status_does_not_raise() -> None:
    body: dict[str, Any] = {"data": {**JOB, "status": "archived"}}
    client = client_answering(200, json.dumps(body).encode(), "application/json")

    parsed = get_compliance_jobs_by_id.sync_detailed("1", client=client).parsed

    assert isinstance(parsed, xc.ComplianceJobResponse)
    assert parsed.data.status == "archived"

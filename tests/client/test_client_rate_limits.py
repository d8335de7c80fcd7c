"""``rate_limits``: the last x-rate-limit-* values seen, per endpoint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import httpx
import pytest

import x_compliance as xc
from tests.client.scripted import JOB, Driver, job_response, json_response, rate_headers
from x_compliance.rate_limits import rate_limit_headers

Api = Callable[..., Driver]


def test_rate_limits_are_kept_per_endpoint(api: Api) -> None:
    x = api(
        json_response(200, {"data": [JOB]}, rate_headers(remaining=140, reset=1633593378)),
        job_response(),
        json_response(200, {"data": JOB}, rate_headers(remaining=3, reset=1633593999)),
    )

    x.list_jobs("tweets")
    x.get_job("1")
    x.create_job("tweets")

    limits = x.client.rate_limits
    assert set(limits) == {
        "GET /2/compliance/jobs",
        "GET /2/compliance/jobs/:id",
        "POST /2/compliance/jobs",
    }
    assert limits["GET /2/compliance/jobs"] == xc.RateLimit(
        limit=150, remaining=140, reset_at=dt.datetime(2021, 10, 7, 7, 56, 18, tzinfo=dt.UTC)
    )
    assert limits["POST /2/compliance/jobs"].remaining == 3


def test_later_answer_replaces_earlier(api: Api) -> None:
    x = api(
        json_response(200, {"data": JOB}, rate_headers(remaining=10)),
        json_response(200, {"data": JOB}, rate_headers(remaining=9)),
    )

    x.get_job("1")
    x.get_job("1")

    assert x.client.rate_limits["GET /2/compliance/jobs/:id"].remaining == 9


def test_invalid_headers_keep_last_good_reading_less_requests_since(api: Api) -> None:
    bad = [
        {"x-rate-limit-limit": "150", "x-rate-limit-remaining": "-1", "x-rate-limit-reset": "1"},
        {"x-rate-limit-limit": "lots", "x-rate-limit-remaining": "1", "x-rate-limit-reset": "1"},
        {},
    ]
    answers = [json_response(200, {"data": JOB}, rate_headers(remaining=42))]
    answers += [httpx.Response(200, json={"data": JOB}, headers=h) for h in bad]
    x = api(*answers)

    for _ in answers:
        x.get_job("1")

    # the last good reading, less the three requests sent since (whose answers said nothing)
    assert x.client.rate_limits["GET /2/compliance/jobs/:id"].remaining == 39


def test_rate_limits_is_a_copy(api: Api) -> None:
    x = api(job_response())
    x.get_job("1")

    x.client.rate_limits.clear()

    assert x.client.rate_limits


def test_error_answers_update_rate_limits(api: Api) -> None:
    x = api(json_response(404, {"title": "Not Found", "type": "about:blank"}, rate_headers(remaining=7)))

    with pytest.raises(xc.NotFoundError):
        x.get_job("1")

    assert x.client.rate_limits["GET /2/compliance/jobs/:id"].remaining == 7


def test_rate_limit_headers_are_picked_from_raw_headers_in_any_case() -> None:
    raw = [(b"Content-Type", b"application/json"), (b"X-Rate-Limit-Reset", b"1633593379")]
    raw += [(b"x-rate-limit-limit", b"150"), (b"x-rate-limit-remaining", b"149")]

    assert rate_limit_headers(raw) == {
        "x-rate-limit-reset": "1633593379",
        "x-rate-limit-limit": "150",
        "x-rate-limit-remaining": "149",
    }

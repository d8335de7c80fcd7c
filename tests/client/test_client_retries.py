"""Retries: what is retried, how long the client waits, and what never is."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from collections.abc import Callable

import httpx
import pytest

import x_compliance as xc
from tests.client.scripted import JOB, Driver, job_response, json_response, problem, rate_headers, reset_in

Api = Callable[..., Driver]
TOO_MANY = {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}


def test_503_twice_then_200(api: Api) -> None:
    x = api(
        problem(503, "Service Unavailable", "x"), problem(503, "Service Unavailable", "x"), job_response()
    )

    job = x.get_job("1")

    assert job.id == "1446017776678801409"
    assert len(x.script.requests) == 3
    assert len(x.sleeps) == 2
    assert 0.375 <= x.sleeps[0] <= 0.5
    assert 0.75 <= x.sleeps[1] <= 1.0


def test_connection_error_then_200(api: Api) -> None:
    x = api(httpx.ConnectError("connection refused"), job_response())

    assert x.get_job("1").id == "1446017776678801409"
    assert len(x.sleeps) == 1


def test_read_timeout_on_get_is_retried(api: Api) -> None:
    x = api(httpx.ReadTimeout("timed out"), job_response())

    assert x.get_job("1").status == xc.JobStatus.CREATED
    assert len(x.script.requests) == 2


def test_connection_errors_exhaust_retries(api: Api) -> None:
    x = api(*(httpx.ConnectError("connection refused") for _ in range(3)))

    with pytest.raises(xc.APIConnectionError, match="after 3 attempts: ConnectError"):
        x.list_jobs("tweets")

    assert len(x.script.requests) == 3


def test_timeouts_exhaust_retries_as_timeout_error(api: Api) -> None:
    x = api(*(httpx.ReadTimeout("timed out") for _ in range(3)))

    with pytest.raises(xc.APITimeoutError):
        x.get_job("1")


def test_max_retries_zero_sends_once(api: Api) -> None:
    x = api(problem(503, "Service Unavailable", "x"), max_retries=0)

    with pytest.raises(xc.ServerError):
        x.get_job("1")

    assert len(x.script.requests) == 1 and x.sleeps == []


def test_backoff_doubles_and_is_capped() -> None:
    policy = xc.RetryPolicy(initial_backoff=0.5, max_backoff=3.0, jitter=0.0)

    assert [policy.backoff(n) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_jitter_shortens_by_at_most_its_fraction() -> None:
    low = xc.RetryPolicy(jitter=0.25, random=lambda: 1.0)
    high = xc.RetryPolicy(jitter=0.25, random=lambda: 0.0)

    assert (low.backoff(1), high.backoff(1)) == (0.375, 0.5)


def test_429_with_near_reset_waits_then_retries(api: Api) -> None:
    x = api(json_response(429, TOO_MANY, rate_headers(0, reset_in(1))), job_response())

    assert x.get_job("1").id == "1446017776678801409"
    (slept,) = x.sleeps
    assert 0.25 <= slept <= 2.25


def test_429_with_retry_after_only(api: Api) -> None:
    answer = httpx.Response(429, content=json.dumps(TOO_MANY).encode(), headers={"retry-after": "2"})
    x = api(answer, job_response())

    x.get_job("1")

    assert 2.0 <= x.sleeps[0] <= 2.5


def http_date(moment: dt.datetime) -> str:
    return email.utils.format_datetime(moment, usegmt=True)


def test_429_with_retry_after_as_http_date_waits_until_then(api: Api) -> None:
    x_now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    headers = {"date": http_date(x_now), "retry-after": http_date(x_now + dt.timedelta(seconds=3))}
    answer = httpx.Response(429, content=json.dumps(TOO_MANY).encode(), headers=headers)
    x = api(answer, job_response())

    x.get_job("1")

    assert 3.0 <= x.sleeps[0] <= 3.5


def skewed_clock(offset: dt.timedelta) -> Callable[[], dt.datetime]:
    return lambda: dt.datetime.now(dt.UTC) + offset


def x_rate_headers(remaining: int, reset_in: int) -> dict[str, str]:
    """X's headers: its Date, and a reset ``reset_in`` seconds after it, on X's (correct) clock."""
    x_now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    reset = int(x_now.timestamp()) + reset_in
    return {"date": http_date(x_now), **rate_headers(remaining, reset)}


@pytest.mark.parametrize("skew_minutes", [-10, 10])
def test_429_with_near_reset_is_waited_out_whatever_the_local_clock_says(api: Api, skew_minutes: int) -> None:
    x = api(
        json_response(429, TOO_MANY, x_rate_headers(remaining=0, reset_in=5)),
        job_response(),
        clock=skewed_clock(dt.timedelta(minutes=skew_minutes)),
    )

    assert x.get_job("1").id == "1446017776678801409"
    (slept,) = x.sleeps
    assert 5.0 <= slept <= 5.5  # from X's Date, not 10 minutes either way from the local clock


def test_empty_bucket_with_near_reset_is_waited_out_when_the_local_clock_is_behind(api: Api) -> None:
    x = api(
        json_response(200, {"data": JOB}, x_rate_headers(remaining=0, reset_in=5)),
        job_response(),
        clock=skewed_clock(dt.timedelta(minutes=-10)),
    )
    x.get_job("1")

    x.get_job("1")

    (slept,) = x.sleeps
    assert 5.0 <= slept <= 5.5
    assert len(x.script.requests) == 2


def test_429_with_reset_an_hour_ahead_raises(api: Api) -> None:
    x = api(json_response(429, TOO_MANY, rate_headers(0, reset_in(3600))))

    with pytest.raises(xc.RateLimitError) as caught:
        x.get_job("1")

    assert caught.value.reset_at is not None
    assert x.sleeps == [] and len(x.script.requests) == 1


def test_rate_limit_wait_bound_is_configurable(api: Api) -> None:
    policy = xc.RetryPolicy(max_rate_limit_wait=7200)
    x = api(
        json_response(429, TOO_MANY, rate_headers(0, reset_in(3600))), job_response(), retry_policy=policy
    )

    x.get_job("1")

    assert 3598 <= x.sleeps[0] <= 3602


def test_create_job_retried_after_429(api: Api) -> None:
    x = api(json_response(429, TOO_MANY, rate_headers(0, reset_in(1))), job_response())

    assert x.create_job("tweets").status == xc.JobStatus.CREATED
    assert len(x.script.requests) == 2


def test_create_job_retried_when_connection_never_opened(api: Api) -> None:
    x = api(httpx.ConnectError("connection refused"), job_response())

    assert x.create_job("tweets").id == "1446017776678801409"
    assert len(x.script.requests) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409])
def test_client_errors_are_not_retried(api: Api, status: int) -> None:
    x = api(problem(status, "No", "no"))

    with pytest.raises(xc.APIError):
        x.get_job("1")

    assert len(x.script.requests) == 1


def test_backoff_after_a_million_retries_is_the_cap() -> None:
    policy = xc.RetryPolicy(max_retries=10**6, initial_backoff=0.5, max_backoff=8.0, jitter=0.0)

    assert policy.backoff(10**6) == 8.0


@pytest.mark.parametrize(("multiplier", "cap"), [(1.0, 0.5), (1.5, 8.0), (2.0, 8.0), (10.0, 8.0)])
def test_backoff_never_overflows_whatever_the_multiplier(multiplier: float, cap: float) -> None:
    policy = xc.RetryPolicy(multiplier=multiplier, max_backoff=8.0, jitter=0.0)

    assert [policy.backoff(n) for n in (10**3, 10**6, 10**18)] == [cap, cap, cap]

"""How a wait decides, without I/O: the ``Poller``'s delays over runs of any length, and what a
poll that failed means for the wait."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import httpx
import pytest

import x_compliance as xc
from tests.client.scripted import JOB, job_response, problem
from x_compliance import _constants as c
from x_compliance._exchange import Exchange
from x_compliance._wait import Poller
from x_compliance.rate_limits import GET_JOB, RateLimits, rate_limit_headers

RUNNING = xc.ComplianceJob.from_dict({**JOB, "status": "in_progress"})
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_poll_delay_after_a_million_polls_is_the_cap() -> None:
    poller = Poller(timeout=None, started=0.0, polls=10**6)

    delay, poll = poller.next_poll(RUNNING, None, NOW, clock=0.0)

    assert (delay, poll) == (c.POLL_MAX, True)


def test_poll_delays_grow_by_the_multiplier_up_to_the_cap() -> None:
    delays = []
    for polls in range(1, 14):
        delay, _ = Poller(timeout=None, started=0.0, polls=polls).next_poll(RUNNING, None, NOW, clock=0.0)
        delays.append(delay)

    assert delays[:4] == [0.5, 0.75, 1.125, 1.6875]
    assert delays[-1] == c.POLL_MAX and max(delays) == c.POLL_MAX
    assert delays == sorted(delays)


@pytest.mark.parametrize("remaining", [100, 0])
def test_a_bucket_that_resets_in_centuries_pauses_the_wait_at_most_an_hour(remaining: int) -> None:
    far = xc.RateLimit(limit=150, remaining=remaining, reset_at=dt.datetime.max.replace(tzinfo=dt.UTC))
    poller = Poller(timeout=None, started=0.0, polls=3)

    delay, poll = poller.next_poll(RUNNING, far, NOW, clock=0.0)

    assert poll and 0 < delay <= c.POLL_PAUSE_MAX


# A poll that failed ------------------------------------------------------------------------------

TRANSIENT = [
    xc.APIConnectionError("GET /2/compliance/jobs/1 failed after 3 attempts: ConnectError"),
    xc.APITimeoutError("GET /2/compliance/jobs/1 failed after 3 attempts: ReadTimeout"),
    xc.ServerError("503 Service Unavailable", status_code=503),
    xc.RateLimitError("429 Too Many Requests", status_code=429, reset_at=None),
]
FINAL = [
    xc.AuthenticationError("401 Unauthorized", status_code=401),
    xc.PermissionDeniedError("403 Forbidden", status_code=403),
    xc.NotFoundError("job 1 was not found", status_code=404),
    xc.BadRequestError("400 Invalid Request", status_code=400),
    xc.JobFailedError("job 1 failed", job=RUNNING),
    xc.JobExpiredError("job 1 expired", job=RUNNING),
    ValueError("not an error of X's"),
]


@pytest.mark.parametrize("error", TRANSIENT, ids=lambda e: type(e).__name__)
def test_transient_poll_failure_is_a_missed_poll(error: Exception) -> None:
    poller = Poller(timeout=3600, started=0.0, polls=1)

    delay = poller.after_failed_poll(error, RUNNING, NOW, clock=10.0)

    assert 0 < delay <= c.POLL_MAX
    assert poller.misses == 1 and poller.last_error is error


@pytest.mark.parametrize("error", FINAL, ids=lambda e: type(e).__name__)
def test_poll_failure_that_cannot_heal_ends_the_wait(error: Exception) -> None:
    poller = Poller(timeout=3600, started=0.0, polls=1)

    with pytest.raises(type(error)) as caught:
        poller.after_failed_poll(error, RUNNING, NOW, clock=10.0)

    assert caught.value is error


def test_missed_polls_back_off_like_polls_up_to_the_cap() -> None:
    poller = Poller(timeout=None, started=0.0, polls=1)
    outage = xc.ServerError("503 Service Unavailable", status_code=503)

    delays = [poller.after_failed_poll(outage, RUNNING, NOW, clock=0.0) for _ in range(40)]

    assert delays[:3] == [0.75, 1.125, 1.6875]
    assert delays == sorted(delays) and delays[-1] == c.POLL_MAX


def test_missed_polls_over_a_million_never_overflow() -> None:
    poller = Poller(timeout=None, started=0.0, polls=10**6, misses=10**6)

    delay = poller.after_failed_poll(xc.APIConnectionError("reset"), RUNNING, NOW, clock=0.0)

    assert delay == c.POLL_MAX


def test_missed_poll_after_a_429_waits_for_its_reset() -> None:
    poller = Poller(timeout=None, started=0.0, polls=1)
    limited = xc.RateLimitError("429", status_code=429, reset_at=NOW + dt.timedelta(seconds=300))

    delay = poller.after_failed_poll(limited, RUNNING, NOW, clock=0.0)

    assert delay == 300 + c.RATE_LIMIT_MARGIN


def test_missed_poll_sleeps_no_later_than_the_deadline() -> None:
    poller = Poller(timeout=60, started=0.0, polls=40)

    delay = poller.after_failed_poll(xc.ServerError("502", status_code=502), RUNNING, NOW, clock=50.0)

    assert delay == 10.0


def test_missed_poll_at_the_deadline_times_out_naming_the_error() -> None:
    poller = Poller(timeout=60, started=0.0, polls=5)
    outage = xc.ServerError("503 Service Unavailable: down for maintenance", status_code=503)

    with pytest.raises(xc.WaitTimeoutError, match="ServerError: 503 Service Unavailable") as caught:
        poller.after_failed_poll(outage, RUNNING, NOW, clock=61.0)

    assert caught.value.job is RUNNING and caught.value.__cause__ is outage


def test_a_poll_that_answers_forgets_the_missed_ones() -> None:
    poller = Poller(timeout=60, started=0.0, polls=1)
    poller.after_failed_poll(xc.APIConnectionError("reset"), RUNNING, NOW, clock=1.0)

    poller.finished(RUNNING)

    assert (poller.misses, poller.last_error) == (0, None)
    assert "failed" not in str(poller.timed_out(RUNNING, clock=61.0))


# The wait through a client -----------------------------------------------------------------------


def _unavailable() -> httpx.Response:
    return httpx.Response(503, content=b"<html>Service Unavailable</html>")


def test_wait_outlives_polls_that_fail_after_their_retries(api: Any) -> None:
    # given a job still running, then a bad minute (every poll's attempts answer 503), then complete
    x = api(
        job_response(status="in_progress"),
        *[_unavailable()] * 6,  # two polls, each failing its three attempts
        job_response(status="complete", download_expires_at="2099-01-01T00:00:00.000Z"),
        max_retries=2,
    )

    # when the wait polls through it
    done = x.wait_for_job(JOB["id"])

    # then the failed polls were missed polls, and the wait ended when the job completed
    assert done.status == "complete"
    assert len(x.script.requests) == 8


def test_wait_ends_at_once_on_an_error_that_cannot_heal(api: Any) -> None:
    x = api(job_response(status="in_progress"), problem(401, "Unauthorized", "Unauthorized"))

    with pytest.raises(xc.AuthenticationError):
        x.wait_for_job(JOB["id"])

    assert len(x.script.requests) == 2


@pytest.mark.parametrize(
    ("failure", "named"),
    [(_unavailable, "ServerError"), (lambda: httpx.ConnectError("refused"), "APIConnectionError")],
    ids=["503", "no connection"],
)
def test_a_polls_own_retries_end_at_the_waits_deadline(
    api: Any, monkeypatch: pytest.MonkeyPatch, failure: Any, named: str
) -> None:
    # given a job still running, then an outage (every attempt fails), and polls that each retry
    # five times (about 15 s of backoff), on a clock that moves as the client sleeps
    policy = xc.RetryPolicy(max_retries=5, random=lambda: 0.0)  # 0.5 + 1 + 2 + 4 + 8 s, no jitter
    x = api(job_response(status="in_progress"), *[failure() for _ in range(200)], retry_policy=policy)
    monkeypatch.setattr(time, "monotonic", lambda: 1000.0 + sum(x.sleeps))

    # when the wait has 20 s: its second poll starts at 16.75 s, and its retries would run to 32.25 s
    with pytest.raises(xc.WaitTimeoutError, match=named):
        x.wait_for_job(JOB["id"], timeout=20)

    # then no retry of a poll slept past the deadline: the wait ended at it, not a poll's retries later
    assert sum(x.sleeps) == 20, repr(x.sleeps)


def test_an_empty_bucket_that_refills_after_the_deadline_is_not_waited_for() -> None:
    # given a get-job bucket X said is empty for 10 s more
    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    limits = RateLimits()
    reset = str(int((now + dt.timedelta(seconds=10)).timestamp())).encode()
    headers = [
        (b"x-rate-limit-limit", b"150"),
        (b"x-rate-limit-remaining", b"0"),
        (b"x-rate-limit-reset", reset),
    ]
    limits.update(GET_JOB, rate_limit_headers(headers), now)

    def poll(deadline_in: float) -> Exchange:
        return Exchange(
            "GET",
            "https://api.x.com/2/compliance/jobs/1",
            xc.RetryPolicy(),
            True,
            endpoint=GET_JOB,
            rate_limits=limits,
            clock=lambda: now,
            deadline=time.monotonic() + deadline_in,
        )

    # then a poll whose wait ends sooner than the refill (and its margin) is not held for it
    with pytest.raises(xc.RateLimitError):
        poll(10.1).before_attempt()
    assert poll(60).before_attempt() == 10 + c.RATE_LIMIT_MARGIN

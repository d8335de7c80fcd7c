"""One create_job call never makes two jobs, whatever happens to its answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import x_compliance as xc
from tests.client.scripted import JOB, Driver, json_response, problem

Api = Callable[..., Driver]


def stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def made_now(**changes: Any) -> dict[str, Any]:
    return {**JOB, "created_at": stamp(dt.datetime.now(dt.UTC)), **changes}


def listing(*jobs: dict[str, Any]) -> httpx.Response:
    return json_response(200, {"data": list(jobs)} if jobs else {"meta": {"result_count": 0}})


def posts(x: Driver) -> int:
    return sum(r.method == "POST" for r in x.script.requests)


def test_lost_answer_after_read_timeout_returns_the_job_made(api: Api) -> None:
    mine = made_now(id="1500000000000000001", name="nightly")
    x = api(httpx.ReadTimeout("timed out"), listing(mine))

    job = x.create_job("tweets", name="nightly")

    assert job.id == "1500000000000000001"
    assert posts(x) == 1
    assert x.script.requests[1].url.params["type"] == "tweets"


def test_5xx_with_no_job_made_is_sent_again(api: Api) -> None:
    x = api(problem(503, "Service Unavailable", "x"), listing(), json_response(200, {"data": made_now()}))

    job = x.create_job("tweets")

    assert job.status == xc.JobStatus.CREATED
    assert posts(x) == 2
    assert len(x.sleeps) == 1


def test_dropped_connection_and_job_made_returns_it(api: Api) -> None:
    x = api(httpx.RemoteProtocolError("Server disconnected"), listing(made_now(id="7")))

    assert x.create_job("tweets").id == "7"
    assert posts(x) == 1


@pytest.mark.parametrize(
    "other",
    [
        made_now(id="8", name="someone-else"),
        made_now(id="8", type="users"),
        made_now(id="8", status="complete"),
        made_now(id="8", created_at=stamp(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))),
    ],
    ids=["other-name", "other-type", "not-created", "older"],
)
def test_jobs_this_call_did_not_make_are_not_taken(api: Api, other: dict[str, Any]) -> None:
    x = api(httpx.ReadTimeout("timed out"), listing(other), json_response(200, {"data": made_now(id="9")}))

    assert x.create_job("tweets").id == "9"
    assert posts(x) == 2


def test_failed_lookup_raises_saying_the_job_may_exist(api: Api) -> None:
    x = api(httpx.ReadTimeout("timed out"), problem(401, "Unauthorized", "Unauthorized"))

    with pytest.raises(xc.APITimeoutError, match=r"may have been created .*401 Unauthorized"):
        x.create_job("tweets")

    assert posts(x) == 1


def test_gives_up_after_max_retries_when_no_job_appears(api: Api) -> None:
    x = api(
        problem(502, "Bad Gateway", "x"),
        listing(),
        problem(502, "Bad Gateway", "x"),
        listing(),
        max_retries=1,
    )

    with pytest.raises(xc.ServerError, match="502"):
        x.create_job("tweets")

    assert posts(x) == 2


def test_connection_never_opened_is_retried_without_lookup(api: Api) -> None:
    x = api(httpx.ConnectError("refused"), json_response(200, {"data": made_now()}))

    x.create_job("tweets")

    assert [r.method for r in x.script.requests] == ["POST", "POST"]


def test_conflict_is_not_retried_or_looked_up(api: Api) -> None:
    x = api(problem(409, "Conflict", "You cannot create a new job if one is already in progress."))

    with pytest.raises(xc.ConflictError):
        x.create_job("tweets")

    assert len(x.script.requests) == 1


def test_late_conflict_after_lost_answer_finds_the_job(api: Api) -> None:
    x = api(
        httpx.ReadTimeout("timed out"),
        listing(),
        problem(409, "Conflict", "You cannot create a new job if one is already in progress."),
        listing(made_now(id="11")),
    )

    assert x.create_job("tweets").id == "11"
    assert posts(x) == 2


def test_late_conflict_with_no_job_of_ours_raises_conflict(api: Api) -> None:
    x = api(
        httpx.ReadTimeout("timed out"),
        listing(),
        problem(409, "Conflict", "You cannot create a new job if one is already in progress."),
        listing(made_now(id="12", name="someone-else")),
    )

    with pytest.raises(xc.ConflictError):
        x.create_job("tweets")

    assert posts(x) == 2


@pytest.mark.parametrize(
    ("status", "title", "error_class"),
    [(503, "Service Unavailable", xc.ServerError), (409, "Conflict", xc.ConflictError)],
)
def test_failed_lookup_keeps_the_error_class(
    api: Api, status: int, title: str, error_class: type[xc.APIError]
) -> None:
    # first attempt lost (timeout), lookup finds nothing, second attempt fails, lookup fails
    x = api(
        httpx.ReadTimeout("timed out"),
        listing(),
        problem(status, title, "x"),
        problem(401, "Unauthorized", "no"),
    )

    with pytest.raises(error_class, match="may have been created") as caught:
        x.create_job("tweets")

    assert caught.value.status_code == status

"""The token and signed URLs' signatures never reach logs, messages or repr."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

import httpx
import pytest

import x_compliance as xc
from tests.client.scripted import JOB, TOKEN, Driver, json_response, problem

Api = Callable[..., Driver]
SIGNATURE = "deadbeefcafe0123456789"


def test_token_absent_from_logs_and_errors_through_failing_calls(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    echo = httpx.Response(401, text=f"<html>bad header: Bearer {TOKEN}</html>")
    unreadable = json_response(200, {"data": {**{k: v for k, v in JOB.items() if k != "id"}}})
    x = api(
        httpx.ConnectError(f"failed with Authorization: Bearer {TOKEN}"),
        httpx.ConnectError("refused"),
        httpx.ConnectError("refused"),
        echo,
        unreadable,
        problem(503, "Service Unavailable", TOKEN),
        json_response(200, {"meta": {"result_count": 0}}),
        problem(409, "Conflict", f"token {TOKEN} and {JOB['upload_url']}"),
        json_response(200, {"meta": {"result_count": 0}}),
        max_retries=2,
    )
    caplog.set_level(logging.DEBUG, logger="x_compliance")
    texts = [repr(x.client)]

    for call in (
        lambda: x.get_job("1"),
        lambda: x.list_jobs("tweets"),
        lambda: x.get_job("1"),
        lambda: x.create_job("tweets"),
    ):
        with pytest.raises(xc.ComplianceError) as caught:
            call()
        texts += [str(caught.value), repr(caught.value)]
        texts += traceback.format_exception(caught.value)

    assert len(x.script.requests) == 9
    everything = "\n".join([*texts, caplog.text])
    assert TOKEN not in everything
    assert SIGNATURE not in everything
    assert "GET api.x.com/2/compliance/jobs -> 401" in caplog.text


def test_requests_are_logged_at_debug_and_retries_at_info(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    x = api(problem(503, "Service Unavailable", "x"), json_response(200, {"data": JOB}))
    caplog.set_level(logging.DEBUG, logger="x_compliance")

    x.get_job("1")

    levels = [(r.levelname, r.getMessage().split(" in ")[0]) for r in caplog.records]
    assert levels[0] == ("DEBUG", "GET api.x.com/2/compliance/jobs/1 -> 503")
    assert levels[1][0] == "INFO" and "503, waiting" in caplog.records[1].getMessage()
    assert "(attempt 2)" in caplog.records[2].getMessage()

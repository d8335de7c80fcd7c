"""Rate limits: a bucket per endpoint and per token, x-rate-limit-* headers, 429 when empty."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.emulator.conftest import api_client
from x_compliance.emulator import Emulator

LIMIT = 3
WINDOW = 900


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(rate_limit=(LIMIT, WINDOW), extra_tokens=["other-app"]) as emulator:
        yield emulator


def list_jobs(api: httpx.Client) -> httpx.Response:
    return api.get("/2/compliance/jobs", params={"type": "tweets"})


def test_default_limit_is_150_per_15_minutes(transport: httpx.HTTPTransport) -> None:
    with Emulator() as emu:
        before = time.time()
        response = list_jobs(api_client(emu, transport))
    assert response.headers["x-rate-limit-limit"] == "150"
    assert before + 900 <= int(response.headers["x-rate-limit-reset"]) <= before + 902


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("GET", "/2/compliance/jobs?type=tweets", None), ("GET", "/2/compliance/jobs/1", None),
     ("POST", "/2/compliance/jobs", {"type": "users"}), ("GET", "/2/compliance/jobs?type=x", None),
     ("POST", "/2/compliance/jobs", {"type": "x"})],
)  # fmt: skip
def test_every_api_answer_carries_rate_limit_headers(
    api: httpx.Client, method: str, path: str, body: object
) -> None:
    # when
    before = time.time()
    response = api.request(method, path, json=body)
    # then
    assert response.headers["x-rate-limit-limit"] == str(LIMIT)
    assert response.headers["x-rate-limit-remaining"] == str(LIMIT - 1)
    assert before + WINDOW <= int(response.headers["x-rate-limit-reset"]) <= before + WINDOW + 2


def test_empty_bucket_answers_429_about_blank(api: httpx.Client) -> None:
    # given
    for _ in range(LIMIT):
        assert list_jobs(api).status_code == 200
    # when
    response = list_jobs(api)
    # then
    assert response.status_code == 429
    assert response.json() == {
        "title": "Too Many Requests",
        "detail": "Too Many Requests",
        "type": "about:blank",
        "status": 429,
    }
    assert response.headers["x-rate-limit-remaining"] == "0"
    assert response.headers["x-rate-limit-limit"] == str(LIMIT)


def test_remaining_counts_down(api: httpx.Client) -> None:
    remaining = [list_jobs(api).headers["x-rate-limit-remaining"] for _ in range(LIMIT)]
    assert remaining == ["2", "1", "0"]


def test_each_endpoint_has_its_own_bucket(api: httpx.Client) -> None:
    # given: the list bucket is empty
    for _ in range(LIMIT + 1):
        list_jobs(api)
    # then: get and create still answer
    assert api.get("/2/compliance/jobs/1").status_code == 200
    assert api.post("/2/compliance/jobs", json={"type": "tweets"}).status_code == 200


def test_each_token_has_its_own_bucket(
    api: httpx.Client, emu: Emulator, transport: httpx.HTTPTransport
) -> None:
    # given
    for _ in range(LIMIT + 1):
        list_jobs(api)
    # when
    other = list_jobs(api_client(emu, transport, "other-app"))
    # then
    assert other.status_code == 200
    assert other.headers["x-rate-limit-remaining"] == str(LIMIT - 1)


def test_bucket_refills_when_the_window_resets(api: httpx.Client, emu: Emulator) -> None:
    # given
    for _ in range(LIMIT + 1):
        list_jobs(api)
    # when
    emu.advance(WINDOW)
    # then
    response = list_jobs(api)
    assert response.status_code == 200
    assert response.headers["x-rate-limit-remaining"] == str(LIMIT - 1)


def test_rejected_request_does_not_act(api: httpx.Client, emu: Emulator) -> None:
    # given: the create bucket is empty (invalid creates count too)
    for _ in range(LIMIT):
        api.post("/2/compliance/jobs", json={"type": "DUMMY"})
    # when
    response = api.post("/2/compliance/jobs", json={"type": "tweets"})
    # then
    assert response.status_code == 429
    assert emu.job_count() == 0


def test_401_carries_no_rate_limit_headers(emu: Emulator, storage: httpx.Client) -> None:
    response = storage.get(emu.base_url + "/2/compliance/jobs", params={"type": "tweets"})
    assert response.status_code == 401
    assert "x-rate-limit-remaining" not in response.headers


def test_date_and_reset_are_on_the_emulators_clock_when_it_is_moved(emu: Emulator, api: httpx.Client) -> None:
    # given: the emulator's clock an hour ahead of this machine's
    emu.advance(3600)
    # when
    response = list_jobs(api)
    # then: X's Date and its reset agree, as they come from one clock
    date = email.utils.parsedate_to_datetime(response.headers["date"]).timestamp()
    assert time.time() + 3590 <= date <= time.time() + 3610
    assert int(response.headers["x-rate-limit-reset"]) - date == pytest.approx(WINDOW, abs=2)

"""Injected faults: statuses, broken connections and delays, for each target."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.emulator.helpers import TEXT, create, get, ids_file, run
from x_compliance.emulator import Emulator

JOBS = "/2/compliance/jobs"


def test_429_fault_answers_xs_body_with_a_near_reset(api: httpx.Client, emu: Emulator) -> None:
    # given
    emu.faults.add("list", status=429, reset_in=5)
    # when
    response = api.get(JOBS, params={"type": "tweets"})
    # then
    assert response.status_code == 429
    assert response.json() == {
        "title": "Too Many Requests",
        "detail": "Too Many Requests",
        "type": "about:blank",
        "status": 429,
    }
    assert response.headers["x-rate-limit-remaining"] == "0"
    assert response.headers["x-rate-limit-limit"] == "150"
    assert 4 <= int(response.headers["x-rate-limit-reset"]) - time.time() <= 6


def test_429_fault_can_reset_far_ahead(api: httpx.Client, emu: Emulator) -> None:
    emu.faults.add("get", status=429, reset_in=900)
    response = api.get(f"{JOBS}/1")
    assert int(response.headers["x-rate-limit-reset"]) - time.time() > 890


@pytest.mark.parametrize("status", [502, 503])
def test_proxy_fault_answers_an_html_page(api: httpx.Client, emu: Emulator, status: int) -> None:
    emu.faults.add("get", status=status)
    response = api.get(f"{JOBS}/1")
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.startswith("<html>")


def test_other_status_fault_answers_a_problem(api: httpx.Client, emu: Emulator) -> None:
    emu.faults.add("list", status=500)
    response = api.get(JOBS, params={"type": "tweets"})
    assert response.status_code == 500
    assert response.json() == {
        "title": "Internal Server Error",
        "detail": "Internal Server Error",
        "type": "about:blank",
        "status": 500,
    }


def test_storage_status_fault_answers_xml(api: httpx.Client, storage: httpx.Client, emu: Emulator) -> None:
    job = run(api, storage, "tweets", ids_file(10))
    emu.faults.add("download", status=500)
    response = storage.get(job["download_url"])
    assert response.status_code == 500
    assert "<Code>InternalError</Code>" in response.text


def test_fault_applies_times_then_requests_succeed(api: httpx.Client, emu: Emulator) -> None:
    emu.faults.add("get", status=503, times=2)
    statuses = [api.get(f"{JOBS}/1").status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert emu.faults.injected == 2
    assert emu.faults.pending() == 0


def test_fault_only_hits_its_target(api: httpx.Client, emu: Emulator) -> None:
    emu.faults.add("create", status=503)
    assert api.get(JOBS, params={"type": "tweets"}).status_code == 200
    assert emu.faults.pending("create") == 1


def test_status_fault_on_create_does_not_create(api: httpx.Client, emu: Emulator) -> None:
    emu.faults.add("create", status=503)
    assert api.post(JOBS, json={"type": "tweets"}).status_code == 503
    assert emu.job_count() == 0


def test_status_fault_after_acting_creates_the_job(api: httpx.Client, emu: Emulator) -> None:
    emu.faults.add("create", status=503, after=True)
    assert api.post(JOBS, json={"type": "tweets"}).status_code == 503
    assert emu.job_count("tweets") == 1
    assert api.post(JOBS, json={"type": "tweets"}).status_code == 409


def test_reset_on_create_loses_the_answer_but_creates_the_job(api: httpx.Client, emu: Emulator) -> None:
    # given
    emu.faults.add("create", reset_after_bytes=10)
    # when
    with pytest.raises(httpx.RemoteProtocolError):
        api.post(JOBS, json={"type": "tweets"})
    # then
    [job] = emu.jobs("tweets")
    assert job["status"] == "created"


def test_reset_sends_headers_and_that_many_bytes_of_the_body(
    api: httpx.Client, storage: httpx.Client, emu: Emulator
) -> None:
    # given
    job = run(api, storage, "tweets", ids_file(*range(10, 1000)))
    size = len(storage.get(job["download_url"]).content)
    emu.faults.add("download", reset_after_bytes=1000)
    # when
    received = b""
    with storage.stream("GET", job["download_url"]) as response:
        assert response.headers["content-length"] == str(size)
        with pytest.raises(httpx.RemoteProtocolError):
            for piece in response.iter_raw():
                received += piece
    # then
    assert len(received) == 1000


def test_reset_larger_than_the_body_still_breaks_it(api: httpx.Client, emu: Emulator) -> None:
    emu.faults.add("get", reset_after_bytes=10**9)
    with pytest.raises(httpx.RemoteProtocolError):
        api.get(f"{JOBS}/1")


def test_reset_on_upload_reads_then_drops_and_stores_nothing(
    api: httpx.Client, storage: httpx.Client, emu: Emulator
) -> None:
    # given
    job = create(api, "tweets")
    emu.faults.add("upload", reset_after_bytes=100)
    # when
    with pytest.raises(httpx.TransportError):
        storage.put(job["upload_url"], content=ids_file(*range(100_000)), headers=TEXT)
    # then
    assert get(api, job["id"])["status"] == "created"
    assert storage.put(job["upload_url"], content=b"10\n", headers=TEXT).status_code == 200


def test_status_fault_on_upload_stores_nothing(
    api: httpx.Client, storage: httpx.Client, emu: Emulator
) -> None:
    job = create(api, "tweets")
    emu.faults.add("upload", status=503)
    assert storage.put(job["upload_url"], content=b"10\n", headers=TEXT).status_code == 503
    assert get(api, job["id"])["status"] == "created"


def test_status_fault_after_an_upload_stores_it(
    api: httpx.Client, storage: httpx.Client, emu: Emulator
) -> None:
    job = create(api, "tweets")
    emu.faults.add("upload", status=503, after=True)
    assert storage.put(job["upload_url"], content=b"10\n", headers=TEXT).status_code == 503
    assert get(api, job["id"])["status"] == "complete"


def test_delay_holds_the_answer(api: httpx.Client, emu: Emulator) -> None:
    emu.faults.add("list", delay=0.3)
    started = time.monotonic()
    response = api.get(JOBS, params={"type": "tweets"})
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3


def test_delay_beyond_the_clients_timeout_times_it_out(api: httpx.Client, emu: Emulator) -> None:
    emu.faults.add("get", delay=0.5)
    with pytest.raises(httpx.ReadTimeout):
        api.get(f"{JOBS}/1", timeout=0.1)


@pytest.mark.parametrize(
    "arguments",
    [
        {"target": "delete"},
        {"target": "get"},
        {"target": "get", "status": 200},
        {"target": "get", "status": 503, "reset_after_bytes": 1},
        {"target": "get", "delay": -1},
        {"target": "get", "status": 503, "times": 0},
        {"target": "get", "delay": 1, "after": True},
    ],
)
def test_fault_arguments_are_checked(emu: Emulator, arguments: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        emu.faults.add(**arguments)  # type: ignore[arg-type]


def test_clear_drops_pending_faults(api: httpx.Client, emu: Emulator) -> None:
    emu.faults.add("get", status=503, times=5)
    emu.faults.clear()
    assert api.get(f"{JOBS}/1").status_code == 200

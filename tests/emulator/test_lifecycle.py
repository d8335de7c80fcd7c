"""Jobs: their JSON, listing, and the lifecycle created -> in_progress -> complete / failed /
expired, read from the emulator's clock."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.emulator.conftest import api_client
from tests.emulator.helpers import create, get, ids_file, run, upload
from x_compliance.emulator import Emulator

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z")
PROCESSING = 30.0


@pytest.fixture
def slow() -> Iterator[Emulator]:
    with Emulator(processing_seconds=PROCESSING) as emulator:
        yield emulator


@pytest.fixture
def slow_api(slow: Emulator, transport: httpx.HTTPTransport) -> httpx.Client:
    return api_client(slow, transport)


def test_new_job_has_every_field_of_the_spec(api: httpx.Client) -> None:
    job = create(api, "users", name="nightly", resumable=True)
    assert list(job) == [
        "id", "type", "status", "name", "resumable", "created_at", "upload_url",
        "upload_expires_at", "download_url", "download_expires_at",
    ]  # fmt: skip
    assert (job["type"], job["status"], job["name"], job["resumable"]) == (
        "users",
        "created",
        "nightly",
        True,
    )
    assert re.fullmatch(r"[0-9]{19}", job["id"])
    for field in ("created_at", "upload_expires_at", "download_expires_at"):
        assert TIMESTAMP.fullmatch(job[field]), field


def test_name_is_absent_unless_given_and_resumable_is_always_present(api: httpx.Client) -> None:
    job = create(api, "tweets")
    assert "name" not in job
    assert job["resumable"] is False
    assert "error" not in job


def test_job_ids_increase(api: httpx.Client) -> None:
    first = create(api, "tweets")
    second = create(api, "users")
    assert int(second["id"]) > int(first["id"])


def test_upload_window_is_15_minutes_and_download_7_days(api: httpx.Client) -> None:
    job = create(api, "tweets")
    assert job["upload_expires_at"][11:19] == _plus_minutes(job["created_at"], 15)
    assert "X-Goog-Expires=900&" in job["upload_url"]
    assert "X-Goog-Expires=604800&" in job["download_url"]


def _plus_minutes(timestamp: str, minutes: int) -> str:
    from datetime import datetime, timedelta

    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00")) + timedelta(minutes=minutes)
    return moment.strftime("%H:%M:%S")


def test_job_is_in_progress_after_upload_then_complete_after_processing_seconds(
    slow: Emulator, slow_api: httpx.Client, storage: httpx.Client
) -> None:
    # given
    job = create(slow_api, "tweets")
    # when
    upload(storage, job, ids_file(10, 11))
    # then
    assert get(slow_api, job["id"])["status"] == "in_progress"
    slow.advance(PROCESSING - 1)
    assert get(slow_api, job["id"])["status"] == "in_progress"
    slow.advance(1)
    assert get(slow_api, job["id"])["status"] == "complete"


def test_job_without_upload_expires_when_the_window_passes(api: httpx.Client, emu: Emulator) -> None:
    job = create(api, "tweets")
    emu.advance(899)
    assert get(api, job["id"])["status"] == "created"
    emu.advance(1)
    assert get(api, job["id"])["status"] == "expired"


def test_expired_job_no_longer_blocks_a_new_one(api: httpx.Client, emu: Emulator) -> None:
    create(api, "tweets")
    emu.advance(900)
    assert api.post("/2/compliance/jobs", json={"type": "tweets"}).status_code == 200


def test_upload_window_is_configurable(transport: httpx.HTTPTransport) -> None:
    with Emulator(upload_window_seconds=60) as emu:
        api = api_client(emu, transport)
        job = create(api, "tweets")
        assert "X-Goog-Expires=60&" in job["upload_url"]
        emu.advance(60)
        assert get(api, job["id"])["status"] == "expired"


def test_in_progress_job_blocks_a_new_one(slow_api: httpx.Client, storage: httpx.Client) -> None:
    job = create(slow_api, "tweets")
    upload(storage, job, ids_file(1))
    assert slow_api.post("/2/compliance/jobs", json={"type": "tweets"}).status_code == 409


def test_complete_and_failed_jobs_do_not_block_a_new_one(api: httpx.Client, storage: httpx.Client) -> None:
    assert run(api, storage, "tweets", ids_file(1))["status"] == "complete"
    assert run(api, storage, "tweets", b"x\n")["status"] == "failed"
    assert api.post("/2/compliance/jobs", json={"type": "tweets"}).status_code == 200


def test_bad_line_fails_the_job_with_an_error_naming_the_line(
    api: httpx.Client, storage: httpx.Client
) -> None:
    job = run(api, storage, "tweets", b"10\n11\nabc\n12\n")
    assert job["status"] == "failed"
    assert job["error"] == "Line 3 is not a valid ID: 'abc'"


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"1\n\n12345678901234567890\n", "Line 3 is not a valid ID: '12345678901234567890'"),
        (b"-5\n", "Line 1 is not a valid ID: '-5'"),
        (b"1 2\n", "Line 1 is not a valid ID: '1 2'"),
        (b"1\n" + b"z" * 50 + b"\n", "Line 2 is not a valid ID: '" + "z" * 40 + "'"),
        ("\u0661\n".encode(), "Line 1 is not a valid ID: '\u0661'"),  # not an ASCII digit
    ],
)
def test_error_quotes_the_stripped_line_cut_to_40_characters(
    api: httpx.Client, storage: httpx.Client, content: bytes, error: str
) -> None:
    assert run(api, storage, "tweets", content)["error"] == error


def test_blank_lines_and_surrounding_whitespace_are_not_failures(
    api: httpx.Client, storage: httpx.Client
) -> None:
    job = run(api, storage, "tweets", b"\n10\r\n   \n  20  \n\n")
    assert job["status"] == "complete"
    assert "error" not in job


def test_job_with_only_blank_lines_completes(api: httpx.Client, storage: httpx.Client) -> None:
    assert run(api, storage, "tweets", b"\n\n")["status"] == "complete"


def test_complete_job_expires_with_its_download_url(
    api: httpx.Client, storage: httpx.Client, emu: Emulator
) -> None:
    job = run(api, storage, "tweets", ids_file(10))
    emu.advance(7 * 24 * 3600)
    assert get(api, job["id"])["status"] == "expired"


def test_list_is_newest_first_with_meta(api: httpx.Client, storage: httpx.Client) -> None:
    # given
    first = run(api, storage, "tweets", ids_file(1))
    second = create(api, "tweets")
    create(api, "users")
    # when
    body = api.get("/2/compliance/jobs", params={"type": "tweets"}).json()
    # then
    assert [job["id"] for job in body["data"]] == [second["id"], first["id"]]
    assert body["meta"] == {"result_count": 2}


def test_list_filters_by_status(api: httpx.Client, storage: httpx.Client) -> None:
    done = run(api, storage, "tweets", ids_file(1))
    create(api, "tweets")
    body = api.get("/2/compliance/jobs", params={"type": "tweets", "status": "complete"}).json()
    assert [job["id"] for job in body["data"]] == [done["id"]]


def test_empty_list_has_only_meta(api: httpx.Client) -> None:
    response = api.get("/2/compliance/jobs", params={"type": "users", "status": "failed"})
    assert response.status_code == 200
    assert response.json() == {"meta": {"result_count": 0}}


def test_fields_parameter_is_accepted_and_every_field_returned(api: httpx.Client) -> None:
    job = create(api, "tweets")
    response = api.get(f"/2/compliance/jobs/{job['id']}", params={"compliance_job.fields": "id"})
    assert response.json()["data"] == job


def test_another_tokens_jobs_are_invisible(transport: httpx.HTTPTransport) -> None:
    with Emulator(extra_tokens=["other-app"]) as emu:
        mine = api_client(emu, transport)
        theirs = api_client(emu, transport, "other-app")
        job = create(mine, "tweets")
        assert "data" not in theirs.get(f"/2/compliance/jobs/{job['id']}").json()
        assert theirs.get("/2/compliance/jobs", params={"type": "tweets"}).json() == {
            "meta": {"result_count": 0}
        }
        assert theirs.post("/2/compliance/jobs", json={"type": "tweets"}).status_code == 200

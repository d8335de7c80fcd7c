"""Every kind of answer the emulator gives validates against the spec's schema for that operation
and status: the emulator and the contract cannot drift apart without a test failing."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.spec.schema import operation_for, operation_responses, resolve, validate_response
from x_compliance.emulator import Emulator


@pytest.fixture(scope="module")
def answers() -> Iterator[list[httpx.Response]]:
    """One of each answer, from an emulator driven through the API's paths."""
    with Emulator(rate_limit=(3, 900), processing_seconds=0.0) as emu:
        auth = {"Authorization": f"Bearer {emu.token}"}
        with httpx.Client(base_url=emu.base_url, headers=auth, timeout=10) as api:
            created = api.post(
                "/2/compliance/jobs", json={"type": "tweets", "name": "spec", "resumable": True}
            )
            job = created.json()["data"]
            httpx.put(job["upload_url"], content=b"1\n", headers={"Content-Type": "text/plain"})
            seen = [
                created,
                api.post("/2/compliance/jobs", json={"type": "tweets"}),  # 409: one running per type
                api.post("/2/compliance/jobs", json={"type": "spaces"}),  # 400
                api.get(f"/2/compliance/jobs/{job['id']}"),
                api.get("/2/compliance/jobs/1234567890123456789"),  # 200 with only errors
                api.get("/2/compliance/jobs/not-a-number"),  # 400
                api.get("/2/compliance/jobs", params={"type": "tweets"}),
                api.get("/2/compliance/jobs", params={"type": "users"}),  # no jobs
                api.get("/2/compliance/jobs", params={"type": "DUMMY"}),  # 400
                api.get("/2/compliance/jobs", params={"type": "tweets"}),  # 429: bucket of 3 spent
                httpx.get(f"{emu.base_url}/2/compliance/jobs", params={"type": "tweets"}),  # 401
            ]
            emu.faults.add("get", status=503)
            seen.append(api.get(f"/2/compliance/jobs/{job['id']}"))
        yield seen


EXPECTED = [200, 409, 400, 200, 200, 400, 200, 200, 400, 429, 401, 503]


def test_the_answers_are_the_ones_meant(answers: list[httpx.Response]) -> None:
    assert [a.status_code for a in answers] == EXPECTED


@pytest.mark.parametrize("index", range(len(EXPECTED)))
def test_emulator_answer_validates_against_the_spec(answers: list[httpx.Response], index: int) -> None:
    answer = answers[index]
    media_type = answer.headers["content-type"].split(";")[0]
    operation = operation_for(answer.request.method, answer.request.url.path)
    if media_type == "text/html":
        # A proxy's HTML page: the spec leaves it undeclared on purpose and says so for 5XX.
        assert answer.status_code >= 500
        assert "HTML" in resolve(operation_responses(operation)["5XX"])["description"]
        return

    validate_response(operation, answer.status_code, json.loads(answer.content), media_type)


def test_emulator_results_file_validates_line_by_line_against_the_download_operation() -> None:
    with Emulator(processing_seconds=0.0) as emu:
        auth = {"Authorization": f"Bearer {emu.token}"}
        with httpx.Client(base_url=emu.base_url, headers=auth, timeout=10) as api:
            job = api.post("/2/compliance/jobs", json={"type": "tweets"}).json()["data"]
            ids = "".join(f"{n}\n" for n in range(10, 60)).encode()
            httpx.put(job["upload_url"], content=ids, headers={"Content-Type": "text/plain"})
            done = api.get(f"/2/compliance/jobs/{job['id']}").json()["data"]
            lines = httpx.get(done["download_url"]).text.splitlines()

    assert done["status"] == "complete" and lines
    for line in lines:
        validate_response("downloadComplianceResults", 200, json.loads(line), "application/x-ndjson")

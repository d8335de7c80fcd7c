"""The results rule: a pure function of the uploaded IDs that anyone can predict."""

from __future__ import annotations

import httpx
import pytest

from tests.emulator.helpers import ids_file, results, run
from x_compliance.emulator import result_for


@pytest.mark.parametrize(
    ("job_type", "n", "reason"),
    [
        ("tweets", 40, "deleted"),
        ("tweets", 41, "suspended"),
        ("tweets", 42, "protected"),
        ("tweets", 43, "scrub_geo"),
        ("users", 40, "deleted"),
        ("users", 41, "suspended"),
        ("users", 42, "protected"),
        ("users", 43, "deactivated"),
    ],
)
def test_reason_follows_the_last_digit_and_the_job_type(
    api: httpx.Client, storage: httpx.Client, job_type: str, n: int, reason: str
) -> None:
    job = run(api, storage, job_type, ids_file(n))
    [line] = results(storage, job)
    assert (line["id"], line["action"], line["reason"]) == (str(n), "delete", reason)


def test_ids_ending_in_4_to_9_are_compliant_and_absent(api: httpx.Client, storage: httpx.Client) -> None:
    job = run(api, storage, "tweets", ids_file(*range(44, 50)))
    assert results(storage, job) == []


def test_redacted_at_is_omitted_when_the_id_is_a_multiple_of_7(
    api: httpx.Client, storage: httpx.Client
) -> None:
    job = run(api, storage, "tweets", ids_file(70, 71))
    seventy, seventy_one = results(storage, job)
    assert "redacted_at" not in seventy
    assert "redacted_at" in seventy_one


def test_distinct_ids_in_first_seen_order(api: httpx.Client, storage: httpx.Client) -> None:
    job = run(api, storage, "tweets", ids_file(31, 10, 31, 22, 10, 5, 0o0, 1013))
    assert [line["id"] for line in results(storage, job)] == ["31", "10", "22", "0", "1013"]


def test_leading_zeros_name_the_same_id(api: httpx.Client, storage: httpx.Client) -> None:
    job = run(api, storage, "tweets", b"0010\n10\n")
    assert [line["id"] for line in results(storage, job)] == ["10"]


def test_result_line_is_the_spec_shape_with_deterministic_timestamps(
    api: httpx.Client, storage: httpx.Client
) -> None:
    # 1423095206576984061: a real snowflake, so created_at is its own time (2021-08-05)
    job = run(api, storage, "tweets", ids_file(1423095206576984061))
    response = storage.get(job["download_url"])
    assert response.text == (
        '{"id":"1423095206576984061","action":"delete","created_at":"2021-08-05T01:35:11.735Z",'
        '"redacted_at":"2021-08-06T01:35:11.735Z","reason":"suspended"}\n'
    )


def test_results_over_http_equal_the_published_function(api: httpx.Client, storage: httpx.Client) -> None:
    ids = [1446017776678801409 + step * 7919 for step in range(200)]
    job = run(api, storage, "users", ids_file(*ids))
    expected = [line for n in ids if (line := result_for(n, "users")) is not None]
    assert results(storage, job) == expected


def test_many_ids_spread_over_buckets_keep_first_seen_order(
    api: httpx.Client, storage: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: tiny buckets, so that de-duplication and the merge run over many of them
    from x_compliance.emulator import _results

    monkeypatch.setattr(_results, "BUCKET_BYTES", 64)
    ids = [n for n in range(3000, 0, -7)] + [n for n in range(0, 3000, 3)]
    # when
    job = run(api, storage, "tweets", ids_file(*ids))
    # then
    first_seen = list(dict.fromkeys(ids))
    expected = [str(n) for n in first_seen if n % 10 <= 3]
    assert [line["id"] for line in results(storage, job)] == expected

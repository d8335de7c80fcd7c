"""Downloads: the results file with Content-Length, and Range requests."""

from __future__ import annotations

import httpx
import pytest

from tests.emulator.helpers import JobJSON, create, ids_file, run

IDS = ids_file(*range(10, 60))


@pytest.fixture
def done(api: httpx.Client, storage: httpx.Client) -> JobJSON:
    return run(api, storage, "tweets", IDS)


@pytest.fixture
def whole(storage: httpx.Client, done: JobJSON) -> bytes:
    return storage.get(done["download_url"]).content


def test_download_has_content_length_and_accepts_ranges(storage: httpx.Client, done: JobJSON) -> None:
    response = storage.get(done["download_url"])
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content) > 0
    assert response.headers["accept-ranges"] == "bytes"
    assert response.content.endswith(b"\n")


@pytest.mark.parametrize(
    ("header", "first", "last"), [("bytes=100-199", 100, 199), ("bytes=100-", 100, None)]
)
def test_range_answers_206_with_that_slice(
    storage: httpx.Client,
    done: JobJSON,
    whole: bytes,
    header: str,
    first: int,
    last: int | None,
) -> None:
    response = storage.get(done["download_url"], headers={"Range": header})
    end = len(whole) - 1 if last is None else last
    assert response.status_code == 206
    assert response.content == whole[first : end + 1]
    assert response.headers["content-range"] == f"bytes {first}-{end}/{len(whole)}"
    assert int(response.headers["content-length"]) == end - first + 1


def test_suffix_range_answers_the_last_bytes(storage: httpx.Client, done: JobJSON, whole: bytes) -> None:
    response = storage.get(done["download_url"], headers={"Range": "bytes=-10"})
    assert response.status_code == 206
    assert response.content == whole[-10:]


def test_range_past_the_end_gets_416(storage: httpx.Client, done: JobJSON, whole: bytes) -> None:
    response = storage.get(done["download_url"], headers={"Range": f"bytes={len(whole)}-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(whole)}"


def test_download_before_complete_gets_404_no_such_key(api: httpx.Client, storage: httpx.Client) -> None:
    job = create(api, "tweets")
    response = storage.get(job["download_url"])
    assert response.status_code == 404
    assert "<Code>NoSuchKey</Code>" in response.text


def test_failed_job_has_nothing_to_download(api: httpx.Client, storage: httpx.Client) -> None:
    job = run(api, storage, "tweets", b"oops\n")
    assert storage.get(job["download_url"]).status_code == 404

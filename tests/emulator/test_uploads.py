"""Uploads: plain PUT (whole or chunked), broken uploads, and Cloud Storage's resumable protocol."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.emulator.helpers import (
    TEXT,
    JobJSON,
    create,
    get,
    ids_file,
    raw_request,
    results,
    status_line,
)
from x_compliance.emulator import Emulator

QUANTUM = 256 * 1024
START = {**TEXT, "x-goog-resumable": "start"}


def test_plain_put_returns_200_with_md5_etag(api: httpx.Client, storage: httpx.Client) -> None:
    job = create(api, "tweets")
    response = storage.put(job["upload_url"], content=b"10\n", headers=TEXT)
    assert response.status_code == 200
    md5 = hashlib.md5(b"10\n").hexdigest()
    assert response.headers["etag"] == f'"{md5}"'
    assert get(api, job["id"])["status"] == "complete"


def test_chunked_transfer_encoding_streams(api: httpx.Client, storage: httpx.Client) -> None:
    # given: a generator body, which httpx sends chunked
    job = create(api, "tweets")

    def lines() -> Iterator[bytes]:
        yield b"10\n11"
        yield b"\n12\n"

    # when
    response = storage.put(job["upload_url"], content=lines(), headers=TEXT)
    # then
    assert response.status_code == 200
    assert [line["id"] for line in results(storage, get(api, job["id"]))] == ["10", "11", "12"]


def test_put_whose_connection_drops_commits_nothing(api: httpx.Client, storage: httpx.Client) -> None:
    # given
    job = create(api, "tweets")
    # when: 1000 bytes announced, 10 sent, then the client hangs up
    connection = raw_request(
        job["upload_url"],
        "PUT {target} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n",
        b"\r\n10\n11\n12\n",
    )
    connection.close()
    # then: the job still waits for its file, and a full upload afterwards works
    assert get(api, job["id"])["status"] == "created"
    assert storage.put(job["upload_url"], content=b"10\n", headers=TEXT).status_code == 200
    assert get(api, job["id"])["status"] == "complete"


def test_put_without_length_gets_411(api: httpx.Client) -> None:
    job = create(api, "tweets")
    connection = raw_request(
        job["upload_url"],
        "PUT {target} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n",
        b"\r\n",
    )
    assert status_line(connection) == b"HTTP/1.1 411 Length Required"


def test_second_upload_is_answered_but_ignored(api: httpx.Client, storage: httpx.Client) -> None:
    job = create(api, "tweets")
    storage.put(job["upload_url"], content=b"10\n", headers=TEXT)
    assert storage.put(job["upload_url"], content=b"20\n", headers=TEXT).status_code == 200
    assert [line["id"] for line in results(storage, get(api, job["id"]))] == ["10"]


def test_plain_put_to_a_resumable_url_is_refused(api: httpx.Client, storage: httpx.Client) -> None:
    job = create(api, "tweets", resumable=True)
    response = storage.put(job["upload_url"], content=b"10\n", headers=START)
    assert response.status_code == 403
    assert get(api, job["id"])["status"] == "created"


# The resumable protocol


def start_session(storage: httpx.Client, job: JobJSON) -> str:
    response = storage.post(job["upload_url"], headers=START)
    assert response.status_code == 201, response.text
    location: str = response.headers["location"]
    return location


@pytest.fixture
def resumable(api: httpx.Client) -> JobJSON:
    return create(api, "tweets", resumable=True)


def chunk(first: int, size: int, total: int | str = "*") -> dict[str, str]:
    return {"Content-Range": f"bytes {first}-{first + size - 1}/{total}"}


def payload(size: int) -> bytes:
    """``size`` bytes of IDs ending in 4 (compliant), newline-terminated lines."""
    line = b"1234567894\n"
    return (line * (size // len(line) + 1))[: size - 1] + b"\n"


def test_start_answers_201_with_a_session_location(
    storage: httpx.Client, resumable: JobJSON, emu: Emulator
) -> None:
    location = start_session(storage, resumable)
    assert location.startswith(f"{emu.base_url}/storage/upload/{resumable['id']}?upload_id=")
    assert "X-Goog-Signature" not in location
    assert parse_qs(urlsplit(location).query)["upload_id"][0]


def test_start_without_the_resumable_header_is_refused(storage: httpx.Client, resumable: JobJSON) -> None:
    assert storage.post(resumable["upload_url"], headers=TEXT).status_code == 403


def test_chunks_answer_308_with_range_until_the_last(
    api: httpx.Client, storage: httpx.Client, resumable: JobJSON
) -> None:
    # given
    session = start_session(storage, resumable)
    data = payload(2 * QUANTUM + 100)
    # when
    first = storage.put(session, content=data[:QUANTUM], headers=chunk(0, QUANTUM))
    second = storage.put(session, content=data[QUANTUM : 2 * QUANTUM], headers=chunk(QUANTUM, QUANTUM))
    assert get(api, resumable["id"])["status"] == "created"
    last = storage.put(session, content=data[2 * QUANTUM :], headers=chunk(2 * QUANTUM, 100, len(data)))
    # then
    assert (first.status_code, first.headers["range"]) == (308, f"bytes=0-{QUANTUM - 1}")
    assert (second.status_code, second.headers["range"]) == (308, f"bytes=0-{2 * QUANTUM - 1}")
    assert last.status_code == 200
    assert get(api, resumable["id"])["status"] == "complete"


def test_progress_query_before_any_chunk_has_no_range(storage: httpx.Client, resumable: JobJSON) -> None:
    session = start_session(storage, resumable)
    response = storage.put(session, headers={"Content-Range": "bytes */*"})
    assert response.status_code == 308
    assert "range" not in response.headers


def test_progress_query_reports_what_arrived(storage: httpx.Client, resumable: JobJSON) -> None:
    session = start_session(storage, resumable)
    storage.put(session, content=payload(QUANTUM), headers=chunk(0, QUANTUM))
    response = storage.put(session, headers={"Content-Range": f"bytes */{3 * QUANTUM}"})
    assert (response.status_code, response.headers["range"]) == (308, f"bytes=0-{QUANTUM - 1}")


def test_chunk_not_starting_where_data_ends_is_not_stored(
    api: httpx.Client, storage: httpx.Client, resumable: JobJSON
) -> None:
    # given
    session = start_session(storage, resumable)
    data = payload(2 * QUANTUM)
    storage.put(session, content=data[:QUANTUM], headers=chunk(0, QUANTUM))
    # when: a whole chunk from the future, then a "last" chunk from the past
    ahead = storage.put(session, content=data[:QUANTUM], headers=chunk(2 * QUANTUM, QUANTUM))
    behind = storage.put(session, content=data[:QUANTUM], headers=chunk(0, QUANTUM, QUANTUM))
    # then: both answer where the data ends, and the upload finishes cleanly
    assert (ahead.status_code, ahead.headers["range"]) == (308, f"bytes=0-{QUANTUM - 1}")
    assert (behind.status_code, behind.headers["range"]) == (308, f"bytes=0-{QUANTUM - 1}")
    assert get(api, resumable["id"])["status"] == "created"
    final = storage.put(session, content=data[QUANTUM:], headers=chunk(QUANTUM, QUANTUM, len(data)))
    assert final.status_code == 200
    assert get(api, resumable["id"])["status"] == "complete"


def test_part_of_a_chunk_beyond_a_256_kib_multiple_is_not_kept(
    storage: httpx.Client, resumable: JobJSON
) -> None:
    session = start_session(storage, resumable)
    response = storage.put(session, content=payload(QUANTUM + 5), headers=chunk(0, QUANTUM + 5))
    assert (response.status_code, response.headers["range"]) == (308, f"bytes=0-{QUANTUM - 1}")


def test_small_non_final_chunk_keeps_nothing(storage: httpx.Client, resumable: JobJSON) -> None:
    session = start_session(storage, resumable)
    response = storage.put(session, content=b"10\n", headers=chunk(0, 3))
    assert response.status_code == 308
    assert "range" not in response.headers


def test_status_query_with_the_total_finishes_an_aligned_upload(
    api: httpx.Client, storage: httpx.Client, resumable: JobJSON
) -> None:
    session = start_session(storage, resumable)
    storage.put(session, content=payload(QUANTUM), headers=chunk(0, QUANTUM))
    response = storage.put(session, headers={"Content-Range": f"bytes */{QUANTUM}"})
    assert response.status_code == 200
    assert get(api, resumable["id"])["status"] == "complete"


def test_whole_file_in_one_session_put(api: httpx.Client, storage: httpx.Client, resumable: JobJSON) -> None:
    session = start_session(storage, resumable)
    assert storage.put(session, content=ids_file(10, 21)).status_code == 200
    ids = [line["id"] for line in results(storage, get(api, resumable["id"]))]
    assert ids == ["10", "21"]


def test_chunk_length_must_match_content_range(storage: httpx.Client, resumable: JobJSON) -> None:
    session = start_session(storage, resumable)
    response = storage.put(session, content=b"10\n", headers=chunk(0, 5, 5))
    assert response.status_code == 400
    assert "<Code>InvalidArgument</Code>" in response.text


def test_unknown_session_gets_404(storage: httpx.Client, resumable: JobJSON) -> None:
    session = start_session(storage, resumable)
    response = storage.put(session + "x", content=b"10\n")
    assert response.status_code == 404
    assert "<Code>NoSuchUpload</Code>" in response.text


def test_session_with_bearer_token_gets_400(storage: httpx.Client, resumable: JobJSON, emu: Emulator) -> None:
    session = start_session(storage, resumable)
    response = storage.put(session, content=b"10\n", headers={"Authorization": f"Bearer {emu.token}"})
    assert response.status_code == 400


def test_session_of_an_expired_job_is_gone(storage: httpx.Client, resumable: JobJSON, emu: Emulator) -> None:
    session = start_session(storage, resumable)
    emu.advance(900)
    assert storage.put(session, content=b"10\n").status_code == 404


def test_dropped_chunk_keeps_nothing_of_it(storage: httpx.Client, resumable: JobJSON) -> None:
    # given
    session = start_session(storage, resumable)
    storage.put(session, content=payload(QUANTUM), headers=chunk(0, QUANTUM))
    # when: a chunk announced as 2 * QUANTUM bytes breaks off after QUANTUM + 10
    connection = raw_request(
        session,
        "PUT {target} HTTP/1.1\r\nHost: x\r\n"
        f"Content-Range: bytes {QUANTUM}-{3 * QUANTUM - 1}/*\r\n"
        f"Content-Length: {2 * QUANTUM}\r\n",
        b"\r\n" + payload(QUANTUM + 10),
    )
    connection.close()
    # then
    response = storage.put(session, headers={"Content-Range": "bytes */*"})
    assert response.headers["range"] == f"bytes=0-{QUANTUM - 1}"

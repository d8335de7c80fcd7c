"""Property-based checks of everything that parses what the network sends.

Whatever arrives, the only exceptions that may escape are the documented ``xc`` errors, and an
oddity the client promises to tolerate (unknown enum values, extra fields, timestamp forms, BOMs,
CRLF, blank lines) parses.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import json
from collections.abc import Callable
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import x_compliance as xc
from tests.client.scripted import JOB
from x_compliance import _api
from x_compliance.rate_limits import RateLimit, RateLimits, reset_from_headers
from x_compliance.results import LineReader, parse_line

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
stamps = st.datetimes(
    min_value=dt.datetime(1970, 1, 2), max_value=dt.datetime(2200, 1, 1), timezones=st.just(dt.UTC)
)


@st.composite
def odd_timestamps(draw: st.DrawFn) -> str:
    moment = draw(stamps)
    form = draw(st.sampled_from(["ms-z", "z", "offset", "micro", "plus-two"]))
    if form == "ms-z":
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if form == "z":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if form == "offset":
        return moment.isoformat(timespec="seconds")
    if form == "micro":
        return moment.isoformat()
    return moment.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat()


@st.composite
def job_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """Jobs with fields dropped, added, retyped, enum values unknown, timestamps in odd forms."""
    job: dict[str, Any] = dict(JOB)
    for key in ("created_at", "upload_expires_at", "download_expires_at"):
        job[key] = draw(odd_timestamps())
    job["status"] = draw(st.sampled_from(["created", "complete", "expired", "archived", "paused"]))
    for key in draw(st.lists(st.sampled_from(sorted(JOB)), max_size=3, unique=True)):
        if draw(st.booleans()):
            del job[key]
        else:
            job[key] = draw(json_values)
    job.update(draw(st.dictionaries(st.text(min_size=1, max_size=10), json_values, max_size=3)))
    return job


def answer(status: int, body: bytes) -> httpx.Response:
    return httpx.Response(
        status, content=body, request=httpx.Request("GET", "https://api.x.com/2/compliance/jobs/1")
    )


@SETTINGS
@given(job=job_bodies())
def test_any_job_body_parses_or_raises_api_error(job: dict[str, Any]) -> None:
    try:
        parsed = _api.read_job(answer(200, json.dumps({"data": job}).encode()))
    except xc.APIError as error:
        assert error.status_code == 200
        return
    assert isinstance(parsed, xc.ComplianceJob)
    assert parsed.created_at.tzinfo is not None


@st.composite
def tolerable_jobs(draw: st.DrawFn) -> dict[str, Any]:
    """Jobs X might send: odd timestamps, unknown enum values, optional fields absent, extras."""
    job: dict[str, Any] = dict(JOB)
    for key in ("created_at", "upload_expires_at", "download_expires_at"):
        job[key] = draw(odd_timestamps())
    job["status"] = draw(st.sampled_from(["created", "in_progress", "complete", "archived", "paused"]))
    job["type"] = draw(st.sampled_from(["tweets", "users", "spaces"]))
    for key in draw(st.lists(st.sampled_from(["name", "resumable", "error"]), max_size=3, unique=True)):
        job.pop(key, None)
    job.update(
        draw(
            st.dictionaries(
                st.text(min_size=1, max_size=10).filter(lambda k: k not in JOB), json_values, max_size=3
            )
        )
    )
    return job


@SETTINGS
@given(job=tolerable_jobs())
def test_tolerable_oddities_parse(job: dict[str, Any]) -> None:
    parsed = _api.read_job(answer(200, json.dumps({"data": job}).encode()))

    assert parsed.status == job["status"] and parsed.type_ == job["type"]
    assert parsed.created_at == dt.datetime.fromisoformat(job["created_at"])
    assert parsed.to_dict().keys() == job.keys()


@SETTINGS
@given(
    status=st.integers(min_value=100, max_value=599),
    body=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()),
)
def test_any_answer_to_a_get_raises_only_documented_errors(status: int, body: bytes) -> None:
    with contextlib.suppress(xc.APIError):
        _api.read_job(answer(status, body))


@SETTINGS
@given(
    status=st.integers(min_value=100, max_value=599),
    body=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()),
)
def test_any_answer_to_a_list_raises_only_documented_errors(status: int, body: bytes) -> None:
    try:
        jobs = _api.read_jobs(answer(status, body))
    except xc.APIError:
        return
    assert all(isinstance(job, xc.ComplianceJob) for job in jobs)


@st.composite
def result_lines(draw: st.DrawFn) -> bytes:
    record: dict[str, Any] = {
        "id": draw(st.from_regex(r"[0-9]{1,19}", fullmatch=True)),
        "action": draw(st.sampled_from(["delete", "redact"])),
        "reason": draw(st.sampled_from(["deleted", "suspended", "protected", "scrub_geo", "aged_out"])),
        "created_at": draw(odd_timestamps()),
    }
    if draw(st.booleans()):
        record["redacted_at"] = draw(odd_timestamps())
    record.update(
        draw(st.dictionaries(st.sampled_from(["extra", "region", "note"]), json_scalars, max_size=2))
    )
    return json.dumps(record).encode()


@st.composite
def near_result_lines(draw: st.DrawFn) -> bytes:
    """A JSON object near a results line: each field usual, odd, of the wrong type, or absent,
    and maybe an unknown one (integers of any size, so beyond what orjson reads as integers)."""
    usual = {
        "id": st.from_regex(r"[0-9]{1,19}", fullmatch=True) | st.integers(),
        "action": st.sampled_from(["delete", "redact"]),
        "reason": st.sampled_from(["deleted", "suspended", "aged_out"]),
        "created_at": odd_timestamps() | st.sampled_from(["2019-10-29T17:02:47", "soon", ""]),
        "redacted_at": st.none() | odd_timestamps(),
    }
    record: dict[str, Any] = {}
    for name, values in usual.items():
        kind = draw(st.sampled_from(["usual"] * 8 + ["other", "absent"]))
        if kind != "absent":
            record[name] = draw(values if kind == "usual" else json_values)
    if draw(st.booleans()):
        record[draw(st.sampled_from(["region", "id"]))] = draw(json_values)
    return json.dumps(record).encode()


def settled(make: Callable[[], xc.ComplianceResult | None]) -> object:
    """What reading a result comes to: its repr, dict and hash, or the DownloadError's message."""
    try:
        result = make()
        return None if result is None else (repr(result), result.to_dict(), hash(result))
    except xc.DownloadError as error:
        return str(error)


@SETTINGS
@given(line=near_result_lines())
def test_reader_gives_what_the_careful_parse_gives(line: bytes) -> None:
    expected = settled(lambda: parse_line(line, 1))

    got = settled(lambda: next(iter(LineReader().feed(line + b"\n"))))

    assert got == expected


def read(chunks: list[bytes]) -> list[xc.ComplianceResult]:
    reader = LineReader()
    results = [r for chunk in chunks for r in reader.feed(chunk)]
    return results + list(reader.finish())


@SETTINGS
@given(
    lines=st.lists(result_lines(), min_size=1, max_size=20),
    crlf=st.booleans(),
    bom=st.booleans(),
    blanks=st.booleans(),
    final_newline=st.booleans(),
    cut=st.integers(min_value=1, max_value=97),
)
def test_tolerable_results_files_parse_every_line_once(
    lines: list[bytes], crlf: bool, bom: bool, blanks: bool, final_newline: bool, cut: int
) -> None:
    end = b"\r\n" if crlf else b"\n"
    body = (end + end if blanks else end).join(lines) + (end if final_newline else b"")
    data = (b"\xef\xbb\xbf" if bom else b"") + body
    chunks = [data[i : i + cut] for i in range(0, len(data), cut)]

    results = read(chunks)

    assert [r.id for r in results] == [json.loads(line)["id"] for line in lines]
    assert all(r.created_at.tzinfo is not None for r in results)


@SETTINGS
@given(data=st.binary(max_size=400), cut=st.integers(min_value=1, max_value=64))
def test_any_results_bytes_raise_only_download_error(data: bytes, cut: int) -> None:
    with contextlib.suppress(xc.DownloadError):
        read([data[i : i + cut] for i in range(0, len(data), cut)])


@SETTINGS
@given(lines=st.lists(result_lines(), min_size=1, max_size=5), cut_at=st.integers(min_value=1, max_value=30))
def test_truncated_last_line_raises_download_error(lines: list[bytes], cut_at: int) -> None:
    last = lines[-1][: min(cut_at, len(lines[-1]) - 1)]
    data = b"\n".join([*lines[:-1], last])

    try:
        read([data])
    except xc.DownloadError as error:
        assert f"results line {len(lines)}" in str(error)
    else:
        raise AssertionError("a truncated line parsed")


header_values = st.none() | st.text(max_size=12) | st.integers(min_value=-(10**12), max_value=10**12).map(str)
http_dates = st.datetimes(timezones=st.just(dt.UTC)).map(
    lambda d: email.utils.format_datetime(d, usegmt=True)
)
date_values = header_values | http_dates | http_dates.map(lambda text: text.replace("GMT", "-0000"))


@SETTINGS
@given(
    limit=header_values,
    remaining=header_values,
    reset=header_values,
    retry_after=date_values,
    date=date_values,
)
def test_rate_limit_headers_never_raise(
    limit: str | None, remaining: str | None, reset: str | None, retry_after: str | None, date: str | None
) -> None:
    headers = {
        name: value
        for name, value in {
            "x-rate-limit-limit": limit,
            "x-rate-limit-remaining": remaining,
            "x-rate-limit-reset": reset,
            "retry-after": retry_after,
            "date": date,
        }.items()
        if value is not None
    }
    now = dt.datetime.now(dt.UTC)

    seen = RateLimit.from_headers(headers)
    reset_at = reset_from_headers(headers, now)
    limits = RateLimits()
    limits.update("GET /2/compliance/jobs", headers, now)

    if seen is not None:
        assert seen.limit >= 0 and seen.remaining >= 0 and seen.reset_at.tzinfo is not None
    assert reset_at is None or reset_at.tzinfo is not None
    kept = limits.get("GET /2/compliance/jobs")
    assert (kept is None) == (seen is None)


@SETTINGS
@given(remaining=st.integers(min_value=-5, max_value=200) | st.text(max_size=5))
def test_a_later_answer_of_the_same_window_never_raises_the_count(remaining: int | str) -> None:
    limits = RateLimits()
    window = {"x-rate-limit-limit": "150", "x-rate-limit-reset": "1700000000"}
    now = dt.datetime.now(dt.UTC)
    limits.update("GET /2/compliance/jobs", {**window, "x-rate-limit-remaining": "9"}, now)

    limits.update("GET /2/compliance/jobs", {**window, "x-rate-limit-remaining": str(remaining)}, now)

    kept = limits.get("GET /2/compliance/jobs")
    assert kept is not None
    text = str(remaining).strip()
    valid = text.isascii() and text.isdigit()  # a count of requests, in ASCII digits
    assert kept.remaining == (min(9, int(text)) if valid else 9)

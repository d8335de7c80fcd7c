"""The results file format: each line a ``ComplianceResult``, whatever X's formatting quirks."""

from __future__ import annotations

import datetime as dt
import json
import math
import pickle
from pathlib import Path

import pytest

import x_compliance as xc
from x_compliance.results import LineReader, parse_line

LINE = (
    b'{"id":"1265324480517361664","action":"delete","created_at":"2019-10-29T17:02:47.000Z",'
    b'"redacted_at":"2020-07-29T17:02:47.000Z","reason":"deleted"}'
)


def read_all(chunks: list[bytes]) -> list[xc.ComplianceResult]:
    reader = LineReader()
    results = [r for chunk in chunks for r in reader.feed(chunk)]
    return results + list(reader.finish())


def test_line_parses_with_tz_aware_timestamps() -> None:
    result = parse_line(LINE, 1)

    assert result is not None
    assert result.id == "1265324480517361664"
    assert result.action == xc.ResultAction.DELETE
    assert result.reason == xc.ResultReason.DELETED
    assert result.created_at == dt.datetime(2019, 10, 29, 17, 2, 47, tzinfo=dt.UTC)
    assert result.redacted_at == dt.datetime(2020, 7, 29, 17, 2, 47, tzinfo=dt.UTC)


def test_missing_redacted_at_is_none() -> None:
    line = b'{"id":"1","action":"delete","created_at":"2013-03-26T02:46:15+00:00","reason":"protected"}'

    result = parse_line(line, 1)

    assert result is not None and result.redacted_at is None
    assert "redacted_at" not in result.to_dict()


def test_unknown_reason_and_fields_are_kept() -> None:
    line = (
        b'{"id":"1","action":"redact","created_at":"2019-10-29T17:02:47Z","reason":"aged_out","region":"eu"}'
    )

    result = parse_line(line, 1)

    assert result is not None
    assert (result.action, result.reason) == ("redact", "aged_out")
    assert result.extra == {"region": "eu"}
    assert result.to_dict()["region"] == "eu"


def test_extra_field_without_redacted_at_is_kept() -> None:
    line = b'{"id":"1","action":"delete","created_at":"2019-10-29T17:02:47Z","reason":"deleted","x":1}'

    result = parse_line(line, 1)

    assert result is not None and result.extra == {"x": 1}


@pytest.mark.parametrize(
    "stamp",
    ["2019-10-29T17:02:47.000Z", "2019-10-29T17:02:47Z", "2019-10-29T19:02:47+02:00", "2019-10-29T17:02:47"],
)
def test_timestamp_forms(stamp: str) -> None:
    line = json.dumps({"id": "1", "action": "delete", "reason": "deleted", "created_at": stamp}).encode()

    result = parse_line(line, 1)

    assert result is not None
    assert result.created_at == dt.datetime(2019, 10, 29, 17, 2, 47, tzinfo=dt.UTC)


def test_to_dict_round_trips() -> None:
    result = parse_line(LINE, 1)
    assert result is not None

    assert xc.ComplianceResult.from_dict(result.to_dict()) == result
    assert result.to_dict()["created_at"] == "2019-10-29T17:02:47.000Z"


def test_bom_crlf_blank_lines_and_no_final_newline() -> None:
    data = b"\xef\xbb\xbf" + LINE + b"\r\n\r\n" + LINE.replace(b"deleted", b"suspended")

    results = read_all([data])

    assert [r.reason for r in results] == ["deleted", "suspended"]


@pytest.mark.parametrize("size", [1, 7, 64, 1000])
def test_lines_split_across_chunks(size: int) -> None:
    data = b"\n".join([LINE] * 20) + b"\n"
    chunks = [data[i : i + size] for i in range(0, len(data), size)]

    assert len(read_all(chunks)) == 20


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (b"{not json", "Expecting property name"),
        (b"[1, 2]", "a JSON list, not an object"),
        (b'{"id":"1","action":"delete","reason":"deleted"}', "missing 'created_at'"),
        (b'{"id":"1","action":"delete","reason":"deleted","created_at":5}', "not a string"),
        (LINE[:40], "Unterminated string"),
    ],
)
def test_bad_line_raises_download_error_naming_it(line: bytes, why: str) -> None:
    with pytest.raises(xc.DownloadError, match=f"results line 3 .*{why}"):
        read_all([LINE + b"\n" + LINE + b"\n" + line + b"\n"])


@pytest.mark.parametrize("extra", [b"", b',"region":"eu"'])
def test_timestamp_that_is_not_one_raises_download_error_naming_its_line_when_read(extra: bytes) -> None:
    # Parsed on first read (most users act on id and reason alone): the lines after it are read.
    bad = b'{"id":"1","action":"delete","reason":"deleted","created_at":"soon"' + extra + b"}"

    results = read_all([LINE + b"\n" + LINE + b"\n" + bad + b"\n" + LINE + b"\n"])

    assert len(results) == 4 and results[2].id == "1" and results[2].redacted_at is None
    with pytest.raises(xc.DownloadError, match=r"results line 3 .*\(created_at: Invalid isoformat"):
        _ = results[2].created_at
    with pytest.raises(xc.DownloadError, match="results line 3 "):
        results[2].to_dict()


def test_redacted_at_that_is_not_a_timestamp_raises_when_read() -> None:
    [result] = read_all([LINE.replace(b'"2020-07-29T17:02:47.000Z"', b'"2020-13-45"') + b"\n"])

    assert result.created_at == dt.datetime(2019, 10, 29, 17, 2, 47, tzinfo=dt.UTC)
    with pytest.raises(xc.DownloadError, match=r"results line 1 .*\(redacted_at: "):
        _ = result.redacted_at


def test_repr_shows_a_timestamp_that_is_not_one_as_written() -> None:
    [result] = read_all([LINE.replace(b'"2019-10-29T17:02:47.000Z"', b'"soon"') + b"\n"])

    assert "created_at='soon'" in repr(result)


def test_from_dict_refuses_a_timestamp_that_is_not_one_at_once() -> None:
    with pytest.raises(ValueError, match="Invalid isoformat"):
        xc.ComplianceResult.from_dict(
            {"id": "1", "action": "delete", "reason": "deleted", "created_at": "soon"}
        )


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (LINE + b" " + LINE, "Extra data"),
        (b"  " + LINE.replace(b'"id"', b'"\xff"'), "invalid start byte"),
    ],
)
def test_line_the_fast_path_refuses_is_named(line: bytes, why: str) -> None:
    # Lines are scanned in blocks; one that is not a lone, valid JSON object gets json.loads' own
    # error, with its line number, exactly as when each line was parsed on its own.
    with pytest.raises(xc.DownloadError, match=f"results line 2 .*{why}"):
        read_all([LINE + b"\n" + line + b"\n" + LINE + b"\n"])


def test_good_lines_before_a_bad_one_are_delivered_first() -> None:
    reader = LineReader()
    delivered: list[xc.ComplianceResult] = []

    with pytest.raises(xc.DownloadError, match="results line 3 "):
        delivered.extend(reader.feed(LINE + b"\n" + LINE + b"\n{broken\n" + LINE + b"\n"))

    assert len(delivered) == 2


def test_whitespace_around_a_line_is_tolerated() -> None:
    results = read_all([LINE + b"\n  " + LINE + b" \t\n"])

    assert [r.id for r in results] == ["1265324480517361664"] * 2


def test_real_results_file_parses(real_responses: Path) -> None:
    data = (real_responses / "x-docs_quickstart__download_results_example.jsonl").read_bytes()

    results = read_all([data])

    assert [(r.id, r.reason) for r in results] == [
        ("1265324480517361664", "deleted"),
        ("1263926741774581761", "protected"),
        ("1265324480517361669", "suspended"),
    ]


def test_real_user_line_without_redacted_at(real_responses: Path) -> None:
    raw = real_responses / "compliant-client_README__user_result_line_delete_protected_placeholder_id.json"
    record = json.loads(raw.read_text())

    result = xc.ComplianceResult.from_dict(record)

    assert result.id == "#######" and result.redacted_at is None
    assert result.created_at == dt.datetime(2013, 3, 26, 2, 46, 15, tzinfo=dt.UTC)


def test_results_can_be_kept_in_a_set() -> None:
    result = parse_line(LINE, 1)
    with_extra = parse_line(LINE[:-1] + b',"region":"eu"}', 1)

    assert len({result, result, with_extra}) == 2


# Lines orjson reads differently from json (the reader reads usual lines with orjson): each must
# come out as json and from_dict make it.


def test_integer_id_beyond_64_bits_is_kept_exactly() -> None:
    big = 123456789012345678901234567890  # orjson would read it as a float
    line = LINE.replace(b'"1265324480517361664"', str(big).encode())

    [result] = read_all([line + b"\n"])

    assert result.id == str(big)


def test_integer_beyond_64_bits_in_an_unknown_field_is_kept_exactly() -> None:
    line = LINE[:-1] + b',"count":18446744073709551616}'

    [result] = read_all([line + b"\n"])

    assert result.extra == {"count": 18446744073709551616}


def test_duplicate_key_takes_the_last_value() -> None:
    line = LINE[:-1] + b',"reason":"suspended"}'

    [result] = read_all([line + b"\n"])

    assert result.reason == xc.ResultReason.SUSPENDED and result.extra == {}


def test_nan_in_an_unknown_field_is_kept() -> None:
    line = LINE[:-1] + b',"score":NaN}'

    [result] = read_all([line + b"\n"])

    assert math.isnan(result.extra["score"])


def test_lone_surrogate_escape_is_read_as_json_reads_it() -> None:
    line = LINE.replace(b'"1265324480517361664"', b'"12\\ud800"')

    [result] = read_all([line + b"\n"])

    assert result.id == "12\ud800"


def test_bom_on_the_first_line_is_tolerated() -> None:
    results = read_all([b"\xef\xbb\xbf" + LINE + b"\n" + LINE + b"\n"])

    assert [r.id for r in results] == ["1265324480517361664"] * 2


def test_crlf_lines_read_as_lf_lines() -> None:
    crlf = read_all([LINE + b"\r\n" + LINE.replace(b"deleted", b"protected") + b"\r\n"])

    lf = read_all([LINE + b"\n" + LINE.replace(b"deleted", b"protected") + b"\n"])

    assert crlf == lf and [r.reason for r in crlf] == ["deleted", "protected"]


def test_null_redacted_at_is_none() -> None:
    [result] = read_all([LINE.replace(b'"2020-07-29T17:02:47.000Z"', b"null") + b"\n"])

    assert result.redacted_at is None and result.extra == {}


def test_integer_id_is_kept_as_its_string() -> None:
    [result] = read_all([LINE.replace(b'"1265324480517361664"', b"1265324480517361664") + b"\n"])

    assert result.id == "1265324480517361664"


@pytest.mark.parametrize("field", [b"action", b"reason"])
def test_non_string_enum_value_raises_download_error_naming_its_line(field: bytes) -> None:
    line = LINE.replace(b'"delete"' if field == b"action" else b'"deleted"', b"7")

    with pytest.raises(xc.DownloadError, match="results line 2 "):
        read_all([LINE + b"\n" + line + b"\n"])


def test_unknown_action_and_reason_read_by_the_reader_are_kept_as_strings() -> None:
    line = LINE.replace(b'"delete"', b'"redact"').replace(b'"deleted"', b'"aged_out"')

    [result] = read_all([line + b"\n"])

    assert (result.action, result.reason) == ("redact", "aged_out")
    assert isinstance(result.action, xc.ResultAction) and isinstance(result.reason, xc.ResultReason)


def test_timestamp_without_offset_read_by_the_reader_is_utc() -> None:
    line = LINE.replace(b'"2019-10-29T17:02:47.000Z"', b'"2019-10-29T17:02:47"')

    [result] = read_all([line + b"\n"])

    assert result.created_at == dt.datetime(2019, 10, 29, 17, 2, 47, tzinfo=dt.UTC)
    assert result.created_at.tzinfo is dt.UTC
    assert result.to_dict()["created_at"] == "2019-10-29T17:02:47.000Z"


def test_reader_and_from_dict_make_equal_results() -> None:
    [read] = read_all([LINE + b"\n"])

    made = xc.ComplianceResult.from_dict(json.loads(LINE))

    assert read == made and hash(read) == hash(made) and repr(read) == repr(made)


# The record: a frozen value.


def test_result_fields_cannot_be_assigned() -> None:
    [result] = read_all([LINE + b"\n"])

    for field in ("id", "action", "reason", "created_at", "redacted_at", "extra", "other"):
        with pytest.raises(AttributeError):
            setattr(result, field, "x")


def test_results_differing_only_in_extra_are_unequal_with_equal_hashes() -> None:
    plain = parse_line(LINE, 1)
    with_extra = parse_line(LINE[:-1] + b',"region":"eu"}', 1)

    assert plain != with_extra and hash(plain) == hash(with_extra)


def test_result_is_not_equal_to_its_dict() -> None:
    result = parse_line(LINE, 1)
    assert result is not None

    assert result != result.to_dict()


def test_result_repr_names_every_field() -> None:
    result = parse_line(LINE[:-1] + b',"region":"eu"}', 1)

    assert repr(result) == (
        "ComplianceResult(id='1265324480517361664', action=<ResultAction.DELETE: 'delete'>, "
        "reason=<ResultReason.DELETED: 'deleted'>, "
        "created_at=datetime.datetime(2019, 10, 29, 17, 2, 47, tzinfo=datetime.timezone.utc), "
        "redacted_at=datetime.datetime(2020, 7, 29, 17, 2, 47, tzinfo=datetime.timezone.utc), "
        "extra={'region': 'eu'})"
    )


def test_result_survives_pickling() -> None:
    [result] = read_all([LINE + b"\n"])

    assert pickle.loads(pickle.dumps(result)) == result


def test_result_is_built_by_keyword_and_matched_by_position() -> None:
    stamp = dt.datetime(2019, 10, 29, 17, 2, 47, tzinfo=dt.UTC)
    result = xc.ComplianceResult(
        id="1", action=xc.ResultAction.DELETE, reason=xc.ResultReason.DELETED, created_at=stamp
    )

    match result:
        case xc.ComplianceResult(identifier, action, reason, created, redacted, extra):
            assert (identifier, action, reason, created, redacted, extra) == (
                "1",
                "delete",
                "deleted",
                stamp,
                None,
                {},
            )
        case _:
            raise AssertionError("no match")

"""What a job makes of its uploaded file: the check for bad lines and the results rule.

The results rule is a pure function of the uploaded IDs, so anyone can predict them: for each
distinct ID n, in first-seen order, n % 10 == 0 is ``deleted``, 1 ``suspended``, 2 ``protected``,
3 ``scrub_geo`` (tweets jobs) or ``deactivated`` (users jobs); any other n is compliant and absent.
``action`` is ``delete``; ``created_at`` is the time in n's snowflake bits and ``redacted_at`` one
day later, omitted when n % 7 == 0.

Files can be gigabytes, so nothing here holds the file, or the set of IDs seen, in memory:
flagged IDs are spread over bucket files on disk, each bucket is de-duplicated on its own, and the
buckets are merged back into first-seen order.
"""

from __future__ import annotations

import contextlib
import heapq
import threading
from pathlib import Path
from typing import BinaryIO, Final

from x_compliance.emulator._clock import x_timestamp

SNOWFLAKE_EPOCH_MS: Final = 1288834974657
DAY_MS: Final = 86_400_000
MAX_ID_DIGITS: Final = 19
# About this many bytes of the upload per bucket keeps each bucket's set of IDs small.
BUCKET_BYTES: Final = 1024 * 1024
MAX_BUCKETS: Final = 256
SHOWN_CHARS: Final = 40


def reason_for(n: int, job_type: str) -> str | None:
    """The compliance event of ID ``n`` in a job of ``job_type``, or None when it is compliant."""
    match n % 10:
        case 0:
            return "deleted"
        case 1:
            return "suspended"
        case 2:
            return "protected"
        case 3:
            return "scrub_geo" if job_type == "tweets" else "deactivated"
        case _:
            return None


def result_for(n: int, job_type: str) -> dict[str, str] | None:
    """The results line (as a dict) for ID ``n``, or None when it has no event."""
    reason = reason_for(n, job_type)
    if reason is None:
        return None
    created_ms = (n >> 22) + SNOWFLAKE_EPOCH_MS
    line = {"id": str(n), "action": "delete", "created_at": x_timestamp(created_ms)}
    if n % 7 != 0:
        line["redacted_at"] = x_timestamp(created_ms + DAY_MS)
    line["reason"] = reason
    return line


def bad_line_error(number: int, line: bytes) -> str:
    """The job's ``error`` for a line that is not an ID: ``Line 3 is not a valid ID: 'abc'``."""
    shown = line.decode("utf-8", errors="replace")[:SHOWN_CHARS]
    return f"Line {number} is not a valid ID: {shown!r}"


def process_upload(upload: Path, job_type: str, results: Path, stop: threading.Event) -> str | None:
    """Check ``upload`` and write its results to ``results``; return the error of a bad line.

    Lines are stripped of surrounding whitespace; blank lines are skipped; any other line must be
    1 to 19 ASCII digits. Line numbers count every line, blank ones too, from 1.
    """
    work = results.with_name(results.name + ".work")
    work.mkdir()
    try:
        count = min(MAX_BUCKETS, upload.stat().st_size // BUCKET_BYTES + 1)
        buckets = [work / f"{i}.flagged" for i in range(count)]
        error = _spread_flagged_ids(upload, buckets, stop)
        if error is not None or stop.is_set():
            return error
        firsts = [_first_occurrences(bucket, work / f"{i}.first") for i, bucket in enumerate(buckets)]
        _merge_results(firsts, job_type, results)
        return None
    finally:
        for leftover in work.iterdir():
            leftover.unlink()
        work.rmdir()


def _spread_flagged_ids(upload: Path, buckets: list[Path], stop: threading.Event) -> str | None:
    """Check every line; append ``LINE_NUMBER ID`` of each flagged ID to its bucket."""
    with contextlib.ExitStack() as files:
        outs: list[BinaryIO] = [files.enter_context(path.open("wb")) for path in buckets]
        count = len(outs)
        source = files.enter_context(upload.open("rb"))
        for number, raw in enumerate(source, 1):
            line = raw.strip()
            if not line:
                continue
            if len(line) > MAX_ID_DIGITS or not line.isdigit():
                return bad_line_error(number, line)
            if line[-1] > 0x33:  # last digit 4-9: compliant, never in the results
                continue
            n = int(line)
            outs[(n // 10) % count].write(b"%012d %d\n" % (number, n))
            if number % 65536 == 0 and stop.is_set():
                return None
    return None


def _first_occurrences(bucket: Path, out: Path) -> Path:
    """Keep the first line of each ID in ``bucket`` (lines stay in line-number order)."""
    seen: set[bytes] = set()
    with bucket.open("rb") as source, out.open("wb") as sink:
        for record in source:
            n = record.split(b" ", 1)[1]
            if n not in seen:
                seen.add(n)
                sink.write(record)
    return out


def _merge_results(firsts: list[Path], job_type: str, results: Path) -> None:
    # Records start with a zero-padded line number, so they merge as plain bytes.
    with contextlib.ExitStack() as files:
        sources = [files.enter_context(path.open("rb")) for path in firsts]
        sink = files.enter_context(results.open("wb"))
        for record in heapq.merge(*sources):
            line = result_for(int(record[13:]), job_type)
            assert line is not None  # only flagged IDs reach the buckets
            sink.write(result_json(line))


def result_json(line: dict[str, str]) -> bytes:
    """A results line as compact JSON. Its values (digits, timestamps, fixed words) need no
    escaping, so this is json.dumps without its cost per line."""
    fields = ",".join(f'"{name}":"{value}"' for name, value in line.items())
    return ("{" + fields + "}\n").encode()

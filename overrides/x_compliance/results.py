"""The results file: JSON lines, one ``ComplianceResult`` per line.

X writes one object per line for each ID that has a compliance event (IDs without one are absent)::

    {"id":"1265324480517361664","action":"delete","created_at":"2019-10-29T17:02:47.000Z",
     "redacted_at":"2020-07-29T17:02:47.000Z","reason":"deleted"}

``ComplianceResult`` is a small frozen record rather than the generated model: results are the hot
path (millions of lines), and users want ``redacted_at`` to be ``None`` when absent, not ``UNSET``.
Its ``action`` and ``reason`` are the generated open enums: an unknown reason is kept as its string.
Tolerated: a UTF-8 byte-order mark, CRLF line ends, blank lines, a last line without a newline,
timestamps with ``Z`` or an offset, with or without fractions (a timestamp without an offset is
taken as UTC), and unknown fields (kept in ``extra``). A line that is not a JSON object with ``id``,
``action``, ``reason`` and ``created_at`` raises ``DownloadError`` naming its line number.

Speed: a results file has millions of lines, so each one's cost counts. A block of lines is decoded
once and each line handed to the C scanner behind ``json.loads`` (``json.loads`` itself adds about a
microsecond of Python per call); enums are read by the generated ``*_from_value`` functions, a dict
lookup for known values. A line the fast path does not take exactly as it is (a blank line, CR, a
BOM, anything malformed) goes through ``parse_line``, which gives the same results and errors as
before the fast path existed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from json.scanner import make_scanner
from typing import Any

from attrs import field, frozen

from x_compliance._redact import excerpt
from x_compliance.errors import DownloadError
from x_compliance_api.models import ResultAction, ResultReason
from x_compliance_api.models.result_action import result_action_from_value
from x_compliance_api.models.result_reason import result_reason_from_value

__all__ = ["ComplianceResult", "LineReader"]

_BOM = b"\xef\xbb\xbf"
_KNOWN = frozenset({"id", "action", "reason", "created_at", "redacted_at"})
# The C scanner json.loads runs: (value, end) of the JSON value at an index, skipping no whitespace.
# (typeshed's stub wants a scanner as its context; at run time it is the decoder, as in json.decoder.)
_scan = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


@frozen
class ComplianceResult:
    """One compliance event: ``action`` (``delete``) the object ``id``, because of ``reason``.

    >>> r = ComplianceResult.from_dict({"id": "1", "action": "delete", "reason": "deleted",
    ...                                 "created_at": "2019-10-29T17:02:47.000Z"})
    >>> r.reason == "deleted", r.redacted_at
    (True, None)
    """

    id: str
    action: ResultAction
    reason: ResultReason
    created_at: dt.datetime
    redacted_at: dt.datetime | None = None
    extra: Mapping[str, Any] = field(factory=dict, hash=False)
    """Fields X sent that this version does not know, kept as parsed JSON."""

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> ComplianceResult:
        """A result from one parsed line; ``KeyError``/``ValueError``/``TypeError`` if it is not one."""
        # Positional, and enums by their modules' functions: this runs once per line of a results file.
        redacted = record.get("redacted_at")
        return cls(
            _text(record["id"]),
            result_action_from_value(record["action"]),
            result_reason_from_value(record["reason"]),
            _timestamp(record["created_at"]),
            None if redacted is None else _timestamp(redacted),
            {} if record.keys() <= _KNOWN else {k: v for k, v in record.items() if k not in _KNOWN},
        )

    def to_dict(self) -> dict[str, Any]:
        """The wire form: ``redacted_at`` left out when None, ``extra`` fields kept."""
        record: dict[str, Any] = {
            **self.extra,
            "id": self.id,
            "action": self.action.value,
            "reason": self.reason.value,
            "created_at": _wire(self.created_at),
        }
        if self.redacted_at is not None:
            record["redacted_at"] = _wire(self.redacted_at)
        return record


def parse_line(line: bytes, number: int) -> ComplianceResult | None:
    """The result on results line ``number`` (1-based), or None for a blank line."""
    line = line.strip()
    if not line:
        return None
    if number == 1 and line.startswith(_BOM):
        line = line[len(_BOM) :].strip()
    try:
        record = json.loads(line)
        if not isinstance(record, dict):
            raise TypeError(f"a JSON {type(record).__name__}, not an object")
        return ComplianceResult.from_dict(record)
    except (ValueError, KeyError, TypeError) as exc:
        why = f"missing {exc}" if isinstance(exc, KeyError) else str(exc).splitlines()[0][:80]
        raise DownloadError(
            f"results line {number} is not a compliance result ({why}): {excerpt(line, limit=120)!r}"
        ) from None


class LineReader:
    """Turns the chunks of a results download into results, keeping a partial last line between
    chunks (and across a resumed download, which continues at the next byte)."""

    def __init__(self) -> None:
        self._partial = b""
        self.lines = 0

    def feed(self, chunk: bytes) -> Iterator[ComplianceResult]:
        data = self._partial + chunk if self._partial else chunk
        end = data.rfind(b"\n")
        if end < 0:
            self._partial = data
            return
        self._partial = data[end + 1 :]
        results: list[ComplianceResult] = []
        error = None
        try:
            self._parse(data[:end], results)
        except DownloadError as bad_line:
            error = bad_line
        yield from results  # the good lines before a bad one are delivered, then its error
        if error is not None:
            raise error

    def finish(self) -> Iterator[ComplianceResult]:
        """The last line, when the file does not end with a newline."""
        if self._partial:
            self.lines += 1
            line, self._partial = self._partial, b""
            result = parse_line(line, self.lines)
            if result is not None:
                yield result

    def _parse(self, block: bytes, results: list[ComplianceResult]) -> None:
        """Append the results of ``block``'s lines to ``results``; ``DownloadError`` at a bad line."""
        try:
            lines = block.decode().split("\n")
        except UnicodeDecodeError:  # not UTF-8 somewhere: parse_line finds where
            lines = None
        append = results.append
        number = self.lines
        try:
            if lines is None:
                for raw in block.split(b"\n"):
                    number += 1
                    if (result := parse_line(raw, number)) is not None:
                        append(result)
                return
            for line in lines:
                number += 1
                try:
                    record, stop = _scan(line, 0)
                    if stop == len(line) and type(record) is dict:
                        append(ComplianceResult.from_dict(record))
                        continue
                except (StopIteration, ValueError, KeyError, TypeError):
                    pass
                # Not a plain JSON object alone on its line: the careful path, with its errors.
                if (result := parse_line(line.encode(), number)) is not None:
                    append(result)
        finally:
            self.lines = number


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"id is a {type(value).__name__}, not a string")


def _timestamp(value: object) -> dt.datetime:
    if not isinstance(value, str):
        raise TypeError(f"timestamp is a {type(value).__name__}, not a string")
    stamp = dt.datetime.fromisoformat(value)
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.UTC)


def _wire(stamp: dt.datetime) -> str:
    return stamp.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

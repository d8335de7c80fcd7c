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
``action``, ``reason`` and ``created_at`` (strings where X writes strings) raises ``DownloadError``
naming its line number. A timestamp string is parsed when it is first read: one that is not a
timestamp raises ``DownloadError`` naming its line there (``created_at``, ``redacted_at``, and what
reads them: ``==``, ``hash``, ``to_dict``), not while iterating. X's contract says ``created_at`` is
not needed to act on a line, and ``redacted_at`` is absent from some; parsing both was a sixth of
each line's cost (see Speed). Acting on ``id`` and ``reason`` does not stop at a bad timestamp.

Speed: a results file has millions of lines, so each one's cost counts. ``LineReader`` reads each
line with orjson and, when it is the usual line (the four or five known fields, strings where X
writes strings), builds its record in place with plain slot stores (the record's fields are
read-only properties over private slots: a frozen attrs class set each field through
``object.__setattr__``, which cost more than reading the JSON). What the properties make on first
read costs nothing to a user who does not read it: the enum members of ``action`` and ``reason``
(a hash of two fresh strings per line), and the timestamps (``datetime.fromisoformat`` twice: about
2,000 of the 12,900 instructions a line took, against 7,400 for orjson alone). Any other line, and
any line orjson refuses (a blank line, a BOM, NaN, a lone surrogate escape, malformed JSON), goes
through ``parse_line``: the standard library's ``json`` and ``from_dict``'s checks, whose results
and errors are the ones users have always had. (Where orjson reads a line differently, an integer
beyond 64 bits as a float, the line is not the usual one: it has a number where X writes a string,
or an unknown field.)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from x_compliance._redact import excerpt
from x_compliance.errors import DownloadError
from x_compliance_api.models import ResultAction, ResultReason
from x_compliance_api.models.result_action import result_action_from_value
from x_compliance_api.models.result_reason import result_reason_from_value

__all__ = ["ComplianceResult", "LineReader"]

_BOM = b"\xef\xbb\xbf"
_KNOWN = frozenset({"id", "action", "reason", "created_at", "redacted_at"})


class ComplianceResult:
    """One compliance event: ``action`` (``delete``) the object ``id``, because of ``reason``.

    Frozen: its fields are read-only properties (assigning one raises ``AttributeError``); equal
    when every field is, hashed without ``extra``.

    >>> r = ComplianceResult.from_dict({"id": "1", "action": "delete", "reason": "deleted",
    ...                                 "created_at": "2019-10-29T17:02:47.000Z"})
    >>> r.reason == "deleted", r.redacted_at
    (True, None)
    """

    # Private slots behind read-only properties rather than a __setattr__ that refuses: the results
    # parser fills a record with plain slot stores, ten times cheaper than object.__setattr__.
    __slots__ = ("_action", "_created_at", "_extra", "_id", "_line", "_reason", "_redacted_at")
    # The parser stores raw strings in _action, _reason and the timestamps; each property turns its
    # own into the typed value on first read and keeps it. (mypy cannot narrow ``type(x) is str``
    # where the other member of the union is a str subclass: hence the ignores below.)
    __match_args__ = ("id", "action", "reason", "created_at", "redacted_at", "extra")

    _id: str
    _action: ResultAction | str
    _reason: ResultReason | str
    _created_at: dt.datetime | str
    _redacted_at: dt.datetime | str | None
    _extra: Mapping[str, Any] | None
    _line: int
    """The results line it was read from (0: not read from one), for a timestamp's error."""

    def __init__(
        self,
        id: str,
        action: ResultAction,
        reason: ResultReason,
        created_at: dt.datetime,
        redacted_at: dt.datetime | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self._id = id
        self._action = action
        self._reason = reason
        self._created_at = created_at
        self._redacted_at = redacted_at
        self._extra = extra or None  # None for none: the usual record does not carry a dict
        self._line = 0

    @property
    def id(self) -> str:
        """The post's or user's ID, as X wrote it."""
        return self._id

    @property
    def action(self) -> ResultAction:
        """What to do with the stored object (``delete``)."""
        action = self._action
        if type(action) is str:  # as read from a results line: made the member on first use
            action = self._action = result_action_from_value(action)
        return action  # type: ignore[return-value]

    @property
    def reason(self) -> ResultReason:
        """Why (``deleted``, ``suspended``, ...); an unknown reason is kept as its string."""
        reason = self._reason
        if type(reason) is str:
            reason = self._reason = result_reason_from_value(reason)
        return reason  # type: ignore[return-value]

    @property
    def created_at(self) -> dt.datetime:
        """X's timestamp for the line (timezone-aware; one written without an offset is UTC).

        Read from a results file, it is parsed on first read: ``DownloadError`` naming the line if
        it is not a timestamp."""
        stamp = self._created_at
        if type(stamp) is str or stamp.tzinfo is None:  # type: ignore[union-attr]
            stamp = self._created_at = self._aware(stamp, "created_at")
        return stamp  # type: ignore[return-value]

    @property
    def redacted_at(self) -> dt.datetime | None:
        """When the object was redacted (timezone-aware), or None when X did not say; parsed on
        first read, as ``created_at``."""
        stamp = self._redacted_at
        if stamp is not None and (type(stamp) is str or stamp.tzinfo is None):  # type: ignore[union-attr]
            stamp = self._redacted_at = self._aware(stamp, "redacted_at")
        return stamp  # type: ignore[return-value]

    def _aware(self, stamp: dt.datetime | str, name: str) -> dt.datetime:
        """``stamp`` parsed if it is a string (as read from a results line), and aware (UTC if it
        was naive); ``DownloadError`` naming the line if it is not a timestamp."""
        if isinstance(stamp, str):
            try:
                stamp = dt.datetime.fromisoformat(stamp)
            except ValueError as exc:
                where = f"results line {self._line}" if self._line else "a result"
                why = str(exc).splitlines()[0][:80]
                raise DownloadError(f"{where} is not a compliance result ({name}: {why})") from None
        return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.UTC)

    @property
    def extra(self) -> Mapping[str, Any]:
        """Fields X sent that this version does not know, kept as parsed JSON."""
        return {} if self._extra is None else self._extra

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> ComplianceResult:
        """A result from one parsed line; ``KeyError``/``ValueError``/``TypeError`` if it is not one."""
        return cls._build(record, 0)

    @classmethod
    def _build(cls, record: Mapping[str, Any], line: int) -> ComplianceResult:
        """``from_dict``; or, for a record read from results line ``line`` (> 0), with timestamp
        strings kept as they are, parsed on first read (as ``LineReader`` builds the usual line)."""
        stamp = _timestamp if line == 0 else _string
        redacted = record.get("redacted_at")
        result: ComplianceResult = object.__new__(cls)
        result._id = _text(record["id"])
        result._action = result_action_from_value(record["action"])
        result._reason = result_reason_from_value(record["reason"])
        result._created_at = stamp(record["created_at"])
        result._redacted_at = None if redacted is None else stamp(redacted)
        result._extra = (
            None if record.keys() <= _KNOWN else {k: v for k, v in record.items() if k not in _KNOWN}
        )
        result._line = line
        return result

    def to_dict(self) -> dict[str, Any]:
        """The wire form: ``redacted_at`` left out when None, ``extra`` fields kept."""
        record: dict[str, Any] = {
            **self.extra,
            "id": self._id,
            "action": self.action.value,
            "reason": self.reason.value,
            "created_at": _wire(self.created_at),
        }
        if self.redacted_at is not None:
            record["redacted_at"] = _wire(self.redacted_at)
        return record

    def _key(self) -> tuple[object, ...]:
        return (self._id, self.action, self.reason, self.created_at, self.redacted_at)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ComplianceResult) or other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key() and self.extra == other.extra

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        try:
            stamps = f"created_at={self.created_at!r}, redacted_at={self.redacted_at!r}"
        except DownloadError:  # a timestamp that is not one: shown as X wrote it
            stamps = f"created_at={self._created_at!r}, redacted_at={self._redacted_at!r}"
        return (
            f"{self.__class__.__qualname__}(id={self._id!r}, action={self.action!r}, "
            f"reason={self.reason!r}, {stamps}, extra={self.extra!r})"
        )


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
        return ComplianceResult._build(record, number)
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
        """The results of the lines ``chunk`` completes; ``DownloadError`` at a bad line, after the
        good lines before it."""
        data = self._partial + chunk if self._partial else chunk
        end = data.rfind(b"\n")
        if end < 0:
            self._partial = data
            return iter(())
        self._partial = data[end + 1 :]
        results: list[ComplianceResult] = []
        try:
            self._parse(data[:end], results)
        except DownloadError as bad_line:
            return _then_raise(results, bad_line)
        # A list's iterator, not a generator: the caller's ``yield from`` takes each result in C.
        return iter(results)

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
        loads, new = orjson.loads, object.__new__
        append = results.append
        number = self.lines
        try:
            for line in block.split(b"\n"):
                number += 1
                try:
                    record = loads(line)
                    identifier = record["id"]
                    # The usual line: the known fields only (no extra to keep), strings where X
                    # writes strings. Any other line raises here or fails the test below, and takes
                    # the careful path. Enums and a naive timestamp's UTC are made on first read.
                    action, reason = record["action"], record["reason"]
                    fields = len(record)
                    redacted = record["redacted_at"] if fields == 5 else None
                    if (
                        type(identifier) is str
                        and type(action) is str  # made enum members on first use, by the properties
                        and type(reason) is str
                        and (fields == 4 or redacted is not None)
                    ):
                        created = record["created_at"]
                        if type(created) is not str or (redacted is not None and type(redacted) is not str):
                            raise TypeError("a timestamp that is not a string")
                        result: ComplianceResult = new(ComplianceResult)
                        result._id = identifier
                        result._action = action
                        result._reason = reason
                        result._created_at = created
                        result._redacted_at = redacted
                        result._extra = None
                        result._line = number
                        append(result)
                        continue
                    # Fields X added (DESIGN: fields come and go): read as they are, unless one may
                    # hold what orjson reads otherwise than json (an integer beyond 64 bits).
                    if type(record) is dict and not any(type(v) in _MAYBE_INEXACT for v in record.values()):
                        append(ComplianceResult._build(record, number))
                        continue
                except (ValueError, KeyError, TypeError):  # orjson's error is a ValueError
                    pass
                if (careful := parse_line(line, number)) is not None:  # None: a blank line
                    append(careful)
        finally:
            self.lines = number


_MAYBE_INEXACT = frozenset({float, dict, list})
"""Types of a JSON value that orjson may read otherwise than ``json``: a float is what it makes of
an integer beyond 64 bits, and a list or an object may hold one."""


def _then_raise(results: list[ComplianceResult], error: DownloadError) -> Iterator[ComplianceResult]:
    yield from results
    raise error


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"id is a {type(value).__name__}, not a string")


def _string(value: object) -> str:
    """A timestamp's string, kept for its first read (see ``ComplianceResult.created_at``)."""
    if not isinstance(value, str):
        raise TypeError(f"timestamp is a {type(value).__name__}, not a string")
    return value


def _timestamp(value: object) -> dt.datetime:
    if not isinstance(value, str):
        raise TypeError(f"timestamp is a {type(value).__name__}, not a string")
    stamp = dt.datetime.fromisoformat(value)
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.UTC)


def _wire(stamp: dt.datetime) -> str:
    return stamp.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

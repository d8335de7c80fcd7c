"""CSV datasets, as ``twarc-csv`` (and most spreadsheets of posts) write them.

The header names an ``id`` column (the post) and optionally ``author_id`` and an embedded
``author.id`` (the author's user object, flattened); geo columns are ``geo`` or start with
``geo.``. Fields are read with Python's ``csv`` module, so quoted fields may hold commas, quotes
and newlines: one record may span several lines of the file.

Each record's raw bytes are kept beside its fields (the lines the reader took for it), so that a
record with nothing to change is copied byte for byte, odd quoting and line endings included. Only
a geo-scrubbed record is written anew (its geo fields empty, the other fields as the ``csv``
module quotes them, its own line ending); a removed record is left out. Records are looked up in
the results a batch at once, as JSON lines are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import BinaryIO, Final, cast

import numpy as np

from x_compliance.sweeps.decisions import RemovalLog, for_post, for_user
from x_compliance.sweeps.errors import DatasetError
from x_compliance.sweeps.formats import Dataset, Lookups, Tally, writer
from x_compliance.sweeps.ids import IdArray, IdCollector, as_ids, is_id

BATCH_RECORDS: Final = 4096
GEO: Final = "geo"
EMBEDDED_AUTHOR: Final = "author.id"
UTF8_BOM: Final = "\ufeff"


class _Bad(Exception):
    """A record the format cannot read (the caller adds file and line)."""


class _Columns:
    """Where the columns the sweep reads are, from the header."""

    def __init__(self, header: list[str]) -> None:
        if header:
            header = [header[0].removeprefix(UTF8_BOM), *header[1:]]
        if "id" not in header:
            raise _Bad("the header has no id column")
        self.width = len(header)
        self.id = header.index("id")
        self.author = header.index("author_id") if "author_id" in header else None
        self.embedded = header.index(EMBEDDED_AUTHOR) if EMBEDDED_AUTHOR in header else None
        self.geo = [n for n, name in enumerate(header) if name == GEO or name.startswith(GEO + ".")]


class _Record:
    """One record: the line it begins on, its raw bytes, its fields."""

    __slots__ = ("fields", "line", "raw")

    def __init__(self, line: int, raw: bytes, fields: list[str]) -> None:
        self.line = line
        self.raw = raw
        self.fields = fields


def _id(value: str, what: str) -> None:
    """``_Bad`` unless ``value`` is an ID: 1-19 ASCII digits."""
    if not is_id(value):
        if not value:
            raise _Bad(f"{what} is empty")
        raise _Bad(f"{what} is not 1-19 digits: {value[:40]!r}")


class _Reader:
    """The records of a CSV dataset with the raw bytes of each, read through ``csv.reader``.

    ``csv.reader`` asks its source for one more line only while a quoted field is open, so the lines
    it took between two records are exactly the second record's bytes.
    """

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.taken: list[bytes] = []
        self.lines = 0

    def _text(self) -> Iterator[str]:
        for number, line in self.dataset.lines():
            self.lines = number
            self.taken.append(line)
            try:
                yield line.decode()
            except UnicodeDecodeError:
                raise DatasetError(self.dataset.path, number, "not UTF-8 text") from None

    def records(self) -> Iterator[_Record]:
        reader = csv.reader(self._text(), strict=True)
        taken = self.taken
        while True:
            first = self.lines + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise DatasetError(self.dataset.path, first, f"not CSV ({error})") from None
            yield _Record(first, b"".join(taken), fields)
            taken.clear()


class CsvPosts:
    """CSV of posts, one per record, with a header naming ``id``."""

    name = "CSV"

    def sniff(self, first: bytes) -> bool:
        if first.lstrip()[:1] in (b"{", b"["):
            return False
        try:
            _Columns(next(csv.reader([first.decode()])))
        except (UnicodeDecodeError, csv.Error, StopIteration, _Bad):
            return False
        return True

    def _read(
        self, dataset: Dataset, tally: Tally
    ) -> tuple[list[_Record], _Columns, Iterator[list[_Record]]]:
        """The records up to the header (blank lines, then the header), the columns it names, and
        the data records in batches; ``tally.lines`` is set once the batches are read."""
        reader = _Reader(dataset)
        records = reader.records()
        head: list[_Record] = []
        for record in records:
            head.append(record)
            if record.fields:
                try:
                    columns = _Columns(record.fields)
                except _Bad as bad:
                    raise DatasetError(dataset.path, record.line, str(bad)) from None
                break
        else:
            raise DatasetError(dataset.path, 0, "no header: the file is empty or blank")

        def batches() -> Iterator[list[_Record]]:
            batch: list[_Record] = []
            for record in records:
                batch.append(record)
                if len(batch) == BATCH_RECORDS:
                    yield batch
                    batch = []
            if batch:
                yield batch
            tally.lines = reader.lines

        return head, columns, batches()

    def _ids(self, dataset: Dataset, columns: _Columns, batch: list[_Record], tally: Tally) -> _BatchIds:
        """The batch's IDs, checked all at once; each record is checked alone only to name a bad one."""
        ids = _BatchIds()
        for record in batch:
            fields = record.fields
            if not fields:  # a blank line
                ids.rows.append(-1)
            elif len(fields) != columns.width:
                problem = f"{len(fields)} fields where the header names {columns.width}"
                raise DatasetError(dataset.path, record.line, problem)
            else:
                ids.add(fields, columns)
        if not ids.convert():
            for record in batch:
                try:
                    if record.fields:
                        _check(record.fields, columns)
                except _Bad as bad:
                    raise DatasetError(dataset.path, record.line, str(bad)) from None
            raise DatasetError(dataset.path, batch[0].line, "the IDs of these records cannot be read")
        tally.posts += len(ids.posts)
        tally.users += len(ids.embedded)
        return ids

    def gather(self, dataset: Dataset, posts: IdCollector, users: IdCollector) -> Tally:
        tally = Tally()
        _, columns, batches = self._read(dataset, tally)
        for batch in batches:
            ids = self._ids(dataset, columns, batch, tally)
            posts.extend_array(ids.post_ids)
            users.extend_array(ids.author_ids)
            users.extend_array(ids.embedded_ids)
        return tally

    def apply(self, dataset: Dataset, out: BinaryIO, lookups: Lookups, log: RemovalLog) -> Tally:
        tally = Tally()
        head, columns, batches = self._read(dataset, tally)
        with writer(dataset, out) as sink:
            sink.write(b"".join(record.raw for record in head))
            for batch in batches:
                ids = self._ids(dataset, columns, batch, tally)
                own = lookups.posts.lookup(ids.post_ids)
                by = np.zeros(len(own), dtype=np.uint8)
                by[ids.author_rows] = lookups.users.lookup(ids.author_ids)
                user = np.zeros(len(own), dtype=np.uint8)
                user[ids.embedded_rows] = lookups.users.lookup(ids.embedded_ids)
                # DESIGN.md "Sweeps": the author is author_id, else the embedded author.id (as JSON
                # lines decide); a row with an embedded user that has a result is a hit too, to log it.
                has_author = np.zeros(len(own), dtype=bool)
                has_author[ids.author_rows] = True
                by = np.where(has_author, by, user)
                hit = own | by | user
                if not hit.any():
                    sink.write(b"".join(record.raw for record in batch))
                    continue
                for record, row in zip(batch, ids.rows, strict=True):
                    if row < 0 or not hit[row]:
                        sink.write(record.raw)
                        continue
                    kept = self._decide(record, columns, lookups, own[row], by[row], user[row], log)
                    if kept is not None:
                        sink.write(kept)
        return tally

    def _decide(
        self,
        record: _Record,
        columns: _Columns,
        lookups: Lookups,
        own: int,
        by: int,
        user: int,
        log: RemovalLog,
    ) -> bytes | None:
        """What goes out for a record with a hit: its bytes, new bytes (geo emptied), or None (removed).
        ``own``, ``by`` and ``user`` are the codes of the post, its author and its embedded user."""
        fields = record.fields
        if columns.embedded is not None and (decided := for_user(lookups.users.reason(user))) is not None:
            log.add(fields[columns.embedded], "user", decided)
        decision = for_post(lookups.posts.reason(own), lookups.users.reason(by))
        if decision is None:
            return record.raw
        log.add(fields[columns.id], "post", decision)
        if decision.action == "remove":
            return None
        if not any(fields[n] for n in columns.geo):
            return record.raw
        scrubbed = [("" if n in columns.geo else value) for n, value in enumerate(fields)]
        ending = "\r\n" if record.raw.endswith(b"\r\n") else "\n" if record.raw.endswith(b"\n") else ""
        text = io.StringIO()
        csv.writer(text, lineterminator=ending).writerow(scrubbed)
        return text.getvalue().encode()


class _BatchIds:
    """The IDs of one batch: a post ID per data record, the author IDs and the embedded authors with
    the rows they belong to, as found, then (``convert``) as arrays; ``rows`` maps each record to its
    row of ``posts`` (-1: a blank line)."""

    def __init__(self) -> None:
        self.posts: list[str] = []
        self.authors: list[str] = []
        self.author_rows: list[int] = []
        self.embedded: list[str] = []
        self.embedded_rows: list[int] = []
        self.rows: list[int] = []
        self.post_ids = self.author_ids = self.embedded_ids = np.empty(0, dtype=np.uint64)

    def add(self, fields: list[str], columns: _Columns) -> None:
        row = len(self.posts)
        self.rows.append(row)
        self.posts.append(fields[columns.id])
        if columns.author is not None and (author := fields[columns.author]):
            self.authors.append(author)
            self.author_rows.append(row)
        if columns.embedded is not None and (embedded := fields[columns.embedded]):
            self.embedded.append(embedded)
            self.embedded_rows.append(row)

    def convert(self) -> bool:
        """The IDs as ``uint64`` arrays; False when any is not 1-19 digits (one test for them all)."""
        none = np.empty(0, dtype=np.uint64)
        arrays = [as_ids(found) if found else none for found in (self.posts, self.authors, self.embedded)]
        if any(array is None for array in arrays):
            return False
        self.post_ids, self.author_ids, self.embedded_ids = cast("list[IdArray]", arrays)
        return True


def _check(fields: list[str], columns: _Columns) -> None:
    """Each ID of a record, checked alone: ``_Bad`` says which one is wrong."""
    _id(fields[columns.id], "id")
    if columns.author is not None and (author := fields[columns.author]):
        _id(author, "author_id")
    if columns.embedded is not None and (embedded := fields[columns.embedded]):
        _id(embedded, EMBEDDED_AUTHOR)


CSV: Final = CsvPosts()

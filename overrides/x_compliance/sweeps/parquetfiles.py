"""Parquet datasets, through pyarrow (the optional ``parquet`` extra).

A Parquet file is told by its magic bytes (``PAR1``). It holds posts, one per row: an ``id``
column (strings of digits, or integers), optionally ``author_id`` and an embedded author (an
``author`` struct with an ``id`` field, or a flattened ``author.id`` column); geo columns are
``geo`` (often a struct) or start with ``geo.``.

It is read and written one row group at a time, never whole: gather reads only the ID columns;
apply reads a row group, looks its IDs up in the results at once (the column as a ``uint64`` array,
``Verdicts.lookup``), sets the geo columns of scrubbed posts to null, drops removed posts with
pyarrow's compute functions, and writes what is left as one row group of the copy, with the
dataset's schema (its metadata included) and compression. A row group with no hit is written as it
was read. Row numbers (from 1, across row groups) stand for line numbers in errors.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Final

import numpy as np

from x_compliance.sweeps.decisions import Removal, RemovalLog, for_post, for_user
from x_compliance.sweeps.errors import DatasetError
from x_compliance.sweeps.formats import Dataset, Format, Lookups, Tally
from x_compliance.sweeps.ids import MAX_DIGITS, IdArray, IdCollector
from x_compliance.sweeps.output import sha256

if TYPE_CHECKING:
    import pyarrow as pa

PARQUET_MAGIC: Final = b"PAR1"
EXTRA: Final = "pip install 'x-compliance[parquet]'"
GEO: Final = "geo"
AUTHOR: Final = "author"
EMBEDDED_AUTHOR: Final = "author.id"
ID_PATTERN: Final = rf"^[0-9]{{1,{MAX_DIGITS}}}$"
# removals.parquet's row groups: 131,072 records each. pyarrow holds a row group whole while it
# writes it: a million at a time took 132 MB more for a million removals, this 72 MB.
REMOVALS_BATCH: Final = 131_072
# A file's codec as its metadata names it, as ParquetWriter names it (the others: the same, lower case).
WRITER_CODEC: Final = {"UNCOMPRESSED": "none", "LZ4_RAW": "lz4"}


def has_pyarrow() -> bool:
    """Whether the ``parquet`` extra (pyarrow) is installed."""
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


def parquet_format(path: Path) -> Format:
    """The Parquet plug-in; a ``DatasetError`` naming the extra when pyarrow is not installed."""
    if not has_pyarrow():
        raise DatasetError(
            path, 0, f"a Parquet file: reading it needs pyarrow, the 'parquet' extra ({EXTRA})"
        )
    return PARQUET


class _Columns:
    """The columns of the schema that the sweep reads or scrubs."""

    def __init__(self, schema: pa.Schema) -> None:
        import pyarrow as pa

        names: list[str] = schema.names
        self.author = "author_id" if "author_id" in names else None
        self.embedded: str | None = None
        if EMBEDDED_AUTHOR in names:
            self.embedded = EMBEDDED_AUTHOR
        elif AUTHOR in names:
            author = schema.field(AUTHOR).type
            if pa.types.is_struct(author) and author.get_field_index("id") >= 0:
                self.embedded = AUTHOR
        self.geo = [name for name in names if name == GEO or name.startswith(GEO + ".")]
        self.ids = ["id", *(name for name in (self.author, self.embedded) if name is not None)]


class ParquetPosts:
    """Parquet of posts, one per row, with an ``id`` column."""

    name = "Parquet"

    def sniff(self, first: bytes) -> bool:
        return False  # told by its magic bytes in ``detect``, before any line is read

    def _open(self, dataset: Dataset) -> tuple[Any, _Columns]:
        import pyarrow.parquet as pq

        try:
            file = pq.ParquetFile(dataset.path)
        except Exception as error:  # pyarrow raises its own errors for a damaged file
            raise DatasetError(dataset.path, 0, f"not a Parquet file pyarrow can read ({error})") from None
        if "id" not in file.schema_arrow.names:
            raise DatasetError(dataset.path, 0, "the Parquet schema has no id column")
        return file, _Columns(file.schema_arrow)

    def _groups(self, file: Any, columns: list[str] | None) -> Iterator[tuple[int, pa.Table]]:
        """(rows before it, row group), each read alone; ``columns`` None reads every column."""
        before = 0
        for number in range(file.num_row_groups):
            group = file.read_row_group(number, columns=columns)
            yield before, group
            before += group.num_rows

    def gather(self, dataset: Dataset, posts: IdCollector, users: IdCollector) -> Tally:
        tally = Tally()
        file, columns = self._open(dataset)
        for before, group in self._groups(file, columns.ids):
            ids = _Ids(dataset, group, columns, before)
            posts.extend_array(ids.posts)
            users.extend_array(ids.authors[ids.has_author])
            users.extend_array(ids.embedded[ids.has_embedded])
            tally.lines += group.num_rows
            tally.posts += group.num_rows
            tally.users += int(ids.has_embedded.sum())
        dataset.sha256 = sha256(dataset.path)  # read by pyarrow, not by ``Dataset``: hashed apart
        return tally

    def apply(self, dataset: Dataset, out: BinaryIO, lookups: Lookups, log: RemovalLog) -> Tally:
        import pyarrow.parquet as pq

        tally = Tally()
        file, columns = self._open(dataset)
        schema = file.schema_arrow
        metadata = file.metadata
        codec = metadata.row_group(0).column(0).compression if metadata.num_row_groups else "UNCOMPRESSED"
        with pq.ParquetWriter(out, schema, compression=WRITER_CODEC.get(codec, codec.lower())) as sink:
            if not metadata.num_row_groups:
                sink.write_table(schema.empty_table())
            for before, group in self._groups(file, None):
                tally.lines += group.num_rows
                tally.posts += group.num_rows
                ids = _Ids(dataset, group, columns, before)
                tally.users += int(ids.has_embedded.sum())
                kept = _decide(group, ids, columns, lookups, log)
                if kept.num_rows:  # one row group out per row group in (a wholly removed one is gone)
                    sink.write_table(kept, row_group_size=kept.num_rows)
        dataset.sha256 = sha256(dataset.path)
        return tally


class _Ids:
    """The IDs of one row group as ``uint64`` arrays, checked; authors and embedded authors with a
    mask of the rows that have one."""

    def __init__(self, dataset: Dataset, group: pa.Table, columns: _Columns, before: int) -> None:
        self.posts = _uint64(dataset, group.column("id"), "id", before, nullable=False)
        rows = group.num_rows
        none = np.zeros(rows, dtype=np.uint64)
        self.authors, self.has_author = none, np.zeros(rows, dtype=bool)
        self.embedded, self.has_embedded = none, np.zeros(rows, dtype=bool)
        if columns.author is not None:
            column = group.column(columns.author)
            self.has_author = np.asarray(column.is_valid(), dtype=bool)
            self.authors = _uint64(dataset, column, columns.author, before, nullable=True)
        if columns.embedded is not None:
            import pyarrow.compute as pc

            column = group.column(columns.embedded)
            if columns.embedded == AUTHOR:
                column = pc.struct_field(column, "id")
            self.has_embedded = np.asarray(column.is_valid(), dtype=bool)
            self.embedded = _uint64(dataset, column, EMBEDDED_AUTHOR, before, nullable=True)


def _uint64(dataset: Dataset, column: Any, name: str, before: int, nullable: bool) -> IdArray:
    """``column`` (strings of 1-19 digits, or non-negative integers) as a ``uint64`` array; nulls
    become 0 when ``nullable``. A ``DatasetError`` names the first row that is not an ID."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    text = pa.types.is_string(kind) or pa.types.is_large_string(kind)
    if text:
        good = pc.match_substring_regex(column, ID_PATTERN)
        problem = "is not 1-19 digits"
    elif pa.types.is_integer(kind):
        good = pc.greater_equal(column, 0)
        problem = "is negative"
    else:
        raise DatasetError(dataset.path, 0, f"the {name} column holds {kind}, not IDs (strings or integers)")
    if nullable:
        good = pc.or_kleene(good, pc.is_null(column))
        column = pc.fill_null(column, "0" if text else 0)
    if not pc.all(pc.fill_null(good, False), min_count=0).as_py():  # (an empty row group is all good)
        row = int(pc.index(pc.fill_null(good, False), False).as_py())
        value = column[row].as_py()
        what = f"{name} is null" if value is None else f"{name} {problem}: {str(value)[:40]!r}"
        raise DatasetError(dataset.path, before + row + 1, f"row {before + row + 1}: {what}")
    ids: IdArray = pc.cast(column, pa.uint64()).to_numpy()
    return ids


def _decide(group: pa.Table, ids: _Ids, columns: _Columns, lookups: Lookups, log: RemovalLog) -> pa.Table:
    """The row group after the decisions, each one logged."""
    import pyarrow as pa
    import pyarrow.compute as pc

    own = lookups.posts.lookup(ids.posts)
    by = np.zeros(len(own), dtype=np.uint8)
    by[ids.has_author] = lookups.users.lookup(ids.authors[ids.has_author])
    user = np.zeros(len(own), dtype=np.uint8)
    user[ids.has_embedded] = lookups.users.lookup(ids.embedded[ids.has_embedded])
    for row in np.flatnonzero(user).tolist():
        decision = for_user(lookups.users.reason(int(user[row])))
        assert decision is not None
        log.add(str(ids.embedded[row]), "user", decision)
    # DESIGN.md "Sweeps": a post's author is author_id, else its embedded author (as JSON lines decide).
    by = np.where(ids.has_author, by, user)
    hits = np.flatnonzero(own | by)
    if not len(hits):
        return group
    remove = np.zeros(len(own), dtype=bool)
    scrub = np.zeros(len(own), dtype=bool)
    for row in hits.tolist():
        decision = for_post(lookups.posts.reason(int(own[row])), lookups.users.reason(int(by[row])))
        if decision is None:
            continue
        log.add(str(ids.posts[row]), "post", decision)
        if decision.action == "remove":
            remove[row] = True
        else:
            scrub[row] = True
    if scrub.any():
        mask = pa.array(scrub)
        for name in columns.geo:
            column = group.column(name)
            at = group.schema.get_field_index(name)
            scrubbed = pc.if_else(mask, pa.scalar(None, column.type), column)
            group = group.set_column(at, group.schema.field(at), scrubbed)
    return group.filter(pa.array(~remove)) if remove.any() else group


def write_removals(removals: Iterator[Removal], out: BinaryIO) -> None:
    """``removals.parquet``: the records of ``removals.jsonl`` as a table (each field a string
    column), written ``REMOVALS_BATCH`` at a time.

    A batch is held as 12 bytes a record (the ID as a number, the index of its other four fields),
    not as a million ``Removal`` objects, and its columns are built by pyarrow from those arrays.
    The IDs are decimal numbers as ``RemovalLog`` writes them (no leading zeros), so the table is the
    one the records themselves make.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = ("id", "kind", "action", "reason", "via")
    schema = pa.schema([(name, pa.string()) for name in fields])
    ids, tags = array("Q"), array("I")
    tag_of: dict[tuple[str, str, str, str], int] = {}

    def write(sink: Any) -> None:
        nonlocal ids, tags
        keys = list(tag_of)
        indices = pa.array(np.frombuffer(tags, dtype=np.uint32))
        columns = {"id": pa.array(np.frombuffer(ids, dtype=np.uint64)).cast(pa.string())}
        for n, name in enumerate(fields[1:]):
            columns[name] = pa.array([key[n] for key in keys], pa.string()).take(indices)
        sink.write_table(pa.table(columns, schema=schema))
        ids, tags = array("Q"), array("I")  # new ones: the columns' buffers may still hold the old

    with pq.ParquetWriter(out, schema) as sink:
        for removal in removals:
            key = (removal.kind, removal.action, removal.reason, removal.via)
            tag = tag_of.get(key)
            if tag is None:
                tag = tag_of[key] = len(tag_of)
            ids.append(int(removal.id))
            tags.append(tag)
            if len(ids) == REMOVALS_BATCH:
                write(sink)
        if ids:
            write(sink)


PARQUET: Final = ParquetPosts()

"""Datasets and their formats: one small reader/writer interface, one plug-in per format.

A dataset is told apart by its content, never its name: gzip by its magic bytes (the output is
then gzip too), the format by its first record. A format plug-in does two passes over a dataset:
``gather`` (every post and user ID, checked) and ``apply`` (the compliant copy, written to a file
object, with each decision logged). JSON lines of response pages and of flat posts are here
(``jsonlines``), CSV in ``csvfiles``, Parquet (told by its magic bytes) in ``parquetfiles``.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Final, Protocol, cast

from attrs import define, frozen

from x_compliance.sweeps.decisions import RemovalLog
from x_compliance.sweeps.errors import DatasetError
from x_compliance.sweeps.ids import IdCollector, Verdicts

GZIP_MAGIC: Final = b"\x1f\x8b"
# 64 kB chunks: few enough parsed objects alive at once that Python's cyclic collector does not
# scan them over and over (chunks of 1 MB made gather and apply of JSON lines 10-30% slower).
READ_BUFFER: Final = 1 << 16
# Output gzip is reproducible: no time or file name in its header, a fixed level.
GZIP_LEVEL: Final = 6
GZIP_WBITS: Final = 16 + zlib.MAX_WBITS  # zlib reads the gzip wrapper
SNIFF_LINES: Final = 1000


@define
class Tally:
    """Counts of one pass over a dataset: lines read, post and user objects met (not distinct)."""

    lines: int = 0
    posts: int = 0
    users: int = 0


@frozen
class Lookups:
    """What the jobs found: the post (tweets job) and user (users job) results."""

    posts: Verdicts
    users: Verdicts


class Format(Protocol):
    """A dataset format: reads IDs out of it and writes its compliant copy."""

    name: str

    def sniff(self, first: bytes) -> bool:
        """Whether a dataset whose first non-blank record starts with ``first`` is in this format."""
        ...

    def gather(self, dataset: Dataset, posts: IdCollector, users: IdCollector) -> Tally:
        """Add every post and user ID of ``dataset`` to the collectors; raise ``DatasetError`` at the
        first record the format cannot read."""
        ...

    def apply(self, dataset: Dataset, out: BinaryIO, lookups: Lookups, log: RemovalLog) -> Tally:
        """Write ``dataset`` to ``out`` without what ``lookups`` removes; log each decision."""
        ...


@define
class Dataset:
    """One input file: where it is, whether it is gzip, and its format.

    ``sha256`` is the file's hash as the last complete pass over it read it (None before one):
    a sweep records it while gathering and checks it while applying, at no extra read.
    """

    path: Path
    compressed: bool
    format: Format
    sha256: str | None = None

    def chunks(self) -> Iterator[tuple[int, bytes, list[bytes]]]:
        """(number of its first line, counted from 1; a run of whole lines, a block or more; the
        run split at its newlines, so its last item is b"" when it ends with one), in order: each
        run ends with a newline but maybe the file's last. Gzip data that is cut short or damaged
        stops with a ``DatasetError`` naming the first line it could not give whole."""
        number = 1
        pending = b""
        try:
            for block in self._blocks():
                block = pending + block
                end = block.rfind(b"\n") + 1
                chunk, pending = block[:end], block[end:]
                if chunk:
                    lines = chunk.split(b"\n")  # split once here: its length numbers the lines
                    yield number, chunk, lines
                    number += len(lines) - 1
        except (EOFError, zlib.error) as error:
            problem = f"the gzip data is truncated or damaged ({error})"
            raise DatasetError(self.path, number + pending.count(b"\n"), problem) from None
        if pending:
            yield number, pending, [pending]

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """(line number from 1, line with its newline but maybe the last)."""
        for first, _, lines in self.chunks():
            last = lines.pop()  # b"" after a final newline
            for number, line in enumerate(lines, first):
                yield number, line + b"\n"
            if last:
                yield first + len(lines), last

    def _blocks(self) -> Iterator[bytes]:
        digest = hashlib.sha256()
        with self.path.open("rb") as raw:
            if not self.compressed:
                while block := raw.read(READ_BUFFER):
                    digest.update(block)
                    yield block
                self.sha256 = digest.hexdigest()
                return
            # zlib by hand, not GzipFile: its read-ahead would hide which line the damage cut.
            unzip = zlib.decompressobj(GZIP_WBITS)
            while compressed := raw.read(READ_BUFFER):
                digest.update(compressed)
                while compressed:
                    # At most READ_BUFFER bytes out at a time: memory stays flat however well it
                    # compressed (the lines of a chunk are all parsed at once).
                    yield unzip.decompress(compressed, READ_BUFFER)
                    compressed = unzip.unconsumed_tail
                    if unzip.eof and unzip.unused_data:  # the next member of a multi-member file
                        compressed, unzip = unzip.unused_data, zlib.decompressobj(GZIP_WBITS)
            if not unzip.eof:
                raise EOFError("the file ends before its compressed stream does")
            self.sha256 = digest.hexdigest()


def detect(path: Path) -> Dataset:
    """The dataset at ``path``, its compression and format read from its first bytes and records."""
    from x_compliance.sweeps.csvfiles import CSV
    from x_compliance.sweeps.jsonlines import FORMATS  # the plug-ins, tried in order
    from x_compliance.sweeps.parquetfiles import PARQUET_MAGIC, parquet_format

    with path.open("rb") as raw:
        head = raw.read(len(PARQUET_MAGIC))
    if head == PARQUET_MAGIC:  # a binary format: told by its magic, read by row group, never as lines
        return Dataset(path, False, parquet_format(path))
    compressed = head[: len(GZIP_MAGIC)] == GZIP_MAGIC
    probe = Dataset(path, compressed, _Unknown())
    first: bytes | None = None
    for number, line in probe.lines():
        if line.strip():
            first = line
            break
        if number > SNIFF_LINES:
            break
    if first is None:
        raise DatasetError(path, 0, "no records: the file is empty or blank")
    for candidate in (*FORMATS, CSV):
        if candidate.sniff(first):
            return Dataset(path, compressed, candidate)
    raise DatasetError(
        path,
        0,
        "not a format a sweep reads (JSON lines of response pages or of posts, CSV with an id column, "
        "Parquet)",
    )


def writer(dataset: Dataset, out: BinaryIO) -> contextlib.AbstractContextManager[BinaryIO]:
    """Where to write ``dataset``'s copy: ``out`` itself, or gzip into it when the input is gzip."""
    if not dataset.compressed:
        return contextlib.nullcontext(out)
    zipped = gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=GZIP_LEVEL)
    return cast("contextlib.AbstractContextManager[BinaryIO]", zipped)


class _Unknown:
    name = "unknown"

    def sniff(self, first: bytes) -> bool:
        return False

    def gather(self, dataset: Dataset, posts: IdCollector, users: IdCollector) -> Tally:
        raise NotImplementedError

    def apply(self, dataset: Dataset, out: BinaryIO, lookups: Lookups, log: RemovalLog) -> Tally:
        raise NotImplementedError

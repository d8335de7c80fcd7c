"""The disk side of transfers: reading a file's bytes ahead of the socket, temporary spool files,
and a results file that appears under its name only when it is whole and on disk. No HTTP here.
"""

from __future__ import annotations

import contextlib
import os
import queue
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO, Protocol, TypeVar

from x_compliance import _constants as c
from x_compliance.errors import UploadError


class BinaryWriter(Protocol):
    """Where ``download_results`` may write results instead of a path: anything with ``write``
    (``sys.stdout.buffer``, an open file, a socket's file); ``flush`` is called when it has one."""

    def write(self, data: bytes, /) -> object: ...


Writer = TypeVar("Writer", bound=BinaryWriter)


def file_range(path: Path, start: int, end: int) -> Iterator[bytes]:
    """The bytes of ``path`` from ``start`` to ``end`` (exclusive), in blocks; ``UploadError`` if the
    file ends before ``end`` (it shrank while it was being sent)."""
    with path.open("rb") as file:
        file.seek(start)
        done = start
        while done < end:
            block = file.read(min(c.TRANSFER_BLOCK, end - done))
            if not block:
                raise UploadError(f"the upload file shrank while it was being sent ({done} of {end} bytes)")
            done += len(block)
            yield block


def read_range(path: Path, start: int, end: int) -> bytes:
    """The bytes of ``path`` from ``start`` to ``end`` (exclusive), at once (a resumable chunk)."""
    return b"".join(file_range(path, start, end))


def stream_blocks(file: IO[bytes]) -> Iterator[bytes]:
    """A binary file object's bytes, in blocks."""
    while block := file.read(c.TRANSFER_BLOCK):
        if not isinstance(block, bytes):
            raise TypeError(f"the file object gave {type(block).__name__}, not bytes: open it with 'rb'")
        yield block


def file_blocks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as file:
        yield from stream_blocks(file)


def read_ahead(items: Iterator[bytes], depth: int) -> Iterator[bytes]:
    """``items``, produced by a thread at most ``depth`` ahead of the consumer.

    The thread reads and checks the next blocks while the consumer sends this one (sending a
    block over a socket releases the GIL). An exception in the thread is raised to the consumer
    when it reaches it; a consumer that stops early stops the thread.
    """
    ahead: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        ahead.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ahead.put(None)
        except BaseException as error:  # handed to the consumer, which raises it
            ahead.put(error)

    worker = threading.Thread(target=produce, name="x-compliance-read-ahead", daemon=True)
    worker.start()
    try:
        while (item := ahead.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # make room, so that a put waiting on a full queue returns
            with contextlib.suppress(queue.Empty):
                ahead.get(timeout=0.1)
        worker.join()


class Spool:
    """A temporary file to write a cleaned upload into; removed if writing it fails."""

    def __enter__(self) -> tuple[IO[bytes], Path]:
        handle, name = tempfile.mkstemp(prefix="x-compliance-upload-", suffix=".txt")
        self.path = Path(name)
        self.file = os.fdopen(handle, "wb")
        return self.file, self.path

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.file.close()
        if exc_type is not None:
            self.path.unlink(missing_ok=True)


class StreamWriter:
    """Results written to a file object the caller holds (a pipe, ``sys.stdout.buffer``), in blocks
    as they arrive. It cannot be made atomic: ``discard`` leaves what was written, and the caller,
    who sees the error, decides. The object is flushed, never closed."""

    def __init__(self, stream: BinaryWriter) -> None:
        self.stream = stream
        self._pending = bytearray()

    def take(self, chunk: bytes) -> bytes | None:
        """Keep ``chunk``; a block to ``write`` once ``TRANSFER_BLOCK`` bytes have gathered."""
        self._pending += chunk
        if len(self._pending) < c.TRANSFER_BLOCK:
            return None
        block = bytes(self._pending)
        self._pending.clear()
        return block

    def write(self, block: bytes) -> None:
        self.stream.write(block)

    def commit(self) -> None:
        self.stream.write(bytes(self._pending))
        self._pending.clear()
        if (flush := getattr(self.stream, "flush", None)) is not None:
            flush()

    def discard(self) -> None:
        self._pending.clear()


class ReplaceWhenDone(StreamWriter):
    """A new file beside ``target``, renamed onto it by ``commit`` once every byte is on disk, and
    removed by ``discard``: a failed download never leaves a partial file under ``target``.

    ``take`` gathers what arrives into blocks of ``TRANSFER_BLOCK`` bytes for ``write``, so that the
    async client hands the disk one block at a time to a worker thread, not every network chunk.
    Created with ``open(..., "wb")``, so it gets the user's umask like any other file. It is synced
    to disk before the rename, so that a crash never leaves an empty or short file under
    ``target``; to keep that from costing a pause at the end, a helper thread syncs what was written
    every ``SYNC_EVERY`` bytes while the download goes on.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        # One name per target, not a random one: a download killed with SIGKILL leaves its part
        # file, and the next download to the same target replaces it rather than add another.
        self.temporary = target.with_name(f".{target.name}.part")
        self.file = self.temporary.open("wb")
        super().__init__(self.file)
        self._unsynced = 0
        self._syncing: threading.Thread | None = None

    def write(self, block: bytes) -> None:
        self.file.write(block)
        self._unsynced += len(block)
        if self._unsynced >= c.SYNC_EVERY and not (self._syncing and self._syncing.is_alive()):
            self._unsynced = 0
            self.file.flush()
            self._syncing = threading.Thread(target=_sync_data, args=(self.file.fileno(),), daemon=True)
            self._syncing.start()

    def commit(self) -> None:
        """Write what is pending, sync, and rename onto the target."""
        try:
            self.file.write(self._pending)
            self._join_sync()
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            os.replace(self.temporary, self.target)
            _sync_directory(self.target.parent)
        finally:
            self.discard()

    def discard(self) -> None:
        """Close and remove the temporary file (after ``commit``: nothing left to remove)."""
        self._join_sync()
        self.file.close()
        self.temporary.unlink(missing_ok=True)

    def _join_sync(self) -> None:
        if self._syncing is not None:
            self._syncing.join()


@contextlib.contextmanager
def replace_when_done(target: Path) -> Iterator[BinaryIO]:
    """``ReplaceWhenDone`` around a block that writes ``target``'s whole content: the file to write
    to, renamed onto ``target`` when the block ends, removed if it raises."""
    writer = ReplaceWhenDone(target)
    try:
        yield writer.file
    except BaseException:
        writer.discard()
        raise
    writer.commit()


def _sync_directory(folder: Path) -> None:
    # The rename itself is durable only once the directory is synced (not possible on Windows).
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _sync_data(descriptor: int) -> None:
    with contextlib.suppress(OSError):  # the final fsync reports any real problem
        getattr(os, "fdatasync", os.fsync)(descriptor)

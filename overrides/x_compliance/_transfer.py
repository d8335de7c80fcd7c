"""Moving IDs to storage and results back: the signed-URL side of a compliance job, without I/O.

Uploads: every line is checked (1-19 digits; blank lines skipped; spaces and CR around an ID
tolerated and removed), and a bad line raises ``ValueError`` naming its line number while storage
keeps nothing. A file that is already clean (the usual case) is checked as it is sent: a reader
thread checks blocks a few ahead of the one on the wire (``checked_blocks``), the ``PUT`` carries
the file's size as ``Content-Length``, and a bad line stops the body before its last byte, so
storage holds an incomplete upload and discards it. Checking first and then sending would read
every byte twice in a row; this way checking overlaps sending. A line that is valid but not clean
(CR, spaces, a blank line) stops the body the same way, and the upload starts again from a cleaned
spool. Iterables, file objects and resumable jobs are checked whole before a byte is sent
(``prepare_upload``): anything not clean is first written clean to a temporary spool file. Either
way the upload has a known size: a plain ``PUT`` with ``Content-Length``, or Cloud Storage's
resumable protocol in chunks. Clean blocks of one width are checked at 4 to 6 GB/s (see
``_clean_lines``).

Downloads: a ``GET`` of the signed URL with ``Accept-Encoding: identity`` (so byte offsets are the
file's own); after a dropped or short answer, the next ``GET`` asks ``Range: bytes=N-`` from the
first byte not yet received, so every byte, and so every line, is delivered exactly once.

The classes here decide; the clients' drivers (``client.py``) do the I/O, sync or async.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
import queue
import re
import secrets
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import httpx
from attrs import define, field

from x_compliance import _constants as c
from x_compliance._redact import excerpt, url_for_log
from x_compliance._retry import RetryPolicy
from x_compliance.errors import (
    APIConnectionError,
    DownloadError,
    DownloadExpiredError,
    UploadError,
    UploadExpiredError,
)
from x_compliance_api.models import ComplianceJob, JobStatus

__all__ = [
    "Download",
    "PreparedUpload",
    "Progress",
    "ReplaceWhenDone",
    "ResumableUpload",
    "RetryableAnswer",
    "Source",
    "check_download",
    "check_upload_window",
    "plain_upload_request",
    "prepare_upload",
    "storage_error",
]

Source = str | os.PathLike[str] | Iterable[str | int] | IO[bytes]
"""What ``upload_ids`` reads: a path, an iterable of str/int IDs, or a binary file object."""
Progress = Callable[[int, int | None], None]
"""Called with (done, total or None) as bytes move."""

logger = logging.getLogger(c.LOGGER_NAME)

_ID = re.compile(rb"[0-9]{1,19}")
_DIGITS = b"0123456789"
# A block's shape: each digit becomes "0", a newline stays, anything else becomes "x".
_SHAPE = bytes(0x30 if 0x30 <= b <= 0x39 else b if b == 0x0A else 0x78 for b in range(256))
_TOO_LONG = b"0" * 20
_STORAGE_CODE = re.compile(rb"<Code>([^<]{1,100})</Code>")
_STORAGE_MESSAGE = re.compile(rb"<Message>([^<]{1,300})</Message>")
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
_RANGE = re.compile(r"bytes=0-(\d+)")
_GCS_CHUNK_UNIT = 256 * 1024  # Cloud Storage keeps non-final chunks in multiples of this


# Uploads -------------------------------------------------------------------------------------


@define
class PreparedUpload:
    """A checked upload: ``size`` bytes of ``count`` IDs, one per line, at ``path``."""

    path: Path
    size: int
    count: int
    temporary: bool = False

    def chunks(
        self, start: int = 0, end: int | None = None, progress: Progress | None = None
    ) -> Iterator[bytes]:
        """The bytes from ``start`` to ``end`` (exclusive), in blocks, reporting progress."""
        done = start
        for block in _file_range(self.path, start, self.size if end is None else end):
            done += len(block)
            yield block
            if progress is not None:
                progress(done, self.size)

    def read(self, start: int, end: int) -> bytes:
        with self.path.open("rb") as file:
            file.seek(start)
            return file.read(end - start)

    def close(self) -> None:
        """Remove the spool file, if one was written."""
        if self.temporary:
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> PreparedUpload:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class NotClean(Exception):
    """A file whose IDs are valid but not sent as they are (CR, spaces, blank lines): clean it."""


@define(eq=False)
class CheckedFile:
    """A clean file sent while it is checked: ``size`` bytes; ``count`` IDs, once all were checked."""

    path: Path
    size: int
    count: int = 0

    @classmethod
    def open(cls, path: Path) -> CheckedFile:
        size = path.stat().st_size
        if size == 0:  # an empty PUT cannot be cut short: storage would keep an empty file
            raise ValueError("the source holds no IDs: nothing to upload")
        return cls(path, size)

    def blocks(self, progress: Progress | None = None) -> Iterator[bytes]:
        """The file's bytes in blocks, each yielded once its lines passed and the last one once the
        whole file did: ``ValueError`` at a bad line, ``NotClean`` at a line to clean first."""
        sent = 0
        for block in read_ahead(self._checked(), c.READ_AHEAD_BLOCKS):
            sent += len(block)
            yield block
            if progress is not None:
                progress(sent, self.size)

    def _checked(self) -> Iterator[bytes]:
        """Runs in the read-ahead thread."""
        self.count = done = 0  # count: the lines checked so far, so also the last line's number
        partial = b""
        for block in _file_range(self.path, 0, self.size):
            done += len(block)
            # The line begun in the last block ends at this block's first newline; the rest is
            # checked as a slice of the block (joining the two would copy the whole block again).
            first, end = block.find(b"\n") + 1, block.rfind(b"\n") + 1
            head = partial + block[:first] if first else b""  # no newline: nothing ends here
            body = block[first:end]
            partial = block[end:] if first else partial + block
            head_lines, body_lines = _clean_lines(head), _clean_lines(body)
            if head_lines is None or body_lines is None:
                for line in (head + body)[:-1].split(b"\n"):
                    self.count += 1
                    _check_line(line, self.count, None)  # ValueError at a bad line
                raise NotClean("a line needs cleaning (CR, spaces or a blank line)")
            self.count += head_lines + body_lines
            if done == self.size and partial:  # a last line without its newline
                _check_line(partial, self.count + 1, None)
                raise NotClean("the last line has no newline")
            yield block


def _file_range(path: Path, start: int, end: int) -> Iterator[bytes]:
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


def prepare_upload(source: Source, *, known_unclean: bool = False) -> PreparedUpload:
    """Check every line of ``source`` and return it ready to send; ``ValueError`` on a bad line.

    ``known_unclean``: the path was already found not clean (``NotClean``), so it is cleaned into a
    spool straight away, without first reading it whole to learn whether it can be sent as it is.
    """
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if not known_unclean:
            count, size, untouched = _check_blocks(_file_blocks(path), spool=None)
            if untouched:
                return _non_empty(PreparedUpload(path, size, count))
        with _spool() as (spool, spool_path):
            count, size, _ = _check_blocks(_file_blocks(path), spool=spool)
        return _non_empty(PreparedUpload(spool_path, size, count, temporary=True))
    if hasattr(source, "read"):
        with _spool() as (spool, spool_path):
            count, size, _ = _check_blocks(_stream_blocks(source), spool=spool)  # type: ignore[arg-type]
        return _non_empty(PreparedUpload(spool_path, size, count, temporary=True))
    if isinstance(source, bytes | bytearray):
        raise TypeError("pass IDs as a path, an iterable of IDs or a binary file object, not bytes")
    with _spool() as (spool, spool_path):
        count, size = _check_items(source, spool)
    return _non_empty(PreparedUpload(spool_path, size, count, temporary=True))


class _spool:
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


def _non_empty(prepared: PreparedUpload) -> PreparedUpload:
    if prepared.count == 0:
        prepared.close()
        raise ValueError("the source holds no IDs: nothing to upload")
    return prepared


def _file_blocks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as file:
        yield from _stream_blocks(file)


def _stream_blocks(file: IO[bytes]) -> Iterator[bytes]:
    while block := file.read(c.TRANSFER_BLOCK):
        if not isinstance(block, bytes):
            raise TypeError(f"the file object gave {type(block).__name__}, not bytes: open it with 'rb'")
        yield block


def _check_blocks(blocks: Iterable[bytes], spool: IO[bytes] | None) -> tuple[int, int, bool]:
    """(IDs, clean bytes, already clean) of the lines in ``blocks``, each checked; writes clean
    lines to ``spool``. Already clean: every line was "digits\\n", so the source can be sent as it is.

    Clean blocks (only "digits\\n" lines) are checked whole by ``_clean_lines``; only blocks with
    something else in them (CRLF, blanks, spaces, a bad line) are looked at line by line.
    """
    count = size = line_number = 0
    partial = b""
    untouched = True
    for block in blocks:
        data = partial + block if partial else block
        end = data.rfind(b"\n") + 1
        partial = data[end:]
        whole = data[:end]
        lines = _clean_lines(whole)
        if lines is not None:
            count += lines
            line_number += lines
            size += len(whole)
            if spool is not None:
                spool.write(whole)
            continue
        untouched = False
        for line in whole[:-1].split(b"\n"):
            line_number += 1
            written = _check_line(line, line_number, spool)
            count += written > 0
            size += written
    if partial:
        untouched = False
        written = _check_line(partial, line_number + 1, spool)
        count += written > 0
        size += written
    return count, size, untouched


def _clean_lines(block: bytes) -> int | None:
    """How many lines ``block`` (whole lines) holds when each is 1-19 digits; None when one is not.

    A regular expression looks at every byte in Python's regex engine (0.2 to 0.3 GB/s). IDs of one
    width, the usual file (X's post IDs have 19 digits), are checked at 4 to 6 GB/s instead
    (``_one_width``). Any other block is mapped to its shape, where a character that is not a
    digit, an empty line, or 20 digits in a row is a substring search: 0.2 to 0.3 GB/s too, a
    little faster than the expression, since every search meets a newline every few bytes.
    """
    width = block.find(b"\n")
    if 1 <= width <= 19 and len(block) % (width + 1) == 0 and _one_width(block, width):
        return len(block) // (width + 1)
    shape = block.translate(_SHAPE)
    if b"x" in shape or b"\n\n" in shape or _TOO_LONG in shape or shape.startswith(b"\n"):
        return None
    return shape.count(b"\n")


def _one_width(block: bytes, width: int) -> bool:
    """Whether ``block`` is lines of ``width`` digits each (its length a multiple of ``width + 1``).

    A strided slice finds a newline after every ``width`` digits; every other byte must then be a
    digit. C's ``strspn`` checks that on a copy whose newlines became digits. The whole check then
    takes a third of the time of the fallback (deleting the digits with ``bytes.translate`` must
    leave those newlines and no others), and ``strspn`` runs without the GIL, so the read-ahead
    thread checks while the sending thread sends.
    """
    lines = len(block) // (width + 1)
    newlines = b"\n" * lines
    if block[width :: width + 1] != newlines:
        return False
    digit_span = _digit_span()
    if digit_span is None:
        return block.translate(None, _DIGITS) == newlines
    digits = bytearray(block)
    digits[width :: width + 1] = b"0" * lines
    return digit_span(digits) == len(digits)


@functools.cache
def _digit_span() -> Callable[[bytearray], int] | None:
    """How many digits a non-empty bytearray starts with, by the C library's ``strspn``; None where
    ctypes or the C library's symbols are not at hand (Windows, builds without ctypes), and
    ``bytes.translate`` checks instead.

    ``strspn`` stops at a NUL byte: CPython keeps one after a bytearray's last byte (see
    ``PyByteArray_AsString``; other Pythons get None), and a NUL inside the data stops it short, so
    the data is not all digits. ctypes releases the GIL for the call. It is imported on first use,
    not with x_compliance, whose import it would slow.
    """
    if sys.implementation.name != "cpython":
        return None
    try:
        import ctypes

        strspn = ctypes.CDLL(None).strspn
    except (ImportError, OSError, AttributeError, TypeError):
        return None
    strspn.restype = ctypes.c_size_t
    strspn.argtypes = (ctypes.c_void_p, ctypes.c_char_p)

    def digit_span(buffer: bytearray) -> int:
        # byref holds the buffer's export (no resizing) for the call, which runs without the GIL
        start = ctypes.byref(ctypes.c_char.from_buffer(buffer))
        return strspn(start, _DIGITS)  # type: ignore[no-any-return]

    return digit_span if digit_span(bytearray(b"0123456789a9")) == 10 else None


def _check_line(line: bytes, number: int, spool: IO[bytes] | None) -> int:
    """Check one line; write it clean to ``spool``; return the clean bytes (0 for a blank line)."""
    stripped = line.strip()
    if not stripped:
        return 0
    if not _ID.fullmatch(stripped):
        shown = stripped[:40].decode("utf-8", errors="replace")
        raise ValueError(f"line {number} is not an ID of 1-19 digits: {shown!r}")
    if spool is not None:
        spool.write(stripped + b"\n")
    return len(stripped) + 1


def _check_items(items: Iterable[str | int], spool: IO[bytes]) -> tuple[int, int]:
    count = size = 0
    batch: list[str] = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, bool) or not isinstance(item, str | int):
            raise ValueError(f"line {number} is not an ID: a {type(item).__name__}")
        text = str(item).strip()
        if not text:
            continue
        if not _ID.fullmatch(text.encode()):
            raise ValueError(f"line {number} is not an ID of 1-19 digits: {text[:40]!r}")
        batch.append(text)
        if len(batch) >= c.UPLOAD_BATCH:
            size += _write_batch(batch, spool)
            count += len(batch)
            batch = []
    size += _write_batch(batch, spool)
    return count + len(batch), size


def _write_batch(batch: list[str], spool: IO[bytes]) -> int:
    if not batch:
        return 0
    data = ("\n".join(batch) + "\n").encode()
    spool.write(data)
    return len(data)


def check_upload_window(job: ComplianceJob, now: dt.datetime) -> None:
    """Refuse an upload storage would refuse (the upload window has passed) or X would ignore (the
    job already took its upload)."""
    if job.status == JobStatus.EXPIRED or job.upload_expires_at <= now:
        raise UploadExpiredError(
            f"job {job.id}'s upload URL expired at {job.upload_expires_at:%Y-%m-%d %H:%M:%S} UTC: "
            "create a new job"
        )
    if job.status in (JobStatus.IN_PROGRESS, JobStatus.COMPLETE, JobStatus.FAILED):
        raise UploadError(f"job {job.id} is {job.status}: it already took its upload; create a new job")


def plain_upload_request(job: ComplianceJob, upload: PreparedUpload | CheckedFile) -> dict[str, Any]:
    return {
        "method": "PUT",
        "url": job.upload_url,
        "headers": {"Content-Type": "text/plain", "Content-Length": str(upload.size)},
    }


@define
class ResumableUpload:
    """Cloud Storage's resumable protocol for one prepared upload.

    ``POST`` with ``x-goog-resumable: start`` opens a session (201, ``Location``); each ``PUT`` of a
    chunk carries ``Content-Range: bytes FIRST-LAST/TOTAL``; 308 with ``Range: bytes=0-N`` says what
    storage holds. After a broken chunk, an empty ``PUT`` with ``Content-Range: bytes */TOTAL`` asks
    how much arrived, and the upload goes on from there. ``stalls`` counts breaks since the last
    progress: more than the policy's ``max_retries`` of them in a row ends the upload.
    """

    job: ComplianceJob
    prepared: PreparedUpload
    policy: RetryPolicy
    progress: Progress | None = None
    chunk_size: int = field(factory=lambda: c.RESUMABLE_CHUNK)
    session_url: str | None = None
    offset: int = 0
    done: bool = False
    stalls: int = 0

    def __attrs_post_init__(self) -> None:
        if self.chunk_size <= 0 or self.chunk_size % _GCS_CHUNK_UNIT:
            raise ValueError(
                f"a resumable chunk is a multiple of {_GCS_CHUNK_UNIT} bytes, not {self.chunk_size}"
            )

    def start_request(self) -> dict[str, Any]:
        return {
            "method": "POST",
            "url": self.job.upload_url,
            "headers": {"x-goog-resumable": "start", "Content-Type": "text/plain", "Content-Length": "0"},
        }

    def on_start(self, response: httpx.Response) -> None:
        location = response.headers.get("location")
        if response.status_code not in (200, 201) or not location:
            raise storage_error(response, UploadError, "opening the resumable upload")
        self.session_url = location

    def chunk_request(self) -> dict[str, Any]:
        end = min(self.offset + self.chunk_size, self.prepared.size)
        return {
            "method": "PUT",
            "url": self.session_url,
            "headers": {
                "Content-Type": "text/plain",
                "Content-Range": f"bytes {self.offset}-{end - 1}/{self.prepared.size}",
            },
            "content": self.prepared.read(self.offset, end),
        }

    def status_request(self) -> dict[str, Any]:
        return {
            "method": "PUT",
            "url": self.session_url,
            "headers": {"Content-Range": f"bytes */{self.prepared.size}", "Content-Length": "0"},
        }

    def on_answer(self, response: httpx.Response, *, query: bool = False) -> bool:
        """Take a chunk's answer (or a status query's, ``query=True``); True when the chunk did not
        get through: a transient failure, or a 308 that shows no progress (storage kept nothing)."""
        status = response.status_code
        logger.debug("PUT %s -> %d (at byte %d)", url_for_log(self.session_url or ""), status, self.offset)
        if status in (200, 201):
            self._advance(self.prepared.size)
            self.done = True
            return False
        if status == 308:
            match = _RANGE.fullmatch(response.headers.get("range", "").strip())
            before = self.offset
            self._advance(int(match.group(1)) + 1 if match else 0)
            return not query and self.offset <= before
        if status == 429 or status in self.policy.retryable_statuses:
            return True
        if status in (404, 410):
            raise storage_error(response, UploadError, "the resumable upload session is gone")
        raise storage_error(response, UploadError, "uploading a chunk")

    def after_break(self, cause: str, status: int | None = None) -> float:
        """Seconds to wait before asking storage how much arrived; after too many stalls in a row,
        ``UploadError`` (storage kept answering ``status``) or ``APIConnectionError`` (no answer)."""
        logger.info("upload of job %s broke at byte %d (%s): resuming", self.job.id, self.offset, cause)
        self.stalls += 1
        if self.stalls > self.policy.max_retries:
            message = (
                f"upload of job {self.job.id} stopped at byte {self.offset} of {self.prepared.size} "
                f"after {self.stalls} failures in a row ({cause})"
            )
            if status is None:
                raise APIConnectionError(message)
            raise UploadError(message, status_code=status)
        return self.policy.backoff(self.stalls)

    def _advance(self, offset: int) -> None:
        if offset > self.offset:
            self.stalls = 0
            if self.progress is not None:
                self.progress(offset, self.prepared.size)
        self.offset = offset


# Downloads -----------------------------------------------------------------------------------


def check_download(job: ComplianceJob, now: dt.datetime) -> None:
    """Refuse a download that cannot give results: a job not complete, or an expired URL."""
    if job.download_expires_at <= now:
        raise DownloadExpiredError(
            f"job {job.id}'s results expired at {job.download_expires_at:%Y-%m-%d %H:%M:%S} UTC"
        )
    if job.status != JobStatus.COMPLETE:
        raise DownloadError(f"job {job.id} is {job.status}, not complete: wait for it first")


class RetryableAnswer(Exception):
    """An answer from storage worth asking again (429, 5xx)."""


@define
class Download:
    """One results download, resumed with ``Range`` until every byte has arrived once."""

    job: ComplianceJob
    policy: RetryPolicy
    progress: Progress | None = None
    offset: int = 0
    total: int | None = None
    stalls: int = 0
    _skip: int = field(default=0, init=False)

    def request(self) -> dict[str, Any]:
        headers = {"Accept-Encoding": "identity"}
        if self.offset:
            headers["Range"] = f"bytes={self.offset}-"
        return {"method": "GET", "url": self.job.download_url, "headers": headers}

    def on_response(self, response: httpx.Response) -> bool:
        """Check the answer's status; False when there is nothing (more) to read."""
        status = response.status_code
        logger.debug("GET %s -> %d (from byte %d)", url_for_log(self.job.download_url), status, self.offset)
        if status == 206:
            match = _CONTENT_RANGE.fullmatch(response.headers.get("content-range", ""))
            if match is None or int(match.group(1)) > self.offset:
                raise DownloadError(
                    f"storage answered a range that does not start at byte {self.offset}", status_code=206
                )
            self._skip = self.offset - int(match.group(1))
            if match.group(3) != "*":
                self.total = int(match.group(3))
            return True
        if status == 200:
            self._skip = self.offset  # storage ignored Range: skip what already arrived
            length = response.headers.get("content-length")
            if length is not None and length.isdigit():
                self.total = int(length)
            return True
        if status == 416 and self.total is not None and self.offset >= self.total:
            return False
        if status == 429 or status in self.policy.retryable_statuses:
            raise RetryableAnswer(f"storage answered {status}")
        raise storage_error(response, DownloadError, "downloading the results")

    def accept(self, chunk: bytes) -> bytes:
        """The part of ``chunk`` not delivered before."""
        if self._skip:
            dropped = min(self._skip, len(chunk))
            self._skip -= dropped
            chunk = chunk[dropped:]
        if chunk:
            self.offset += len(chunk)
            self.stalls = 0
            if self.progress is not None:
                self.progress(self.offset, self.total)
        return chunk

    @property
    def finished(self) -> bool:
        """Whether the answer that just ended held the rest (unknown length: taken as whole)."""
        return self.total is None or self.offset >= self.total

    def after_break(self, cause: str) -> float:
        """Seconds to wait before resuming; ``DownloadError`` after too many breaks in a row."""
        logger.info("download of job %s broke at byte %d (%s): resuming", self.job.id, self.offset, cause)
        self.stalls += 1
        if self.stalls > self.policy.max_retries:
            got = f"{self.offset} of {self.total}" if self.total is not None else str(self.offset)
            raise DownloadError(
                f"results of job {self.job.id} stopped at byte {got} (truncated) after "
                f"{self.stalls} failed answers in a row ({cause})"
            )
        return self.policy.backoff(self.stalls)


def storage_error(
    response: httpx.Response, kind: type[UploadError] | type[DownloadError], doing: str
) -> UploadError | DownloadError:
    """The error for a storage answer: Cloud Storage's XML ``Code`` and ``Message`` when present."""
    body = response.content
    code_match = _STORAGE_CODE.search(body)
    code = code_match.group(1).decode(errors="replace") if code_match else None
    message_match = _STORAGE_MESSAGE.search(body)
    said = message_match.group(1).decode(errors="replace") if message_match else excerpt(body, limit=120)
    text = f"storage answered {response.status_code}{f' {code}' if code else ''} {doing}: {said}"
    if kind is UploadError:
        upload_kind = UploadExpiredError if code == "ExpiredToken" else UploadError
        return upload_kind(text, status_code=response.status_code, code=code)
    download_kind = DownloadExpiredError if code == "ExpiredToken" else DownloadError
    return download_kind(text, status_code=response.status_code)


class ReplaceWhenDone:
    """A new file beside ``target``, renamed onto it only if the block ends without error, and
    removed otherwise: a failed download never leaves a partial file under ``target``.

    Created with ``open(..., "xb")``, so it gets the user's umask like any other file. It is synced
    to disk before the rename, so that a crash never leaves an empty or short file under
    ``target``; to keep that from costing a pause at the end, a helper thread syncs what was written
    every ``SYNC_EVERY`` bytes while the download goes on.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
        self._unsynced = 0
        self._syncing: threading.Thread | None = None

    def __enter__(self) -> ReplaceWhenDone:
        self.file = self.temporary.open("xb")
        return self

    def write(self, chunk: bytes) -> None:
        self.file.write(chunk)
        self._unsynced += len(chunk)
        if self._unsynced >= c.SYNC_EVERY and not (self._syncing and self._syncing.is_alive()):
            self._unsynced = 0
            self.file.flush()
            self._syncing = threading.Thread(target=_sync_data, args=(self.file.fileno(),), daemon=True)
            self._syncing.start()

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        try:
            if self._syncing is not None:
                self._syncing.join()
            if exc_type is None:
                self.file.flush()
                os.fsync(self.file.fileno())
            self.file.close()
            if exc_type is None:
                os.replace(self.temporary, self.target)
        finally:
            self.file.close()
            self.temporary.unlink(missing_ok=True)


def _sync_data(descriptor: int) -> None:
    with contextlib.suppress(OSError):  # the final fsync reports any real problem
        getattr(os, "fdatasync", os.fsync)(descriptor)

"""Bytes in and out: request bodies read in bounded chunks (``Content-Length`` or chunked), and the
``Reply`` value that handlers return and the server writes (from memory, or a slice of a file)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Final, Protocol

CHUNK: Final = 64 * 1024

JSON: Final = "application/json; charset=utf-8"
PROBLEM_JSON: Final = "application/problem+json"
XML: Final = "application/xml; charset=UTF-8"
HTML: Final = "text/html; charset=UTF-8"


class Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...
    def readline(self, size: int, /) -> bytes: ...


class ConnectionDropped(Exception):
    """The client's connection ended before the body it announced did."""


class MalformedBody(Exception):
    """The body's framing is broken: a bad Content-Length or chunk header."""


class RequestBody:
    """A request's body, read from the socket in chunks of at most ``CHUNK`` bytes, never whole."""

    def __init__(self, rfile: Readable, headers: Message) -> None:
        self._rfile = rfile
        self._chunked = "chunked" in (headers.get("Transfer-Encoding") or "").lower()
        self._left: int | None = None  # bytes left in a Content-Length body or the current chunk
        self._done = False
        length = headers.get("Content-Length")
        if not self._chunked:
            if length is not None and not length.strip().isdigit():
                raise MalformedBody(f"Content-Length {length!r} is not a number")
            self._left = 0 if length is None else int(length)
        #: Whether the request said how long its body is (Content-Length or chunked).
        self.framed = self._chunked or length is not None

    def chunks(self, limit: int | None = None) -> Iterator[bytes]:
        """The body in pieces; at most ``limit`` bytes when given (the rest stays unread)."""
        budget = limit
        while budget is None or budget > 0:
            piece = self._read(CHUNK if budget is None else min(CHUNK, budget))
            if not piece:
                return
            if budget is not None:
                budget -= len(piece)
            yield piece

    def read_all(self, max_bytes: int) -> bytes | None:
        """The whole body when it is at most ``max_bytes`` long, else None (the rest drained)."""
        parts: list[bytes] = []
        size = 0
        for piece in self.chunks():
            size += len(piece)
            if size > max_bytes:
                self.drain()
                return None
            parts.append(piece)
        return b"".join(parts)

    def drain(self) -> None:
        """Read and discard what is left, so the connection can carry the next request."""
        for _ in self.chunks():
            pass

    @property
    def finished(self) -> bool:
        return self._done

    def _read(self, size: int) -> bytes:
        if self._done:
            return b""
        if self._chunked and not self._left:
            self._left = self._next_chunk_size()
            if self._left == 0:
                self._read_trailers()
                self._done = True
                return b""
        assert self._left is not None
        if self._left == 0:
            self._done = True
            return b""
        piece = self._rfile.read(min(size, self._left))
        if not piece:
            raise ConnectionDropped
        self._left -= len(piece)
        if self._chunked and self._left == 0 and self._rfile.read(2) != b"\r\n":
            raise MalformedBody("a chunk does not end with CRLF")
        if not self._chunked and self._left == 0:
            self._done = True
        return piece

    def _next_chunk_size(self) -> int:
        line = self._rfile.readline(1024)
        if not line:
            raise ConnectionDropped
        size_text = line.split(b";", 1)[0].strip()
        try:
            return int(size_text, 16)
        except ValueError:
            raise MalformedBody(f"bad chunk size {size_text!r}") from None

    def _read_trailers(self) -> None:
        while True:
            line = self._rfile.readline(8192)
            if not line:
                raise ConnectionDropped
            if line in (b"\r\n", b"\n"):
                return


@dataclass(frozen=True)
class FileSlice:
    """Part of a file on disk, sent as a body without loading it."""

    path: Path
    start: int
    length: int


@dataclass
class Reply:
    """An HTTP answer: status, headers, and a body from memory or a ``FileSlice``."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    file: FileSlice | None = None
    sent: Callable[[], None] | None = None  # called once the whole body is written

    @property
    def length(self) -> int:
        return self.file.length if self.file is not None else len(self.body)


def json_reply(
    status: int,
    document: object,
    *,
    content_type: str = JSON,
    headers: Iterable[tuple[str, str]] = (),
) -> Reply:
    body = json.dumps(document, separators=(",", ":")).encode()
    return Reply(status, [("Content-Type", content_type), *headers], body)


def problem_reply(status: int, problem: object, headers: Iterable[tuple[str, str]] = ()) -> Reply:
    return json_reply(status, problem, content_type=PROBLEM_JSON, headers=headers)


def xml_reply(status: int, body: bytes, headers: Iterable[tuple[str, str]] = ()) -> Reply:
    return Reply(status, [("Content-Type", XML), *headers], body)


def html_reply(status: int, body: bytes) -> Reply:
    return Reply(status, [("Content-Type", HTML)], body)

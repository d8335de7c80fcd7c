"""The Cloud Storage side: signed URLs, plain and resumable uploads to disk, ranged downloads.

URLs look like Cloud Storage's V4 signed URLs (``X-Goog-*`` query parameters) under the
emulator's own address, ``/storage/upload/{job id}`` and ``/storage/download/{job id}``. The
signature is an HMAC-SHA256, with a secret of this emulator, over the method the URL is for (PUT
for a plain upload, POST to start a resumable one, GET to download), the path, the ``X-Goog-*``
parameters and the values of the signed headers other than ``host`` (``content-type:
text/plain``, and ``x-goog-resumable: start`` for resumable jobs). So a wrong method, a missing
or different signed header, an edited parameter or another emulator's URL all get 403
``SignatureDoesNotMatch``, as they would from Cloud Storage.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Final
from urllib.parse import quote, urlencode

from x_compliance.emulator import _problems as problems
from x_compliance.emulator._clock import Clock, goog_date, iso_seconds, parse_goog_date
from x_compliance.emulator._state import DOWNLOAD_SECONDS, Job, JobBook
from x_compliance.emulator._wire import (
    ConnectionDropped,
    FileSlice,
    Reply,
    RequestBody,
    xml_reply,
)

ALGORITHM: Final = "GOOG4-HMAC-SHA256"
UPLOAD_PATH: Final = "/storage/upload/"
DOWNLOAD_PATH: Final = "/storage/download/"
PARAMETERS: Final = (
    "X-Goog-Algorithm",
    "X-Goog-Credential",
    "X-Goog-Date",
    "X-Goog-Expires",
    "X-Goog-SignedHeaders",
    "X-Goog-Signature",
)
# The values the signed headers must have; host is signed by name only (see the module doc).
SIGNED_VALUES: Final = {"content-type": "text/plain", "x-goog-resumable": "start"}
# Cloud Storage keeps resumable data in multiples of 256 KiB: of a chunk that is not the last,
# it persists up to the last whole multiple and says so in the 308's Range.
RESUMABLE_QUANTUM: Final = 256 * 1024
CONTENT_RANGE: Final = re.compile(r"bytes (?:(\d+)-(\d+)|\*)/(\d+|\*)")
RANGE: Final = re.compile(r"bytes=(\d*)-(\d*)")


class Signer:
    """Makes and checks this emulator's signed URLs."""

    def __init__(self, base_url: str, clock: Clock) -> None:
        self._base_url = base_url
        self._clock = clock
        self._secret = secrets.token_bytes(32)

    def job_urls(self, job_id: str, created_at: int, upload_seconds: int, resumable: bool) -> tuple[str, str]:
        """The job's (upload_url, download_url)."""
        upload_headers = "content-type;host;x-goog-resumable" if resumable else "content-type;host"
        upload = self._url(
            "POST" if resumable else "PUT",
            UPLOAD_PATH + job_id,
            created_at,
            upload_seconds,
            upload_headers,
        )
        download = self._url("GET", DOWNLOAD_PATH + job_id, created_at, DOWNLOAD_SECONDS, "host")
        return upload, download

    def _url(self, method: str, path: str, date: int, expires: int, signed_headers: str) -> str:
        stamp = goog_date(date)
        query = {
            "X-Goog-Algorithm": ALGORITHM,
            "X-Goog-Credential": f"emulator/{stamp[:8]}/auto/storage/goog4_request",
            "X-Goog-Date": stamp,
            "X-Goog-Expires": str(expires),
            "X-Goog-SignedHeaders": signed_headers,
        }
        values = [SIGNED_VALUES.get(name, "") for name in signed_headers.split(";")]
        query["X-Goog-Signature"] = self._signature(method, path, query, values)
        return f"{self._base_url}{path}?{urlencode(query, quote_via=quote)}"

    def _signature(self, method: str, path: str, query: Mapping[str, str], header_values: list[str]) -> str:
        canonical = "\n".join([method, path, *(query[name] for name in PARAMETERS[:-1]), *header_values])
        return hmac.new(self._secret, canonical.encode(), hashlib.sha256).hexdigest()

    def refusal(
        self, method: str, path: str, query: Mapping[str, list[str]], headers: Message
    ) -> Reply | None:
        """Cloud Storage's answer to a request this signed URL does not allow, or None."""
        if headers.get("Authorization") is not None:
            return xml_reply(400, problems.AUTHORIZATION_WITH_SIGNATURE)
        given = {name: query.get(name, []) for name in PARAMETERS}
        if not any(given.values()):
            return xml_reply(403, problems.ANONYMOUS_ACCESS)
        for name, values in given.items():
            if len(values) != 1:
                return xml_reply(400, problems.invalid_argument(f"{name} must be given once."))
        params = {name: values[0] for name, values in given.items()}
        date = parse_goog_date(params["X-Goog-Date"])
        expires = params["X-Goog-Expires"]
        if params["X-Goog-Algorithm"] != ALGORITHM:
            return xml_reply(400, problems.invalid_argument("Unsupported X-Goog-Algorithm."))
        if date is None or not expires.isdigit() or int(expires) > DOWNLOAD_SECONDS:
            return xml_reply(400, problems.invalid_argument("Malformed X-Goog-Date or X-Goog-Expires."))
        names = params["X-Goog-SignedHeaders"].split(";")
        values = [(headers.get(name) or "").strip() if name != "host" else "" for name in names]
        expected = self._signature(method, path, params, values)
        if not hmac.compare_digest(expected, params["X-Goog-Signature"]):
            return xml_reply(403, problems.SIGNATURE_DOES_NOT_MATCH)
        if self._clock.now() > date + int(expires):
            return xml_reply(400, problems.expired_token(iso_seconds(date + int(expires))))
        return None


@dataclass
class _Session:
    """A resumable upload in progress: its bytes so far are in ``path``."""

    job_id: str
    path: Path
    received: int = 0
    complete: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


class Storage:
    """Answers requests to upload URLs, resumable sessions and download URLs."""

    def __init__(self, base_url: str, signer: Signer, jobs: JobBook, folder: Path) -> None:
        self._base_url = base_url
        self._signer = signer
        self._jobs = jobs
        self._folder = folder
        self._sessions: dict[str, _Session] = {}
        self._lock = threading.Lock()
        # For tests: what storage took (bytes, ID lines) and how often it sent whole results, per job.
        self.taken: dict[str, list[tuple[int, int]]] = {}
        self.sent_whole: dict[str, int] = {}

    def upload(
        self,
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        headers: Message,
        body: RequestBody,
    ) -> Reply | None:
        """A request to an upload URL or a session URL. None: the client went away mid-body."""
        if "upload_id" in query:
            return self._session_request(method, path, query["upload_id"][0], headers, body)
        refusal = self._signer.refusal(method, path, query, headers)
        job = self._jobs.find(path.removeprefix(UPLOAD_PATH))
        if refusal is not None or job is None:
            body.drain()
            return refusal or xml_reply(404, problems.NO_SUCH_KEY)
        if job.resumable:  # the signature only allows POST with x-goog-resumable: start
            body.drain()
            return self._start_session(job.id, path)
        if not body.framed:
            return xml_reply(411, problems.MISSING_CONTENT_LENGTH)
        part = self._folder / f"{job.id}.{secrets.token_hex(8)}.part"
        md5 = hashlib.md5()
        try:
            with part.open("wb") as sink:
                for piece in body.chunks():
                    md5.update(piece)
                    sink.write(piece)
        except ConnectionDropped:
            part.unlink()
            return None
        self._took(job.id, part)
        self._jobs.accept_upload(job, part)
        return Reply(
            200,
            [
                ("ETag", f'"{md5.hexdigest()}"'),
                ("x-goog-hash", "md5=" + base64.b64encode(md5.digest()).decode()),
            ],
        )

    def _start_session(self, job_id: str, path: str) -> Reply:
        upload_id = secrets.token_urlsafe(24)
        session = _Session(job_id, self._folder / f"{job_id}.{secrets.token_hex(8)}.session")
        session.path.touch()
        with self._lock:
            self._sessions[upload_id] = session
        location = f"{self._base_url}{path}?upload_id={upload_id}"
        return Reply(201, [("Location", location), ("X-GUploader-UploadID", upload_id)])

    def _session_request(
        self, method: str, path: str, upload_id: str, headers: Message, body: RequestBody
    ) -> Reply | None:
        with self._lock:
            session = self._sessions.get(upload_id)
        job_id = path.removeprefix(UPLOAD_PATH)
        job = self._jobs.find(job_id)
        if headers.get("Authorization") is not None:
            body.drain()
            return xml_reply(400, problems.AUTHORIZATION_WITH_SIGNATURE)
        if session is None or job is None or session.job_id != job_id:
            body.drain()
            return xml_reply(404, problems.NO_SUCH_UPLOAD)
        if method == "DELETE":  # Cloud Storage's way to cancel a session
            body.drain()
            with self._lock:
                self._sessions.pop(upload_id, None)
            with contextlib.suppress(OSError):
                session.path.unlink()
            return Reply(499)
        if method != "PUT":
            body.drain()
            return xml_reply(405, problems.storage_error("MethodNotAllowed", "Method not allowed."))
        with session.lock:
            if not session.complete and self._jobs.status(job) == "expired":
                body.drain()
                return xml_reply(404, problems.NO_SUCH_UPLOAD)
            return self._session_put(session, job, headers.get("Content-Range"), body)

    def _session_put(
        self, session: _Session, job: Job, content_range: str | None, body: RequestBody
    ) -> Reply | None:
        if session.complete:
            body.drain()
            return Reply(200)
        if content_range is None:  # the whole file in one request, allowed before any chunk
            first, last, total = 0, None, None
            if session.received:
                body.drain()
                return self._bad_chunk("Content-Range is needed to resume an upload.")
        else:
            match = CONTENT_RANGE.fullmatch(content_range.strip())
            if match is None:
                body.drain()
                return self._bad_chunk(f"Malformed Content-Range {content_range!r}.")
            if match[1] is None:  # bytes */TOTAL: how much arrived? (and finish, if all of it)
                if body.read_all(0) is None:
                    return self._bad_chunk("A status query must have an empty body.")
                if match[3] != "*" and int(match[3]) == session.received:
                    return self._finish(session, job)
                if match[3] != "*" and int(match[3]) < session.received:
                    return self._bad_chunk("The total is less than what was received.")
                return self._incomplete(session)
            first, last = int(match[1]), int(match[2])
            total = None if match[3] == "*" else int(match[3])
            if last < first or (total is not None and last >= total):
                body.drain()
                return self._bad_chunk(f"Content-Range {content_range!r} is not consistent.")
            if first != session.received:  # not where our data ends: say where it does
                body.drain()
                return self._incomplete(session)
        expected = None if last is None else last - first + 1
        try:
            with session.path.open("ab") as sink:
                for piece in body.chunks():
                    sink.write(piece)
        except ConnectionDropped:
            self._truncate(session, session.received)  # nothing of a broken request is kept
            return None
        size = session.path.stat().st_size - session.received
        if expected is not None and size != expected:
            self._truncate(session, session.received)
            return self._bad_chunk("The body's length does not match Content-Range.")
        if last is None or (total is not None and last + 1 == total):
            session.received += size
            return self._finish(session, job)
        kept = (last + 1) // RESUMABLE_QUANTUM * RESUMABLE_QUANTUM
        self._truncate(session, max(kept, session.received))
        return self._incomplete(session)

    def _truncate(self, session: _Session, size: int) -> None:
        with session.path.open("r+b") as file:
            file.truncate(size)
        session.received = size

    def _incomplete(self, session: _Session) -> Reply:
        headers = [("Range", f"bytes=0-{session.received - 1}")] if session.received else []
        return Reply(308, headers)

    def _finish(self, session: _Session, job: Job) -> Reply:
        session.complete = True
        self._took(job.id, session.path)
        self._jobs.accept_upload(job, session.path)
        return Reply(200)

    def _took(self, job_id: str, upload: Path) -> None:
        with upload.open("rb") as file:
            lines = sum(block.count(b"\n") for block in iter(lambda: file.read(1 << 20), b""))
        with self._lock:
            self.taken.setdefault(job_id, []).append((upload.stat().st_size, lines))

    def _sent_whole(self, job_id: str) -> None:
        with self._lock:
            self.sent_whole[job_id] = self.sent_whole.get(job_id, 0) + 1

    @staticmethod
    def _bad_chunk(details: str) -> Reply:
        return xml_reply(400, problems.invalid_argument(details))

    def download(
        self,
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        headers: Message,
        body: RequestBody,
    ) -> Reply:
        """A request to a download URL: the results, whole or the one range asked for."""
        body.drain()
        refusal = self._signer.refusal(method, path, query, headers)
        if refusal is not None:
            return refusal
        job = self._jobs.find(path.removeprefix(DOWNLOAD_PATH))
        results = self._jobs.results_file(job) if job is not None else None
        if job is None or results is None:
            return xml_reply(404, problems.NO_SUCH_KEY)
        size = results.stat().st_size
        common = [("Content-Type", "application/octet-stream"), ("Accept-Ranges", "bytes")]
        try:
            wanted = _byte_range(headers.get("Range"), size)
        except _Unsatisfiable:
            return xml_reply(416, problems.INVALID_RANGE, [("Content-Range", f"bytes */{size}")])
        sent = functools.partial(self._sent_whole, job.id)
        if wanted is None:
            return Reply(200, common, file=FileSlice(results, 0, size), sent=sent)
        start, end = wanted
        return Reply(
            206,
            [*common, ("Content-Range", f"bytes {start}-{end}/{size}")],
            file=FileSlice(results, start, end - start + 1),
            sent=sent if end == size - 1 else None,
        )


class _Unsatisfiable(Exception):
    """A range that starts past the end of the file."""


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) of a single ``Range: bytes=...``; None to send everything."""
    match = RANGE.fullmatch((header or "").strip())
    if match is None or match[1] == match[2] == "":
        return None  # absent, several ranges or not bytes: the whole file, as HTTP allows
    if match[1] == "":
        suffix = int(match[2])
        if not suffix or not size:
            raise _Unsatisfiable
        return max(size - suffix, 0), size - 1
    first = int(match[1])
    last = min(int(match[2]), size - 1) if match[2] else size - 1
    if first >= size or last < first:
        raise _Unsatisfiable
    return first, last

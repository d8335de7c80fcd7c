"""Keeping secrets out of messages and logs: the bearer token and signed URLs' signatures."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

_SIGNATURE = re.compile(r"(X-Goog-Signature=)[^&\s\"'<>]+", re.IGNORECASE)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9%._~+/=-]+", re.IGNORECASE)


def redact(text: str, *secrets: str) -> str:
    """``text`` with every signature, bearer credential and given secret replaced by ``***``."""
    text = _SIGNATURE.sub(r"\1***", text)
    text = _BEARER.sub(r"\1***", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def url_for_log(url: str) -> str:
    """A URL's host and path only: signed URLs carry their credential in the query."""
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}" if parts.netloc else parts.path


def excerpt(body: bytes, *secrets: str, limit: int = 200) -> str:
    """The start of a response body, on one line, redacted, for an error message."""
    text = body[: limit * 4].decode("utf-8", errors="replace")
    text = " ".join(text.split())
    text = redact(text, *secrets)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class RedactingFilter(logging.Filter):
    """Rewrites records so that no signature or bearer credential reaches a handler.

    Attached to httpx's logger, which logs every request's full URL at INFO: signed storage URLs
    carry their credential in the query (``X-Goog-Signature``, a resumable session's ``upload_id``).
    """

    # A resumable session's id: in its URL's query, and in Cloud Storage's X-GUploader-UploadID
    # header, which httpcore's DEBUG records show among the response headers.
    _SESSION = re.compile(r"(upload_id=|b'x-guploader-uploadid', b')[^&\s\"'<>]+", re.IGNORECASE)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self._SESSION.sub(r"\1***", redact(message))
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def guard_library_logs() -> None:
    """Attach ``RedactingFilter`` to the loggers of the HTTP libraries, once."""
    for name in ("httpx", "httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy"):
        library_logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in library_logger.filters):
            library_logger.addFilter(RedactingFilter())

"""Cloud Storage's side of a job's signed URLs: reading its answers, and keeping credentials away.

Requests to signed URLs carry their credential in the URL. They must never carry the API's bearer
token (Cloud Storage answers 400 ``InvalidAuthenticationInfo``, and the token would leave X), nor
anything else the caller's ``httpx`` client adds by default: ``strip_credentials`` removes it.
"""

from __future__ import annotations

import re

import httpx

from x_compliance._redact import excerpt
from x_compliance.errors import DownloadError, DownloadExpiredError, UploadError, UploadExpiredError

_STORAGE_CODE = re.compile(rb"<Code>([^<]{1,100})</Code>")
_STORAGE_MESSAGE = re.compile(rb"<Message>([^<]{1,300})</Message>")
_CREDENTIAL_HEADERS = ("authorization", "cookie")


def strip_credentials(request: httpx.Request) -> httpx.Request:
    """``request`` without the credentials a client adds by default (``Authorization``, cookies)."""
    for name in _CREDENTIAL_HEADERS:
        if name in request.headers:
            del request.headers[name]
    return request


class RetryableAnswer(Exception):
    """An answer from storage worth asking again (429, 5xx)."""


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

"""Every exception the client raises, in one tree.

::

    ComplianceError                 anything this package raises on purpose
    ├── APIError                    X answered, and the answer was an error (status_code, problems)
    │   ├── BadRequestError         400: a parameter was invalid (problems[0].errors says which)
    │   ├── AuthenticationError     401: the bearer token is missing, malformed or revoked
    │   ├── PermissionDeniedError   403: the app may not use the compliance endpoints
    │   ├── NotFoundError           404, or a 200 whose only content is a resource-not-found problem
    │   ├── ConflictError           409: a job of that type is already running
    │   ├── RateLimitError          429: the endpoint's bucket is empty (reset_at)
    │   └── ServerError             5xx, after retries where retrying was safe
    ├── APIConnectionError          no answer: connection failed or timed out, after retries
    │   └── APITimeoutError         the request timed out
    ├── UploadError                 storage refused the upload of IDs (status_code, code)
    │   └── UploadExpiredError      the job's upload_url expired before the upload
    ├── DownloadError               the results could not be read (status_code), or arrived truncated
    │   └── DownloadExpiredError    the job's download_url expired
    └── JobError                    the job ended, or did not end, in a way that gives no results (job)
        ├── JobFailedError          status "failed"; job.error says why, in X's words
        ├── JobExpiredError         status "expired"
        └── WaitTimeoutError        still running when the wait's timeout passed

Arguments that are wrong before any request is sent (an id that is not 1-19 digits, an unknown job
type, a name over 64 characters) raise the built-in ``ValueError`` instead.

Messages are one line, say what the user can act on (X's problem title and detail, the job id, the
reset time), and never hold the bearer token or a signed URL's signature.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from x_compliance_api.models import InvalidRequestProblem, Problem
from x_compliance_api.types import UNSET

if TYPE_CHECKING:
    from x_compliance_api.models import ComplianceJob

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ComplianceError",
    "ConflictError",
    "DownloadError",
    "DownloadExpiredError",
    "JobError",
    "JobExpiredError",
    "JobFailedError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "UploadError",
    "UploadExpiredError",
    "WaitTimeoutError",
]

AnyProblem = Problem | InvalidRequestProblem


class ComplianceError(Exception):
    """Base of every error this package raises on purpose.

    Every one pickles with its attributes (errors cross process pools): the default pickling of
    exceptions calls the class with the message alone, which the keyword-only attributes refuse.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (type(self), self.args), self.__dict__


def _rebuild(cls: type[ComplianceError], args: tuple[object, ...]) -> ComplianceError:
    """An error of ``cls`` with ``args``, its attributes still to be set (by pickle, from the state
    ``__reduce__`` gave): ``__init__`` is not called, as it wants what the state holds."""
    return cls.__new__(cls, *args)


class APIError(ComplianceError):
    """X answered with an error.

    Attributes:
        status_code: the HTTP status (200 when a 200 body held only ``errors``).
        problems: X's RFC 7807 problems, parsed; empty when the body was not a problem (an HTML page
            from a proxy, say), in which case the message holds a short excerpt of it.
        headers: the response headers.
        title, detail: those of the first problem, or None.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        problems: Sequence[AnyProblem] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.problems: tuple[AnyProblem, ...] = tuple(problems)
        self.headers: dict[str, str] = dict(headers or {})

    @property
    def title(self) -> str | None:
        return self.problems[0].title if self.problems else None

    @property
    def detail(self) -> str | None:
        if not self.problems or self.problems[0].detail is UNSET:
            return None
        return str(self.problems[0].detail)


class BadRequestError(APIError):
    """400: X rejected a parameter; ``problems[0].errors`` lists each one with X's message."""


class AuthenticationError(APIError):
    """401: the bearer token is missing, malformed or revoked."""


class PermissionDeniedError(APIError):
    """403: the token is valid but its app may not use this endpoint."""


class NotFoundError(APIError):
    """No such job: a 404, or a 200 whose only content is a resource-not-found problem."""


class ConflictError(APIError):
    """409: a job of this type is already running (created or in_progress)."""


class RateLimitError(APIError):
    """429: the endpoint's bucket is empty until ``reset_at`` (None when X did not say)."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        problems: Sequence[AnyProblem] = (),
        headers: Mapping[str, str] | None = None,
        reset_at: dt.datetime | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, problems=problems, headers=headers)
        self.reset_at = reset_at


class ServerError(APIError):
    """5xx: X or a proxy in front of it failed (after retries, where retrying was safe)."""


class APIConnectionError(ComplianceError):
    """No answer from X: the connection failed, or broke, after the retries allowed.

    ``maybe_received`` is False when the request certainly never reached X (the connection never
    opened), True when X may have received it and acted.
    """

    def __init__(self, message: str, *, maybe_received: bool = True) -> None:
        super().__init__(message)
        self.maybe_received = maybe_received


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or waiting for a pooled connection)."""


class UploadError(ComplianceError):
    """Storage refused the upload: ``status_code`` and Cloud Storage's error ``code``."""

    def __init__(self, message: str, *, status_code: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code


class UploadExpiredError(UploadError):
    """The job's ``upload_url`` expired (15 minutes after creation): create a new job."""


class DownloadError(ComplianceError):
    """The results could not be read, or arrived shorter than announced."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class DownloadExpiredError(DownloadError):
    """The job's ``download_url`` expired (7 days after creation)."""


class JobError(ComplianceError):
    """A job ended, or did not end in time, without results to read; ``job`` is its last state."""

    def __init__(self, message: str, *, job: ComplianceJob) -> None:
        super().__init__(message)
        self.job = job


class JobFailedError(JobError):
    """The job failed; ``job.error`` says why, in X's words."""


class JobExpiredError(JobError):
    """The job expired (its upload window passed, or its results were deleted)."""


class WaitTimeoutError(JobError):
    """The job was still running when the wait's timeout passed; it may still complete."""
